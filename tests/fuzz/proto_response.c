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
 * libFuzzer harness of the response side of proto.c and of its
 * encoders.  The input is
 *
 *	mode (1 byte), piece sizes (a count, then the sizes), the rest
 *
 * Mode 0 reads the rest as a request id (2 bytes) and the response a
 * web server reads for it (PROTO_WEB), and checks each event against
 * the protocol's state: STDOUT and STDERR for that request only, each
 * only until its end, END_REQUEST once.  Modes 1 and 2 read the rest
 * as a program for proto.c's encoders: mode 1 writes responses
 * (STDOUT, STDERR, their ends, GET_VALUES_RESULT, UNKNOWN_TYPE,
 * END_REQUEST), mode 2 requests (BEGIN_REQUEST, params of both length
 * forms, GET_VALUES, STDIN), and each step also writes down the event
 * the parser must give for it.  The parser must read the wire back to
 * exactly those events.  Every mode feeds the wire whole and in the
 * chosen pieces, which must say the same.
 */

#include "../../config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define RESPONSE_MAX_REQUESTS	16
#define WIRE_MAX_BYTES		(256 * 1024)	/* then encoding stops */

/* The requests the responses are for, in order. */
struct response_model {
	unsigned int	 ids[RESPONSE_MAX_REQUESTS];
	size_t		 nids;
	size_t		 k;		/* the one being read */
	unsigned int	 open;		/* its open streams, 1 << type */
};

/* What the encoders wrote, and the transcript it must read back to. */
struct encoder {
	struct fuzz_buf	 wire;
	struct fuzz_buf	 want;
	int		 last;
};

static uint8_t	 fill[FCGI_MAX_LENGTH];
static uint8_t	 params_buf[FCGI_MAX_LENGTH + 1];

static unsigned int
stream_bit(int type)
{
	return 1U << type;
}

static enum proto_event_type
stream_event(int type)
{
	return type == FCGI_STDIN ? PROTO_STDIN : type == FCGI_STDOUT ?
	    PROTO_STDOUT : PROTO_STDERR;
}

/* A request id from the input; 0, which no request has, becomes 1. */
static unsigned int
request_id(struct fuzz_input *in)
{
	unsigned int	 id = fuzz_u16(in);

	return id == 0 ? 1 : id;
}

static void
response_next(struct response_model *m, struct proto_parser *p)
{
	m->open = 0;
	if (m->k >= m->nids)
		return;
	proto_expect(p, m->ids[m->k]);
	m->open = stream_bit(FCGI_STDOUT) | stream_bit(FCGI_STDERR);
}

static void
response_event(void *arg, struct proto_parser *p, const struct proto_event *ev,
    const uint8_t *piece, size_t used)
{
	struct response_model	*m = arg;
	int			 type;

	(void)piece;
	(void)used;
	switch (ev->type) {
	case PROTO_NONE:
	case PROTO_ERROR:
	case PROTO_VALUES:
	case PROTO_UNKNOWN_REPLY:
		break;
	case PROTO_STDOUT:
	case PROTO_STDERR:
		type = ev->type == PROTO_STDOUT ? FCGI_STDOUT : FCGI_STDERR;
		FUZZ_CHECK(m->k < m->nids && ev->id == m->ids[m->k]);
		FUZZ_CHECK(m->open & stream_bit(type));
		if (ev->len == 0)
			m->open &= ~stream_bit(type);
		break;
	case PROTO_END:
		FUZZ_CHECK(m->k < m->nids && ev->id == m->ids[m->k]);
		m->k++;
		response_next(m, p);
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "a request event");
	}
}

static size_t
response_run(void *model, const uint8_t *wire, size_t len,
    const struct fuzz_splits *s, struct fuzz_buf *t)
{
	struct response_model	 m = *(struct response_model *)model;
	struct proto_parser	 p;

	fuzz_parser(&p, PROTO_WEB, NULL, 0, 0);
	m.k = 0;
	response_next(&m, &p);
	return fuzz_feed(&p, wire, len, s, response_event, &m, t);
}

/* On the request side, a kept connection: the next request follows. */
static void
request_event(void *arg, struct proto_parser *p, const struct proto_event *ev,
    const uint8_t *piece, size_t used)
{
	(void)arg;
	(void)piece;
	(void)used;
	FUZZ_CHECK(ev->type != PROTO_ERROR);
	if (ev->type == PROTO_STDIN && ev->len == 0)
		proto_request_done(p);
}

static size_t
request_run(void *arg, const uint8_t *wire, size_t len,
    const struct fuzz_splits *s, struct fuzz_buf *t)
{
	struct proto_parser	 p;

	(void)arg;
	fuzz_parser(&p, PROTO_APP, params_buf, sizeof(params_buf),
	    sizeof(params_buf));
	return fuzz_feed(&p, wire, len, s, request_event, NULL, t);
}

/* The event the parser must give next. */
static void
expect(struct encoder *e, const struct proto_parser *p,
    const struct proto_event *ev)
{
	fuzz_transcribe(&e->want, &e->last, p, ev);
}

static void
expect_stream(struct encoder *e, int type, unsigned int id,
    const uint8_t *data, size_t len)
{
	struct proto_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = stream_event(type);
	ev.id = id;
	ev.data = len > 0 ? data : NULL;
	ev.len = len;
	expect(e, NULL, &ev);
}

/* len bytes of a stream as records; len 0 is the record that ends it. */
static void
encode_stream_raw(struct encoder *e, int type, unsigned int id,
    const uint8_t *data, size_t len)
{
	size_t	 size, k;

	size = len + (len / PROTO_CHUNK_MAX + 1) * (FCGI_HEADER_LEN + 7);
	k = proto_stream(fuzz_reserve(&e->wire, size), size, type, id, data,
	    len);
	FUZZ_CHECK(k >= PROTO_RECORD_SIZE(len) && k <= size);
	e->wire.len += k;
}

/*
 * Stream data: from the input, or up to 64 KB of a pattern, which is
 * more than one record holds.
 */
static void
encode_stream(struct fuzz_input *in, struct encoder *e, int type,
    unsigned int id)
{
	const uint8_t	*data = fill;
	size_t		 n = fuzz_size(in);

	if ((fuzz_byte(in) & 1) == 0)
		data = fuzz_bytes(in, &n);
	if (n == 0)
		return;		/* an empty record is the end */
	encode_stream_raw(e, type, id, data, n);
	expect_stream(e, type, id, data, n);
}

static void
encode_stream_end(struct encoder *e, int type, unsigned int id)
{
	encode_stream_raw(e, type, id, NULL, 0);
	expect_stream(e, type, id, NULL, 0);
}

/* A GET_VALUES query: known names, repeated or not, and others. */
static size_t
values_query(struct fuzz_input *in, uint8_t *q, size_t size)
{
	static const char *const names[] = {
		FCGI_MAX_CONNS, FCGI_MAX_REQS, FCGI_MPXS_CONNS, "FCGI_OTHER",
		""
	};
	const char	*name;
	size_t		 len = 0, n, nlen, i, count = fuzz_byte(in);
	unsigned int	 pick;

	for (i = 0; i < count; i++) {
		pick = fuzz_byte(in) % 6;
		if (pick < 5) {
			name = names[pick];
			nlen = strlen(name);
		} else {
			nlen = fuzz_byte(in) % 32;
			name = (const char *)fuzz_bytes(in, &nlen);
		}
		if ((n = proto_nv_put(q + len, size - len, name, nlen, "",
		    0)) == 0)
			break;
		len += n;
	}
	return len;
}

/* The name of a pair is asked for in the query. */
static int
values_asked(const uint8_t *q, size_t qlen, const char *name)
{
	struct proto_nv	 nv;
	size_t		 off = 0, nlen = strlen(name);

	while (proto_nv_next(q, qlen, &off, &nv) == 1)
		if (nv.nlen == nlen && memcmp(nv.name, name, nlen) == 0)
			return 1;
	return 0;
}

/*
 * GET_VALUES_RESULT holds each name asked for once, with its value,
 * within PROTO_MGMT_MAX, and leaves out only what would not fit.
 */
static void
values_check(const uint8_t *q, size_t qlen, const char *const *vars,
    const uint8_t *got, size_t len)
{
	struct proto_nv	 nv;
	size_t		 i, off = 0, seen, pair, pairs = 0;

	FUZZ_CHECK(len <= PROTO_MGMT_MAX);
	while (proto_nv_next(got, len, &off, &nv) == 1)
		pairs--;
	FUZZ_CHECK(off == len);
	for (i = 0; vars[i] != NULL; i += 2) {
		off = 0;
		seen = 0;
		while (proto_nv_next(got, len, &off, &nv) == 1)
			if (nv.nlen == strlen(vars[i]) &&
			    memcmp(nv.name, vars[i], nv.nlen) == 0) {
				FUZZ_CHECK(nv.vlen == strlen(vars[i + 1]));
				FUZZ_CHECK(memcmp(nv.value, vars[i + 1],
				    nv.vlen) == 0);
				seen++;
			}
		pairs += seen;
		FUZZ_CHECK(seen <= 1);
		FUZZ_CHECK(seen == 0 || values_asked(q, qlen, vars[i]));
		pair = 2 + (strlen(vars[i + 1]) < 0x80 ? 0 : 3) +
		    strlen(vars[i]) + strlen(vars[i + 1]);
		FUZZ_CHECK(seen == 1 || !values_asked(q, qlen, vars[i]) ||
		    len + pair > PROTO_MGMT_MAX);
	}
	FUZZ_CHECK(pairs == 0);
}

static void
encode_values(struct fuzz_input *in, struct encoder *e)
{
	static char		 values[3][1100];
	const char		*vars[] = { FCGI_MAX_CONNS, values[0],
	    FCGI_MAX_REQS, values[1], FCGI_MPXS_CONNS, values[2], NULL };
	struct proto_event	 ev;
	uint8_t			 q[4096], *rec;
	size_t			 i, n, qlen;

	for (i = 0; i < 3; i++) {
		n = fuzz_size(in) % sizeof(values[i]);
		memset(values[i], 'a' + (int)i, n);
		values[i][n] = '\0';
	}
	qlen = values_query(in, q, sizeof(q));
	rec = fuzz_reserve(&e->wire, PROTO_MGMT_RECORD_MAX);
	n = proto_values_result(rec, q, qlen, vars);
	FUZZ_CHECK(n >= FCGI_HEADER_LEN && n <= PROTO_MGMT_RECORD_MAX);
	e->wire.len += n;
	memset(&ev, 0, sizeof(ev));
	ev.type = PROTO_VALUES;
	ev.data = rec + FCGI_HEADER_LEN;
	ev.len = (size_t)rec[4] << 8 | rec[5];
	values_check(q, qlen, vars, ev.data, ev.len);
	expect(e, NULL, &ev);
}

static void
encode_unknown_type(struct fuzz_input *in, struct encoder *e)
{
	struct proto_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = PROTO_UNKNOWN_REPLY;
	ev.rtype = (int)fuzz_byte(in);
	e->wire.len += proto_unknown_type(fuzz_reserve(&e->wire,
	    2 * FCGI_HEADER_LEN), ev.rtype);
	expect(e, NULL, &ev);
}

static void
encode_end(struct fuzz_input *in, struct encoder *e, unsigned int id)
{
	struct proto_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = PROTO_END;
	ev.id = id;
	ev.app_status = fuzz_u32(in);
	ev.protocol_status = (int)fuzz_byte(in);
	e->wire.len += proto_end_request(fuzz_reserve(&e->wire,
	    2 * FCGI_HEADER_LEN), id, ev.app_status, ev.protocol_status);
	expect(e, NULL, &ev);
}

/* Responses to up to RESPONSE_MAX_REQUESTS requests, one after another. */
static void
encode_responses(struct fuzz_input *in, struct encoder *e,
    struct response_model *m)
{
	unsigned int	 id = request_id(in), open, op;
	int		 type;

	m->ids[m->nids++] = id;
	open = stream_bit(FCGI_STDOUT) | stream_bit(FCGI_STDERR);
	while (in->len > 0 && e->wire.len < WIRE_MAX_BYTES) {
		switch (op = fuzz_byte(in) % 7) {
		case 0:
		case 1:
		case 2:
		case 3:
			type = op % 2 ? FCGI_STDERR : FCGI_STDOUT;
			if ((open & stream_bit(type)) == 0)
				break;
			if (op < 2)
				encode_stream(in, e, type, id);
			else {
				encode_stream_end(e, type, id);
				open &= ~stream_bit(type);
			}
			break;
		case 4:
			encode_values(in, e);
			break;
		case 5:
			encode_unknown_type(in, e);
			break;
		case 6:
			encode_end(in, e, id);
			if (m->nids == RESPONSE_MAX_REQUESTS)
				return;
			m->ids[m->nids++] = id = request_id(in);
			open = stream_bit(FCGI_STDOUT) |
			    stream_bit(FCGI_STDERR);
			break;
		}
	}
}

/* Params from the input, some with lengths of the 4-byte form. */
static void
encode_params(struct fuzz_input *in, struct encoder *e, unsigned int id)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	struct fuzz_buf		 blob;
	const uint8_t		*name, *value;
	size_t			 i, n, nlen, vlen, count = fuzz_byte(in) % 16;

	memset(&blob, 0, sizeof(blob));
	memset(&p, 0, sizeof(p));
	for (i = 0; i < count; i++) {
		nlen = fuzz_size(in);
		vlen = fuzz_size(in);
		name = fuzz_byte(in) & 1 ? fill : fuzz_bytes(in, &nlen);
		value = fuzz_byte(in) & 1 ? fill : fuzz_bytes(in, &vlen);
		if (blob.len + nlen + vlen + 8 > sizeof(params_buf))
			break;
		n = proto_nv_put(fuzz_reserve(&blob, nlen + vlen + 8),
		    nlen + vlen + 8, (const char *)name, nlen,
		    (const char *)value, vlen);
		FUZZ_CHECK(n > 0);
		blob.len += n;
		p.nparams++;
	}
	if (blob.len > 0)
		encode_stream_raw(e, FCGI_PARAMS, id, blob.b, blob.len);
	encode_stream_raw(e, FCGI_PARAMS, id, NULL, 0);
	p.params = blob.b;
	p.params_len = blob.len;
	memset(&ev, 0, sizeof(ev));
	ev.type = PROTO_PARAMS;
	ev.id = id;
	expect(e, &p, &ev);
	fuzz_buf_free(&blob);
}

static void
encode_get_values(struct fuzz_input *in, struct encoder *e)
{
	struct proto_event	 ev;
	uint8_t			 q[PROTO_MGMT_MAX], *rec;

	memset(&ev, 0, sizeof(ev));
	ev.type = PROTO_GET_VALUES;
	ev.len = values_query(in, q, sizeof(q));
	rec = fuzz_reserve(&e->wire, PROTO_MGMT_RECORD_MAX);
	e->wire.len += proto_record(rec, FCGI_GET_VALUES, FCGI_NULL_REQUEST_ID,
	    q, ev.len);
	ev.data = rec + FCGI_HEADER_LEN;
	expect(e, NULL, &ev);
}

/* Requests on a kept connection, one after another. */
static void
encode_requests(struct fuzz_input *in, struct encoder *e)
{
	struct proto_event	 ev;
	size_t			 k, i, n;

	for (k = 0; in->len > 0 && k < RESPONSE_MAX_REQUESTS &&
	    e->wire.len < WIRE_MAX_BYTES; k++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = PROTO_BEGIN;
		ev.id = request_id(in);
		ev.role = FCGI_RESPONDER;
		ev.flags = (int)fuzz_byte(in);
		e->wire.len += proto_begin_request(fuzz_reserve(&e->wire,
		    2 * FCGI_HEADER_LEN), ev.id, ev.role, ev.flags);
		expect(e, NULL, &ev);
		if (fuzz_byte(in) & 1)
			encode_get_values(in, e);
		encode_params(in, e, ev.id);
		n = fuzz_byte(in) % 4;
		for (i = 0; i < n; i++)
			encode_stream(in, e, FCGI_STDIN, ev.id);
		encode_stream_end(e, FCGI_STDIN, ev.id);
	}
}

/* The wire fed whole and in pieces reads back to what e expects. */
static void
round_trip(struct fuzz_input *in, const struct fuzz_splits *split, int mode)
{
	static struct encoder	 e;
	struct response_model	 m;
	const struct fuzz_buf	*t;

	memset(&m, 0, sizeof(m));
	e.wire.len = e.want.len = 0;
	e.last = 0;
	if (mode == 1)
		encode_responses(in, &e, &m);
	else
		encode_requests(in, &e);
	FUZZ_CHECK(fuzz_twice(mode == 1 ? response_run : request_run, &m,
	    e.wire.b, e.wire.len, split, &t) == e.wire.len);
	FUZZ_CHECK(fuzz_buf_same(t, &e.want));
}

/* A response as it comes, checked against the protocol's state. */
static void
response_raw(struct fuzz_input *in, const struct fuzz_splits *split)
{
	struct response_model	 m;
	const struct fuzz_buf	*t;

	memset(&m, 0, sizeof(m));
	if ((m.ids[0] = fuzz_u16(in)) != 0)
		m.nids = 1;
	fuzz_twice(response_run, &m, in->b, in->len, split, &t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input	 in = { data, size };
	struct fuzz_splits	 split;
	unsigned int		 mode;
	size_t			 i;

	if (fill[1] == 0)
		for (i = 0; i < sizeof(fill); i++)
			fill[i] = (uint8_t)(i * 7 + 1);
	mode = fuzz_byte(&in) % 3;
	fuzz_splits(&in, &split);
	if (mode == 0)
		response_raw(&in, &split);
	else
		round_trip(&in, &split, (int)mode);
	return 0;
}
