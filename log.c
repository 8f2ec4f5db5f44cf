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
 * Logging, after OpenBSD relayd's log.c: log_warn() and fatal() append
 * strerror(errno), the x variants do not.  A message goes to one sink:
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
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "compat/compat.h"
#include "log.h"

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

/* Log to the file at path, appending; -1 if it cannot be opened. */
int
log_init_file(const char *path)
{
	char	*p;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) == -1)
		return -1;
	if ((p = strdup(path)) == NULL) {
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

/* SIGUSR1: open the log file again, after rotation. */
void
log_reopen(void)
{
	char	*path;

	if (log_sink != log_to_file)
		return;
	if ((path = strdup(log_path)) == NULL || log_init_file(path) == -1)
		log_warn("reopen %s", log_path);
	else
		log_info("reopened the log file");
	free(path);
}

/*
 * A new worker is about to close every descriptor it does not need:
 * let go of the syslog socket first, so that closelog() never closes a
 * descriptor that has been reused.
 */
void
log_close(void)
{
	if (log_sink == log_to_syslog)
		closelog();
}

/*
 * The worker's descriptors are settled: reconnect to syslog now, before
 * any chroot, or send file lines to the master on its channel, chan.
 */
void
log_child(int chan)
{
	if (log_sink == log_to_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, log_facility);
	else if (log_sink == log_to_file) {
		log_fd = chan;
		log_sink = log_to_master;
	}
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
		snprintf(line, sizeof(line), "[pool %s] %s", pool, part);
		log_sink(pri, line);
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

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_ERR, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_ERR, 0, fmt, ap);
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
