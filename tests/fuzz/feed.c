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
 * The driver of the proto.c harnesses (fuzz.h).  fuzz_feed() feeds a
 * parser the wire in the pieces the input chose, each piece copied to
 * the start of a heap buffer and followed by bytes poisoned for
 * AddressSanitizer, so that a read before or past the piece is caught,
 * and checks what holds for every event on either side:
 * the parser moves on, stream data lies within the bytes that call
 * consumed, a management record within its limit, and a failed parser
 * stays failed.  fuzz_transcribe() writes each event into a
 * transcript in which a stream reads the same however it was cut, so
 * that whole and split feeding can be compared byte for byte.
 */

#include "../../config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "fuzz.h"

#define FUZZ_GUARD_BYTES	4096	/* poisoned after each piece */

/* A new parser of side, with a params buffer of max_size bytes. */
void
fuzz_parser(struct proto_parser *p, enum proto_side side, uint8_t *params,
    size_t max_size, size_t max)
{
	memset(p, 0, sizeof(*p));
	p->params = params;
	p->max_params_size = max_size;
	p->max_params = max;
	proto_init(p, side);
}

static int
fuzz_is_data(const struct proto_event *ev)
{
	return (ev->type == PROTO_STDIN || ev->type == PROTO_STDOUT ||
	    ev->type == PROTO_STDERR) && ev->len > 0;
}

/*
 * Stream data goes in as it comes, after one line for each run of
 * one stream; *last is the event type of the run being written, 0
 * after any other event.
 */
void
fuzz_transcribe(struct fuzz_buf *t, int *last, const struct proto_parser *p,
    const struct proto_event *ev)
{
	char	 line[128];
	int	 n;

	if (ev->type == PROTO_NONE)
		return;
	if (fuzz_is_data(ev) && *last == (int)ev->type) {
		fuzz_append(t, ev->data, ev->len);
		return;
	}
	*last = fuzz_is_data(ev) ? (int)ev->type : 0;
	n = snprintf(line, sizeof(line), "\n%d id %u role %d flags %d "
	    "rtype %d status %u/%d error %d len %zu\n", ev->type, ev->id,
	    ev->role, ev->flags, ev->rtype, ev->app_status,
	    ev->protocol_status, ev->error, fuzz_is_data(ev) ? 0 : ev->len);
	fuzz_append(t, line, (size_t)n);
	if (ev->type == PROTO_PARAMS) {
		n = snprintf(line, sizeof(line), "%zu params\n", p->nparams);
		fuzz_append(t, line, (size_t)n);
		fuzz_append(t, p->params, p->params_len);
	} else if (ev->data != NULL)
		fuzz_append(t, ev->data, ev->len);
}

/* What holds for any event, on either side. */
static void
fuzz_event_check(const struct proto_parser *p, const struct proto_event *ev,
    const uint8_t *piece, size_t used)
{
	if (fuzz_is_data(ev)) {
		FUZZ_CHECK(ev->data >= piece);
		FUZZ_CHECK(ev->len <= used);
		FUZZ_CHECK(ev->data <= piece + used - ev->len);
		FUZZ_CHECK(ev->len <= FCGI_MAX_LENGTH);
	} else if (ev->type == PROTO_GET_VALUES || ev->type == PROTO_VALUES) {
		FUZZ_CHECK(ev->data == p->mgmt);
		FUZZ_CHECK(ev->len <= sizeof(p->mgmt));
	} else if (ev->type == PROTO_ERROR) {
		FUZZ_CHECK(ev->error > PROTO_E_NONE);
		FUZZ_CHECK(ev->error <= PROTO_E_MGMT_SIZE);
		FUZZ_CHECK(strcmp(proto_strerror(ev->error),
		    "unknown error") != 0);
	} else
		FUZZ_CHECK(ev->data == NULL && ev->len == 0);
}

/* Once failed, the parser takes nothing more and says the same. */
static void
fuzz_failed_check(struct proto_parser *p, enum proto_error e)
{
	struct proto_event	 ev;
	uint8_t			 byte = FCGI_VERSION_1;

	FUZZ_CHECK(proto_feed(p, &byte, 1, &ev) == 0);
	FUZZ_CHECK(ev.type == PROTO_ERROR && ev.error == e);
}

/* Pieces of 1 to 192 bytes, or of 1 KB to 64 KB for long streams. */
static size_t
fuzz_piece_size(uint8_t b)
{
	return b < 192 ? (size_t)b + 1 : (size_t)(b - 191) * 1024;
}

/* A parser being fed, what to call on its events, and what it said. */
struct fuzz_run {
	struct proto_parser	*p;
	fuzz_event_fn		 fn;
	void			*arg;
	struct fuzz_buf		*t;
	int			 last;
	int			 failed;
};

/* Feed one piece; returns the bytes used: all, or up to an error. */
static size_t
fuzz_piece(struct fuzz_run *r, const uint8_t *piece, size_t len)
{
	struct proto_event	 ev;
	size_t			 off = 0, n;

	while (off < len && !r->failed) {
		n = proto_feed(r->p, piece + off, len - off, &ev);
		FUZZ_CHECK(n <= len - off);
		FUZZ_CHECK(n > 0);
		fuzz_event_check(r->p, &ev, piece + off, n);
		r->fn(r->arg, r->p, &ev, piece + off, n);
		fuzz_transcribe(r->t, &r->last, r->p, &ev);
		off += n;
		if (ev.type == PROTO_ERROR) {
			fuzz_failed_check(r->p, ev.error);
			r->failed = 1;
		}
	}
	return off;
}

/*
 * Feed len bytes of wire to p in the pieces s gives, calling fn on
 * every event and writing the transcript into t.  Returns how many
 * bytes were used: all of them, or those up to an error.
 */
size_t
fuzz_feed(struct proto_parser *p, const uint8_t *wire, size_t len,
    const struct fuzz_splits *s, fuzz_event_fn fn, void *arg,
    struct fuzz_buf *t)
{
	static struct fuzz_buf	 copy;
	struct fuzz_run		 r = { p, fn, arg, t, 0, 0 };
	size_t			 off = 0, n, k = 0;

	while (off < len && !r.failed) {
		n = s->n == 0 ? len : fuzz_piece_size(s->sizes[k++ % s->n]);
		if (n > len - off)
			n = len - off;
		memcpy(fuzz_reserve(&copy, n + FUZZ_GUARD_BYTES), wire + off,
		    n);
		ASAN_POISON_MEMORY_REGION(copy.b + n, FUZZ_GUARD_BYTES);
		off += fuzz_piece(&r, copy.b, n);
		ASAN_UNPOISON_MEMORY_REGION(copy.b + n, FUZZ_GUARD_BYTES);
	}
	return off;
}

/*
 * Run the wire through run twice, whole and in the pieces split
 * gives: both must use as many bytes and say the same.  Returns the
 * bytes used, and the transcript in *t until the next call.  The
 * buffers live on, so that big transcripts cost no mapping each time.
 */
size_t
fuzz_twice(fuzz_run_fn run, void *arg, const uint8_t *wire, size_t len,
    const struct fuzz_splits *split, const struct fuzz_buf **t)
{
	static struct fuzz_buf	 whole_t, split_t;
	struct fuzz_splits	 whole = { NULL, 0 };
	size_t			 used;

	whole_t.len = split_t.len = 0;
	used = run(arg, wire, len, &whole, &whole_t);
	FUZZ_CHECK(run(arg, wire, len, split, &split_t) == used);
	FUZZ_CHECK(fuzz_buf_same(&whole_t, &split_t));
	*t = &whole_t;
	return used;
}
