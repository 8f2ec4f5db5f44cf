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
 * libFuzzer harness of the escaping of untrusted bytes (escape.c): the
 * input is a buffer size and the bytes.  For a log line, a JSON string
 * and XML text alike, the output must fit the buffer, be valid UTF-8,
 * and hold no byte the format cannot take: no control character at all
 * in a log line, none raw in JSON, none but tab, LF and CR in XML, no
 * bare quote or backslash in JSON, no bare <, > or & in XML; and it
 * must be the escape of a prefix of the input, cut at a character.
 */

#include "../../config.h"

#include <stdlib.h>
#include <string.h>

#include "../../escape.h"
#include "fuzz.h"

/* Valid UTF-8 throughout, and no byte the format cannot hold raw. */
static void
check(const char *out, size_t size, const char *no)
{
	const unsigned char	*p = (const unsigned char *)out;
	size_t			 len = strlen(out), n;

	FUZZ_CHECK(len < size);
	for (; len > 0; p += n, len -= n) {
		FUZZ_CHECK((n = escape_utf8_len(p, len)) > 0);
		FUZZ_CHECK(n > 1 || strchr(no, *p) == NULL || *p == '\0');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 controls[] = "\001\002\003\004\005\006\007"
	    "\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026"
	    "\027\030\031\032\033\034\035\036\037\177";
	/* XML 1.0 holds tab, LF and CR. */
	static const char	 xml[] = "\001\002\003\004\005\006\007"
	    "\010\013\014\016\017\020\021\022\023\024\025\026"
	    "\027\030\031\032\033\034\035\036\037\177";
	struct fuzz_input	 in = { data, size };
	char			*out, *full, *q;
	size_t			 bufsize, len;
	const uint8_t		*bytes;

	bufsize = fuzz_size(&in);
	len = in.len;
	bytes = fuzz_bytes(&in, &len);
	if ((out = malloc(bufsize + 1)) == NULL ||
	    (full = malloc(8 * len + 1)) == NULL)
		fuzz_fail(__FILE__, __LINE__, "malloc");
	if (bufsize > 0) {
		/* A cut output is the start of the whole one. */
		escape_log(out, bufsize, bytes, len);
		check(out, bufsize, controls);
		escape_log(full, 8 * len + 1, bytes, len);
		FUZZ_CHECK(strncmp(full, out, strlen(out)) == 0);
		escape_json(out, bufsize, bytes, len);
		check(out, bufsize, controls);
		escape_markup(out, bufsize, bytes, len);
		check(out, bufsize, xml);
	}
	escape_json(full, 8 * len + 1, bytes, len);
	for (q = full; (q = strpbrk(q, "\"\\")) != NULL; q += 2)
		FUZZ_CHECK(q[0] == '\\' && strchr("\"\\/bfnrtu", q[1]) != NULL);
	escape_markup(full, 8 * len + 1, bytes, len);
	FUZZ_CHECK(strpbrk(full, "<>\"") == NULL);
	free(out);
	free(full);
	return 0;
}
