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
 * The slow log, in a worker.  A request still running after
 * request_slowlog_timeout is written once to the pool's slowlog, in
 * php-fpm's form: a blank line, the time, the pool and the worker's
 * pid, the script; then the request and how long it has run, and, in
 * place of PHP's backtrace, what is running: the program's process
 * group, or for a shared application the child that runs the request
 * and what it started, each process with its parent and command line
 * (compat/procgroup.c), up to request_slowlog_trace_depth of them.  The
 * worker asks about its own pool's processes only, which run as its
 * own user,
 * and sends the lines of the entry; the master, which writes it,
 * writes its header itself (reqlog.c) and learns no pid from it.  The
 * error log gets php-fpm's one line, and the worker's slot counts the
 * request for the status page's slow requests.
 */

#include "config.h"

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"
#include "escape.h"

#define SLOWLOG_PROCS_MAX	64	/* read of a group, at most */

/* An entry being written: a tag, then its lines. */
struct entry {
	char	 buf[CHAN_MSG_MAX + 1];
	size_t	 len;
};

static void
entry_printf(struct entry *e, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (e->len >= sizeof(e->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(e->buf + e->len, sizeof(e->buf) - e->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		e->len += (size_t)n < sizeof(e->buf) - e->len ? (size_t)n :
		    sizeof(e->buf) - e->len - 1;
}

/* Is pi[i] root, or descended from it, within the n in pi? */
static int
slowlog_under(const struct procinfo *pi, int n, int i, pid_t root)
{
	int	 hops, j;

	for (hops = 0; hops < n; hops++) {
		if (pi[i].pid == root)
			return 1;
		for (j = 0; j < n && pi[j].pid != pi[i].ppid; j++)
			;
		if (j == n)
			return 0;
		i = j;
	}
	return 0;
}

/*
 * The process tree of root in the program's process group pgid, a line
 * a process, or root's pid alone: the whole group when root is its
 * leader, one child and what it started when root is a shared
 * application's child.
 */
static void
slowlog_group(struct entry *e, int depth, pid_t pgid, pid_t root)
{
	struct procinfo	 pi[SLOWLOG_PROCS_MAX];
	char		 cmd[4 * PROCGROUP_CMD_MAX];
	int		 n, i, shown = 0, more = 0;

	if (pgid <= 0)
		return;
	if (root <= 0)
		root = pgid;
	if ((n = procgroup_list(pgid, pi, SLOWLOG_PROCS_MAX)) <= 0) {
		entry_printf(e, "[pid %ld]\n", (long)root);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!slowlog_under(pi, n, i, root))
			continue;
		if (shown++ >= depth) {
			more++;
			continue;
		}
		entry_printf(e, "[pid %ld, ppid %ld] %s\n", (long)pi[i].pid,
		    (long)pi[i].ppid, escape_log(cmd, sizeof(cmd), pi[i].cmd,
		    strlen(pi[i].cmd)));
	}
	if (shown == 0)
		entry_printf(e, "[pid %ld]\n", (long)root);
	if (more > 0)
		entry_printf(e, "[and %d more]\n", more);
}

/* What the slot says of the request, as it came: method, URI, query. */
static void
slowlog_request(char *buf, size_t len, const struct slot *s)
{
	snprintf(buf, len, "%.*s %.*s%s%.*s", (int)sizeof(s->method),
	    s->method, (int)sizeof(s->uri), s->uri, s->query[0] != '\0' ?
	    "?" : "", (int)sizeof(s->query), s->query);
}

/*
 * The request on c has run for running_ns: log it, count it.  The
 * request's strings are escaped once for each log: by log_warnx() for
 * the error log, here for the slow log.
 */
static void
slowlog_write(struct conn *c, pid_t pgid, pid_t (*root)(void),
    int64_t running_ns)
{
	static struct entry	 e;
	const struct slot	*s = c->slot;
	char			 script[1024], request[1024];
	char			 raw[sizeof(s->method) + sizeof(s->uri) +
	    sizeof(s->query) + 2];
	int			 n;

	n = (int)strnlen(s->script, sizeof(s->script));
	slowlog_request(raw, sizeof(raw), s);
	log_warnx("pool %s: worker %ld, script '%.*s' (request: \"%s\") "
	    "executing too slow (%.6f sec), logging", c->pc->name,
	    (long)getpid(), n, s->script, raw, (double)running_ns / 1e9);
	escape_log(script, sizeof(script), s->script, (size_t)n);
	escape_log(request, sizeof(request), raw, strlen(raw));
	e.buf[0] = CHAN_SLOW;
	e.len = 1;
	entry_printf(&e, "script_filename = %s\nrequest = %s\n"
	    "running = %.3f s\n", script, request, (double)running_ns / 1e9);
	slowlog_group(&e, c->pc->slowlog_trace_depth, pgid,
	    root != NULL ? root() : 0);
	conn_reqlog_send(c, e.buf, e.len, "a slow log entry");
	c->slot->slow++;
}

/*
 * A request runner calls this from its loop while its program runs:
 * the time left until the request is slow, for its poll timeout, or -1
 * for none.  When the time has come, it logs the request, once, with
 * the program's process group pgid (0 for none), or the tree of the
 * process in it that root() names then (root NULL, or 0 from it: the
 * whole group).
 */
int64_t
slowlog_check(struct conn *c, pid_t pgid, pid_t (*root)(void))
{
	int64_t	 left_ns;

	if (c->pc->slowlog_timeout_ms == 0 || c->slow_logged ||
	    c->slot == NULL)
		return -1;
	left_ns = c->req_start_ns + ev_ms_to_ns(c->pc->slowlog_timeout_ms) -
	    ev_now();
	if (left_ns > 0)
		return left_ns;
	c->slow_logged = 1;
	slowlog_write(c, pgid, root, ev_now() - c->req_start_ns);
	return -1;
}
