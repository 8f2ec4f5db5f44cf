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
 * closefrom(2) for systems without it (musl, macOS, glibc before 2.34).
 * Written for fpmd from the interface in OpenBSD's closefrom(2).  Where
 * /proc/self/fd or /dev/fd lists the open descriptors, only those are
 * closed; otherwise every descriptor up to the limit is, which is slow
 * when rlimit_files is large but always correct.
 */

#include "../config.h"

#if !HAVE_CLOSEFROM

#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "compat.h"

static int
closefrom_dir(const char *path, int lowfd)
{
	DIR		*d;
	struct dirent	*de;
	long		 fd;
	char		*end;

	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		fd = strtol(de->d_name, &end, 10);
		if (*end != '\0' || fd < lowfd || fd > INT_MAX ||
		    fd == dirfd(d))
			continue;
		close((int)fd);
	}
	closedir(d);
	return 0;
}

void
closefrom(int lowfd)
{
	long	 max, fd;

	if (closefrom_dir("/proc/self/fd", lowfd) == 0 ||
	    closefrom_dir("/dev/fd", lowfd) == 0)
		return;
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > INT_MAX)
		max = INT_MAX;
	for (fd = lowfd; fd < max; fd++)
		close((int)fd);
}

#endif /* !HAVE_CLOSEFROM */
