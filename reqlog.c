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
 * The pools' request logs, access.log and slowlog, in the master, as
 * root.  The files are opened before the daemon starts and on reload,
 * while an error can still refuse the configuration; one path named by
 * several pools, or by a pool and its reload, is one open file, and
 * SIGUSR1 reopens them all.  No worker ever opens one.
 *
 * A worker sends each access line, or each slow log entry, as one
 * message on its own channel (log.h), so that lines never mix.  The
 * master writes what comes into the own files of the pool whose worker
 * holds that channel, nowhere else, and shapes it itself: an access
 * line is one line; a slow log entry gets its header (the time, the
 * pool, the worker's pid) from the master, and the worker's lines
 * below it, with no blank line among them, so that no entry can pass
 * for another's.  A worker chooses neither the file nor, with control
 * characters made '?', the shape of what lands in it.
 */

#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpmd.h"
#include "master.h"

/* A slow log entry's header: "\n[time]  [pool name] pid N\n". */
#define REQLOG_HEADER_MAX	512

/* One open log file. */
struct reqlog {
	TAILQ_ENTRY(reqlog)	 entry;
	char			*path;
	int			 fd;
	int			 refs;
	int			 failing;	/* a write failed, said once */
};

static TAILQ_HEAD(, reqlog)	 reqlogs = TAILQ_HEAD_INITIALIZER(reqlogs);

struct reqlog *
reqlog_find(const char *path)
{
	struct reqlog	*r;

	if (path == NULL)
		return NULL;
	TAILQ_FOREACH(r, &reqlogs, entry)
		if (strcmp(r->path, path) == 0)
			return r;
	return NULL;
}

/*
 * As php-fpm opens its access log: appended to, for root alone; and,
 * since a pool's user may write its directory, through no link.
 */
static int
reqlog_file(const char *path, char *why, size_t whylen)
{
	return log_file_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600, why,
	    whylen);
}

/*
 * Open the log file at path for a pool, or take the one already open
 * there; on error, err says which file and why.  A NULL path is none.
 */
int
reqlog_open(const char *pool, const char *key, const char *path, char *err,
    size_t errlen)
{
	struct reqlog	*r;
	char		 why[128];
	int		 fd;

	if (path == NULL)
		return 0;
	if ((r = reqlog_find(path)) != NULL) {
		r->refs++;
		return 0;
	}
	if ((fd = reqlog_file(path, why, sizeof(why))) == -1) {
		snprintf(err, errlen, "pool %s: %s %s: %s", pool, key, path,
		    why);
		return -1;
	}
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->fd = fd;
	r->refs = 1;
	TAILQ_INSERT_TAIL(&reqlogs, r, entry);
	return 0;
}

/* Let go of the file reqlog_open() gave; the last user closes it. */
void
reqlog_release(struct reqlog *r)
{
	if (r == NULL || --r->refs > 0)
		return;
	close(r->fd);
	TAILQ_REMOVE(&reqlogs, r, entry);
	free(r->path);
	free(r);
}

void
reqlog_put(const char *path)
{
	reqlog_release(reqlog_find(path));
}

/* SIGUSR1: every file again, after rotation; the old one if it fails. */
void
reqlog_reopen(void)
{
	struct reqlog	*r;
	char		 why[128];
	int		 fd;

	TAILQ_FOREACH(r, &reqlogs, entry) {
		if ((fd = reqlog_file(r->path, why, sizeof(why))) == -1) {
			log_errorx("reopen %s: %s; keeping the old file",
			    r->path, why);
			continue;
		}
		close(r->fd);
		r->fd = fd;
		r->failing = 0;
	}
}

static void
reqlog_write(struct reqlog *r, const char *buf, size_t len)
{
	if (write(r->fd, buf, len) == (ssize_t)len) {
		r->failing = 0;
		return;
	}
	if (!r->failing)
		log_error("write %s", r->path);
	r->failing = 1;
}

/* A worker's bytes, with every control character made '?'. */
static void
reqlog_clean(char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
}

/* An access line: one line, however many a worker put in it. */
static void
reqlog_access(struct reqlog *r, char *line, size_t len)
{
	if (len == 0)
		return;
	reqlog_clean(line, len);
	line[len] = '\n';
	reqlog_write(r, line, len + 1);
}

/*
 * A slow log entry: the master's header, in php-fpm's form, then each
 * line the worker sent that is not empty; the whole in one write, so
 * that pools sharing the file never mix their entries.
 */
static void
reqlog_slow(struct reqlog *r, const char *pool, pid_t pid, const char *body,
    size_t len)
{
	/* Each line of the body gains one newline at most. */
	char		 entry[REQLOG_HEADER_MAX + CHAN_MSG_MAX + 1], stamp[32];
	const char	*eol;
	time_t		 now;
	struct tm	*tm;
	size_t		 i, n, o;
	int		 head;

	now = time(NULL);
	if ((tm = localtime(&now)) == NULL ||
	    strftime(stamp, sizeof(stamp), "[%d-%b-%Y %H:%M:%S]", tm) == 0)
		stamp[0] = '\0';
	head = snprintf(entry, REQLOG_HEADER_MAX, "\n%s  [pool %s] pid %ld\n",
	    stamp, pool, (long)pid);
	if (head < 0)
		return;
	o = (size_t)head < REQLOG_HEADER_MAX ? (size_t)head :
	    REQLOG_HEADER_MAX - 1;
	for (i = 0; i < len; i += n + 1) {
		eol = memchr(body + i, '\n', len - i);
		n = eol != NULL ? (size_t)(eol - (body + i)) : len - i;
		if (n == 0)
			continue;
		memcpy(entry + o, body + i, n);
		reqlog_clean(entry + o, n);
		o += n;
		entry[o++] = '\n';
	}
	reqlog_write(r, entry, o);
}

/*
 * A CHAN_ACCESS or CHAN_SLOW message from worker pid of pool, tag and
 * all, len bytes in a buffer with room for one more.
 */
void
reqlog_take(const char *pool, pid_t pid, char *msg, size_t len,
    struct reqlog *access, struct reqlog *slow)
{
	if (len == 0)
		return;
	if (msg[0] == CHAN_ACCESS && access != NULL)
		reqlog_access(access, msg + 1, len - 1);
	else if (msg[0] == CHAN_SLOW && slow != NULL)
		reqlog_slow(slow, pool, pid, msg + 1, len - 1);
}
