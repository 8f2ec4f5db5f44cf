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
 * Checking the header block a CGI program writes before its body (RFC
 * 3875 section 6): lines "name: value" that end in LF or CRLF, then a
 * blank line, within a bounded size; a field name of token characters;
 * no control character in a value but a tab; no folded lines; and a
 * Status: of three digits, 100 to 599, with an optional reason.  It is
 * pure, like proto.c: bytes in, a verdict out.  The block may arrive in
 * pieces: the caller keeps one struct cgiheader and calls again with
 * the whole buffer so far, and lines already checked are not read
 * again.  A worker runs it on each program's output.
 */

#include "config.h"

#include <string.h>
#include <strings.h>

#include "cgiheader.h"

/* RFC 9110's tchar. */
static int
cgiheader_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

static int
cgiheader_bad(struct cgiheader *h, const char *why, size_t at)
{
	h->error = why;
	h->error_at = at;
	return CGIHEADER_BAD;
}

/* A Status: value: three digits, 100 to 599, then nothing or a reason. */
static int
cgiheader_status(const char *v, size_t len)
{
	if (len < 3 || v[0] < '1' || v[0] > '5' ||
	    v[1] < '0' || v[1] > '9' || v[2] < '0' || v[2] > '9')
		return 0;
	if (len > 3 && v[3] != ' ')
		return 0;
	return (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
}

/* One line, [start, end), without its line end. */
static int
cgiheader_line(struct cgiheader *h, const char *buf, size_t start,
    size_t end)
{
	size_t	 colon, v, i;

	if (buf[start] == ' ' || buf[start] == '\t')
		return cgiheader_bad(h, "a folded header line", start);
	for (colon = start; colon < end && buf[colon] != ':'; colon++)
		if (!cgiheader_tchar((unsigned char)buf[colon]))
			return cgiheader_bad(h, "not a header line", start);
	if (colon == end || colon == start)
		return cgiheader_bad(h, "not a header line", start);
	for (v = colon + 1; v < end && (buf[v] == ' ' || buf[v] == '\t'); v++)
		;
	for (i = v; i < end; i++)
		if (((unsigned char)buf[i] < 0x20 && buf[i] != '\t') ||
		    buf[i] == 0x7f)
			return cgiheader_bad(h, "a control character in a "
			    "header", i);
	if (colon - start == 6 && strncasecmp(buf + start, "Status", 6) == 0) {
		if (h->status != 0)
			return cgiheader_bad(h, "a second Status", start);
		if ((h->status = cgiheader_status(buf + v, end - v)) == 0)
			return cgiheader_bad(h, "a Status that is not 100 to "
			    "599 and a reason", v);
	}
	if (colon - start == 8 && strncasecmp(buf + start, "Location", 8) == 0)
		h->location = 1;
	return CGIHEADER_MORE;
}

/*
 * Check the header block at the start of buf, len bytes so far, which
 * may be at most max bytes long.  CGIHEADER_MORE: no verdict yet, call
 * again with more.  CGIHEADER_OK: h->len bytes are the block, its blank
 * line included, and h->status and h->location say what it holds.
 * CGIHEADER_BAD: h->error says what is wrong at h->error_at.
 */
int
cgiheader_parse(struct cgiheader *h, const char *buf, size_t len,
    size_t max)
{
	const char	*nl;
	size_t		 end;
	int		 r;

	while (h->off < len) {
		if ((nl = memchr(buf + h->off, '\n', len - h->off)) == NULL)
			break;
		end = nl - buf;
		if (end + 1 > max)
			break;
		if (end > h->off && buf[end - 1] == '\r')
			end--;
		if (memchr(buf + h->off, '\r', end - h->off) != NULL)
			return cgiheader_bad(h, "a CR inside a header line",
			    h->off);
		if (end == h->off) {
			h->len = nl - buf + 1;
			return CGIHEADER_OK;
		}
		if ((r = cgiheader_line(h, buf, h->off, end)) != CGIHEADER_MORE)
			return r;
		h->off = nl - buf + 1;
	}
	if (len >= max)
		return cgiheader_bad(h, "a header block too long", h->off);
	return CGIHEADER_MORE;
}
