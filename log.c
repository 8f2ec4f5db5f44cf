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
 * Logging, after OpenBSD relayd's log.c, with php-fpm's levels:
 * log_error(), log_warn() and fatal() append strerror(errno), the x
 * variants do not.  A message goes to one sink:
 * stderr (-d, and until the daemon is up), syslog, or a file.  Only the
 * master writes the file; workers send it their lines on their own
 * channels, so that SIGUSR1 reopens one descriptor and no chrooted
 * worker ever needs to open the log itself.  The master puts the name
 * of the pool whose channel a line came on in front of it, and cuts it
 * at newlines: a worker speaks for its own pool only, one line at a time.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "compat/compat.h"
#include "log.h"
#include "escape.h"

#define LOG_LINE_MAX	1024

static void	log_to_stderr(int, const char *);
static void	log_to_syslog(int, const char *);
static void	log_to_file(int, const char *);
static void	log_to_master(int, const char *);

static void	(*log_sink)(int, const char *) = log_to_stderr;
static int	 log_priority = LOG_NOTICE;	/* the most verbose shown */
static char	*log_ident;			/* openlog() keeps it */
static int	 log_facility = LOG_DAEMON;
static int	 log_fd = -1;			/* the file, or the channel */
static char	*log_path;
#define LOG_LINKS_MAX	16	/* followed on the way to a log */

/* log_level's names, and the tags of a line in the log file. */
static const struct {
	const char	*name;
	const char	*tag;
	int		 pri;
} log_levels[] = {
	{ "alert",	"ALERT",	LOG_ALERT },
	{ "error",	"ERROR",	LOG_ERR },
	{ "warning",	"WARNING",	LOG_WARNING },
	{ "notice",	"NOTICE",	LOG_NOTICE },
	{ "debug",	"DEBUG",	LOG_DEBUG },
};

/* The row of a syslog priority; an unknown one is read as notice. */
static size_t
log_level_row(int pri)
{
	size_t	 i;

	for (i = 0; i < sizeof(log_levels) / sizeof(*log_levels); i++)
		if (log_levels[i].pri == pri)
			return i;
	return 3;
}

static const char *
log_level_tag(int pri)
{
	return log_levels[log_level_row(pri)].tag;
}

/* Map a log_level name to a syslog priority; -1 if unknown. */
int
log_level(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(log_levels) / sizeof(*log_levels); i++)
		if (strcmp(name, log_levels[i].name) == 0)
			return log_levels[i].pri;
	return -1;
}

void
log_setlevel(int pri)
{
	log_priority = pri;
}

/* The log_level name of a syslog priority. */
const char *
log_level_name(int pri)
{
	return log_levels[log_level_row(pri)].name;
}

/* Log to stderr (debug) or to syslog with ident and facility. */
void
log_init(int debug, const char *ident, int facility)
{
	char	*old = log_ident;

	if (debug) {
		log_sink = log_to_stderr;
		return;
	}
	if ((log_ident = strdup(ident)) == NULL)
		log_ident = old;
	log_facility = facility;
	openlog(log_ident, LOG_PID | LOG_NDELAY, facility);
	log_sink = log_to_syslog;
	if (old != log_ident)
		free(old);
}

/* Why path could not be opened, as log_file_open() says it. */
static void
log_file_why(const char *path, int error, char *why, size_t whylen)
{
	struct stat	 st;

	/* O_NOFOLLOW fails with ELOOP, EMLINK (FreeBSD) or EFTYPE. */
	if (error != ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		strlcpy(why, "is a symbolic link", whylen);
	else
		strlcpy(why, strerror(error), whylen);
	errno = error;
}

/*
 * Is the directory at fd root's, and can no one else change what its
 * names lead to?  In a sticky one, as /tmp, others may add names but
 * not replace root's, so it will do on the way (sticky_ok), but not as
 * the directory of the file itself.
 */
static int
log_dir_root_only(int fd, int sticky_ok)
{
	struct stat	 st;

	return fstat(fd, &st) == 0 && st.st_uid == 0 &&
	    ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0 ||
	    (sticky_ok && (st.st_mode & S_ISVTX) != 0));
}

/*
 * log_dir_open() cannot go on: close fd, say what in why, with
 * strerror(error) unless error is ELOOP, a refusal of its own, and
 * return -1 with errno set to error.
 */
static int
log_dir_fail(int fd, char *why, size_t whylen, int error, const char *what)
{
	if (fd != -1)
		close(fd);
	if (error == ELOOP)
		strlcpy(why, what, whylen);
	else
		snprintf(why, whylen, "%s: %s", what, strerror(error));
	errno = error;
	return -1;
}

/*
 * The directory of path, opened a part at a time from / (or from the
 * working directory) without letting open(2) follow a link: a link on
 * the way is followed only where it stands in a directory that is
 * root's alone, where root put it; anywhere else it is refused, so
 * that a pool's user who swaps a directory of its own for a link to
 * one of root's redirects nothing.  Its last part goes in base.
 * *trusted says whether every directory on the way is root's and no one
 * else's to change (log_dir_root_only()): then every name in the last,
 * links included, is root's own doing.  -1 with why and errno set if
 * it cannot be had.
 */
static int
log_dir_open(const char *path, char *base, size_t baselen, int *trusted,
    char *why, size_t whylen)
{
	char	 dir[PATH_MAX], walk[PATH_MAX], link[PATH_MAX], *part, *next;
	int	 fd, nfd, here, error, links = 0;
	ssize_t	 n;

	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir) ||
	    (part = strrchr(dir, '/')) == NULL || part[1] == '\0' ||
	    strlcpy(base, part + 1, baselen) >= baselen ||
	    strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		strlcpy(why, "not a file's path", whylen);
		errno = EINVAL;
		return -1;
	}
	part[part == dir] = '\0';
	*trusted = dir[0] == '/';
	if ((fd = open(*trusted ? "/" : ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return log_dir_fail(-1, why, whylen, errno, "its directory");
	for (part = dir; *part != '\0'; part = next) {
		if (*part == '/') {
			next = part + 1;
			continue;
		}
		next = part + strcspn(part, "/");
		if (*next != '\0')
			*next++ = '\0';
		here = log_dir_root_only(fd, 1);
		if ((nfd = openat(fd, part, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) != -1) {
			close(fd);
			fd = nfd;
			*trusted = *trusted && here;
			continue;
		}
		error = errno;
		if ((n = readlinkat(fd, part, link, sizeof(link) - 1)) == -1)
			return log_dir_fail(fd, why, whylen, errno == EINVAL ?
			    error : errno, part);
		if (!here || ++links > LOG_LINKS_MAX)
			return log_dir_fail(fd, why, whylen, ELOOP, !here ?
			    "a link on the way, in a directory others can "
			    "change" : "too many links on the way");
		link[n] = '\0';
		if ((size_t)snprintf(walk, sizeof(walk), "%s/%s", link, next) >=
		    sizeof(walk) || strlcpy(dir, walk, sizeof(dir)) >=
		    sizeof(dir))
			return log_dir_fail(fd, why, whylen, ENAMETOOLONG,
			    "its path");
		next = dir;
		if (dir[0] == '/') {
			close(fd);
			if ((fd = open("/", O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC)) == -1)
				return log_dir_fail(-1, why, whylen, errno,
				    "/");
		}
	}
	*trusted = *trusted && log_dir_root_only(fd, 0);
	return fd;
}

/*
 * Open a file that the master, as root, writes (or reads) by a path
 * that another user may have had a hand in: a log, the pidfile.  Its
 * directory comes from log_dir_open(), and the file is opened in it.
 * Where a directory on the way is not root's alone, never through a
 * symbolic link at its name, and only a regular file with one link, as
 * the descriptor itself shows after the open, so that no name swapped
 * in meanwhile counts.  Where every one is, what is there is root's
 * choice, a link to a pipe or a terminal included: /var/log/fpmd, or
 * /dev/stderr and /proc/self/fd/2, which php-fpm's container images
 * log to.  A FIFO or a device neither blocks the open (O_NONBLOCK,
 * cleared after it) nor becomes the master's terminal.  Returns the
 * descriptor, or -1 with why saying what is wrong with path and errno
 * set.
 */
int
log_file_open(const char *path, int flags, mode_t mode, char *why,
    size_t whylen)
{
	char		 base[NAME_MAX + 1];
	struct stat	 st;
	int		 dfd, fd, error, trusted;

	if ((dfd = log_dir_open(path, base, sizeof(base), &trusted, why,
	    whylen)) == -1)
		return -1;
	fd = openat(dfd, base, flags | (trusted ? 0 : O_NOFOLLOW) |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
	error = errno;
	close(dfd);
	if (fd == -1) {
		log_file_why(path, error, why, whylen);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		error = errno;
		strlcpy(why, strerror(error), whylen);
	} else if (!trusted && !S_ISREG(st.st_mode)) {
		error = EINVAL;
		strlcpy(why, "is not a regular file", whylen);
	} else if (!trusted && st.st_nlink != 1) {
		error = EMLINK;
		snprintf(why, whylen, "has %lu links",
		    (unsigned long)st.st_nlink);
	} else if (S_ISDIR(st.st_mode)) {
		error = EISDIR;
		strlcpy(why, strerror(error), whylen);
	} else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0)
		return fd;
	else {
		error = errno;
		strlcpy(why, strerror(error), whylen);
	}
	close(fd);
	errno = error;
	return -1;
}

/*
 * Log to the file at path, appending; -1 if it cannot be opened, with
 * why saying why.
 */
int
log_init_file(const char *path, char *why, size_t whylen)
{
	char	*p;
	int	 fd;

	if ((fd = log_file_open(path, O_WRONLY | O_APPEND | O_CREAT, 0640,
	    why, whylen)) == -1)
		return -1;
	if ((p = strdup(path)) == NULL) {
		strlcpy(why, strerror(errno), whylen);
		close(fd);
		return -1;
	}
	if (log_fd != -1)
		close(log_fd);
	free(log_path);
	log_path = p;
	log_fd = fd;
	log_sink = log_to_file;
	return 0;
}

/* SIGUSR1: open the log file again, after rotation; or keep the old. */
void
log_reopen(void)
{
	char	*path;
	char	 why[128];

	if (log_sink != log_to_file)
		return;
	if ((path = strdup(log_path)) == NULL)
		log_error("reopen %s", log_path);
	else if (log_init_file(path, why, sizeof(why)) == -1)
		log_errorx("reopen %s: %s; keeping the old file", log_path,
		    why);
	else
		log_info("reopened the log file");
	free(path);
}

/* The most verbose priority logged, for a new worker to log alike. */
int
log_getlevel(void)
{
	return log_priority;
}

/*
 * A worker: every line goes to the master on its own channel, chan, and
 * the master logs it in its pool's name wherever it logs its own.
 */
void
log_child(int chan)
{
	log_fd = chan;
	log_sink = log_to_master;
}

/*
 * A worker's line as the master logs it, in pool's name: as it is if
 * it begins with "pool NAME: " for this very pool, as a worker's own
 * lines do; otherwise with "[pool NAME] " before it, so that no line
 * speaks for another pool.
 */
static const char *
log_relay_line(char *buf, size_t len, const char *pool, const char *part)
{
	size_t	 n = strlen(pool);

	if (strncmp(part, "pool ", 5) == 0 &&
	    strncmp(part + 5, pool, n) == 0 && part[5 + n] == ':')
		return part;
	snprintf(buf, len, "[pool %s] %s", pool, part);
	return buf;
}

/*
 * In the master: a CHAN_LOG message from a worker of pool, without its
 * tag.  Workers escape their lines; one that does not, a hostile one,
 * still puts no control character into the log, and each part between
 * newlines goes as a line of its own, in pool's name.
 */
void
log_relay(const char *pool, const char *msg, size_t len)
{
	char		 part[LOG_LINE_MAX], line[2 * LOG_LINE_MAX];
	const char	*eol;
	size_t		 i, n, j;
	int		 pri;

	if (len == 0)
		return;
	pri = log_levels[log_level_row(msg[0] - '0')].pri;
	if (pri > log_priority)
		return;
	for (i = 1; i < len; i += n + 1) {
		eol = memchr(msg + i, '\n', len - i);
		n = eol != NULL ? (size_t)(eol - (msg + i)) : len - i;
		if (n == 0)
			continue;
		for (j = 0; j < n && j < sizeof(part) - 1; j++)
			part[j] = (unsigned char)msg[i + j] < 0x20 ||
			    msg[i + j] == 0x7f ? '?' : msg[i + j];
		part[j] = '\0';
		log_sink(pri, log_relay_line(line, sizeof(line), pool, part));
	}
}

static void
log_to_stderr(int pri, const char *msg)
{
	(void)pri;
	dprintf(STDERR_FILENO, "%s\n", msg);
}

static void
log_to_syslog(int pri, const char *msg)
{
	syslog(pri, "%s", msg);
}

static void
log_to_file(int pri, const char *msg)
{
	char		 stamp[32];
	time_t		 now = time(NULL);
	struct tm	*tm;

	if ((tm = localtime(&now)) == NULL ||
	    strftime(stamp, sizeof(stamp), "%d-%b-%Y %H:%M:%S", tm) == 0)
		stamp[0] = '\0';
	dprintf(log_fd, "[%s] %s: %s\n", stamp, log_level_tag(pri), msg);
}

/* A worker's line, as one CHAN_LOG message, which no other splits. */
static void
log_to_master(int pri, const char *msg)
{
	char	 line[LOG_LINE_MAX + 2];
	int	 n;

	n = snprintf(line, sizeof(line), "%c%d%s", CHAN_LOG, pri, msg);
	if (n < 0)
		return;
	(void)send(log_fd, line, (size_t)n < sizeof(line) ? (size_t)n :
	    sizeof(line) - 1, 0);
}

/*
 * Every message is escaped whole: a name from a request, or a program's
 * output, with a newline or an escape sequence in it, cannot forge a
 * line or drive a terminal, whichever message it is part of.
 */
static void
log_vlog(int pri, int with_errno, const char *fmt, va_list ap)
{
	char	 raw[LOG_LINE_MAX], msg[LOG_LINE_MAX];
	int	 saved = errno;
	size_t	 n;

	if (pri > log_priority)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	if (with_errno && (n = strlen(raw)) < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - n, ": %s", strerror(saved));
	log_sink(pri, escape_log(msg, sizeof(msg), raw, strlen(raw)));
	errno = saved;
}

/*
 * The levels are php-fpm's: ERROR for what an admin must see to (a
 * socket or file that cannot be had, a program that cannot run, a
 * failed upgrade), WARNING for what a request or a worker ran into
 * (a timeout, a bad response, a busy pool), NOTICE for what fpmd does.
 */
void
log_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_ERR, 1, fmt, ap);
	va_end(ap);
}

void
log_errorx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_ERR, 0, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_NOTICE, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_ALERT, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_ALERT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/* How a child ended, from its wait(2) status, for a log line. */
const char *
log_waitstatus(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	return buf;
}
