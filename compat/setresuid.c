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
 * setresuid(2) and setresgid(2) for systems without them (macOS).
 * Written for fpmd.  fpmd only ever sets all three ids to one value,
 * which setreuid(2) and setregid(2) do as well, saved id included,
 * when the real id changes.
 */

#include "../config.h"

#if !HAVE_SETRESUID

#include <sys/types.h>

#include <errno.h>
#include <unistd.h>

#include "compat.h"

int
setresuid(uid_t r, uid_t e, uid_t s)
{
	if (r != e || e != s) {
		errno = ENOSYS;
		return -1;
	}
	return setreuid(r, e);
}

int
setresgid(gid_t r, gid_t e, gid_t s)
{
	if (r != e || e != s) {
		errno = ENOSYS;
		return -1;
	}
	return setregid(r, e);
}

#endif /* !HAVE_SETRESUID */
