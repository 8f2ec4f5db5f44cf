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
 * A pool's FastCGI application, in one of three roles (enum app_role).
 * With exec.mode = worker, each worker owns an instance of the pool's
 * exec program (APP_OWN).  With exec.mode = shared, the pool's keeper
 * (keeper.c) owns the one instance (APP_KEEPER), which forks its own
 * children, and each worker connects to it (APP_CLIENT).
 *
 * An owner runs as the pool's user and inside its chroot, and the
 * application it starts, its one child (child.c), inherits both, with
 * the pool's limits, its own process group, env[] (and fpmd's
 * environment with clear_env = no), its user's USER and HOME as
 * php-fpm gives them, and php-cgi's two variables: PHP_FCGI_CHILDREN,
 * 0 for a worker's own instance and pm.max_children for the keeper's;
 * PHP_FCGI_MAX_REQUESTS, unless env[] sets it, 0 for a worker's own
 * (fpmd's pm.max_requests recycles the worker and its instance) and
 * pm.max_requests for the keeper's, whose children then leave after
 * that many and come back warm.  php-cgi gets the pool's PHP settings
 * as -d arguments after exec's own words.
 *
 * As the FastCGI specification says, the application gets a listening
 * socket as fd 0 and speaks FastCGI on what it accepts; its stdout and
 * stderr go to the log with catch_workers_output, to /dev/null
 * without.  The socket is a unix one in TMPDIR (env[TMPDIR], or /tmp),
 * in the directory fpmd-UID of mode 0700 that the owner makes, or
 * finds made and its own, so only the pool's user can reach it: "wPID"
 * for a worker's own, "sID" for the keeper's, ID being the one the
 * master gave the pool.  An abstract socket would be Linux-only and
 * open to whoever guesses its name, a loopback port open to every
 * local user; and the name must stay, since php-cgi closes a
 * connection that brings no request within 5 seconds, so a worker
 * connects again when the next request comes.  An owner removes what
 * an owner killed with SIGKILL left there: the socket of a worker, or
 * of a master, whose pid is gone.  The instance is ready once it has answered
 * FCGI_GET_VALUES, and the keeper's must say there FCGI_MAX_CONNS of at
 * least pm.max_children, as php-cgi does with PHP_FCGI_CHILDREN, or it
 * could not serve the workers it is shared by.  The relay (relay.c)
 * then keeps one connection to it open.  Its owner ends it, and only it
 * does: TERM to its group, KILL after a grace, then the reap (the
 * keeper's: KILL to its group, see app_end()), as child.c does them.
 * app_stop() is safe in a signal handler.
 *
 * A client connects, waiting up to fastcgi.read_timeout for an
 * instance that is starting.  The child that accepted its connection
 * serves it for as long as it is kept, and the kernel says which child
 * that is with the first bytes it sends (compat/peerproc.c).  Killing
 * the request (request_terminate_timeout, an abort not obeyed) kills
 * that child alone: TERM, KILL after the grace.  Before the child has
 * sent anything, Linux can still name it (peerproc_find()); where the
 * system cannot say, the client cannot tell it from its siblings, and
 * kills the whole instance, whose keeper starts it again; that
 * instance's other requests fail with it.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"

#define APP_TMPDIR		"/tmp"
#define APP_BACKLOG		8	/* a worker's own instance */
#define APP_JOIN_WAIT_MS	100	/* a client's longest between tries */

/*
 * The application as this process knows it: what app_init() was told,
 * what an instance starts with, where its socket is, and the kept
 * connection to it.  The instance as a process is child.c's.
 */
static struct {
	enum app_role			 role;
	const struct pool_conf		*pc;
	const char			*id;	/* the pool's, for "sID" */
	volatile pid_t			*shared_pid; /* the scoreboard's */
	const volatile sig_atomic_t	*halt;	/* the worker's: stop now */
	char				**argv;	/* exec, split */
	size_t				 argc;
	struct child_env		 env;
	long				 php_max_requests; /* in env, or 0 */
	char				 dir[PATH_MAX];	/* the private one */
	int				 dir_ok;	/* the user's own */
	struct sockaddr_un		 sock;	/* the socket in dir */
	struct sockaddr_un		 stage;	/* the keeper's, until ready */
	int				 out[2];	/* its stdout, stderr */
	volatile int			 conn;	/* the kept connection */
	pid_t				 conn_child; /* a client's, or 0 */
	int				 conn_reused;	/* served a request */
	uint64_t			 served;	/* by this instance */
} app = { .out = { -1, -1 }, .conn = -1 };

/*
 * USER and HOME of the user the application runs as, as php-fpm gives
 * them: the pool's user, or fpmd's own when it does not change user.
 */
static void
app_user(void)
{
	struct passwd	*pw;

	if ((pw = getpwuid(app.pc->setuser ? app.pc->uid : getuid())) == NULL)
		return;
	child_env_set(&app.env, "USER", 4, pw->pw_name, strlen(pw->pw_name));
	child_env_set(&app.env, "HOME", 4, pw->pw_dir, strlen(pw->pw_dir));
}

/* name=number, unless the environment has name already. */
static void
app_env_number(const char *name, long n)
{
	char	 value[32];

	snprintf(value, sizeof(value), "%ld", n);
	child_env_set(&app.env, name, strlen(name), value, strlen(value));
}

/*
 * The environment (child.c), most binding first: the instance's
 * children, the pool's env[], its user's USER and HOME, how long
 * php-cgi's children last, then fpmd's own and a PATH.
 */
static void
app_environment(void)
{
	struct child_env	*env = &app.env;
	size_t			 i;

	app_env_number("PHP_FCGI_CHILDREN",
	    app.role == APP_KEEPER ? app.pc->max_children : 0);
	child_env_conf(env, app.pc);
	app_user();
	app_env_number("PHP_FCGI_MAX_REQUESTS",
	    app.role == APP_KEEPER ? app.pc->max_requests : 0);
	child_env_inherit(env, app.pc);
	if ((i = strlist_var(env->vars, env->n, "PHP_FCGI_MAX_REQUESTS",
	    21)) < env->n)
		app.php_max_requests = strtol(env->vars[i] + 22, NULL, 10);
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

	copy = xstrdup(app.pc->exec);
	for (word = strtok_r(copy, " \t", &last); word != NULL;
	    word = strtok_r(NULL, " \t", &last))
		strlist_add(&app.argv, &app.argc, word);
	free(copy);
	for (i = 0; i < app.pc->nphp_args; i++)
		strlist_add(&app.argv, &app.argc, app.pc->php_args[i]);
}

/*
 * Once per process, before chroot.  An owner sets up what child.c
 * needs, the output pipe, and the program's arguments and environment.
 * A start, or a client's wait, gives up when *stop is set.  A shared
 * instance is named by the pool's app_id, and its owner writes its pid
 * in *instance for the clients.
 */
void
app_init(const struct pool_conf *conf, const volatile sig_atomic_t *stop,
    enum app_role r, const char *app_id, volatile pid_t *instance)
{
	app.pc = conf;
	app.halt = stop;
	app.role = r;
	app.id = app_id;
	app.shared_pid = instance;
	if (app.role == APP_CLIENT)
		return;
	child_init(app.pc);
	if (app.pc->catch_output && (ev_pipe(app.out) == -1 ||
	    ev_nonblock(app.out[0], 1) == -1))
		fatal("pool %s: the application's output pipe", app.pc->name);
	app_arguments();
	app_environment();
}

/*
 * The process that runs a request: the instance, which is also its
 * process group, or a client's child, 0 while it is not known.
 */
pid_t
app_pid(void)
{
	return app.role == APP_CLIENT ? app.conn_child : child_pid();
}

/* Is the application the worker's own, which it cannot do without? */
int
app_owned(void)
{
	return app.role == APP_OWN;
}

/*
 * The process that runs a request, found if it must be: a client asks
 * the system which child holds its connection.
 */
pid_t
app_runner(void)
{
	if (app.role == APP_CLIENT && app.conn_child == 0 && app.conn != -1)
		app.conn_child = peerproc_find(app.conn, app_group());
	return app_pid();
}

/* The instance's process group, or 0 if there is none known. */
pid_t
app_group(void)
{
	pid_t	 p;

	if (app.role != APP_CLIENT)
		return child_pid();
	p = *app.shared_pid;
	return p > 1 ? p : 0;
}

static void
app_close_conn(void)
{
	if (app.conn != -1) {
		close(app.conn);
		app.conn = -1;
	}
	app.conn_child = 0;
	app.conn_reused = 0;
}

/*
 * End the instance (child.c): TERM to its group, a grace, KILL to what
 * is left, and the reap.  The keeper's gets KILL at once: its pool's
 * workers are gone by then, so it runs no request, and php-cgi's
 * children outlive a TERMed parent for a moment, as orphans.  Returns
 * its wait status.  Handler-safe.
 */
static int
app_end(void)
{
	int	 status;

	if (child_pid() <= 0)
		return 0;
	if (app.role == APP_KEEPER)
		*app.shared_pid = 0;
	if (!child_exited())
		child_signal(app.role == APP_KEEPER ? SIGKILL : SIGTERM);
	/* php-cgi waits on a kept connection, TERM or not. */
	app_close_conn();
	child_wait(CHILD_KILL_GRACE_MS);
	child_reap(&status, NULL);
	return status;
}

/* Leave for good: an owner's instance ends, and its socket goes. */
void
app_stop(void)
{
	if (app.role == APP_CLIENT) {
		app_close_conn();
		return;
	}
	app_end();
	if (app.sock.sun_path[0] != '\0')
		unlink(app.sock.sun_path);
	if (app.role == APP_KEEPER && app.stage.sun_path[0] != '\0')
		unlink(app.stage.sun_path);
}

/*
 * The instance closed its end: did it die?  A crash closes the
 * connection a moment before SIGCHLD comes, so wait a grace for it.
 * 1 with its wait status once it is reaped, 0 while it runs.
 */
static int
app_died(int *status)
{
	if (!child_wait(CHILD_KILL_GRACE_MS))
		return 0;
	*status = app_end();
	return 1;
}

/*
 * catch_workers_output: log what the instance wrote, line by line
 * (child.c); the rest of a line waits for its newline.
 */
void
app_output(void)
{
	char	 buf[4096];
	ssize_t	 n;

	while (app.out[0] != -1 &&
	    (n = read(app.out[0], buf, sizeof(buf))) > 0)
		child_output(buf, (size_t)n);
}

/*
 * Is the directory the user's own, of mode 0700, and no link?  Once it
 * is, it stays so: in a sticky TMPDIR no one else may move it.  -1
 * with errno ENOENT while it is not there, EPERM if it is another's,
 * said once.
 */
static int
app_dir_check(void)
{
	static int	 said;
	struct stat	 st;

	if (app.dir_ok)
		return 0;
	if (lstat(app.dir, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		if (!said++)
			log_errorx("pool %s: %s is not the pool user's own "
			    "directory of mode 0700; remove it, or set "
			    "env[TMPDIR]", app.pc->name, app.dir);
		errno = EPERM;
		return -1;
	}
	app.dir_ok = 1;
	return 0;
}

/* Did the process whose pid a name in the directory starts with go? */
static int
app_gone(const char *digits)
{
	char	*end;
	long	 n;

	n = strtol(digits, &end, 10);
	if (end == digits || n <= 1 || n > INT_MAX ||
	    (*end != '\0' && *end != '.'))
		return 0;
	return kill((pid_t)n, 0) == -1 && errno == ESRCH;
}

/*
 * What an owner killed with SIGKILL left in the directory: the socket
 * of a worker ("wPID"), or of a master's pool ("sPID.N"), whose pid is
 * gone.
 */
static void
app_sweep(void)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 path[PATH_MAX];

	if ((d = opendir(app.dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((de->d_name[0] != 'w' && de->d_name[0] != 's') ||
		    !app_gone(de->d_name + 1) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", app.dir,
		    de->d_name) >= sizeof(path) || lstat(path, &st) == -1 ||
		    !S_ISSOCK(st.st_mode))
			continue;
		if (unlink(path) == 0)
			log_info("pool %s: removed %s, which a process killed "
			    "before it could left", app.pc->name, path);
	}
	closedir(d);
}

/*
 * The directory and the socket's name in it, once.  An owner makes the
 * directory if it must, and sweeps it; a client only names them, and
 * looks at the directory when it connects.
 */
static int
app_directory(void)
{
	const char	*tmp = APP_TMPDIR;
	char		 name[64];
	size_t		 i;

	if (app.dir[0] != '\0')
		return 0;
	if ((i = strlist_var(app.pc->env, app.pc->nenv, "TMPDIR", 6)) <
	    app.pc->nenv && app.pc->env[i][7] == '/')
		tmp = app.pc->env[i] + 7;
	if (app.role == APP_OWN)
		snprintf(name, sizeof(name), "w%ld", (long)getpid());
	else
		snprintf(name, sizeof(name), "s%s", app.id);
	app.sock.sun_family = AF_UNIX;
	if ((size_t)snprintf(app.dir, sizeof(app.dir), "%s/fpmd-%ld", tmp,
	    (long)geteuid()) >= sizeof(app.dir) ||
	    (size_t)snprintf(app.sock.sun_path, sizeof(app.sock.sun_path),
	    "%s/%s", app.dir, name) >= sizeof(app.sock.sun_path)) {
		log_errorx("pool %s: %s: too long for a socket's name",
		    app.pc->name, tmp);
		app.dir[0] = app.sock.sun_path[0] = '\0';
		return -1;
	}
	app.stage = app.sock;
	if (app.role == APP_KEEPER &&
	    strlcat(app.stage.sun_path, ".new", sizeof(app.stage.sun_path)) >=
	    sizeof(app.stage.sun_path)) {
		log_errorx("pool %s: %s: too long for a socket's name",
		    app.pc->name, tmp);
		app.dir[0] = app.sock.sun_path[0] = '\0';
		return -1;
	}
	if (app.role == APP_CLIENT)
		return 0;
	if ((mkdir(app.dir, 0700) == -1 && errno != EEXIST) ||
	    app_dir_check() == -1) {
		if (errno != EPERM)
			log_error("pool %s: the directory for the "
			    "application's socket, %s", app.pc->name, app.dir);
		app.dir[0] = app.sock.sun_path[0] = '\0';
		return -1;
	}
	app_sweep();
	return 0;
}

/*
 * A new listening socket.  A worker's own is on its name.  The keeper's
 * is on its stage name, "sID.new", until the instance has passed the
 * probe, so that no worker reaches an instance that is starting, or
 * that is refused; then it takes the name (app_start()).  Its queue
 * holds every worker that waits for one of its children.
 */
static int
app_listen(void)
{
	int	 fd, backlog;

	backlog = app.role == APP_KEEPER ? SOMAXCONN : APP_BACKLOG;
	unlink(app.stage.sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    ev_cloexec(fd) == -1 ||
	    bind(fd, (struct sockaddr *)&app.stage, sizeof(app.stage)) == -1 ||
	    listen(fd, backlog) == -1) {
		log_error("pool %s: application socket %s", app.pc->name,
		    app.stage.sun_path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Start the instance (child.c), with fds 0-2 as the specification says.
 * It is tied to its owner: where the kernel can, it dies with the
 * owner even when the owner has no chance to end it (SIGKILL, with the
 * master's).
 */
static int
app_spawn(int lsn)
{
	struct child_spec	 cs;

	memset(&cs, 0, sizeof(cs));
	cs.path = app.argv[0];
	cs.argv = app.argv;
	cs.env = app.env.vars;
	cs.fds[FCGI_LISTENSOCK_FILENO] = lsn;
	cs.fds[1] = app.out[1] != -1 ? app.out[1] : child_null();
	cs.fds[2] = cs.fds[1];
	cs.tied = 1;
	return child_spawn(&cs) == -1 ? -1 : 0;
}

/*
 * A new connection to the instance, non-blocking; -1 with errno if
 * there is none.  A client asks the kernel who answers on it, and
 * connects only in the user's own directory.
 */
static int
app_dial(const struct sockaddr_un *to)
{
	int	 fd, e;

	if (app.role == APP_CLIENT && app_dir_check() == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (ev_cloexec(fd) == -1 || ev_nonblock(fd, 1) == -1 ||
	    (app.role == APP_CLIENT && peerproc_watch(fd) == -1 &&
	    errno != EOPNOTSUPP) ||
	    connect(fd, (const struct sockaddr *)to, sizeof(*to)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* FCGI_MAX_CONNS in an answer to the probe, or -1 without one. */
static long
app_max_conns(const struct proto_event *ev)
{
	struct proto_nv	 nv;
	char		 value[16];
	size_t		 off = 0;

	while (ev->type == PROTO_VALUES &&
	    proto_nv_next(ev->data, ev->len, &off, &nv) == 1)
		if (nv.nlen == strlen(FCGI_MAX_CONNS) && memcmp(nv.name,
		    FCGI_MAX_CONNS, nv.nlen) == 0 && nv.vlen < sizeof(value)) {
			memcpy(value, nv.value, nv.vlen);
			value[nv.vlen] = '\0';
			return strtol(value, NULL, 10);
		}
	return -1;
}

/*
 * Read the answer to the probe: 1 once a whole record has come (a
 * GET_VALUES_RESULT or, from an application that does not know the
 * type, UNKNOWN_TYPE), 0 for more, -1 with why.
 */
static int
app_answer(int fd, struct proto_parser *p, const char **why, long *conns)
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
		if (ev.type == PROTO_VALUES || ev.type == PROTO_UNKNOWN_REPLY) {
			*conns = app_max_conns(&ev);
			return 1;
		}
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
 * meanwhile: 0 when it did, -1 with why.  A shared one must say it
 * takes a connection from each worker.
 */
static int
app_probe(const char **why)
{
	static char		 few[256];
	struct proto_parser	 p;
	struct pollfd		 pfd[3];
	uint8_t			 rec[256];
	int64_t			 until_ns;
	long			 conns = -1;
	int			 fd, r = 0;

	*why = "exited";
	if ((fd = app_dial(&app.stage)) == -1) {
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
	until_ns = ev_now() + ev_ms_to_ns(app.pc->read_timeout_ms);
	while (r == 0) {
		/* The TERM may have come before the instance had a pid. */
		if (*app.halt) {
			*why = NULL;
			r = -1;
			break;
		}
		if (child_exited()) {
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
		pfd[1].fd = child_exit_fd();
		pfd[2].fd = app.out[0];
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		if (poll(pfd, 3, ev_ns_to_ms(until_ns - ev_now())) > 0) {
			app_output();
			if (pfd[0].revents)
				r = app_answer(fd, &p, why, &conns);
		}
	}
	close(fd);
	if (r == 1 && app.role == APP_KEEPER && conns < app.pc->max_children) {
		snprintf(few, sizeof(few), "answered FCGI_MAX_CONNS %ld, "
		    "fewer than pm.max_children (%d): exec.mode = shared needs "
		    "an application that forks its own children, as php-cgi "
		    "does", conns, app.pc->max_children);
		*why = few;
		r = -1;
	}
	return r == 1 ? 0 : -1;
}

/*
 * Why a start failed, in one line: how the instance ended, or why it
 * was given up; it is gone after.
 */
static void
app_failed(const char *why, int64_t started_ns)
{
	char	 how[64];
	pid_t	 p;
	int	 status;

	p = child_pid();
	if (!app_died(&status)) {
		log_errorx("pool %s: application %s (pid %d) %s; killing it",
		    app.pc->name, app.argv[0], (int)p, why);
		app_end();
		return;
	}
	app_output();
	log_errorx("pool %s: application %s (pid %d) %s %.3fs after its "
	    "start, before it answered", app.pc->name, app.argv[0], (int)p,
	    log_waitstatus(status, how, sizeof(how)),
	    (ev_now() - started_ns) / 1e9);
}

/*
 * Start a new instance and wait until it answers: 0, or -1 after a log
 * line that says why not, or without one when the worker must stop.
 */
int
app_start(void)
{
	const char	*why;
	int64_t		 started_ns = ev_now();
	int		 lsn;

	app_end();
	app_close_conn();
	app.served = 0;
	if (app_directory() == -1)
		return -1;
	/* A client's instance is the keeper's to start. */
	if (app.role == APP_CLIENT)
		return 0;
	if ((lsn = app_listen()) == -1)
		return -1;
	if (app_spawn(lsn) == -1) {
		log_error("pool %s: cannot run the application %s",
		    app.pc->name, app.argv[0]);
		close(lsn);
		return -1;
	}
	close(lsn);
	if (app_probe(&why) == -1) {
		if (why != NULL)
			app_failed(why, started_ns);
		else
			app_end();
		if (app.role == APP_KEEPER)
			unlink(app.stage.sun_path);
		return -1;
	}
	if (app.role == APP_KEEPER &&
	    rename(app.stage.sun_path, app.sock.sun_path) == -1) {
		log_error("pool %s: rename %s to %s", app.pc->name,
		    app.stage.sun_path, app.sock.sun_path);
		app_end();
		unlink(app.stage.sun_path);
		return -1;
	}
	log_debug("pool %s: application pid %d ready in %.3fs", app.pc->name,
	    (int)child_pid(), (ev_now() - started_ns) / 1e9);
	if (app.role == APP_KEEPER)
		*app.shared_pid = child_pid();
	return 0;
}

/* Wait up to ms for the child on the connection to let go of it. */
static void
app_wait_child(int64_t ms)
{
	struct pollfd	 pfd;
	int64_t		 until_ns = ev_now() + ev_ms_to_ns(ms);
	char		 buf[4096];

	pfd.fd = app.conn;
	pfd.events = POLLIN;
	while (ev_now() < until_ns &&
	    poll(&pfd, 1, ev_ns_to_ms(until_ns - ev_now())) != 0)
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL) ||
		    read(app.conn, buf, sizeof(buf)) == 0)
			return;
}

/*
 * A client ends the child that runs its request: TERM, then KILL after
 * the grace, to that child alone.  One it cannot tell from its siblings
 * costs the whole instance.
 */
static void
app_kill_child(void)
{
	pid_t	 group = app_group();

	if (app.conn == -1)
		return;
	app_runner();
	if (app.conn_child != 0 &&
	    peerproc_signal(app.conn, app.conn_child, SIGTERM) == 0) {
		app_wait_child(CHILD_KILL_GRACE_MS);
		(void)peerproc_signal(app.conn, app.conn_child, SIGKILL);
	} else if (app.conn_child == 0 && group != 0 &&
	    peerproc_connected(app.conn)) {
		log_warnx("pool %s: which child of application pid %d runs "
		    "the request is not known yet; killing them all, and the "
		    "keeper starts it again", app.pc->name, (int)group);
		kill(-group, SIGKILL);
	}
	app_close_conn();
}

/* End the instance, or a client's child, now; the caller says why. */
void
app_kill(void)
{
	if (app.role == APP_CLIENT) {
		app_kill_child();
		return;
	}
	app_end();
	app_output();
}

/*
 * The instance, reaped after it died (why NULL: as its status says) or
 * misbehaved, in one log line that ends with what follows.
 */
void
app_lost(const char *why, const char *then)
{
	char	 how[64];
	pid_t	 old;
	int	 status;

	old = child_pid();
	status = app_end();
	app_output();
	log_warnx("pool %s: application %s (pid %d) %s after %llu requests; "
	    "%s", app.pc->name, app.argv[0], (int)old, why != NULL ? why :
	    log_waitstatus(status, how, sizeof(how)),
	    (unsigned long long)app.served, then);
}

/*
 * The instance, reaped and started again: 0, or -1 when the new one
 * could not start.
 */
static int
app_restart(const char *why)
{
	app_lost(why, "starting another");
	return app_start();
}

/* Start the instance again if it is gone: 0, or -1 if it cannot. */
static int
app_alive(void)
{
	if (app.role == APP_CLIENT)
		return 0;
	if (child_pid() == 0)
		return app_start();
	if (!child_exited())
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
 * A client's new connection, to an instance that may be starting:
 * tries, further apart each time, for up to fastcgi.read_timeout.
 */
static int
app_join(void)
{
	int64_t	 until_ns;
	int	 fd, wait_ms = 1;

	until_ns = ev_now() + ev_ms_to_ns(app.pc->read_timeout_ms);
	while ((fd = app_dial(&app.sock)) == -1) {
		if (errno != ENOENT && errno != ECONNREFUSED &&
		    errno != EAGAIN) {
			if (errno != EPERM)
				log_error("pool %s: connect to the "
				    "application at %s", app.pc->name,
				    app.sock.sun_path);
			return -1;
		}
		if (*app.halt)
			return -1;
		if (ev_now() >= until_ns) {
			log_warnx("pool %s: no application at %s within "
			    "fastcgi.read_timeout", app.pc->name,
			    app.sock.sun_path);
			return -1;
		}
		poll(NULL, 0, wait_ms);
		if ((wait_ms *= 2) > APP_JOIN_WAIT_MS)
			wait_ms = APP_JOIN_WAIT_MS;
	}
	return fd;
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
	pfd.fd = app.conn;
	pfd.events = POLLIN;
	/* Readable between requests: closed, or bytes nobody asked for. */
	if (app.conn != -1 && poll(&pfd, 1, 0) == 1) {
		if (read(app.conn, &c, 1) == 1)
			log_warnx("pool %s: application pid %d wrote between "
			    "requests; reconnecting", app.pc->name,
			    (int)child_pid());
		app_close_conn();
	}
	if (app.conn == -1 && app.role == APP_CLIENT)
		return app.conn = app_join();
	if (app.conn == -1 && (app.conn = app_dial(&app.sock)) == -1 &&
	    (app_restart("refused a connection") == -1 ||
	    (app.conn = app_dial(&app.sock)) == -1))
		return -1;
	return app.conn;
}

/*
 * The application closed the connection mid-request: may the request
 * go to another (1) or not (0)?  how says how it went, or is left
 * alone.  A worker's own instance that exited cleanly was leaving
 * anyway, as php-cgi does after PHP_FCGI_MAX_REQUESTS.  A client
 * cannot reap a child; one that closes a connection it had served
 * before is leaving after its PHP_FCGI_MAX_REQUESTS too.
 */
int
app_closed(char *how, size_t len)
{
	int	 status, again = app.conn_reused;

	if (app.role == APP_CLIENT) {
		app_close_conn();
		return again;
	}
	if (!app_died(&status))
		return 0;
	log_waitstatus(status, how, len);
	strlcat(how, " mid-request", len);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * Read from the application: a client learns from the first bytes
 * which child it is talking to.
 */
ssize_t
app_read(int fd, void *buf, size_t len)
{
	if (app.role != APP_CLIENT || app.conn_child != 0)
		return read(fd, buf, len);
	return peerproc_read(fd, buf, len, &app.conn_child);
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
	app.conn_reused = keep;
	app.served++;
	if (app.php_max_requests <= 0 ||
	    app.served < (uint64_t)app.php_max_requests)
		return;
	child_wait(CHILD_KILL_GRACE_MS);
	log_debug("pool %s: application pid %d served its "
	    "PHP_FCGI_MAX_REQUESTS (%ld)", app.pc->name, (int)child_pid(),
	    app.php_max_requests);
	app_kill();
}

/* While the worker is idle, its loop watches its instance too. */
int
app_watch(struct ev_loop *loop, ev_fd_cb cb)
{
	if (app.role == APP_CLIENT)
		return 0;
	if (ev_add(loop, child_exit_fd(), EV_READ, cb, NULL) == -1)
		return -1;
	return app.out[0] == -1 ? 0 :
	    ev_add(loop, app.out[0], EV_READ, cb, NULL);
}

/*
 * What the relay and the keeper watch: the instance's exit and its
 * output (-1 for none).
 */
void
app_fds(int *chld, int *output)
{
	*chld = child_exit_fd();
	*output = app.out[0];
}
