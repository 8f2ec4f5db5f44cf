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
 * libFuzzer harness of the request side of proto.c: the bytes a web
 * server sends, as a worker reads them (PROTO_APP).  The input is
 *
 *	max_params_size (2 bytes), max_params (1), flags (1),
 *	piece sizes (a count, then the sizes), the wire
 *
 * and flags bit 0 says whether the request is done (the connection
 * kept) when its stdin ends; an abort always ends it.  Each event is checked against a model of
 * the protocol's state: BEGIN_REQUEST only with no request active,
 * PARAMS once and then STDIN for that request alone, CANT_MPX only
 * for another id while one is active; params within the limits and
 * well formed; each GET_VALUES answered as a worker answers it.  The
 * harness frames the records itself, so that an error can be laid on
 * the record that caused it: the records of a refused request
 * (CANT_MPX, or a role other than responder) must be skipped, not
 * fail, unless they are malformed.  The wire fed whole and fed in the
 * chosen pieces must say the same.
 */

#include "../../config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"


struct request_model {
	unsigned int	 id;		/* the active request; 0: none */
	int		 stream;	/* its open stream; 0: none */
	int		 keep;
	size_t		 max_params_size;
	size_t		 max_params;
	unsigned int	 refused[PROTO_REFUSED_MAX];	/* oldest first */
	size_t		 nrefused;

	/* the record the parser read last, framed here */
	uint8_t		 hdr[FCGI_HEADER_LEN];
	size_t		 hlen;
	size_t		 left;		/* its content and padding */
	int		 type;
	unsigned int	 rid;
};

static uint8_t	 request_params[FCGI_MAX_LENGTH + 1];

/* The params are within the limits and walk to their end. */
static void
request_params_check(const struct request_model *m,
    const struct proto_parser *p)
{
	struct proto_nv	 nv;
	size_t		 off = 0, n = 0;
	int		 r;

	FUZZ_CHECK(p->params_len <= m->max_params_size);
	FUZZ_CHECK(p->nparams <= m->max_params);
	while ((r = proto_nv_next(p->params, p->params_len, &off, &nv)) == 1) {
		FUZZ_CHECK(nv.name >= p->params && nv.value >= nv.name);
		FUZZ_CHECK(nv.value + nv.vlen <= p->params + p->params_len);
		n++;
	}
	FUZZ_CHECK(r == 0 && off == p->params_len && n == p->nparams);
}

/*
 * proto_param_next() yields each name once, at its last pair, and
 * proto_param() finds that same pair: a repeated param is its last.
 */
static void
request_params_last(const struct proto_parser *p)
{
	struct proto_nv	 nv, other;
	size_t		 off = 0, o;
	const char	*v;
	size_t		 vlen;
	char		 name[64];

	while (proto_param_next(p, &off, &nv) == 1) {
		o = off;
		while (proto_nv_next(p->params, p->params_len, &o, &other) == 1)
			FUZZ_CHECK(other.nlen != nv.nlen ||
			    memcmp(other.name, nv.name, nv.nlen) != 0);
		if (nv.nlen >= sizeof(name) ||
		    memchr(nv.name, '\0', nv.nlen) != NULL)
			continue;
		memcpy(name, nv.name, nv.nlen);
		name[nv.nlen] = '\0';
		FUZZ_CHECK(proto_param(p, name, &v, &vlen) == 1);
		FUZZ_CHECK((const uint8_t *)v == nv.value && vlen == nv.vlen);
	}
	FUZZ_CHECK(off == p->params_len);
}

/* Answer GET_VALUES as a worker does; the answer must parse back. */
static void
request_values(const struct proto_event *ev)
{
	static const char *const vars[] = {
		FCGI_MAX_CONNS, "10", FCGI_MAX_REQS, "10",
		FCGI_MPXS_CONNS, "0", NULL
	};
	struct proto_parser	 web;
	struct proto_event	 got, pad;
	struct proto_nv		 nv, other;
	uint8_t			 rec[PROTO_MGMT_RECORD_MAX];
	size_t			 n, used, off = 0, o;

	n = proto_values_result(rec, ev->data, ev->len, vars);
	FUZZ_CHECK(n >= FCGI_HEADER_LEN && n <= sizeof(rec));
	fuzz_parser(&web, PROTO_WEB, NULL, 0, 0);
	used = proto_feed(&web, rec, n, &got);
	FUZZ_CHECK(got.type == PROTO_VALUES);
	FUZZ_CHECK(proto_feed(&web, rec + used, n - used, &pad) == n - used);
	FUZZ_CHECK(pad.type == PROTO_NONE);
	while (proto_nv_next(got.data, got.len, &off, &nv) == 1) {
		o = off;
		while (proto_nv_next(got.data, got.len, &o, &other) == 1)
			FUZZ_CHECK(other.nlen != nv.nlen ||
			    memcmp(other.name, nv.name, nv.nlen) != 0);
	}
}

/* Follow the record framing over the bytes the parser used. */
static void
request_frame(struct request_model *m, const uint8_t *b, size_t n)
{
	size_t	 k;

	while (n > 0) {
		if (m->left > 0) {
			k = m->left < n ? m->left : n;
			m->left -= k;
			b += k;
			n -= k;
			continue;
		}
		m->hdr[m->hlen++] = *b++;
		n--;
		if (m->hlen < FCGI_HEADER_LEN)
			continue;
		m->hlen = 0;
		m->type = m->hdr[1];
		m->rid = (unsigned int)m->hdr[2] << 8 | m->hdr[3];
		m->left = ((size_t)m->hdr[4] << 8 | m->hdr[5]) + m->hdr[6];
	}
}

/* Where id is among the refused; nrefused if it is not there. */
static size_t
request_refused_at(const struct request_model *m, unsigned int id)
{
	size_t	 i = 0;

	while (i < m->nrefused && m->refused[i] != id)
		i++;
	return i;
}

/*
 * What proto.h promises: a refused id is remembered until it is begun
 * again and accepted, or until PROTO_REFUSED_MAX later ones push it out.
 */
static void
request_refusal(struct request_model *m, unsigned int id, int refused)
{
	size_t	 i = request_refused_at(m, id);

	if (refused && i < m->nrefused)
		return;
	if (refused && m->nrefused == PROTO_REFUSED_MAX)
		i = 0;
	if (i < m->nrefused) {
		memmove(m->refused + i, m->refused + i + 1,
		    (m->nrefused - i - 1) * sizeof(*m->refused));
		m->nrefused--;
	}
	if (refused)
		m->refused[m->nrefused++] = id;
}

/* A well formed record of a refused request is never an error. */
static void
request_error_check(const struct request_model *m,
    const struct proto_event *ev)
{
	if (m->rid == m->id || request_refused_at(m, m->rid) == m->nrefused)
		return;
	if (m->type != FCGI_PARAMS && m->type != FCGI_STDIN &&
	    m->type != FCGI_DATA && m->type != FCGI_ABORT_REQUEST)
		return;
	FUZZ_CHECK(ev->error == PROTO_E_VERSION ||
	    ev->error == PROTO_E_LENGTH);
}

/* The request is over: the connection is kept for the next one. */
static void
request_done(struct request_model *m, struct proto_parser *p)
{
	proto_request_done(p);
	m->id = 0;
	m->stream = 0;
}

static void
request_begin(struct request_model *m, const struct proto_event *ev)
{
	FUZZ_CHECK(m->id == 0 && ev->id != FCGI_NULL_REQUEST_ID);
	request_refusal(m, ev->id, ev->role != FCGI_RESPONDER);
	if (ev->role != FCGI_RESPONDER)
		return;
	m->id = ev->id;
	m->stream = FCGI_PARAMS;
}

static void
request_event(void *arg, struct proto_parser *p, const struct proto_event *ev,
    const uint8_t *piece, size_t used)
{
	struct request_model	*m = arg;

	request_frame(m, piece, used);
	if (ev->type == PROTO_PARAMS || ev->type == PROTO_STDIN ||
	    ev->type == PROTO_ABORT)
		FUZZ_CHECK(m->id != 0 && ev->id == m->id);
	switch (ev->type) {
	case PROTO_NONE:
		break;
	case PROTO_ERROR:
		request_error_check(m, ev);
		break;
	case PROTO_BEGIN:
		request_begin(m, ev);
		break;
	case PROTO_CANT_MPX:
		FUZZ_CHECK(m->id != 0 && ev->id != 0 && ev->id != m->id);
		request_refusal(m, ev->id, 1);
		break;
	case PROTO_PARAMS:
		FUZZ_CHECK(m->stream == FCGI_PARAMS);
		request_params_check(m, p);
		request_params_last(p);
		m->stream = FCGI_STDIN;
		break;
	case PROTO_STDIN:
		FUZZ_CHECK(m->stream == FCGI_STDIN);
		if (ev->len > 0)
			break;
		m->stream = 0;
		if (m->keep)
			request_done(m, p);
		break;
	case PROTO_ABORT:
		/* A worker ends an aborted request at once. */
		request_done(m, p);
		break;
	case PROTO_GET_VALUES:
		request_values(ev);
		break;
	case PROTO_UNKNOWN_TYPE:
		FUZZ_CHECK(ev->rtype == 0 || ev->rtype > FCGI_MAXTYPE);
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "a response event");
	}
}

/* Feed the wire in pieces; the transcript goes into t. */
static size_t
request_run(void *limits, const uint8_t *wire, size_t len,
    const struct fuzz_splits *s, struct fuzz_buf *t)
{
	struct request_model	 m = *(struct request_model *)limits;
	struct proto_parser	 p;

	fuzz_parser(&p, PROTO_APP, request_params, m.max_params_size,
	    m.max_params);
	return fuzz_feed(&p, wire, len, s, request_event, &m, t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input	 in = { data, size };
	struct request_model	 m;
	struct fuzz_splits	 split;
	const struct fuzz_buf	*t;

	memset(&m, 0, sizeof(m));
	m.max_params_size = fuzz_u16(&in);
	m.max_params = fuzz_byte(&in);
	m.keep = fuzz_byte(&in) & 1;
	fuzz_splits(&in, &split);
	fuzz_twice(request_run, &m, in.b, in.len, &split, &t);
	return 0;
}
