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
 * explicit_bzero(3) for C libraries without it (macOS, glibc before
 * 2.25).  Written for fpmd from the interface in OpenBSD's
 * explicit_bzero(3): a memset() through a volatile pointer, which the
 * compiler may not elide as a dead store.
 */

#include "../config.h"

#if !HAVE_EXPLICIT_BZERO

#include <string.h>

#include "compat.h"

static void *(*volatile explicit_memset)(void *, int, size_t) = memset;

void
explicit_bzero(void *buf, size_t len)
{
	explicit_memset(buf, 0, len);
}

#endif /* !HAVE_EXPLICIT_BZERO */
