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
 * The binary upgrade on USR2, nginx's and php-fpm's, from both sides.
 * The old master starts its binary again, from the path and with the
 * arguments it was started with (upgrade_record()), and hands the new
 * master every socket as a service manager would (service.c).  The new
 * master does not fork to daemonize; once its pools listen it writes
 * "ready" down a pipe (upgrade_ready()), and the old master hands
 * over: its pools drain as on a reload, and it exits leaving the
 * sockets and the pidfile to the new one.  A new master that exits, or
 * is not ready in time, has failed: the old master logs why (the pipe
 * also carries the new master's errors) and serves on as before.
 *
 * On the old master's side an upgrade is NONE, then STARTING on USR2;
 * HANDED on "ready", for good; ENDING once the new master is given up
 * and killed; and NONE again when a new master that did not take over
 * is reaped.  fpmd.c decides when an upgrade may start, and hears how
 * it ended through the function it gave upgrade_init(): after a
 * hand-over it drains its pools, after a failure it writes its
 * pidfile again.  Only the master runs this, as root.
 */

#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "master.h"
#include "log.h"

/*
 * A new master that has not said "ready" by then has failed; one that
 * closed the pipe without saying it has, once its exit has had time to
 * come and say why.
 */
#define UPGRADE_TIMEOUT_MS	(30 * 1000)
#define UPGRADE_EOF_GRACE_MS	1000

enum upgrade_state {
	UPGRADE_NONE,		/* none, or a failed one is reaped */
	UPGRADE_STARTING,	/* the new master is starting */
	UPGRADE_ENDING,		/* it failed and is killed, not yet reaped */
	UPGRADE_HANDED		/* it is ready: this master drains and exits */
};

/* The binary upgrade, from the old master's side. */
static struct {
	char			*path;		/* fpmd's binary, absolute */
	char			**argv;
	char			*cwd;		/* where fpmd was started */
	enum upgrade_state	 state;
	pid_t			 pid;		/* the new master */
	int			 fd;		/* what it says, or -1 */
	struct ev_timer		 timer;
	char			 said[512];	/* up to its next newline */
	size_t			 saidlen;
	struct ev_loop		*loop;		/* the master's */
	int			 daemonized;	/* its stderr is /dev/null */
	void			(*ended)(int);	/* 1: handed over, 0: failed */
} upgrade = { .fd = -1 };

/*
 * How fpmd was started, for USR2 to start it again: its binary's
 * absolute path, its arguments, and the directory they are relative
 * to.  Without them USR2 is refused, and says why.  The binary's path,
 * or NULL.
 */
const char *
upgrade_record(int argc, char *argv[])
{
	char	 cwd[PATH_MAX];
	int	 i;

	if (argc < 1 || getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	upgrade.cwd = xstrdup(cwd);
	upgrade.argv = xcalloc(argc + 1, sizeof(*upgrade.argv));
	for (i = 0; i < argc; i++)
		upgrade.argv[i] = xstrdup(argv[i]);
	/* Links are not followed: one moved to a new binary leads there. */
	upgrade.path = conf_which(argv[0], cwd);
	return upgrade.path;
}

/*
 * The child that becomes the new master: the master's loop and
 * handlers gone, every socket on fds from 3 (service.c), then the
 * binary.  A daemon's stderr is /dev/null: the new master's goes down
 * the pipe too, until it daemonizes, for the old master to log, as does
 * whatever fails here.
 */
static __dead void
upgrade_child(int fd)
{
	sigset_t	 none;
	int		 out = fd;

	ev_child(upgrade.loop);
	signal(SIGPIPE, SIG_DFL);
	if (upgrade.daemonized)
		dup2(fd, STDERR_FILENO);
	if (chdir(upgrade.cwd) == -1) {
		dprintf(out, "chdir %s: %s\n", upgrade.cwd, strerror(errno));
		_exit(1);
	}
	if ((fd = service_hand_on(fd)) == -1) {
		dprintf(out, "handing the sockets on: %s\n", strerror(errno));
		_exit(1);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(upgrade.path, upgrade.argv);
	dprintf(fd, "exec %s: %s\n", upgrade.path, strerror(errno));
	_exit(127);
}

/* Stop hearing the new master. */
static void
upgrade_close(void)
{
	if (upgrade.fd == -1)
		return;
	ev_del(upgrade.loop, upgrade.fd);
	close(upgrade.fd);
	upgrade.fd = -1;
}

/*
 * The new master is ready: it takes the service manager's main pid,
 * the sockets and the pidfile, and the master is told, for its pools
 * to drain as on a reload.
 */
static void
upgrade_hand_over(void)
{
	log_info("upgrade: new master %d is ready; handing over",
	    (int)upgrade.pid);
	upgrade.state = UPGRADE_HANDED;
	ev_timer_del(upgrade.loop, &upgrade.timer);
	service_successor(upgrade.pid);
	listener_hand_over();
	upgrade.ended(1);
}

/* A line from the new master: "ready", or something to log. */
static void
upgrade_heard(const char *line)
{
	if (upgrade.state == UPGRADE_STARTING && strcmp(line, "ready") == 0)
		upgrade_hand_over();
	else if (line[0] != '\0')
		log_errorx("upgrade: new master %d: %s", (int)upgrade.pid,
		    line);
}

/*
 * Read what the new master says, a line at a time: 1 if there may be
 * more now, 0 for later, -1 at its end, when the pipe is closed.
 */
static int
upgrade_listen(void)
{
	char	*nl;
	ssize_t	 n;

	n = read(upgrade.fd, upgrade.said + upgrade.saidlen,
	    sizeof(upgrade.said) - 1 - upgrade.saidlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		if (upgrade.saidlen > 0)
			upgrade_heard(upgrade.said);
		upgrade.saidlen = 0;
		upgrade_close();
		if (upgrade.state == UPGRADE_STARTING)
			ev_timer_add(upgrade.loop, &upgrade.timer,
			    UPGRADE_EOF_GRACE_MS);
		return -1;
	}
	upgrade.saidlen += n;
	upgrade.said[upgrade.saidlen] = '\0';
	while ((nl = strchr(upgrade.said, '\n')) != NULL ||
	    upgrade.saidlen == sizeof(upgrade.said) - 1) {
		if (nl == NULL)
			nl = upgrade.said + upgrade.saidlen - 1;
		*nl = '\0';
		upgrade_heard(upgrade.said);
		upgrade.saidlen -= nl + 1 - upgrade.said;
		memmove(upgrade.said, nl + 1, upgrade.saidlen + 1);
	}
	return 1;
}

static void
upgrade_read(int fd, int events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	upgrade_listen();
}

/* Give up on the new master: kill it; its exit ends the upgrade. */
static void
upgrade_abort(void)
{
	upgrade.state = UPGRADE_ENDING;
	ev_timer_del(upgrade.loop, &upgrade.timer);
	upgrade_close();
	if (kill(upgrade.pid, SIGKILL) == -1 && errno != ESRCH)
		log_error("upgrade: kill new master %d", (int)upgrade.pid);
}

static void
upgrade_timeout(void *arg)
{
	(void)arg;
	if (upgrade.fd == -1)
		log_errorx("upgrade: new master %d closed its pipe without "
		    "being ready; killing it", (int)upgrade.pid);
	else
		log_errorx("upgrade: new master %d not ready after %ds; "
		    "killing it", (int)upgrade.pid, UPGRADE_TIMEOUT_MS / 1000);
	upgrade_abort();
}

/*
 * The new master has exited.  Unless it had taken over, the upgrade
 * failed: this master goes on, and the pidfile must name it again,
 * should the new master have written it.
 */
static void
upgrade_reaped(pid_t pid, int status)
{
	char	 how[64];

	/* Its last words, "ready" perhaps, may still be in the pipe. */
	while (upgrade.fd != -1 && upgrade_listen() == 1)
		;
	upgrade_close();
	log_waitstatus(status, how, sizeof(how));
	if (upgrade.state == UPGRADE_HANDED) {
		log_warnx("upgrade: new master %d %s", (int)pid, how);
		return;
	}
	/* The pidfile names this master before the log says it goes on. */
	upgrade.ended(0);
	if (upgrade.state == UPGRADE_STARTING)
		log_errorx("upgrade: new master %d %s before it was ready; "
		    "going on as before", (int)pid, how);
	else
		log_errorx("upgrade: new master %d %s; going on as before",
		    (int)pid, how);
	upgrade.state = UPGRADE_NONE;
	ev_timer_del(upgrade.loop, &upgrade.timer);
}

/*
 * Is an upgrade under way, or done?  Then sig is ignored, and said so:
 * the new master's sockets and pidfile must stay as they are.
 */
int
upgrade_busy(const char *sig)
{
	if (upgrade.state == UPGRADE_NONE)
		return 0;
	log_warnx("upgrade: %s new master %d; %s ignored",
	    upgrade.state == UPGRADE_HANDED ? "handed over to" :
	    "waiting for", (int)upgrade.pid, sig);
	return 1;
}

/* Fork the new master, with the master's signals held until it is. */
static pid_t
upgrade_fork(int fd)
{
	sigset_t	 all, saved;
	pid_t		 pid;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &saved);
	if ((pid = fork()) == 0)
		upgrade_child(fd);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return pid;
}

/* USR2: start the binary again, and wait for it to say "ready". */
void
upgrade_start(void)
{
	int	 p[2];
	pid_t	 pid;

	if (upgrade_busy("SIGUSR2"))
		return;
	if (upgrade.path == NULL) {
		log_errorx("upgrade: fpmd cannot tell which binary it was "
		    "started from; SIGUSR2 ignored");
		return;
	}
	log_info("upgrade: starting %s", upgrade.path);
	if (ev_pipe(p) == -1) {
		log_error("upgrade: pipe");
		return;
	}
	pid = upgrade_fork(p[1]);
	close(p[1]);
	if (pid == -1) {
		log_error("upgrade: fork");
		close(p[0]);
		return;
	}
	upgrade.pid = pid;
	upgrade.fd = p[0];
	upgrade.saidlen = 0;
	upgrade.state = UPGRADE_STARTING;
	pools_keep_child(pid, upgrade_reaped);
	ev_timer_add(upgrade.loop, &upgrade.timer, UPGRADE_TIMEOUT_MS);
	if (ev_nonblock(p[0], 1) == -1 ||
	    ev_add(upgrade.loop, p[0], EV_READ, upgrade_read, NULL) == -1) {
		log_error("upgrade: hearing new master %d; killing it",
		    (int)pid);
		upgrade_abort();
	}
}

/*
 * The master's loop, whether it daemonized, and whom to tell how an
 * upgrade ended: ended(1) once the new master has taken over, ended(0)
 * when it failed, before the log says that the master goes on.
 */
void
upgrade_init(struct ev_loop *loop, int daemonized, void (*ended)(int))
{
	upgrade.loop = loop;
	upgrade.daemonized = daemonized;
	upgrade.ended = ended;
	ev_timer_init(&upgrade.timer, upgrade_timeout, NULL);
}

/* The master is stopping: a new master still starting is given up. */
void
upgrade_stop(void)
{
	if (upgrade.state != UPGRADE_STARTING)
		return;
	log_warnx("upgrade: stopping; killing new master %d",
	    (int)upgrade.pid);
	upgrade_abort();
}

/* The new master this one handed over to, or -1. */
pid_t
upgrade_successor(void)
{
	return upgrade.state == UPGRADE_HANDED ? upgrade.pid : -1;
}

/*
 * The new master's side: every pool listens, which it says to the old
 * master down fd; the sockets it was handed are its own from now on.
 */
void
upgrade_ready(int fd)
{
	if (write(fd, "ready\n", 6) != 6)
		log_error("upgrade: telling the old master this one is ready");
	close(fd);
	listener_take_over();
	log_info("upgrade: new master %d takes over", (int)getpid());
}
