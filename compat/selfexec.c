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
 * How the master starts its own binary again for each worker: the
 * file it runs, not whatever is installed at its path by now, so that
 * a new binary reaches workers only through a binary upgrade (USR2).
 * selfexec_init(), at start, opens that file: Linux's /proc/self/exe
 * names the very inode, elsewhere the path fpmd was started from.
 * selfexec_run(), in the child, executes the descriptor with
 * fexecve(2) where the system has it, which no later rename or install
 * can redirect.  Without fexecve (OpenBSD, macOS) it executes the
 * path, and the worker refuses a binary that is not the master's
 * build (worker.c, confwire.c).  Run by the master, as root, but for
 * selfexec_name(), which a worker runs.
 */

#include "../config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "compat.h"

#ifndef O_EXEC
#define O_EXEC		O_RDONLY
#endif

static char	 self_path[PATH_MAX];
static int	 self_fd = -1;

/*
 * Remember fpmd's binary, from path (absolute, or NULL where it could
 * not be found); -1 if there is no way to start it again.
 */
int
selfexec_init(const char *path)
{
#if HAVE_FEXECVE && defined(__linux__)
	if ((self_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) != -1)
		return 0;
#endif
	if (path == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (realpath(path, self_path) == NULL)
		return -1;
#if HAVE_FEXECVE
	self_fd = open(self_path, O_EXEC | O_CLOEXEC);
#endif
	return 0;
}

/* The descriptor the child must keep open until it executes, or -1. */
int
selfexec_fd(void)
{
	return self_fd;
}

/*
 * Execute fpmd's binary, from fd, the descriptor selfexec_fd() gave,
 * wherever the child moved it; returns only on failure.
 */
void
selfexec_run(int fd, char *const argv[], char *const envp[])
{
#if HAVE_FEXECVE
	if (fd != -1) {
		fexecve(fd, argv, envp);
		return;
	}
#else
	(void)fd;
#endif
	execve(self_path, argv, envp);
}

/*
 * A worker's command name, which ps -o comm and pgrep match: Linux
 * before 6.14 names a process run by fexecve() after its descriptor's
 * number.
 */
void
selfexec_name(const char *argv0)
{
#if defined(__linux__)
	const char	*base = strrchr(argv0, '/');

	(void)prctl(PR_SET_NAME, base != NULL ? base + 1 : argv0, 0, 0, 0);
#else
	(void)argv0;
#endif
}
