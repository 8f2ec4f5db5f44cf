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
 * Escaping bytes that came from a request or a program before they
 * reach a log line or a status page, in both processes.  Valid UTF-8 is
 * kept; a backslash, control characters, DEL and every byte that is not
 * part of valid UTF-8 become C escapes (\n, \t, \\, \x1b), as OpenBSD's
 * stravis(3) with VIS_CSTYLE writes them, so a name with a newline in
 * it cannot forge a line of its own.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

/*
 * The length of the valid UTF-8 sequence at s (at most len bytes), or 0
 * if there is none: no overlong forms, no surrogates, nothing past
 * U+10FFFF (RFC 3629).
 */
size_t
escape_utf8_len(const unsigned char *s, size_t len)
{
	size_t		 n, i;
	unsigned char	 lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* One byte as a C escape into dst, which has room for 5. */
static size_t
escape_byte(char *dst, unsigned char c)
{
	static const char	 cstyle[] = "\\\\\nn\tt\rr\aa\bb\ff\vv";
	const char		*e;

	if (c != '\0' && (e = strchr(cstyle, c)) != NULL &&
	    (e - cstyle) % 2 == 0) {
		dst[0] = '\\';
		dst[1] = e[1];
		return 2;
	}
	snprintf(dst, 5, "\\x%02x", c);
	return 4;
}

/*
 * src, len bytes, made safe for a log line into dst (size bytes, NUL
 * terminated); what does not fit is cut at a whole escape or character.
 * Returns dst, so that it can stand as a printf() argument.
 */
char *
escape_log(char *dst, size_t size, const void *src, size_t len)
{
	const unsigned char	*s = src;
	char			 e[5];
	size_t			 i = 0, o = 0, n, m;

	if (size == 0)
		return dst;
	while (i < len) {
		if (s[i] >= 0x20 && s[i] != 0x7f && s[i] != '\\' &&
		    (n = escape_utf8_len(s + i, len - i)) > 0) {
			memcpy(e, s + i, n);
			m = n;
		} else {
			n = 1;
			m = escape_byte(e, s[i]);
		}
		if (o + m >= size)
			break;
		memcpy(dst + o, e, m);
		o += m;
		i += n;
	}
	dst[o] = '\0';
	return dst;
}
