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
 * The child of a worker or of the keeper: a CGI program for one
 * request (cgi.c), or a FastCGI application's instance (app.c).  Such
 * a process has one child at a time, and runs as its pool's user, so
 * this layer keeps that child's state in one place and may touch only
 * it: its environment, its start, its process group, its end and its
 * output.
 *
 * The environment is built most binding first: an entry whose name is
 * there already is left out.  What the caller puts first, the pool's
 * env[], what the caller adds, fpmd's own environment with clear_env =
 * no, then a safe PATH.
 *
 * A child starts in a process group of its own, with every signal at
 * its default and none blocked, and the caller's descriptors as its
 * 0-2; every other descriptor of fpmd's is close-on-exec.  A tied one
 * dies with its parent, where the kernel can do that (compat/reaper.c).
 * It is forked, and an exec failure comes back as errno through a
 * close-on-exec pipe; one that is not tied is started with
 * posix_spawn() where it can change directory, which copies no page
 * tables.  Either way a child that could not run is reaped at once.
 *
 * SIGCHLD reaches the process through a self-pipe and says the child
 * exited without reaping it: the zombie keeps the process group's id,
 * so the group can be killed afterwards without ever hitting a
 * stranger that took the id over.  child_reap() kills the group, then
 * forgets the pid so that no signal handler can use it, then reaps.
 * child_signal(), child_exited(), child_wait(), child_stop() and
 * child_reap() are safe in a signal handler.
 *
 * catch_workers_output: the child's output is cut into lines and each
 * goes to the log as it is; log.c escapes every message, so it is
 * escaped exactly once.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"

#define CHILD_LINE_MAX	512	/* of its output, in one log line */

extern char		**environ;

static volatile sig_atomic_t	 chld_seen;	/* SIGCHLD not looked at */

static struct {
	const struct pool_conf	*pc;
	int			 sigchld[2];	/* the self-pipe */
	int			 null_fd;	/* /dev/null, read and write */
	volatile pid_t		 pid;		/* and its group; 0: none */
	int			 exited;	/* SIGCHLD came: a zombie */
	pid_t			 last_pid;	/* the last started, whose */
	const char		*last_path;	/* output is logged */
	char			 line[CHILD_LINE_MAX];	/* of its output */
	size_t			 linelen;
} child = { .sigchld = { -1, -1 }, .null_fd = -1 };

static void
child_on_sigchld(int sig)
{
	int	 saved = errno;

	(void)sig;
	chld_seen = 1;
	(void)write(child.sigchld[1], "", 1);
	errno = saved;
}

/*
 * Once per process, before chroot: the SIGCHLD pipe and its handler,
 * and /dev/null for a child's standard descriptors.
 */
void
child_init(const struct pool_conf *pc)
{
	struct sigaction	 sa;

	child.pc = pc;
	if (ev_pipe(child.sigchld) == -1 ||
	    ev_nonblock(child.sigchld[0], 1) == -1 ||
	    ev_nonblock(child.sigchld[1], 1) == -1)
		fatal("pool %s: the SIGCHLD pipe", pc->name);
	if ((child.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("pool %s: /dev/null", pc->name);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = child_on_sigchld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
}

/* /dev/null, for a child's stdin or output, or -1 before child_init(). */
int
child_null(void)
{
	return child.null_fd;
}

/* Readable once the child has exited, for a poll; -1 without a pipe. */
int
child_exit_fd(void)
{
	return child.sigchld[0];
}

/* The child, which leads its group, or 0 while there is none. */
pid_t
child_pid(void)
{
	return child.pid;
}

/* Signal the child's whole group, if there is a child; handler-safe. */
void
child_signal(int sig)
{
	pid_t	 pgid = child.pid;

	if (pgid > 0)
		kill(-pgid, sig);
}

/*
 * Has the child exited?  SIGCHLD says so; the zombie stays until
 * child_reap().  Handler-safe, and errno is left alone.
 */
int
child_exited(void)
{
	char	 buf[64];
	int	 saved = errno;

	if (chld_seen) {
		chld_seen = 0;
		while (read(child.sigchld[0], buf, sizeof(buf)) > 0)
			;
		child.exited = 1;
	}
	errno = saved;
	return child.exited;
}

/* Wait up to ms for the child to exit: 1 once it has.  Handler-safe. */
int
child_wait(int64_t ms)
{
	struct pollfd	 pfd;
	int64_t		 until_ns;

	until_ns = ev_now() + ev_ms_to_ns(ms);
	pfd.fd = child.sigchld[0];
	pfd.events = POLLIN;
	while (!child_exited() && ev_now() < until_ns)
		poll(&pfd, 1, ev_ns_to_ms(until_ns - ev_now()));
	return child.exited;
}

/*
 * Stop the child: sig to its group, then up to CHILD_KILL_GRACE_MS for
 * it to exit, 1 if it did.  child_reap()'s KILL ends what is left.
 * Handler-safe.
 */
int
child_stop(int sig)
{
	child_signal(sig);
	return child_wait(CHILD_KILL_GRACE_MS);
}

/*
 * The child is gone, or was never there: no pid, and no SIGCHLD of its
 * left to be seen.  Handler-safe.
 */
static void
child_forget(void)
{
	child.pid = 0;
	(void)child_exited();
	child.exited = 0;
}

/*
 * The end: KILL to what is left of the group while the zombie holds
 * its id, the pid forgotten, then the reap, with its wait status and,
 * unless ru is NULL, its resource usage.  0, or -1 if there was no
 * child to reap (*status 0).  Handler-safe: a handler may call waitpid,
 * and wait4 only where the caller wants ru.
 */
int
child_reap(int *status, struct rusage *ru)
{
	pid_t	 p = child.pid, r = -1;

	*status = 0;
	if (p > 0) {
		kill(-p, SIGKILL);
		child.pid = 0;
		do {
			r = ru != NULL ? wait4(p, status, 0, ru) :
			    waitpid(p, status, 0);
		} while (r == -1 && errno == EINTR);
	}
	child_forget();
	return r == -1 ? -1 : 0;
}

/*
 * In the child of fork(): tied to this process if it must be, its own
 * group, its signals at their defaults, its descriptors, its
 * directory, then the program; errno goes up the pipe if it fails.
 */
static __dead void
child_exec(const struct child_spec *cs, pid_t parent, int err)
{
	struct sigaction	 sa;
	sigset_t		 none;
	int			 sig, fd;

	if (cs->tied && reaper_tie() == 0 && getppid() != parent)
		_exit(127);
	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (fd = 0; fd < 3 && dup2(cs->fds[fd], fd) != -1; fd++)
		;
	if (fd == 3 && (cs->dir == NULL || chdir(cs->dir) == 0))
		execve(cs->path, cs->argv, cs->env);
	sig = errno;
	(void)write(err, &sig, sizeof(sig));
	_exit(127);
}

/* fork and exec; a close-on-exec pipe carries an exec failure back. */
static pid_t
child_fork(const struct child_spec *cs)
{
	int	 p[2], e = 0;
	pid_t	 pid, parent;
	ssize_t	 n;

	parent = getpid();
	if (ev_pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0)
		child_exec(cs, parent, p[1]);
	close(p[1]);
	if (pid == -1)
		e = errno;
	else {
		setpgid(pid, pid);
		child.pid = pid;
		while ((n = read(p[0], &e, sizeof(e))) == -1 && errno == EINTR)
			;
		if (n != sizeof(e))
			e = 0;
	}
	close(p[0]);
	errno = e;
	return e == 0 ? pid : -1;
}

#if HAVE_POSIX_SPAWN_ADDCHDIR_NP
/* Every signal that a process may catch or ignore. */
static void
child_catchable(sigset_t *set)
{
	int	 sig;

	sigemptyset(set);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaddset(set, sig);
}

/* posix_spawn: as child_fork() does it, with no page tables copied. */
static pid_t
child_posix_spawn(const struct child_spec *cs)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, all;
	pid_t				 pid;
	int				 e, fd;

	sigemptyset(&none);
	child_catchable(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	for (fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_adddup2(&fa, cs->fds[fd], fd);
	if (cs->dir != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, cs->dir);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	e = posix_spawn(&pid, cs->path, &fa, &attr, cs->argv, cs->env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e != 0) {
		errno = e;
		return -1;
	}
	child.pid = pid;
	return pid;
}
#endif

static pid_t
child_start(const struct child_spec *cs)
{
#if HAVE_POSIX_SPAWN_ADDCHDIR_NP
	if (!cs->tied)
		return child_posix_spawn(cs);
#endif
	return child_fork(cs);
}

/*
 * Start the child, the process's only one: its pid, or -1 with errno
 * and no child left.  The pid is child_pid() from fork() on, so that a
 * signal handler may already end it.
 */
pid_t
child_spawn(const struct child_spec *cs)
{
	pid_t	 pid;
	int	 e, status;

	if ((pid = child_start(cs)) == -1) {
		e = errno;
		child_reap(&status, NULL);
		errno = e;
		return -1;
	}
	child.last_pid = pid;
	child.last_path = cs->path;
	return pid;
}

/* One line of the child's output into the log, which escapes it. */
static void
child_log_line(void)
{
	if (child.pc->decorate_output)
		log_info("pool %s: %s (pid %d): %.*s", child.pc->name,
		    child.last_path, (int)child.last_pid, (int)child.linelen,
		    child.line);
	else
		log_info("%.*s", (int)child.linelen, child.line);
	child.linelen = 0;
}

/*
 * catch_workers_output: n bytes the child wrote, into the log a line
 * at a time, said to be the last child's own unless
 * decorate_workers_output is off.  A line longer than CHILD_LINE_MAX
 * goes in pieces; one without its newline yet waits for the rest, or
 * for child_output_end().
 */
void
child_output(const char *buf, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			child_log_line();
			continue;
		}
		if (child.linelen == sizeof(child.line))
			child_log_line();
		child.line[child.linelen++] = buf[i];
	}
}

/* The child's output has ended: its last line, if it had no newline. */
void
child_output_end(void)
{
	if (child.linelen > 0)
		child_log_line();
}

/* Put the allocated entry in env, unless its name is there already. */
static void
child_env_take(struct child_env *env, char *entry)
{
	if (child_env_has(env, entry, strcspn(entry, "="))) {
		free(entry);
		return;
	}
	env->vars = xreallocarray(env->vars, env->n + 2, sizeof(*env->vars));
	env->vars[env->n++] = entry;
	env->vars[env->n] = NULL;
}

/* Is there a variable of this name (nlen bytes, no '=') in env? */
int
child_env_has(const struct child_env *env, const char *name, size_t nlen)
{
	return strlist_var(env->vars, env->n, name, nlen) < env->n;
}

/* name=value, from counted strings, unless env has name already. */
void
child_env_set(struct child_env *env, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	child_env_take(env, xenvvar(name, nlen, value, vlen));
}

/* The pool's env[], where the caller wants it. */
void
child_env_conf(struct child_env *env, const struct pool_conf *pc)
{
	size_t	 i;

	for (i = 0; i < pc->nenv; i++)
		child_env_take(env, xstrdup(pc->env[i]));
}

/* Last: fpmd's own environment with clear_env = no, and a PATH. */
void
child_env_inherit(struct child_env *env, const struct pool_conf *pc)
{
	char	**e;

	for (e = environ; !pc->clear_env && *e != NULL; e++)
		child_env_take(env, xstrdup(*e));
	child_env_take(env, xstrdup(DEFAULT_PATH));
}

void
child_env_free(struct child_env *env)
{
	strlist_free(env->vars, env->n);
	env->vars = NULL;
	env->n = 0;
}
