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
 * The master's pidfile, which root writes where the configuration's
 * pid says.  It is written whole beside its path and renamed into
 * place, so that a reader never finds it empty and a link planted at
 * its path is replaced, never followed; what is there already must be
 * a regular file with one link, opened without following links
 * (log_file_open()).  fpmd.c writes it at start, on a reload and
 * again when the new master of an upgrade failed; after a hand-over
 * the master's exit removes it only if it still names the master.
 * Only the master runs this, as root.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fpmd.h"
#include "master.h"
#include "log.h"

/*
 * Is the pidfile at path one root may replace: none yet, or a regular
 * file with one link?  If not, why says what is there.  The rename
 * that replaces it follows no link, whatever is there by then; this
 * says what fpmd refuses to take for its own.
 */
static int
pidfile_usable(const char *path, char *why, size_t whylen)
{
	int	 fd;

	if ((fd = log_file_open(path, O_RDONLY, 0, why, whylen)) == -1)
		return errno == ENOENT;
	close(fd);
	return 1;
}

/*
 * This process's pid in a new file beside the pidfile at path, named
 * in tmp.  mkstemp(3) creates it exclusively, so no link planted at
 * its name is followed.
 */
static int
pidfile_temp(const char *path, char *tmp, size_t tmplen)
{
	char	 buf[32];
	int	 fd, n, r, saved;

	if (snprintf(tmp, tmplen, "%s.XXXXXX", path) >= (int)tmplen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	r = fchmod(fd, 0644) == -1 || write(fd, buf, n) != n ? -1 : 0;
	if (close(fd) == -1)
		r = -1;
	if (r == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
	}
	return r;
}

/*
 * Write the pidfile whole, then rename it into place; no path, no
 * pidfile.  What is refused is logged here; errno says why to the
 * caller.
 */
int
pidfile_write(const char *path)
{
	char	 tmp[PATH_MAX], why[128];
	int	 saved;

	if (path == NULL)
		return 0;
	if (!pidfile_usable(path, why, sizeof(why))) {
		log_errorx("pid %s: %s; refused", path, why);
		return -1;
	}
	if (pidfile_temp(path, tmp, sizeof(tmp)) == -1)
		return -1;
	if (rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

/* Can the pidfile be written?  Checked on the terminal, before fork. */
void
pidfile_check(const char *path)
{
	char	 tmp[PATH_MAX], why[128];

	if (path == NULL)
		return;
	if (!pidfile_usable(path, why, sizeof(why)))
		errx(1, "pid %s: %s; refused", path, why);
	if (pidfile_temp(path, tmp, sizeof(tmp)) == -1)
		err(1, "pid %s", path);
	unlink(tmp);
}

/* Does the pidfile still name this process? */
int
pidfile_ours(const char *path)
{
	char	 buf[32], why[128];
	ssize_t	 n;
	int	 fd;

	if ((fd = log_file_open(path, O_RDONLY, 0, why, sizeof(why))) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10) == (long)getpid();
}
