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
 * What the libFuzzer harnesses in tests/fuzz share (fuzz.c): a check
 * that reports the failed condition and aborts, so that libFuzzer
 * keeps the input; a cursor that takes the bytes of an input as
 * numbers and strings; a growing buffer; and, for the harnesses of
 * proto.c (feed.c), a driver that feeds a parser in the pieces the
 * input chose and writes what it said into a transcript.  They run
 * in the fuzzer's process only, never in fpmd.
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "../../log.h"
#include "../../proto.h"

#define FUZZ_CHECK(cond)	do {					\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

/* The bytes of an input not taken yet; past its end, zeros. */
struct fuzz_input {
	const uint8_t	*b;
	size_t		 len;
};

struct fuzz_buf {
	uint8_t		*b;
	size_t		 len;
	size_t		 size;
};

/* How feed.c cuts the wire: the sizes of the pieces, over and over. */
struct fuzz_splits {
	const uint8_t	*sizes;		/* feed.c: fuzz_piece_size() */
	size_t		 n;		/* 0: the whole wire at once */
};

/* Called on each event with the piece proto_feed() used for it. */
typedef void	(*fuzz_event_fn)(void *, struct proto_parser *,
		    const struct proto_event *, const uint8_t *, size_t);
/* Feeds a new parser the wire in pieces: fuzz_feed() on a harness's. */
typedef size_t	(*fuzz_run_fn)(void *, const uint8_t *, size_t,
		    const struct fuzz_splits *, struct fuzz_buf *);

/* What libFuzzer calls with each input: each harness has one. */
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

__dead void	 fuzz_fail(const char *, int, const char *);
unsigned int	 fuzz_byte(struct fuzz_input *);
unsigned int	 fuzz_u16(struct fuzz_input *);
uint32_t	 fuzz_u32(struct fuzz_input *);
size_t		 fuzz_size(struct fuzz_input *);
const uint8_t	*fuzz_bytes(struct fuzz_input *, size_t *);
void		 fuzz_splits(struct fuzz_input *, struct fuzz_splits *);
uint8_t		*fuzz_reserve(struct fuzz_buf *, size_t);
void		 fuzz_append(struct fuzz_buf *, const void *, size_t);
int		 fuzz_buf_same(const struct fuzz_buf *,
		    const struct fuzz_buf *);
void		 fuzz_buf_free(struct fuzz_buf *);

void		 fuzz_parser(struct proto_parser *, enum proto_side, uint8_t *,
		    size_t, size_t);
void		 fuzz_transcribe(struct fuzz_buf *, int *,
		    const struct proto_parser *, const struct proto_event *);
size_t		 fuzz_feed(struct proto_parser *, const uint8_t *, size_t,
		    const struct fuzz_splits *, fuzz_event_fn, void *,
		    struct fuzz_buf *);
size_t		 fuzz_twice(fuzz_run_fn, void *, const uint8_t *, size_t,
		    const struct fuzz_splits *, const struct fuzz_buf **);

#endif /* FUZZ_H */
