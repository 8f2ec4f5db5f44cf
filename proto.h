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
 * The FastCGI codec (FastCGI Specification 1.0, Open Market, 1996).
 * It is pure: bytes in, records and events out; it encodes into the
 * caller's buffers and never allocates.  The same parser reads both
 * sides of the protocol: PROTO_APP reads what a web server sends to an
 * application, PROTO_WEB what an application sends back.
 */

#ifndef PROTO_H
#define PROTO_H

#include <stddef.h>
#include <stdint.h>

/* Names and values as the specification gives them. */
#define FCGI_LISTENSOCK_FILENO		0
#define FCGI_HEADER_LEN			8
#define FCGI_VERSION_1			1
#define FCGI_MAX_LENGTH			0xffff

#define FCGI_BEGIN_REQUEST		1
#define FCGI_ABORT_REQUEST		2
#define FCGI_END_REQUEST		3
#define FCGI_PARAMS			4
#define FCGI_STDIN			5
#define FCGI_STDOUT			6
#define FCGI_STDERR			7
#define FCGI_DATA			8
#define FCGI_GET_VALUES			9
#define FCGI_GET_VALUES_RESULT		10
#define FCGI_UNKNOWN_TYPE		11
#define FCGI_MAXTYPE			(FCGI_UNKNOWN_TYPE)

#define FCGI_NULL_REQUEST_ID		0

#define FCGI_KEEP_CONN			1

#define FCGI_RESPONDER			1
#define FCGI_AUTHORIZER			2
#define FCGI_FILTER			3

#define FCGI_REQUEST_COMPLETE		0
#define FCGI_CANT_MPX_CONN		1
#define FCGI_OVERLOADED			2
#define FCGI_UNKNOWN_ROLE		3

#define FCGI_MAX_CONNS			"FCGI_MAX_CONNS"
#define FCGI_MAX_REQS			"FCGI_MAX_REQS"
#define FCGI_MPXS_CONNS			"FCGI_MPXS_CONNS"

/* The largest record: header, content and padding. */
#define PROTO_RECORD_MAX	(FCGI_HEADER_LEN + FCGI_MAX_LENGTH + 255)
/* Bytes a record of len content bytes takes on the wire. */
#define PROTO_RECORD_SIZE(len)	(FCGI_HEADER_LEN + (len) + proto_padding(len))
/*
 * The most content a record of a stream carries: the largest multiple
 * of 8 a record can hold, so that a full record needs no padding.
 */
#define PROTO_CHUNK_MAX		(FCGI_MAX_LENGTH & ~(size_t)7)
/*
 * Room for the content of the management records fpmd reads and
 * writes (GET_VALUES, GET_VALUES_RESULT).  A multiple of 8, so that a
 * whole record, padding included, fits in PROTO_MGMT_RECORD_MAX.
 */
#define PROTO_MGMT_MAX		1024
#define PROTO_MGMT_RECORD_MAX	(FCGI_HEADER_LEN + PROTO_MGMT_MAX)

/*
 * The request ids PROTO_APP remembers having refused (CANT_MPX_CONN or
 * UNKNOWN_ROLE), so that the records the web server still sends for
 * them are skipped.  Past this many the oldest is forgotten, and a
 * record for it is then a record for another request id.
 */
#define PROTO_REFUSED_MAX	16

/*
 * The defaults of fastcgi.max_params_size (64 KiB) and
 * fastcgi.max_params, which conf.c's table of keys takes as values:
 * plain numbers, then.
 */
#define PROTO_DEFAULT_MAX_PARAMS_SIZE	65536
#define PROTO_DEFAULT_MAX_PARAMS	1000

enum proto_side {
	PROTO_APP,		/* parse requests, as an application does */
	PROTO_WEB		/* parse responses, as a web server does */
};

enum proto_event_type {
	PROTO_NONE,		/* all input used; feed more */
	PROTO_BEGIN,		/* id, role, flags */
	PROTO_PARAMS,		/* params are complete: proto_param() */
	PROTO_STDIN,		/* data, len; len 0 is the end of stdin */
	PROTO_ABORT,		/* the web server aborts the request */
	PROTO_CANT_MPX,		/* id: a second request while one runs */
	PROTO_GET_VALUES,	/* data, len: the names asked for */
	PROTO_UNKNOWN_TYPE,	/* rtype: answer FCGI_UNKNOWN_TYPE */
	PROTO_STDOUT,		/* data, len; len 0 is the end */
	PROTO_STDERR,		/* data, len; len 0 is the end */
	PROTO_END,		/* app_status, protocol_status */
	PROTO_VALUES,		/* data, len: GET_VALUES_RESULT pairs */
	PROTO_UNKNOWN_REPLY,	/* rtype: the peer did not know rtype */
	PROTO_ERROR		/* error: the connection must be closed */
};

enum proto_error {
	PROTO_E_NONE,
	PROTO_E_VERSION,	/* version is not FCGI_VERSION_1 */
	PROTO_E_LENGTH,		/* content length wrong for the type */
	PROTO_E_TYPE,		/* a type this side never receives */
	PROTO_E_NO_REQUEST,	/* a stream record before BEGIN_REQUEST */
	PROTO_E_REQUEST_ID,	/* a record for another request id */
	PROTO_E_NULL_ID,	/* a request record with id 0 */
	PROTO_E_STREAM,		/* a stream out of order or after its end */
	PROTO_E_PARAMS_SIZE,	/* params over the size limit */
	PROTO_E_PARAMS_COUNT,	/* more params than the limit */
	PROTO_E_NV_LENGTH,	/* a name-value length past its data */
	PROTO_E_MGMT_SIZE	/* a management record over its limit */
};

struct proto_event {
	enum proto_event_type	 type;
	unsigned int		 id;
	int			 role;
	int			 flags;
	int			 rtype;
	const uint8_t		*data;
	size_t			 len;
	uint32_t		 app_status;
	int			 protocol_status;
	enum proto_error	 error;
};

/*
 * The parser.  Fill in the limits and the params buffer, call
 * proto_init(), then proto_feed() bytes as they come.
 */
struct proto_parser {
	enum proto_side	 side;
	uint8_t		*params;	/* caller's, max_params_size bytes */
	size_t		 max_params_size;
	size_t		 max_params;

	/* the record being read */
	int		 state;
	uint8_t		 hdr[FCGI_HEADER_LEN];
	size_t		 hlen;
	int		 type;
	unsigned int	 rid;
	size_t		 clen;		/* content still to come */
	size_t		 plen;		/* padding still to come */
	int		 skip;		/* read past this record */
	int		 empty;		/* its content length is 0 */
	uint8_t		 body[FCGI_HEADER_LEN];
	size_t		 blen;
	enum proto_error error;		/* once failed, for good */

	/* the request (PROTO_APP) or response (PROTO_WEB) */
	unsigned int	 id;		/* 0: none is active */
	unsigned int	 open;		/* its streams, 1 << type */
	unsigned int	 refused[PROTO_REFUSED_MAX];	/* oldest first */
	size_t		 nrefused;
	size_t		 nparams;
	size_t		 params_len;
	uint8_t		 mgmt[PROTO_MGMT_MAX];
	size_t		 mgmt_len;
};

struct proto_nv {
	const uint8_t	*name;
	size_t		 nlen;
	const uint8_t	*value;
	size_t		 vlen;
};

void	 proto_init(struct proto_parser *, enum proto_side);
size_t	 proto_feed(struct proto_parser *, const uint8_t *, size_t,
	    struct proto_event *);
void	 proto_request_done(struct proto_parser *);
void	 proto_expect(struct proto_parser *, unsigned int);
size_t	 proto_held(const struct proto_parser *);
const char *proto_strerror(enum proto_error);

int	 proto_nv_next(const uint8_t *, size_t, size_t *, struct proto_nv *);
int	 proto_param(const struct proto_parser *, const char *,
	    const char **, size_t *);
int	 proto_param_next(const struct proto_parser *, size_t *,
	    struct proto_nv *);
size_t	 proto_nv_put(uint8_t *, size_t, const char *, size_t,
	    const char *, size_t);

size_t	 proto_padding(size_t);
void	 proto_header(uint8_t *, int, unsigned int, size_t, size_t);
size_t	 proto_record(uint8_t *, int, unsigned int, const void *, size_t);
size_t	 proto_stream(uint8_t *, size_t, int, unsigned int, const void *,
	    size_t);
size_t	 proto_begin_request(uint8_t *, unsigned int, int, int);
size_t	 proto_end_request(uint8_t *, unsigned int, uint32_t, int);
size_t	 proto_unknown_type(uint8_t *, int);
size_t	 proto_values_result(uint8_t *, const uint8_t *, size_t,
	    const char *const *);

#endif /* PROTO_H */
