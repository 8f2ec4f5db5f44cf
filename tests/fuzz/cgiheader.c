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
 * libFuzzer harness of the CGI header-block check (cgiheader.c): the
 * input is a limit, the sizes of the pieces a program's output arrives
 * in, and the output.  Fed piece by piece, as a worker feeds it, the
 * verdict must be the one the whole output gets at once; a good block
 * lies within the output and the limit and ends in a blank line, its
 * Status is 0 or 100 to 599; a bad one points inside what was read.
 */

#include "../../config.h"

#include <string.h>

#include "../../cgiheader.h"
#include "fuzz.h"

/* The verdict on the first len bytes, given in pieces. */
static int
verdict(struct cgiheader *h, const char *out, size_t len, size_t max,
    const struct fuzz_splits *s)
{
	size_t	 upto = 0, i = 0, piece;
	int	 r = CGIHEADER_MORE;

	memset(h, 0, sizeof(*h));
	while (r == CGIHEADER_MORE && upto < len) {
		piece = s->n > 0 ? s->sizes[i++ % s->n] : len;
		if (piece == 0)
			piece = 1;
		upto = len - upto < piece ? len : upto + piece;
		/* A worker never reads past its buffer of max bytes. */
		if (upto > max)
			upto = max;
		r = cgiheader_parse(h, out, upto, max);
		if (upto == max)
			break;
	}
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input	 in = { data, size };
	struct fuzz_splits	 s;
	struct cgiheader	 whole, piece;
	const char		*out;
	size_t			 max, len;
	int			 w, p;

	max = 1 + fuzz_size(&in);
	fuzz_splits(&in, &s);
	len = in.len;
	out = (const char *)fuzz_bytes(&in, &len);
	w = verdict(&whole, out, len, max, &(struct fuzz_splits){ NULL, 0 });
	p = verdict(&piece, out, len, max, &s);
	FUZZ_CHECK(w == p);
	FUZZ_CHECK(whole.len == piece.len && whole.status == piece.status &&
	    whole.location == piece.location &&
	    whole.error_at == piece.error_at);
	if (w == CGIHEADER_OK) {
		FUZZ_CHECK(whole.len >= 1 && whole.len <= len &&
		    whole.len <= max);
		FUZZ_CHECK(out[whole.len - 1] == '\n');
		FUZZ_CHECK(whole.status == 0 ||
		    (whole.status >= 100 && whole.status <= 599));
	} else if (w == CGIHEADER_BAD) {
		FUZZ_CHECK(whole.error != NULL);
		FUZZ_CHECK(whole.error_at <= len && whole.error_at <= max);
	} else
		FUZZ_CHECK(len < max && whole.off <= len);
	return 0;
}
