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
 * A worker's FastCGI application: the one instance of the pool's exec
 * program that the worker owns.  It runs in a worker, as the pool's
 * user and inside its chroot, and the application it starts inherits
 * both, with the pool's limits, its own process group, env[] (and
 * fpmd's environment with clear_env = no), its user's USER and HOME as
 * php-fpm gives them, PHP_FCGI_CHILDREN=0 and, unless env[] says
 * otherwise, PHP_FCGI_MAX_REQUESTS=0.  php-cgi gets the pool's PHP
 * settings as -d arguments after exec's own words.
 *
 * As the FastCGI specification says, the application gets a listening
 * socket as fd 0 and speaks FastCGI on what it accepts; its stdout and
 * stderr go to the log with catch_workers_output, to /dev/null
 * without.  The socket is a unix one in a directory of mode 0700 that
 * the worker made with mkdtemp(3) under TMPDIR (env[TMPDIR], or /tmp)
 * when it started, so only the pool's user can reach it; the directory
 * goes when the worker does.  The instance is ready once it has
 * answered FCGI_GET_VALUES, and the relay (relay.c) then keeps one
 * connection to it open.  The worker ends it, and only it does: TERM
 * to its group, KILL after a grace, then the reap.  SIGCHLD reaches the
 * worker through a self-pipe and says the instance exited without
 * reaping it, so its group is killed while the zombie still holds the
 * id.  app_signal() and app_stop() are safe in a signal handler.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"

/* Shorter than the master's KILL_GRACE_MS, as for a CGI program. */
#define APP_KILL_GRACE_MS	(KILL_GRACE_MS / 2)
#define APP_TMPDIR		"/tmp"
#define APP_BACKLOG		8
#define APP_LINE_MAX		512	/* of output, in one log line */

extern char		**environ;

static const struct pool_conf	*pc;
static const volatile sig_atomic_t *halt;	/* the worker's: stop now */
static char			**argv;		/* exec, split */
static size_t			 argc;
static char			**env;
static size_t			 nenv;
static long			 php_max;	/* its PHP_FCGI_MAX_REQUESTS */
static char			 dir[PATH_MAX];	/* the private directory */
static struct sockaddr_un	 sun;		/* the socket in it */
static int			 sigchld[2] = { -1, -1 };
static int			 out[2] = { -1, -1 };	/* its stdout, stderr */
static int			 null_fd = -1;
static volatile pid_t		 pid;		/* and its group; 0: none */
static volatile int		 conn = -1;	/* the kept connection */
static volatile sig_atomic_t	 chld_seen;	/* SIGCHLD not yet looked at */
static int			 exited;	/* SIGCHLD: a zombie now */
static uint64_t			 served;	/* by this instance */
static char			 line[APP_LINE_MAX];
static size_t			 linelen;

static void
app_on_sigchld(int sig)
{
	int	 saved = errno;

	(void)sig;
	chld_seen = 1;
	(void)write(sigchld[1], "", 1);
	errno = saved;
}

/* "name=value" into the environment, unless name is there already. */
static void
app_setenv(const char *entry)
{
	size_t	 i, len = strcspn(entry, "=");

	for (i = 0; i < nenv; i++)
		if (strncmp(env[i], entry, len + 1) == 0)
			return;
	strlist_add(&env, &nenv, entry);
}

/*
 * USER and HOME of the user the application runs as, as php-fpm gives
 * them: the pool's user, or fpmd's own when it does not change user.
 */
static void
app_user(void)
{
	struct passwd	*pw;
	char		*entry;
	size_t		 size;

	if ((pw = getpwuid(pc->setuser ? pc->uid : getuid())) == NULL)
		return;
	size = strlen(pw->pw_name) + strlen(pw->pw_dir) + 7;
	entry = xcalloc(1, size);
	snprintf(entry, size, "USER=%s", pw->pw_name);
	app_setenv(entry);
	snprintf(entry, size, "HOME=%s", pw->pw_dir);
	app_setenv(entry);
	free(entry);
}

/*
 * The environment, most binding first: one process per worker, the
 * pool's env[], its user's USER and HOME, php-cgi never leaving on its
 * own, fpmd's own with clear_env = no, and a PATH.
 */
static void
app_environment(void)
{
	char		**e;
	size_t		 i;

	app_setenv("PHP_FCGI_CHILDREN=0");
	for (i = 0; i < pc->nenv; i++)
		app_setenv(pc->env[i]);
	app_user();
	app_setenv("PHP_FCGI_MAX_REQUESTS=0");
	for (e = environ; !pc->clear_env && *e != NULL; e++)
		app_setenv(*e);
	app_setenv(DEFAULT_PATH);
	for (i = 0; i < nenv; i++)
		if (strncmp(env[i], "PHP_FCGI_MAX_REQUESTS=", 22) == 0)
			php_max = strtol(env[i] + 22, NULL, 10);
}

/*
 * exec's words, split at blanks, as the program's argv, then php-cgi's
 * arguments, the PHP settings, whole.
 */
static void
app_arguments(void)
{
	char	*copy, *word, *last;
	size_t	 i;

	copy = xstrdup(pc->exec);
	for (word = strtok_r(copy, " \t", &last); word != NULL;
	    word = strtok_r(NULL, " \t", &last))
		strlist_add(&argv, &argc, word);
	free(copy);
	for (i = 0; i < pc->nphp_args; i++)
		strlist_add(&argv, &argc, pc->php_args[i]);
}

/*
 * Once per worker, before chroot: the SIGCHLD pipe, the output pipe or
 * /dev/null, and the program's arguments and environment.  A start
 * gives up when *stop is set.
 */
void
app_init(const struct pool_conf *conf, const volatile sig_atomic_t *stop)
{
	struct sigaction	 sa;

	pc = conf;
	halt = stop;
	if (ev_pipe(sigchld) == -1 || ev_nonblock(sigchld[0], 1) == -1 ||
	    ev_nonblock(sigchld[1], 1) == -1)
		fatal("pool %s: the SIGCHLD pipe", pc->name);
	if (pc->catch_output && (ev_pipe(out) == -1 ||
	    ev_nonblock(out[0], 1) == -1))
		fatal("pool %s: the application's output pipe", pc->name);
	if (!pc->catch_output &&
	    (null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		fatal("pool %s: /dev/null", pc->name);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = app_on_sigchld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	app_arguments();
	app_environment();
}

/* The instance's process id, which is also its process group's. */
pid_t
app_pid(void)
{
	return pid;
}

/* Signal the instance's whole group, if there is one; handler-safe. */
void
app_signal(int sig)
{
	pid_t	 pgid = pid;

	if (pgid > 0)
		kill(-pgid, sig);
}

/*
 * Has the instance exited?  SIGCHLD says so; the zombie stays.  The
 * instance is the worker's only child.
 */
int
app_exited(void)
{
	char	 buf[64];

	if (!chld_seen)
		return exited;
	chld_seen = 0;
	while (read(sigchld[0], buf, sizeof(buf)) > 0)
		;
	exited = 1;
	return exited;
}

/* Wait up to ms for the instance to exit; handler-safe. */
static void
app_wait_exit(int64_t ms)
{
	struct pollfd	 pfd;
	int64_t		 until_ns = ev_now() + ev_ms_to_ns(ms);

	pfd.fd = sigchld[0];
	pfd.events = POLLIN;
	while (!app_exited() && ev_now() < until_ns)
		poll(&pfd, 1, ev_ns_to_ms(until_ns - ev_now()));
}

static void
app_close_conn(void)
{
	if (conn != -1) {
		close(conn);
		conn = -1;
	}
}

/*
 * End the instance: TERM to its group, a grace, KILL to what is left
 * while the zombie keeps the group's id, and the reap.  Returns its
 * wait status.  Handler-safe.
 */
static int
app_end(void)
{
	pid_t	 p = pid;
	int	 status = 0;

	if (p <= 0)
		return 0;
	if (!exited)
		kill(-p, SIGTERM);
	/* php-cgi waits on a kept connection, TERM or not. */
	app_close_conn();
	app_wait_exit(APP_KILL_GRACE_MS);
	kill(-p, SIGKILL);
	pid = 0;
	while (waitpid(p, &status, 0) == -1 && errno == EINTR)
		;
	/* Its SIGCHLD has been handled by now: forget it. */
	app_exited();
	exited = 0;
	return status;
}

/* Leave for good: the instance ends and its directory goes. */
void
app_stop(void)
{
	app_end();
	if (sun.sun_path[0] != '\0')
		unlink(sun.sun_path);
	if (dir[0] != '\0')
		rmdir(dir);
}

/*
 * The instance closed its end: did it die?  A crash closes the
 * connection a moment before SIGCHLD comes, so wait a grace for it.
 * 1 with its wait status once it is reaped, 0 while it runs.
 */
int
app_died(int *status)
{
	app_wait_exit(APP_KILL_GRACE_MS);
	if (!exited)
		return 0;
	*status = app_end();
	return 1;
}

/*
 * catch_workers_output: the instance's lines into fpmd's log, said to
 * be its own unless decorate_workers_output is off.
 */
static void
app_log_line(void)
{
	char	 text[4 * APP_LINE_MAX], prog[PATH_MAX];

	escape_log(text, sizeof(text), line, linelen);
	if (pc->decorate_output)
		log_info("pool %s: %s (pid %d): %s", pc->name, escape_log(prog,
		    sizeof(prog), argv[0], strlen(argv[0])), (int)pid, text);
	else
		log_info("%s", text);
	linelen = 0;
}

/* Log what the instance wrote, line by line; the rest waits. */
void
app_output(void)
{
	char	 buf[4096];
	ssize_t	 n, i;

	while (out[0] != -1 && (n = read(out[0], buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n')
				line[linelen++] = buf[i];
			if (buf[i] == '\n' || linelen == sizeof(line))
				app_log_line();
		}
}

/* The private directory, made once, and the socket's name in it. */
static int
app_directory(void)
{
	const char	*tmp = APP_TMPDIR;
	size_t		 i;

	if (dir[0] != '\0')
		return 0;
	for (i = 0; i < pc->nenv; i++)
		if (strncmp(pc->env[i], "TMPDIR=", 7) == 0 &&
		    pc->env[i][7] == '/')
			tmp = pc->env[i] + 7;
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/fpmd.XXXXXX", tmp) >=
	    sizeof(dir) || (size_t)snprintf(sun.sun_path,
	    sizeof(sun.sun_path), "%s/fpmd.XXXXXX/app", tmp) >=
	    sizeof(sun.sun_path)) {
		log_errorx("pool %s: %s: too long for a socket's name",
		    pc->name, tmp);
		dir[0] = sun.sun_path[0] = '\0';
		return -1;
	}
	if (mkdtemp(dir) == NULL) {
		log_error("pool %s: a directory for the application's socket "
		    "in %s", pc->name, tmp);
		dir[0] = sun.sun_path[0] = '\0';
		return -1;
	}
	/* As long as the template was: it fits. */
	strlcpy(sun.sun_path, dir, sizeof(sun.sun_path));
	strlcat(sun.sun_path, "/app", sizeof(sun.sun_path));
	return 0;
}

/* A new listening socket on the private name. */
static int
app_listen(void)
{
	int	 fd;

	unlink(sun.sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    ev_cloexec(fd) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, APP_BACKLOG) == -1) {
		log_error("pool %s: application socket %s", pc->name,
		    sun.sun_path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * The child side: fds 0-2 as the specification says, then exec.  Where
 * the kernel can, the application dies with its worker even when the
 * worker has no chance to end it (SIGKILL, with the master's).
 */
static __dead void
app_child(pid_t worker, int lsn, int err)
{
	struct sigaction	 sa;
	sigset_t		 none;
	int			 sig, o = out[1] != -1 ? out[1] : null_fd;

	if (reaper_tie() == 0 && getppid() != worker)
		_exit(127);
	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(lsn, FCGI_LISTENSOCK_FILENO) != -1 && dup2(o, 1) != -1 &&
	    dup2(o, 2) != -1)
		execve(argv[0], argv, env);
	sig = errno;
	(void)write(err, &sig, sizeof(sig));
	_exit(127);
}

/* fork and exec; a CLOEXEC pipe carries an exec failure back. */
static int
app_spawn(int lsn)
{
	int	 p[2], e = 0;
	pid_t	 child, worker = getpid();

	if (ev_pipe(p) == -1)
		return -1;
	if ((child = fork()) == 0)
		app_child(worker, lsn, p[1]);
	close(p[1]);
	if (child == -1)
		e = errno;
	else {
		setpgid(child, child);
		pid = child;
		if (read(p[0], &e, sizeof(e)) != sizeof(e))
			e = 0;
	}
	close(p[0]);
	if (e != 0) {
		app_end();
		errno = e;
		return -1;
	}
	return 0;
}

/* A new connection to the instance, non-blocking; -1 if it refuses. */
static int
app_dial(void)
{
	int	 fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (ev_cloexec(fd) == -1 || ev_nonblock(fd, 1) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Read the answer to the probe: 1 once a whole record has come (a
 * GET_VALUES_RESULT or, from an application that does not know the
 * type, UNKNOWN_TYPE), 0 for more, -1 with why.
 */
static int
app_answer(int fd, struct proto_parser *p, const char **why)
{
	struct proto_event	 ev;
	uint8_t			 buf[PROTO_MGMT_MAX + 64];
	ssize_t			 n;
	size_t			 off = 0;

	if ((n = read(fd, buf, sizeof(buf))) <= 0) {
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		*why = "closed the connection without answering "
		    "FCGI_GET_VALUES";
		return -1;
	}
	while (off < (size_t)n) {
		off += proto_feed(p, buf + off, (size_t)n - off, &ev);
		if (ev.type == PROTO_VALUES || ev.type == PROTO_UNKNOWN_REPLY)
			return 1;
		if (ev.type == PROTO_ERROR) {
			*why = proto_strerror(ev.error);
			return -1;
		}
	}
	return 0;
}

/*
 * The probe's question, the three variables the specification names,
 * asked twice: libfcgi reads a record ahead before it answers one.
 */
static size_t
app_question(uint8_t *rec, size_t size)
{
	static const char *const names[] = { FCGI_MAX_CONNS, FCGI_MAX_REQS,
	    FCGI_MPXS_CONNS };
	size_t	 len = 0, n, i;

	for (i = 0; i < 3; i++)
		len += proto_nv_put(rec + FCGI_HEADER_LEN + len,
		    size / 2 - FCGI_HEADER_LEN - len, names[i],
		    strlen(names[i]), "", 0);
	n = proto_record(rec, FCGI_GET_VALUES, FCGI_NULL_REQUEST_ID,
	    rec + FCGI_HEADER_LEN, len);
	memcpy(rec + n, rec, n);
	return 2 * n;
}

/*
 * Wait until the new instance answers FCGI_GET_VALUES on a connection
 * of its own, for at most fastcgi.read_timeout, logging its output
 * meanwhile: 0 when it did, -1 with why.
 */
static int
app_probe(const char **why)
{
	struct proto_parser	 p;
	struct pollfd		 pfd[3];
	uint8_t			 rec[256];
	int64_t			 until_ns;
	int			 fd, r = 0;

	*why = "exited";
	if ((fd = app_dial()) == -1) {
		*why = "refused the connection";
		return -1;
	}
	memset(&p, 0, sizeof(p));
	proto_init(&p, PROTO_WEB);
	if (write(fd, rec, app_question(rec, sizeof(rec))) == -1) {
		*why = "closed the connection without answering "
		    "FCGI_GET_VALUES";
		r = -1;
	}
	until_ns = ev_now() + ev_ms_to_ns(pc->read_timeout_ms);
	while (r == 0) {
		/* The TERM may have come before the instance had a pid. */
		if (*halt) {
			*why = NULL;
			r = -1;
			break;
		}
		if (app_exited()) {
			r = -1;
			break;
		}
		if (ev_now() >= until_ns) {
			*why = "did not answer FCGI_GET_VALUES within "
			    "fastcgi.read_timeout";
			r = -1;
			break;
		}
		pfd[0].fd = fd;
		pfd[1].fd = sigchld[0];
		pfd[2].fd = out[0];
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		if (poll(pfd, 3, ev_ns_to_ms(until_ns - ev_now())) > 0) {
			app_output();
			if (pfd[0].revents)
				r = app_answer(fd, &p, why);
		}
	}
	close(fd);
	return r == 1 ? 0 : -1;
}

/*
 * Why a start failed, in one line: how the instance ended, or why it
 * was given up; it is gone after.
 */
static void
app_failed(const char *why, int64_t started_ns)
{
	char	 prog[PATH_MAX], how[64];
	pid_t	 p = pid;
	int	 status;

	escape_log(prog, sizeof(prog), argv[0], strlen(argv[0]));
	if (!app_died(&status)) {
		log_errorx("pool %s: application %s (pid %d) %s; killing it",
		    pc->name, prog, (int)p, why);
		app_end();
		return;
	}
	app_output();
	log_errorx("pool %s: application %s (pid %d) %s %.3fs after its "
	    "start, before it answered", pc->name, prog, (int)p,
	    log_waitstatus(status, how, sizeof(how)), (ev_now() - started_ns) / 1e9);
}

/*
 * Start a new instance and wait until it answers: 0, or -1 after a log
 * line that says why not, or without one when the worker must stop.
 */
int
app_start(void)
{
	char		 prog[PATH_MAX];
	const char	*why;
	int64_t		 started_ns = ev_now();
	int		 lsn;

	app_end();
	app_close_conn();
	served = 0;
	if (app_directory() == -1 || (lsn = app_listen()) == -1)
		return -1;
	if (app_spawn(lsn) == -1) {
		log_error("pool %s: cannot run the application %s", pc->name,
		    escape_log(prog, sizeof(prog), argv[0], strlen(argv[0])));
		close(lsn);
		return -1;
	}
	close(lsn);
	if (app_probe(&why) == -1) {
		if (why != NULL)
			app_failed(why, started_ns);
		else
			app_end();
		return -1;
	}
	log_debug("pool %s: application pid %d ready in %.3fs", pc->name,
	    (int)pid, (ev_now() - started_ns) / 1e9);
	return 0;
}

/* End the instance now; the caller says why, or needs not. */
void
app_kill(void)
{
	app_end();
	app_output();
}

/*
 * The instance, reaped and started again, after it died (why NULL: as
 * its status says) or misbehaved: 0, or -1 when the new one could not
 * start.
 */
static int
app_restart(const char *why)
{
	char	 prog[PATH_MAX], how[64];
	pid_t	 old = pid;
	int	 status;

	status = app_end();
	app_output();
	log_warnx("pool %s: application %s (pid %d) %s after %llu requests; "
	    "starting another", pc->name, escape_log(prog, sizeof(prog),
	    argv[0], strlen(argv[0])), (int)old, why != NULL ? why :
	    log_waitstatus(status, how, sizeof(how)), (unsigned long long)served);
	return app_start();
}

/* Start the instance again if it is gone: 0, or -1 if it cannot. */
static int
app_alive(void)
{
	if (pid == 0)
		return app_start();
	if (!app_exited())
		return 0;
	return app_restart(NULL);
}

/*
 * Between requests, or when the instance wrote or exited while the
 * worker was idle: log what it wrote, and start it again if it is
 * gone.  0, or -1 if it cannot be.
 */
int
app_check(void)
{
	app_output();
	return app_alive();
}

/*
 * The connection for the next request: the kept one if the instance
 * has not closed it, else a new one.  A dead instance is started
 * again first.  -1 when there is none to be had.
 */
int
app_connection(void)
{
	struct pollfd	 pfd;
	char		 c;

	if (app_alive() == -1)
		return -1;
	pfd.fd = conn;
	pfd.events = POLLIN;
	/* Readable between requests: closed, or bytes nobody asked for. */
	if (conn != -1 && poll(&pfd, 1, 0) == 1) {
		if (read(conn, &c, 1) == 1)
			log_warnx("pool %s: application pid %d wrote between "
			    "requests; reconnecting", pc->name, (int)pid);
		app_close_conn();
	}
	if (conn == -1 && (conn = app_dial()) == -1 &&
	    (app_restart("refused a connection") == -1 ||
	    (conn = app_dial()) == -1))
		return -1;
	return conn;
}

/*
 * A request is over.  keep: the connection is in step for the next.
 * An instance that sets its own PHP_FCGI_MAX_REQUESTS leaves after that
 * many; it is reaped now, so that app_check() replaces it before the
 * next request can reach it.
 */
void
app_done(int keep)
{
	if (!keep)
		app_close_conn();
	served++;
	if (php_max <= 0 || served < (uint64_t)php_max)
		return;
	app_wait_exit(APP_KILL_GRACE_MS);
	log_debug("pool %s: application pid %d served its "
	    "PHP_FCGI_MAX_REQUESTS (%ld)", pc->name, (int)pid, php_max);
	app_kill();
}

/* While the worker is idle, its loop watches the instance too. */
int
app_watch(struct ev_loop *loop, ev_fd_cb cb)
{
	if (ev_add(loop, sigchld[0], EV_READ, cb, NULL) == -1)
		return -1;
	return out[0] == -1 ? 0 : ev_add(loop, out[0], EV_READ, cb, NULL);
}

/* What the relay watches while a request runs: exits and output. */
int
app_fds(int *chld, int *output)
{
	*chld = sigchld[0];
	*output = out[0];
	return pid > 0 ? 0 : -1;
}
