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
 * Each pool that has one of them gets a channel, a datagram socket
 * pair: its workers hold one end and send each access line, or each
 * slow log entry, as one datagram, so that lines never mix.  The
 * master reads the other end and writes what comes into that pool's
 * own files, nowhere else: a worker chooses neither the file nor, with
 * control characters made '?', the shape of what lands in it.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"

/* A datagram on the channel is one line or entry, at most this long. */
#define REQLOG_RECV_MAX		(2 * REQLOG_MSG_MAX)
/* Room for many lines while the master is busy, where it can be had. */
#define REQLOG_SNDBUF_BYTES	(64 * 1024)
#define REQLOG_RCVBUF_BYTES	(256 * 1024)

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
			log_warnx("reopen %s: %s; keeping the old file",
			    r->path, why);
			continue;
		}
		close(r->fd);
		r->fd = fd;
		r->failing = 0;
	}
}

/*
 * A new channel for a pool's workers: ours[0] for the master to read,
 * ours[1] for the workers to send on.
 */
int
reqlog_channel(int ours[2])
{
	int	 snd = REQLOG_SNDBUF_BYTES, rcv = REQLOG_RCVBUF_BYTES;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, ours) == -1)
		return -1;
	if (ev_cloexec(ours[0]) == -1 || ev_cloexec(ours[1]) == -1 ||
	    ev_nonblock(ours[0], 1) == -1) {
		close(ours[0]);
		close(ours[1]);
		return -1;
	}
	(void)setsockopt(ours[1], SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	(void)setsockopt(ours[0], SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return 0;
}

static void
reqlog_write(struct reqlog *r, const char *buf, size_t len)
{
	if (write(r->fd, buf, len) == (ssize_t)len) {
		r->failing = 0;
		return;
	}
	if (!r->failing)
		log_warn("write %s", r->path);
	r->failing = 1;
}

/*
 * One datagram from a worker: a tag, then an access line or a slow log
 * entry.  Only an entry may hold newlines, between its lines; every
 * other control character is made '?', and a line ends in one newline.
 */
static void
reqlog_take(char *msg, size_t len, struct reqlog *access, struct reqlog *slow)
{
	struct reqlog	*to;
	size_t		 i;
	int		 entry;

	if (len < 2 || (msg[0] != REQLOG_ACCESS && msg[0] != REQLOG_SLOW))
		return;
	entry = msg[0] == REQLOG_SLOW;
	if ((to = entry ? slow : access) == NULL)
		return;
	for (i = 1; i < len; i++)
		if (((unsigned char)msg[i] < 0x20 && (msg[i] != '\n' ||
		    !entry)) || msg[i] == 0x7f)
			msg[i] = '?';
	if (msg[len - 1] != '\n')
		msg[len++] = '\n';
	reqlog_write(to, msg + 1, len - 1);
}

/* The master's end of a pool's channel is readable. */
void
reqlog_relay(int fd, struct reqlog *access, struct reqlog *slow)
{
	char	 msg[REQLOG_RECV_MAX + 1];
	ssize_t	 n;

	while ((n = recv(fd, msg, sizeof(msg) - 1, 0)) >= 0)
		if (n > 0)
			reqlog_take(msg, (size_t)n, access, slow);
}
