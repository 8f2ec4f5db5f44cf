/*
 * Copyright (c) 2026 The fpmd developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Test helpers (wire.h): the web server's side of a FastCGI
 * connection, for unit tests.
 */

#include "../../config.h"

#include <sys/types.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../fpmd.h"
#include "../../worker.h"
#include "wire.h"

void
wire_record(struct wire *w, int type, unsigned int id, const void *data,
    size_t len)
{
	ATF_REQUIRE(w->len + PROTO_RECORD_SIZE(len) <= sizeof(w->b));
	w->len += proto_record(w->b + w->len, type, id, data, len);
}

void
wire_begin(struct wire *w, unsigned int id, int role, int flags)
{
	ATF_REQUIRE(w->len + 2 * FCGI_HEADER_LEN <= sizeof(w->b));
	w->len += proto_begin_request(w->b + w->len, id, role, flags);
}

/* One PARAMS record holding name=value. */
void
wire_param(struct wire *w, unsigned int id, const char *name,
    const char *value)
{
	uint8_t	 nv[4096];
	size_t	 n;

	n = proto_nv_put(nv, sizeof(nv), name, strlen(name), value,
	    strlen(value));
	ATF_REQUIRE(n > 0);
	wire_record(w, FCGI_PARAMS, id, nv, n);
}

/* BEGIN, the params SCRIPT_NAME=script, and an empty STDIN. */
void
wire_request(struct wire *w, unsigned int id, int flags, const char *script)
{
	wire_begin(w, id, FCGI_RESPONDER, flags);
	wire_param(w, id, "SCRIPT_NAME", script);
	wire_record(w, FCGI_PARAMS, id, NULL, 0);
	wire_record(w, FCGI_STDIN, id, NULL, 0);
}

void
wire_send(int fd, const struct wire *w)
{
	ATF_REQUIRE_EQ(write(fd, w->b, w->len), (ssize_t)w->len);
}

/*
 * What fpmd sent back so far on fd, one line per record in summary:
 * its type and id, and for a few types what they say; the STDOUT
 * content, concatenated and NUL-terminated, in body if there is one.
 * Records are split by hand, so that a reply fpmd gets wrong cannot
 * hide behind proto.c.
 */
void
wire_replies(int fd, char *summary, size_t size, char *body,
    size_t bodysize)
{
	static uint8_t	 buf[1024 * 1024];
	const uint8_t	*r;
	size_t		 len = 0, off = 0, clen, n, blen = 0;
	unsigned int	 id;
	ssize_t		 got;

	ATF_REQUIRE(ev_nonblock(fd, 1) == 0);
	while ((got = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)got;
	ATF_REQUIRE(ev_nonblock(fd, 0) == 0);
	summary[0] = '\0';
	while (off < len) {
		ATF_REQUIRE_MSG(len - off >= FCGI_HEADER_LEN, "a cut header");
		r = buf + off;
		ATF_REQUIRE_EQ(r[0], FCGI_VERSION_1);
		id = (unsigned int)r[2] << 8 | r[3];
		clen = (size_t)r[4] << 8 | r[5];
		ATF_REQUIRE_MSG(len - off >= FCGI_HEADER_LEN + clen + r[6],
		    "a cut record");
		n = strlen(summary);
		switch (r[1]) {
		case FCGI_STDOUT:
			snprintf(summary + n, size - n, "stdout %u %zu\n", id,
			    clen);
			ATF_REQUIRE(body == NULL || blen + clen < bodysize);
			if (body != NULL)
				memcpy(body + blen, r + FCGI_HEADER_LEN, clen);
			blen += clen;
			break;
		case FCGI_END_REQUEST:
			ATF_REQUIRE_EQ(clen, 8);
			snprintf(summary + n, size - n, "end %u %u %d\n", id,
			    (unsigned int)r[8] << 24 | r[9] << 16 | r[10] << 8 |
			    r[11], r[12]);
			break;
		case FCGI_GET_VALUES_RESULT:
			snprintf(summary + n, size - n, "values %.*s\n",
			    (int)clen, r + FCGI_HEADER_LEN);
			break;
		case FCGI_UNKNOWN_TYPE:
			snprintf(summary + n, size - n, "unknown %d\n", r[8]);
			break;
		default:
			atf_tc_fail("record type %d", r[1]);
		}
		off += FCGI_HEADER_LEN + clen + r[6];
	}
	if (body != NULL)
		body[blen] = '\0';
}
