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
 * The FastCGI codec.  proto_feed() is an incremental parser: input may
 * be split at any byte, and each call returns how much it used and at
 * most one event.  Stream content (STDIN, STDOUT, STDERR) is handed out
 * in place, pointing into the caller's buffer; everything the parser
 * keeps is bounded: a header, an 8-byte body, the params buffer the
 * caller sized, and PROTO_MGMT_MAX for management records.  Every
 * field is decoded by hand, big-endian, as the specification lays it
 * out; no struct is ever cast over the bytes.  It needs nothing but
 * proto.h and the C library, so a plain copy of the two builds in any
 * tree.
 */

#include <string.h>

#include "proto.h"

enum { R_HEADER, R_CONTENT, R_PADDING, R_FAILED };

/* How a record type's content is read, and which side receives it. */
enum { K_UNKNOWN, K_FIXED, K_EMPTY, K_PARAMS, K_STREAM, K_MGMT };

/* A stream in the set of open streams. */
#define STREAM(type)	(1U << (type))

/*
 * For a stream, also the event its records make and the stream its end
 * opens.  DATA belongs to FCGI_FILTER, which fpmd refuses: it is never
 * open, so its records are skipped (a refused request's) or out of
 * order, and it has no event.
 */
static const struct {
	unsigned char	 kind;
	unsigned char	 app;	/* PROTO_APP receives it */
	unsigned char	 web;	/* PROTO_WEB receives it */
	unsigned char	 event;
	unsigned char	 opens;
} proto_types[FCGI_MAXTYPE + 1] = {
	[FCGI_BEGIN_REQUEST] =		{ K_FIXED,  1, 0, 0, 0 },
	[FCGI_ABORT_REQUEST] =		{ K_EMPTY,  1, 0, 0, 0 },
	[FCGI_END_REQUEST] =		{ K_FIXED,  0, 1, 0, 0 },
	[FCGI_PARAMS] =			{ K_PARAMS, 1, 0, PROTO_PARAMS,
					    STREAM(FCGI_STDIN) },
	[FCGI_STDIN] =			{ K_STREAM, 1, 0, PROTO_STDIN, 0 },
	[FCGI_STDOUT] =			{ K_STREAM, 0, 1, PROTO_STDOUT, 0 },
	[FCGI_STDERR] =			{ K_STREAM, 0, 1, PROTO_STDERR, 0 },
	[FCGI_DATA] =			{ K_STREAM, 1, 0, 0, 0 },
	[FCGI_GET_VALUES] =		{ K_MGMT,   1, 0, 0, 0 },
	[FCGI_GET_VALUES_RESULT] =	{ K_MGMT,   0, 1, 0, 0 },
	[FCGI_UNKNOWN_TYPE] =		{ K_FIXED,  0, 1, 0, 0 },
};

static const char *const proto_errors[] = {
	[PROTO_E_NONE] =	"no error",
	[PROTO_E_VERSION] =	"unsupported protocol version",
	[PROTO_E_LENGTH] =	"wrong content length for the record type",
	[PROTO_E_TYPE] =	"unexpected record type",
	[PROTO_E_NO_REQUEST] =	"record before FCGI_BEGIN_REQUEST",
	[PROTO_E_REQUEST_ID] =	"record for another request id",
	[PROTO_E_NULL_ID] =	"request record with request id 0",
	[PROTO_E_STREAM] =	"stream record out of order",
	[PROTO_E_PARAMS_SIZE] =	"params too large",
	[PROTO_E_PARAMS_COUNT] = "too many params",
	[PROTO_E_NV_LENGTH] =	"name-value length past the end of the params",
	[PROTO_E_MGMT_SIZE] =	"management record too large",
};

const char *
proto_strerror(enum proto_error e)
{
	if ((size_t)e >= sizeof(proto_errors) / sizeof(*proto_errors))
		return "unknown error";
	return proto_errors[e];
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, unsigned int v)
{
	p[0] = (v >> 8) & 0xff;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (v >> 24) & 0xff;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

void
proto_init(struct proto_parser *p, enum proto_side side)
{
	uint8_t	*params = p->params;
	size_t	 max_size = p->max_params_size, max = p->max_params;

	memset(p, 0, sizeof(*p));
	p->side = side;
	p->params = params;
	p->max_params_size = params == NULL ? 0 : max_size;
	p->max_params = max;
	p->state = R_HEADER;
}

/* The response to a request has been sent: wait for the next one. */
void
proto_request_done(struct proto_parser *p)
{
	p->id = 0;
	p->open = 0;
	p->nparams = 0;
	p->params_len = 0;
}

/* PROTO_WEB: the responses that follow are for request id. */
void
proto_expect(struct proto_parser *p, unsigned int id)
{
	p->id = id;
	p->open = STREAM(FCGI_STDOUT) | STREAM(FCGI_STDERR);
}

/*
 * Of the bytes fed so far, those of the record not yet read whole.  A
 * relay that passes records on unchanged sends all but these, so that
 * what it has sent always ends where a record ends.
 */
size_t
proto_held(const struct proto_parser *p)
{
	size_t	 clen, plen;

	if (p->state == R_HEADER || p->state == R_FAILED)
		return p->state == R_HEADER ? p->hlen : 0;
	clen = (size_t)p->hdr[4] << 8 | p->hdr[5];
	plen = p->hdr[6];
	return FCGI_HEADER_LEN + (clen - p->clen) + (plen - p->plen);
}

static void
proto_fail(struct proto_parser *p, struct proto_event *ev,
    enum proto_error e)
{
	p->state = R_FAILED;
	p->error = e;
	ev->type = PROTO_ERROR;
	ev->error = e;
}

static int
proto_kind(int type)
{
	if (type < 0 || type > FCGI_MAXTYPE)
		return K_UNKNOWN;
	return proto_types[type].kind;
}

/*
 * Check the params once they are complete, so that proto_param() and
 * proto_nv_next() callers can trust every length.  -1 after an error.
 */
static int
proto_params_check(struct proto_parser *p, struct proto_event *ev)
{
	struct proto_nv	 nv;
	size_t		 off = 0;
	int		 r;

	p->nparams = 0;
	while ((r = proto_nv_next(p->params, p->params_len, &off, &nv)) == 1)
		if (++p->nparams > p->max_params) {
			proto_fail(p, ev, PROTO_E_PARAMS_COUNT);
			return -1;
		}
	if (r == -1) {
		proto_fail(p, ev, PROTO_E_NV_LENGTH);
		return -1;
	}
	return 0;
}

/* Is the record for the active request?  1 if so, -1 after an error. */
static int
proto_active_id(struct proto_parser *p, struct proto_event *ev)
{
	if (p->id == 0) {
		proto_fail(p, ev, PROTO_E_NO_REQUEST);
		return -1;
	}
	if (p->rid != p->id) {
		proto_fail(p, ev, PROTO_E_REQUEST_ID);
		return -1;
	}
	return 1;
}

/* Where id is in the refused ids; nrefused if it is not there. */
static size_t
proto_refused_at(const struct proto_parser *p, unsigned int id)
{
	size_t	 i;

	for (i = 0; i < p->nrefused; i++)
		if (p->refused[i] == id)
			return i;
	return p->nrefused;
}

static void
proto_unrefuse(struct proto_parser *p, size_t i)
{
	memmove(p->refused + i, p->refused + i + 1,
	    (p->nrefused - i - 1) * sizeof(*p->refused));
	p->nrefused--;
}

/* Remember a refused id; when the set is full, forget the oldest. */
static void
proto_refuse(struct proto_parser *p, unsigned int id)
{
	if (proto_refused_at(p, id) < p->nrefused)
		return;
	if (p->nrefused == PROTO_REFUSED_MAX)
		proto_unrefuse(p, 0);
	p->refused[p->nrefused++] = id;
}

/*
 * Is this request record (PROTO_APP) for the active request?  Returns 1
 * if so, 0 if it is to be skipped, -1 after a protocol error.
 */
static int
proto_app_id(struct proto_parser *p, struct proto_event *ev)
{
	if (p->rid == FCGI_NULL_REQUEST_ID) {
		proto_fail(p, ev, PROTO_E_NULL_ID);
		return -1;
	}
	if (p->rid != p->id && proto_refused_at(p, p->rid) < p->nrefused)
		return 0;
	if (p->type == FCGI_ABORT_REQUEST && p->rid != p->id)
		return 0;	/* an abort that crossed our END_REQUEST */
	return proto_active_id(p, ev);
}

static void
proto_app_begin(struct proto_parser *p, struct proto_event *ev)
{
	size_t	 i;

	if (p->rid == FCGI_NULL_REQUEST_ID) {
		proto_fail(p, ev, PROTO_E_NULL_ID);
		return;
	}
	ev->id = p->rid;
	ev->role = p->body[0] << 8 | p->body[1];
	ev->flags = p->body[2];
	if (p->id != 0) {
		if (p->rid == p->id) {
			proto_fail(p, ev, PROTO_E_STREAM);
			return;
		}
		proto_refuse(p, p->rid);
		ev->type = PROTO_CANT_MPX;
		return;
	}
	ev->type = PROTO_BEGIN;
	if (ev->role != FCGI_RESPONDER) {
		/* The caller answers FCGI_UNKNOWN_ROLE; drop what follows. */
		proto_refuse(p, p->rid);
		return;
	}
	if ((i = proto_refused_at(p, p->rid)) < p->nrefused)
		proto_unrefuse(p, i);
	p->id = p->rid;
	p->open = STREAM(FCGI_PARAMS);
	p->params_len = 0;
}

/* A whole record other than a stream has been read: say what it meant. */
static void
proto_record_done(struct proto_parser *p, struct proto_event *ev)
{
	switch (proto_kind(p->type) == K_UNKNOWN ? -1 : p->type) {
	case -1:
		ev->type = PROTO_UNKNOWN_TYPE;
		ev->rtype = p->type;
		break;
	case FCGI_BEGIN_REQUEST:
		proto_app_begin(p, ev);
		break;
	case FCGI_ABORT_REQUEST:
		if (proto_app_id(p, ev) == 1) {
			ev->type = PROTO_ABORT;
			ev->id = p->rid;
		}
		break;
	case FCGI_END_REQUEST:
		if (proto_active_id(p, ev) == -1)
			break;
		ev->type = PROTO_END;
		ev->id = p->rid;
		ev->app_status = get32(p->body);
		ev->protocol_status = p->body[4];
		p->id = 0;
		p->open = 0;
		break;
	case FCGI_UNKNOWN_TYPE:
		ev->type = PROTO_UNKNOWN_REPLY;
		ev->rtype = p->body[0];
		break;
	case FCGI_GET_VALUES:
	case FCGI_GET_VALUES_RESULT:
		ev->type = p->type == FCGI_GET_VALUES ?
		    PROTO_GET_VALUES : PROTO_VALUES;
		ev->data = p->mgmt;
		ev->len = p->mgmt_len;
		break;
	}
}

/* An empty stream record ends its stream and may open the next. */
static void
proto_stream_end(struct proto_parser *p, struct proto_event *ev)
{
	if (p->type == FCGI_PARAMS && proto_params_check(p, ev) == -1)
		return;
	p->open = (p->open & ~STREAM(p->type)) | proto_types[p->type].opens;
	ev->type = proto_types[p->type].event;
	ev->id = p->rid;
}

/* Stream and params records: check id, and that the stream is open. */
static int
proto_stream_check(struct proto_parser *p, struct proto_event *ev)
{
	int	 r;

	r = p->side == PROTO_APP ? proto_app_id(p, ev) :
	    proto_active_id(p, ev);
	if (r != 1)
		return r;
	if ((p->open & STREAM(p->type)) == 0) {
		proto_fail(p, ev, PROTO_E_STREAM);
		return -1;
	}
	if (p->type == FCGI_PARAMS &&
	    p->clen > p->max_params_size - p->params_len) {
		proto_fail(p, ev, PROTO_E_PARAMS_SIZE);
		return -1;
	}
	return 1;
}

/*
 * Validate a complete header against the type table and the request
 * state.  Returns 1 to read the record, 0 to skip it, -1 on error.
 */
static int
proto_header_check(struct proto_parser *p, struct proto_event *ev)
{
	int	 kind, mine;

	if (p->hdr[0] != FCGI_VERSION_1) {
		proto_fail(p, ev, PROTO_E_VERSION);
		return -1;
	}
	p->type = p->hdr[1];
	p->rid = (unsigned int)p->hdr[2] << 8 | p->hdr[3];
	p->clen = (size_t)p->hdr[4] << 8 | p->hdr[5];
	p->plen = p->hdr[6];
	p->blen = 0;
	p->empty = p->clen == 0;
	if ((kind = proto_kind(p->type)) == K_UNKNOWN && p->side == PROTO_APP)
		return 1;	/* read past it, then answer UNKNOWN_TYPE */
	mine = kind != K_UNKNOWN && (p->side == PROTO_APP ?
	    proto_types[p->type].app : proto_types[p->type].web);
	if (!mine) {
		proto_fail(p, ev, PROTO_E_TYPE);
		return -1;
	}
	if ((kind == K_FIXED && p->clen != sizeof(p->body)) ||
	    (kind == K_EMPTY && p->clen != 0)) {
		proto_fail(p, ev, PROTO_E_LENGTH);
		return -1;
	}
	if (kind == K_MGMT) {
		if (p->rid != FCGI_NULL_REQUEST_ID) {
			proto_fail(p, ev, PROTO_E_REQUEST_ID);
			return -1;
		}
		if (p->clen > sizeof(p->mgmt)) {
			proto_fail(p, ev, PROTO_E_MGMT_SIZE);
			return -1;
		}
		p->mgmt_len = 0;
	}
	if (kind == K_STREAM || kind == K_PARAMS)
		return proto_stream_check(p, ev);
	return 1;
}

/* The current record has been read to the end of its content. */
static void
proto_record_end(struct proto_parser *p, struct proto_event *ev)
{
	int	 kind = proto_kind(p->type);

	p->state = R_PADDING;
	if (p->skip)
		return;
	if (kind == K_STREAM || kind == K_PARAMS) {
		if (p->empty)
			proto_stream_end(p, ev);
	} else
		proto_record_done(p, ev);
}

static size_t
proto_take_header(struct proto_parser *p, const uint8_t *buf, size_t len,
    struct proto_event *ev)
{
	size_t	 n;
	int	 r;

	n = FCGI_HEADER_LEN - p->hlen;
	if (n > len)
		n = len;
	memcpy(p->hdr + p->hlen, buf, n);
	if ((p->hlen += n) < FCGI_HEADER_LEN)
		return n;
	p->hlen = 0;
	if ((r = proto_header_check(p, ev)) == -1)
		return n;
	p->skip = r == 0;
	if (p->clen > 0)
		p->state = R_CONTENT;
	else
		proto_record_end(p, ev);
	return n;
}

static size_t
proto_take_content(struct proto_parser *p, const uint8_t *buf, size_t len,
    struct proto_event *ev)
{
	size_t	 n;

	n = p->clen < len ? p->clen : len;
	p->clen -= n;
	if (!p->skip) {
		switch (proto_kind(p->type)) {
		case K_FIXED:
			memcpy(p->body + p->blen, buf, n);
			p->blen += n;
			break;
		case K_PARAMS:
			memcpy(p->params + p->params_len, buf, n);
			p->params_len += n;
			break;
		case K_MGMT:
			memcpy(p->mgmt + p->mgmt_len, buf, n);
			p->mgmt_len += n;
			break;
		case K_STREAM:
			ev->type = proto_types[p->type].event;
			ev->id = p->rid;
			ev->data = buf;
			ev->len = n;
			break;
		}
	}
	if (p->clen == 0)
		proto_record_end(p, ev);
	return n;
}

size_t
proto_feed(struct proto_parser *p, const uint8_t *buf, size_t len,
    struct proto_event *ev)
{
	size_t	 used = 0, n;

	memset(ev, 0, sizeof(*ev));
	ev->type = PROTO_NONE;
	if (p->state == R_FAILED) {
		ev->type = PROTO_ERROR;
		ev->error = p->error;
		return 0;
	}
	while (used < len && ev->type == PROTO_NONE) {
		switch (p->state) {
		case R_HEADER:
			used += proto_take_header(p, buf + used, len - used,
			    ev);
			break;
		case R_CONTENT:
			used += proto_take_content(p, buf + used, len - used,
			    ev);
			break;
		case R_PADDING:
			n = p->plen < len - used ? p->plen : len - used;
			p->plen -= n;
			used += n;
			break;
		}
		if (p->state == R_PADDING && p->plen == 0)
			p->state = R_HEADER;
	}
	return used;
}

/*
 * Name-value pairs.  proto_nv_next() walks a complete block of pairs:
 * it returns 1 and the pair at *off, 0 at the end, or -1 when a length
 * runs past the block.
 */
static int
proto_nv_len(const uint8_t *buf, size_t len, size_t *off, size_t *out)
{
	if (*off >= len)
		return -1;
	if ((buf[*off] & 0x80) == 0) {
		*out = buf[(*off)++];
		return 0;
	}
	if (len - *off < 4)
		return -1;
	*out = get32(buf + *off) & 0x7fffffff;
	*off += 4;
	return 0;
}

int
proto_nv_next(const uint8_t *buf, size_t len, size_t *off,
    struct proto_nv *nv)
{
	size_t	 o = *off;

	if (o == len)
		return 0;
	if (proto_nv_len(buf, len, &o, &nv->nlen) == -1 ||
	    proto_nv_len(buf, len, &o, &nv->vlen) == -1 ||
	    nv->nlen > len - o || nv->vlen > len - o - nv->nlen)
		return -1;
	nv->name = buf + o;
	nv->value = buf + o + nv->nlen;
	*off = o + nv->nlen + nv->vlen;
	return 1;
}

/*
 * The last pair named name in a block of pairs, from off on; 1 if there
 * is one.  The last, because a repeated param resolves to its last
 * value, as php-fpm has it: nginx sends both when a location overrides
 * a fastcgi_param that an include set.
 */
static int
proto_nv_find(const uint8_t *buf, size_t len, size_t off, const void *name,
    size_t nlen, struct proto_nv *nv)
{
	struct proto_nv	 cur;
	int		 found = 0;

	while (proto_nv_next(buf, len, &off, &cur) == 1)
		if (cur.nlen == nlen && memcmp(cur.name, name, nlen) == 0) {
			*nv = cur;
			found = 1;
		}
	return found;
}

/* Look a param up by name after PROTO_PARAMS.  Returns 1 if found. */
int
proto_param(const struct proto_parser *p, const char *name,
    const char **value, size_t *vlen)
{
	struct proto_nv	 nv;

	if (!proto_nv_find(p->params, p->params_len, 0, name, strlen(name),
	    &nv))
		return 0;
	*value = (const char *)nv.value;
	*vlen = nv.vlen;
	return 1;
}

/*
 * The params after PROTO_PARAMS, one at a time from *off (0 to start),
 * each name once, with its last value: the pairs that a later pair of
 * the same name overrides are skipped.  Returns 1 while there is one.
 */
int
proto_param_next(const struct proto_parser *p, size_t *off,
    struct proto_nv *nv)
{
	struct proto_nv	 later;

	while (proto_nv_next(p->params, p->params_len, off, nv) == 1)
		if (!proto_nv_find(p->params, p->params_len, *off, nv->name,
		    nv->nlen, &later))
			return 1;
	return 0;
}

static size_t
proto_nv_putlen(uint8_t *dst, size_t len)
{
	if (len < 0x80) {
		dst[0] = (uint8_t)len;
		return 1;
	}
	put32(dst, (uint32_t)len | 0x80000000U);
	return 4;
}

/* Encode one pair at dst; 0 if it does not fit in size bytes. */
size_t
proto_nv_put(uint8_t *dst, size_t size, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	size_t	 need, off;

	if (nlen > 0x7fffffff || vlen > 0x7fffffff)
		return 0;
	need = (nlen < 0x80 ? 1 : 4) + (vlen < 0x80 ? 1 : 4);
	if (need > size || nlen > size - need || vlen > size - need - nlen)
		return 0;
	off = proto_nv_putlen(dst, nlen);
	off += proto_nv_putlen(dst + off, vlen);
	memcpy(dst + off, name, nlen);
	memcpy(dst + off + nlen, value, vlen);
	return off + nlen + vlen;
}

/* Records are padded to a multiple of 8 bytes, as the spec recommends. */
size_t
proto_padding(size_t len)
{
	return (8 - (len & 7)) & 7;
}

void
proto_header(uint8_t *dst, int type, unsigned int id, size_t clen,
    size_t plen)
{
	dst[0] = FCGI_VERSION_1;
	dst[1] = (uint8_t)type;
	put16(dst + 2, id);
	put16(dst + 4, (unsigned int)clen);
	dst[6] = (uint8_t)plen;
	dst[7] = 0;
}

/*
 * One record of len <= FCGI_MAX_LENGTH bytes at dst, which must hold
 * PROTO_RECORD_SIZE(len).  data may already sit at dst + 8.
 */
size_t
proto_record(uint8_t *dst, int type, unsigned int id, const void *data,
    size_t len)
{
	size_t	 pad = proto_padding(len);

	if (len > 0 && data != dst + FCGI_HEADER_LEN)
		memmove(dst + FCGI_HEADER_LEN, data, len);
	proto_header(dst, type, id, len, pad);
	memset(dst + FCGI_HEADER_LEN + len, 0, pad);
	return FCGI_HEADER_LEN + len + pad;
}

/*
 * len bytes of a stream as records of at most PROTO_CHUNK_MAX bytes;
 * len 0 writes the empty record that ends the stream.  Returns the
 * bytes written, or 0 if they do not fit in size.
 */
size_t
proto_stream(uint8_t *dst, size_t size, int type, unsigned int id,
    const void *data, size_t len)
{
	const uint8_t	*src = data;
	size_t		 n, done = 0, off = 0;

	do {
		n = len - done < PROTO_CHUNK_MAX ? len - done : PROTO_CHUNK_MAX;
		if (size - off < PROTO_RECORD_SIZE(n))
			return 0;
		off += proto_record(dst + off, type, id,
		    n > 0 ? src + done : NULL, n);
		done += n;
	} while (done < len);
	return off;
}

static size_t
proto_fixed(uint8_t *dst, int type, unsigned int id, const uint8_t *body)
{
	proto_header(dst, type, id, FCGI_HEADER_LEN, 0);
	memcpy(dst + FCGI_HEADER_LEN, body, FCGI_HEADER_LEN);
	return 2 * FCGI_HEADER_LEN;
}

size_t
proto_begin_request(uint8_t *dst, unsigned int id, int role, int flags)
{
	uint8_t	 body[FCGI_HEADER_LEN] = { 0 };

	put16(body, (unsigned int)role);
	body[2] = (uint8_t)flags;
	return proto_fixed(dst, FCGI_BEGIN_REQUEST, id, body);
}

size_t
proto_end_request(uint8_t *dst, unsigned int id, uint32_t app_status,
    int protocol_status)
{
	uint8_t	 body[FCGI_HEADER_LEN] = { 0 };

	put32(body, app_status);
	body[4] = (uint8_t)protocol_status;
	return proto_fixed(dst, FCGI_END_REQUEST, id, body);
}

size_t
proto_unknown_type(uint8_t *dst, int type)
{
	uint8_t	 body[FCGI_HEADER_LEN] = { 0 };

	body[0] = (uint8_t)type;
	return proto_fixed(dst, FCGI_UNKNOWN_TYPE, FCGI_NULL_REQUEST_ID, body);
}

/* The value vars gives the name, or NULL. */
static const char *
proto_var(const char *const *vars, const uint8_t *name, size_t nlen)
{
	size_t	 i;

	for (i = 0; vars[i] != NULL && vars[i + 1] != NULL; i += 2)
		if (strlen(vars[i]) == nlen && memcmp(vars[i], name, nlen) == 0)
			return vars[i + 1];
	return NULL;
}

/*
 * Answer a GET_VALUES query into dst, which holds PROTO_MGMT_RECORD_MAX
 * bytes.  vars alternates names and values and ends with NULL.  Each
 * name of vars the query asks for is answered once, however often it
 * is asked, in the order of the query.  Names not in vars are left
 * out, as the spec says, and so is a pair that would take the content
 * past PROTO_MGMT_MAX, the most a web server (fpmd's own parser, for
 * one) has to accept.  Returns the record's size, never 0.
 */
size_t
proto_values_result(uint8_t *dst, const uint8_t *query, size_t qlen,
    const char *const *vars)
{
	struct proto_nv	 nv, seen;
	uint8_t		*out = dst + FCGI_HEADER_LEN;
	const char	*v;
	size_t		 off = 0, len = 0;

	while (proto_nv_next(query, qlen, &off, &nv) == 1) {
		if ((v = proto_var(vars, nv.name, nv.nlen)) == NULL ||
		    proto_nv_find(out, len, 0, nv.name, nv.nlen, &seen))
			continue;
		len += proto_nv_put(out + len, PROTO_MGMT_MAX - len,
		    (const char *)nv.name, nv.nlen, v, strlen(v));
	}
	return proto_record(dst, FCGI_GET_VALUES_RESULT, FCGI_NULL_REQUEST_ID,
	    out, len);
}
