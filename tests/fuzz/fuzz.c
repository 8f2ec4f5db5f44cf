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
 * Helpers every harness in tests/fuzz links (fuzz.h): the check that
 * aborts, the input cursor and the growing buffer.  They run in the
 * fuzzer's process only.
 */

#include "../../config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void
fuzz_fail(const char *file, int line, const char *cond)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, cond);
	abort();
}

unsigned int
fuzz_byte(struct fuzz_input *in)
{
	if (in->len == 0)
		return 0;
	in->len--;
	return *in->b++;
}

unsigned int
fuzz_u16(struct fuzz_input *in)
{
	unsigned int	 hi = fuzz_byte(in);

	return hi << 8 | fuzz_byte(in);
}

uint32_t
fuzz_u32(struct fuzz_input *in)
{
	uint32_t	 hi = fuzz_u16(in);

	return hi << 16 | fuzz_u16(in);
}

/* A length: one byte, or after a byte of 255, two: mostly short. */
size_t
fuzz_size(struct fuzz_input *in)
{
	size_t	 n = fuzz_byte(in);

	return n < 255 ? n : fuzz_u16(in);
}

/* Up to *n bytes of the input, fewer at its end: *n says how many. */
const uint8_t *
fuzz_bytes(struct fuzz_input *in, size_t *n)
{
	const uint8_t	*p = in->b;

	if (*n > in->len)
		*n = in->len;
	in->b += *n;
	in->len -= *n;
	return p;
}

/* A count of piece sizes, 0 to 15, then the sizes. */
void
fuzz_splits(struct fuzz_input *in, struct fuzz_splits *s)
{
	s->n = fuzz_byte(in) % 16;
	s->sizes = fuzz_bytes(in, &s->n);
}

/* Room for n more bytes at b->b + b->len. */
uint8_t *
fuzz_reserve(struct fuzz_buf *b, size_t n)
{
	size_t	 size = b->size == 0 ? 4096 : b->size;
	uint8_t	*nb;

	if (b->size - b->len >= n)
		return b->b + b->len;
	while (size - b->len < n)
		size *= 2;
	if ((nb = realloc(b->b, size)) == NULL)
		fuzz_fail(__FILE__, __LINE__, "realloc");
	b->b = nb;
	b->size = size;
	return b->b + b->len;
}

void
fuzz_append(struct fuzz_buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	memcpy(fuzz_reserve(b, n), data, n);
	b->len += n;
}

int
fuzz_buf_same(const struct fuzz_buf *a, const struct fuzz_buf *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->b, b->b, a->len) == 0);
}

void
fuzz_buf_free(struct fuzz_buf *b)
{
	free(b->b);
	memset(b, 0, sizeof(*b));
}
