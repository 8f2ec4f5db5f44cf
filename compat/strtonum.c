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
 * strtonum(3) for C libraries without it (glibc, musl).  Written for
 * fpmd from the interface in OpenBSD's strtonum(3): the whole string
 * is a decimal number from minval to maxval, or *errstr says
 * "invalid", "too small" or "too large", and errno is EINVAL or
 * ERANGE.
 */

#include "../config.h"

#if !HAVE_STRTONUM

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "compat.h"

long long
strtonum(const char *s, long long minval, long long maxval,
    const char **errstr)
{
	char		*end;
	long long	 n;

	*errstr = NULL;
	errno = 0;
	if (minval > maxval) {
		*errstr = "invalid";
		errno = EINVAL;
		return 0;
	}
	n = strtoll(s, &end, 10);
	if (end == s || *end != '\0') {
		*errstr = "invalid";
		errno = EINVAL;
		return 0;
	}
	if ((n == LLONG_MIN && errno == ERANGE) || n < minval) {
		*errstr = "too small";
		errno = ERANGE;
		return 0;
	}
	if ((n == LLONG_MAX && errno == ERANGE) || n > maxval) {
		*errstr = "too large";
		errno = ERANGE;
		return 0;
	}
	return n;
}

#endif /* !HAVE_STRTONUM */
