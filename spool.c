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
 * The file a request body goes to once it is too large to keep in
 * memory, in a worker.  Where the system has an anonymous file
 * (memfd_create(2) on Linux, shm_open(SHM_ANON) on FreeBSD) that is
 * used: it needs no directory, so it works in any chroot and on a
 * read-only root.  Otherwise, or when the pool names cgi.body_temp_dir,
 * the file is made in that directory (inside the chroot) and unlinked
 * at once: O_TMPFILE where Linux has it, mkstemp(3) elsewhere.  Either
 * way no name is left behind, and the file goes when its last
 * descriptor does.  It becomes the CGI program's standard input.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"

#define SPOOL_DIR	"/tmp"

static int
spool_anonymous(void)
{
#if HAVE_MEMFD_CREATE
	return memfd_create("fpmd-body", MFD_CLOEXEC);
#elif defined(SHM_ANON)
	return shm_open(SHM_ANON, O_RDWR | O_CLOEXEC, 0600);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int
spool_in(const char *dir)
{
	char	 path[1024];
	int	 fd;

#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1 ||
	    (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
#endif
	if ((size_t)snprintf(path, sizeof(path), "%s/fpmd-body.XXXXXXXXXX",
	    dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(path)) == -1)
		return -1;
	unlink(path);
	if (ev_cloexec(fd) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A new, empty, nameless file for a body: anonymous unless dir is set,
 * then in dir; -1 with errno if there is none.
 */
int
spool_open(const char *dir)
{
	int	 fd;

	if (dir == NULL && (fd = spool_anonymous()) != -1)
		return fd;
	return spool_in(dir != NULL ? dir : SPOOL_DIR);
}
