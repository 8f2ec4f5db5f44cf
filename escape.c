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
 * reach a log line or a status page, in both processes, pure.  Valid
 * UTF-8 is kept.  For a log, a backslash, control characters, DEL and
 * every byte that is not part of valid UTF-8 become C escapes (\n, \t,
 * \\, \x1b), as OpenBSD's stravis(3) with VIS_CSTYLE writes them, so a
 * name with a newline in it cannot forge a line of its own.  For a JSON
 * string and for XML or HTML text, what the format needs, and U+FFFD
 * for what it cannot hold, so that a page is always a valid document.
 */

#include "config.h"

#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "escape.h"

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

#define ESCAPE_MAX	8	/* the longest form of one character */

/*
 * One character into e (ESCAPE_MAX bytes): n bytes of valid UTF-8 at
 * p, or, when n is 0, a byte that is not UTF-8.  Returns its length.
 */
typedef size_t	(*escape_fn)(char *, const unsigned char *, size_t);

/* C escapes, as stravis(3) with VIS_CSTYLE writes them. */
static size_t
escape_c(char *e, const unsigned char *p, size_t n)
{
	static const char	 cstyle[] = "\\\\\nn\tt\rr\aa\bb\ff\vv";
	const char		*c;

	if (n > 1 || (n == 1 && *p >= 0x20 && *p != 0x7f && *p != '\\')) {
		memcpy(e, p, n);
		return n;
	}
	if (*p != '\0' && (c = strchr(cstyle, *p)) != NULL &&
	    (c - cstyle) % 2 == 0) {
		e[0] = '\\';
		e[1] = c[1];
		return 2;
	}
	return (size_t)snprintf(e, ESCAPE_MAX, "\\x%02x", *p);
}

/* The inside of a JSON string (RFC 8259); U+FFFD for what is not UTF-8. */
static size_t
escape_j(char *e, const unsigned char *p, size_t n)
{
	if (n == 0)
		return (size_t)snprintf(e, ESCAPE_MAX, "\\ufffd");
	if (n == 1 && (*p == '"' || *p == '\\' || *p == '/'))
		return (size_t)snprintf(e, ESCAPE_MAX, "\\%c", *p);
	if (n == 1 && (*p < 0x20 || *p == 0x7f))
		return (size_t)snprintf(e, ESCAPE_MAX, "\\u%04x", *p);
	memcpy(e, p, n);
	return n;
}

/*
 * XML and HTML text; U+FFFD for what is not UTF-8 and for the control
 * characters XML 1.0 cannot hold at all.
 */
static size_t
escape_m(char *e, const unsigned char *p, size_t n)
{
	static const char *const entity[] = { "&amp;", "&lt;", "&gt;",
	    "&quot;" };
	const char	*c;

	if (n == 0 || (n == 1 && (*p == 0x7f ||
	    (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r'))))
		return (size_t)snprintf(e, ESCAPE_MAX, "\xef\xbf\xbd");
	if (n == 1 && *p != '\0' && (c = strchr("&<>\"", *p)) != NULL)
		return (size_t)snprintf(e, ESCAPE_MAX, "%s",
		    entity[c - "&<>\""]);
	memcpy(e, p, n);
	return n;
}

/*
 * src, len bytes, written with fn into dst (size bytes, NUL terminated);
 * what does not fit is cut at a whole character.  Returns dst, so that
 * it can stand as a printf() argument.
 */
static char *
escape_with(escape_fn fn, char *dst, size_t size, const void *src,
    size_t len)
{
	const unsigned char	*s = src;
	char			 e[ESCAPE_MAX];
	size_t			 i = 0, o = 0, n, m;

	if (size == 0)
		return dst;
	while (i < len) {
		n = escape_utf8_len(s + i, len - i);
		m = fn(e, s + i, n);
		if (o + m >= size)
			break;
		memcpy(dst + o, e, m);
		o += m;
		i += n > 0 ? n : 1;
	}
	dst[o] = '\0';
	return dst;
}

/* For a log line: C escapes for controls, backslash and non-UTF-8. */
char *
escape_log(char *dst, size_t size, const void *src, size_t len)
{
	return escape_with(escape_c, dst, size, src, len);
}

/* For a JSON string, quotes not included. */
char *
escape_json(char *dst, size_t size, const void *src, size_t len)
{
	return escape_with(escape_j, dst, size, src, len);
}

/* For XML or HTML text. */
char *
escape_markup(char *dst, size_t size, const void *src, size_t len)
{
	return escape_with(escape_m, dst, size, src, len);
}
