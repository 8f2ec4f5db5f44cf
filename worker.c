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
 * A worker: one process of a pool, as the pool's user, a plain
 * blocking loop.  It is fpmd's own binary, executed by the master's
 * child after fork(), and gets its context from what the master hands
 * it (its pool's settings, which confwire.c carries, its scoreboard,
 * its slot, its descriptors) and nothing else.  It drops privileges,
 * and then accepts connections on the pool's socket, one at a time.  For each
 * request it answers ping.path itself, pm.status_path with status.c,
 * and anything else with a CGI program (cgi.c) or, in a pool with
 * exec, by relaying it (relay.c) to the FastCGI application it owns
 * (app.c), which it starts before it accepts anything.  It writes
 * only its own scoreboard slot.
 *
 * It leaves after pm.max_requests requests, on SIGQUIT once it is
 * idle (at once if it is), on SIGTERM after killing its CGI or its
 * application, when its application cannot be started again, and when
 * the master is gone: the read end of a pipe whose only writer was the
 * master then polls readable, on every platform.  Its application goes
 * with it.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"

/* Out of descriptors, accept pauses this long, as slowcgi's does. */
#define ACCEPT_BACKOFF_MS	1000

/* What a worker waits for when idle, so that QUIT may _exit at once. */
enum { BUSY, IDLE_ACCEPT, IDLE_KEPT };

static volatile sig_atomic_t	 quit;		/* leave after this request */
static volatile sig_atomic_t	 halt;		/* stop the request now */
static volatile sig_atomic_t	 waiting = BUSY;
static const struct worker_ctx	*ctx;
static struct slot		*slot;
static struct slot		 own_slot;	/* the status worker's */
static struct conn		 conn;
static struct outcome		 outcome;	/* of the current request */
static struct ev_loop		*accept_loop;	/* waits for connections */
static struct ev_timer		 accept_backoff;
static int			 app_woke;	/* the application, idle */

/* Has the worker an application?  The status worker answers no other. */
static int
worker_has_app(void)
{
	return ctx->pc->exec != NULL && ctx->slot != SLOT_STATUS;
}

static __dead void
worker_exit(int code)
{
	slot->state = SLOT_ENDING;
	app_stop();
	exit(code);
}

/*
 * The application could not be started: the master backs off, unless
 * the worker was told to stop, which is why.
 */
static __dead void
worker_app_lost(void)
{
	worker_exit(halt ? WORKER_EXIT_QUIT : WORKER_EXIT_APP);
}

/*
 * QUIT: leave when idle.  TERM and INT: leave now; the child's group (a
 * CGI program's, or the application's) gets TERM at once, and cgi.c or
 * app.c kills what is left when it sees halt.
 */
static void
worker_on_signal(int sig)
{
	struct pollfd	 pfd = { WORKER_FD_LISTEN, POLLIN, 0 };

	quit = 1;
	if (sig != SIGQUIT) {
		halt = 1;
		child_signal(SIGTERM);
	}
	/*
	 * Idle, leave now; but not with a connection waiting, whose
	 * wake-up may have been this worker's alone (EV_EXCLUSIVE): take
	 * it first, and leave after.
	 */
	if (waiting == IDLE_KEPT ||
	    (waiting == IDLE_ACCEPT && poll(&pfd, 1, 0) == 0)) {
		app_stop();
		_exit(WORKER_EXIT_QUIT);
	}
}

/*
 * The descriptors the master handed, and none of them to a CGI program
 * or an application.  Only the socket is non-blocking: a line waits
 * for room on the channel rather than be lost.  The keeper has none.
 */
static int
worker_fds(int keeper)
{
	int	 fd;

	for (fd = WORKER_FD_LISTEN; fd < WORKER_FD_END; fd++)
		if (fcntl(fd, F_GETFD) != -1 && (ev_cloexec(fd) == -1 ||
		    ev_nonblock(fd, fd == WORKER_FD_LISTEN) == -1))
			return -1;
	if ((!keeper && fcntl(WORKER_FD_LISTEN, F_GETFD) == -1) ||
	    fcntl(WORKER_FD_LIFE, F_GETFD) == -1 ||
	    fcntl(WORKER_FD_CHAN, F_GETFD) == -1) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

static int
acl_match(const struct acl *a, int family, const uint8_t *addr)
{
	int	 bytes = a->bits / 8, rest = a->bits % 8;

	if (a->family != family || memcmp(a->addr, addr, bytes) != 0)
		return 0;
	return rest == 0 ||
	    ((a->addr[bytes] ^ addr[bytes]) & (0xff00 >> rest)) == 0;
}

/* listen.allowed_clients; IPv4-mapped IPv6 peers match IPv4 entries. */
static int
worker_allowed(const struct pool_conf *pc, const struct sockaddr *sa)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const uint8_t		*addr;
	int			 family = sa->sa_family;
	size_t			 i;

	if (pc->nacl == 0 || (family != AF_INET && family != AF_INET6))
		return 1;
	if (family == AF_INET)
		addr = (const uint8_t *)&((const struct sockaddr_in *)
		    sa)->sin_addr;
	else {
		addr = (const uint8_t *)&((const struct sockaddr_in6 *)
		    sa)->sin6_addr;
		if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
			family = AF_INET;
			addr += sizeof(mapped);
		}
	}
	for (i = 0; i < pc->nacl; i++)
		if (acl_match(&pc->acl[i], family, addr))
			return 1;
	return 0;
}

/*
 * The peer for log lines, c->peer, and its address alone, c->addr, as
 * php-fpm's %R gives it: an IPv4-mapped IPv6 address as IPv4, and ""
 * for a unix socket.
 */
static void
peer_name(const struct sockaddr *sa, struct conn *c)
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;
	const uint8_t			*a6 = sin6->sin6_addr.s6_addr;

	c->addr[0] = '\0';
	if (sa->sa_family == AF_INET &&
	    inet_ntop(AF_INET, &sin->sin_addr, c->addr, sizeof(c->addr)))
		snprintf(c->peer, sizeof(c->peer), "%s:%d", c->addr,
		    ntohs(sin->sin_port));
	else if (sa->sa_family == AF_INET6 &&
	    inet_ntop(AF_INET6, a6, c->addr, sizeof(c->addr))) {
		snprintf(c->peer, sizeof(c->peer), "[%s]:%d", c->addr,
		    ntohs(sin6->sin6_port));
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			inet_ntop(AF_INET, a6 + 12, c->addr, sizeof(c->addr));
	} else
		snprintf(c->peer, sizeof(c->peer), "unix socket");
}

/*
 * Wait, idle, for the next request on a kept connection: 0 on a
 * timeout.  A worker whose master is gone leaves here.
 */
static int
worker_kept_wait(int fd, int64_t timeout_ms)
{
	struct pollfd	 pfd[2];
	int		 n;

	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = WORKER_FD_LIFE;
	pfd[1].events = POLLIN;
	waiting = IDLE_KEPT;
	if (quit)
		worker_exit(WORKER_EXIT_QUIT);
	n = poll(pfd, 2, (int)timeout_ms);
	waiting = BUSY;
	if (n > 0 && (pfd[1].revents & (POLLIN | POLLHUP)))
		worker_exit(WORKER_EXIT_QUIT);
	return n > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR));
}

static void
worker_on_listen(int fd, int events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	ev_break(accept_loop);
}

static void
worker_on_life(int fd, int events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	worker_exit(WORKER_EXIT_QUIT);
}

/* The application died or wrote while the worker was idle. */
static void
worker_on_app(int fd, int events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	app_woke = 1;
	ev_break(accept_loop);
}

static int
worker_watch_listen(void)
{
	return ev_add(accept_loop, WORKER_FD_LISTEN, EV_READ | EV_EXCLUSIVE,
	    worker_on_listen, NULL);
}

static void
worker_resume_accept(void *arg)
{
	(void)arg;
	if (worker_watch_listen() == -1) {
		log_error("pool %s: worker %d: watch %s", ctx->pc->name,
		    (int)getpid(), ctx->pc->listen);
		worker_exit(WORKER_EXIT_FATAL);
	}
}

/*
 * Out of descriptors: the connection stays queued, and the socket
 * stays readable, so stop watching it for a while instead of spinning.
 */
static void
worker_pause_accept(void)
{
	log_warn("pool %s: accept on %s; pausing %d ms", ctx->pc->name,
	    ctx->pc->listen, ACCEPT_BACKOFF_MS);
	ev_del(accept_loop, WORKER_FD_LISTEN);
	ev_timer_add(accept_loop, &accept_backoff, ACCEPT_BACKOFF_MS);
}

/*
 * The event loop the worker waits for connections in: with epoll, the
 * listening socket wakes one idle worker per connection, not all.
 */
static void
worker_accept_loop(void)
{
	if ((accept_loop = ev_new(ctx->events)) == NULL ||
	    worker_watch_listen() == -1 ||
	    ev_add(accept_loop, WORKER_FD_LIFE, EV_READ, worker_on_life,
	    NULL) == -1 ||
	    (worker_has_app() &&
	    app_watch(accept_loop, worker_on_app) == -1)) {
		log_error("pool %s: worker %d: %s loop", ctx->pc->name,
		    (int)getpid(), ctx->events);
		worker_exit(WORKER_EXIT_SETUP);
	}
	ev_timer_init(&accept_backoff, worker_resume_accept, NULL);
}

/* Wait, idle, until a connection may be accepted. */
static void
worker_accept_wait(void)
{
	waiting = IDLE_ACCEPT;
	if (quit)
		worker_exit(WORKER_EXIT_QUIT);
	ev_run(accept_loop);
	waiting = BUSY;
}

static int
worker_accept_fd(struct sockaddr_storage *ss)
{
	socklen_t	 len = sizeof(*ss);
	int		 fd;

	memset(ss, 0, sizeof(*ss));
#if HAVE_ACCEPT4
	fd = accept4(WORKER_FD_LISTEN, (struct sockaddr *)ss, &len,
	    SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
	if ((fd = accept(WORKER_FD_LISTEN, (struct sockaddr *)ss, &len)) != -1 &&
	    (ev_cloexec(fd) == -1 || ev_nonblock(fd, 1) == -1)) {
		close(fd);
		fd = -1;
	}
#endif
	if (fd != -1)
		return fd;
	if (errno == EMFILE || errno == ENFILE)
		worker_pause_accept();
	else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
	    errno != ECONNABORTED)
		log_error("pool %s: accept on %s", ctx->pc->name,
		    ctx->pc->listen);
	return -1;
}

static int
worker_accept(void)
{
	struct sockaddr_storage	 ss;
	int			 fd, one = 1;

	worker_accept_wait();
	if (app_woke) {
		app_woke = 0;
		if (app_check() == -1)
			worker_app_lost();
	}
	if ((fd = worker_accept_fd(&ss)) == -1)
		return -1;
	/* Busy from now on, or ondemand would count on this worker. */
	sb_slot_state(slot, SLOT_READING);
	/* Responses go out in a few writes; never let Nagle hold them. */
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	peer_name((struct sockaddr *)&ss, &conn);
	if (!worker_allowed(ctx->pc, (struct sockaddr *)&ss)) {
		log_warnx("pool %s: %s is not in listen.allowed_clients; "
		    "closed", ctx->pc->name, conn.peer);
		close(fd);
		return -1;
	}
	return fd;
}

static int
base64_value(char ch)
{
	static const char	 digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;

	if (ch == '\0' || (p = strchr(digits, ch)) == NULL)
		return -1;
	return (int)(p - digits);
}

/* Base64 in src into dst, NUL-terminated, up to its first non-digit. */
static void
base64_decode(char *dst, size_t size, const char *src)
{
	unsigned int	 bits = 0;
	size_t		 o = 0;
	int		 nbits = 0, v;

	for (; (v = base64_value(*src)) != -1; src++) {
		bits = (bits << 6) | (unsigned int)v;
		if ((nbits += 6) < 8)
			continue;
		nbits -= 8;
		if (o + 1 < size)
			dst[o++] = (char)((bits >> nbits) & 0xff);
	}
	dst[o] = '\0';
}

/*
 * The request's user, as php-fpm finds it: the name in an HTTP Basic
 * Authorization header, which web servers pass on as a param; else
 * REMOTE_USER, which a server sets when it authenticated the user.
 */
static void
worker_user(struct conn *c, char *user, size_t len)
{
	char	 auth[512], pair[384], *colon;

	if (conn_param(c, "HTTP_AUTHORIZATION", auth, sizeof(auth)) &&
	    strncasecmp(auth, "Basic ", 6) == 0) {
		base64_decode(pair, sizeof(pair), auth + 6);
		if ((colon = strchr(pair, ':')) != NULL) {
			*colon = '\0';
			strlcpy(user, pair, len);
			return;
		}
	}
	conn_param(c, "REMOTE_USER", user, len);
}

/* Put the request into the scoreboard for the status page. */
static void
worker_note_request(struct conn *c)
{
	char	 len[32];

	conn_param(c, "REQUEST_METHOD", slot->method, sizeof(slot->method));
	if (!conn_param(c, "REQUEST_URI", slot->uri, sizeof(slot->uri)))
		conn_param(c, "SCRIPT_NAME", slot->uri, sizeof(slot->uri));
	slot->uri[strcspn(slot->uri, "?")] = '\0';
	conn_param(c, "QUERY_STRING", slot->query, sizeof(slot->query));
	conn_param(c, "SCRIPT_FILENAME", slot->script, sizeof(slot->script));
	worker_user(c, slot->user, sizeof(slot->user));
	conn_param(c, "CONTENT_LENGTH", len, sizeof(len));
	slot->content_length = strtoull(len, NULL, 10);
}

static void
worker_ping(struct conn *c)
{
	char	 method[16], pong[1024];
	int	 n;

	conn_param(c, "REQUEST_METHOD", method, sizeof(method));
	n = snprintf(pong, sizeof(pong), "Content-Type: text/plain\r\n"
	    "%s\r\n%s", nocache_headers, strcmp(method, "HEAD") == 0 ? "" :
	    c->pc->ping_response);
	conn_respond(c, pong, n < (int)sizeof(pong) ? (size_t)n :
	    sizeof(pong) - 1);
}

/* pm.status_listen answers nothing but ping and status. */
static void
worker_not_found(struct conn *c, const char *script)
{
	static const char	 response[] = "Status: 404 Not Found\r\n"
	    "Content-Type: text/plain\r\n\r\n404 Not Found\n";

	log_warnx("pool %s: %s: %s is not ping.path or pm.status_path, all "
	    "that pm.status_listen answers", c->pc->name, c->peer, script);
	conn_respond(c, response, sizeof(response) - 1);
}

/*
 * Answer the request, and learn in *o how it went; -1 when the pool's
 * application cannot be started.
 */
static int
worker_dispatch(struct conn *c, struct outcome *o)
{
	const struct pool_conf	*pc = c->pc;
	char			 script[1024];

	conn_param(c, "SCRIPT_NAME", script, sizeof(script));
	if (pc->ping_path != NULL && strcmp(script, pc->ping_path) == 0) {
		worker_ping(c);
		outcome_set(o, 200, NULL, NULL, 0, NULL);
	} else if (pc->status_path != NULL &&
	    strcmp(script, pc->status_path) == 0) {
		status_page(c, pc, ctx->sb, ctx->slot == SLOT_STATUS ?
		    WORKER_FD_QUEUE : WORKER_FD_LISTEN);
		outcome_set(o, 200, NULL, NULL, 0, NULL);
	} else if (ctx->slot == SLOT_STATUS) {
		worker_not_found(c, script);
		outcome_set(o, 404, NULL, NULL, 0, NULL);
	} else if (pc->exec != NULL)
		return relay_run(c, o);
	else
		cgi_run(c, o);
	return 0;
}

/* The request is over: its figures go into the slot. */
static void
worker_account(const struct outcome *o)
{
	slot->req_duration_ns = sb_sub(ev_now(), slot->req_start_ns);
	slot->last_cpu_ns = o->user_ns + o->system_ns;
	slot->last_memory_bytes = o->memory_bytes;
	slot->req_start_ns = 0;
}

/* The request's line in the pool's access.log, if it has one. */
static void
worker_access(struct conn *c, const struct outcome *o)
{
	struct access	 a;

	if (c->pc->access_log == NULL)
		return;
	a.c = c;
	a.o = o;
	a.user = slot->user;
	a.content_length = slot->content_length;
	a.duration_ns = slot->req_duration_ns;
	if (!access_suppressed(c->pc, &a))
		access_log(c->pc->access_format, &a);
}

/*
 * pm.max_requests: the worker leaves, and its own application with it.
 * A shared application's children leave after that many instead, and
 * the worker, which holds nothing of PHP's, stays.
 */
static int
worker_recycled(void)
{
	return ctx->pc->max_requests > 0 && !ctx->pc->exec_shared &&
	    slot->requests >= (uint64_t)ctx->pc->max_requests;
}

/* Serve requests on one connection for as long as it is kept. */
static void
worker_serve(struct conn *c)
{
	int	 first = 1;

	for (;;) {
		if (!first && c->in_off == c->in_len &&
		    !worker_kept_wait(c->fd, c->pc->keep_conn_timeout_ms))
			return;
		if (conn_next(c) == -1)
			return;
		first = 0;
		slot->requests++;
		slot->accepted++;
		worker_note_request(c);
		sb_slot_state(slot, SLOT_RUNNING);
		memset(&outcome, 0, sizeof(outcome));
		if (worker_dispatch(c, &outcome) == -1)
			worker_app_lost();
		worker_account(&outcome);
		worker_access(c, &outcome);
		sb_slot_state(slot, SLOT_READING);
		if (c->failed || !c->keep || c->eof || quit ||
		    worker_recycled())
			return;
	}
}

/*
 * The worker, set up, with every signal blocked: its handlers go in
 * before it unblocks them, so a QUIT sent at once is not lost.  The
 * context is the worker's for good.
 */
static __dead void
worker_run(const struct worker_ctx *c)
{
	uint8_t	*params;
	pid_t	 pid = getpid();
	int	 fd;
	char	 ready = CHAN_READY;

	if (c->slot == SLOT_KEEPER)
		keeper_run(c);
	ctx = c;
	slot = ctx->slot == SLOT_STATUS ? &own_slot :
	    &ctx->sb->slots[ctx->slot];
	slot->pid = pid;
	privdrop_signals(worker_on_signal, 1);
	setproctitle("pool %s%s", ctx->pc->name, ctx->slot == SLOT_STATUS ?
	    " status" : "");
	params = xcalloc(1, ctx->pc->max_params_size);
	if (worker_has_app())
		app_init(ctx->pc, &halt, ctx->pc->exec_shared ? APP_CLIENT :
		    APP_OWN, ctx->app_id, &ctx->sb->app_pid);
	else if (ctx->pc->exec == NULL)
		cgi_init(ctx->pc, &ctx->sb->dropped_said_ns);
	if (privdrop(ctx) == -1)
		worker_exit(WORKER_EXIT_SETUP);
	worker_accept_loop();
	if (worker_has_app() && app_start() == -1)
		worker_app_lost();
	sb_slot_state(slot, SLOT_IDLE);
	if (ctx->slot >= 0 && send(WORKER_FD_CHAN, &ready, 1, 0) != 1)
		worker_exit(WORKER_EXIT_QUIT);
	for (;;) {
		if ((fd = worker_accept()) == -1)
			continue;
		conn_open(&conn, fd, ctx->pc, slot, &halt, params);
		if (ctx->slot >= 0)
			conn.reqlog_fd = WORKER_FD_CHAN;
		worker_serve(&conn);
		close(fd);
		if (worker_recycled())
			worker_exit(WORKER_EXIT_MAXREQ);
		if (quit)
			worker_exit(WORKER_EXIT_QUIT);
		/* An application that failed a request starts again now. */
		if (worker_has_app() && app_check() == -1)
			worker_app_lost();
		sb_slot_state(slot, SLOT_IDLE);
	}
}

/* The slot argv names ("status", "app": none), and the pool's name. */
static int
worker_args(int argc, char *argv[], int *slot_no, const char **pool)
{
	char	*end;
	long	 n;

	if (argc != 4)
		return -1;
	*pool = argv[3];
	if (strcmp(argv[2], WORKER_STATUS) == 0) {
		*slot_no = SLOT_STATUS;
		return 0;
	}
	if (strcmp(argv[2], WORKER_KEEPER) == 0) {
		*slot_no = SLOT_KEEPER;
		return 0;
	}
	n = strtol(argv[2], &end, 10);
	if (end == argv[2] || *end != '\0' || n < 0 || n > INT_MAX)
		return -1;
	*slot_no = (int)n;
	return 0;
}

/*
 * The settings the master wrote for this worker, read once, as root,
 * before anything else, and the descriptor closed: 0, or the exit
 * code.
 */
static int
worker_settings(struct worker_conf *wc)
{
	struct stat	 st;
	void		*data;
	char		 why[256];
	int		 r;

	if (fstat(WORKER_FD_CONF, &st) == -1 || st.st_size <= 0 ||
	    st.st_size > CONFWIRE_MAX_BYTES || (data = mmap(NULL,
	    (size_t)st.st_size, PROT_READ, MAP_PRIVATE, WORKER_FD_CONF,
	    0)) == MAP_FAILED) {
		log_errorx("%s is fpmd's own: no worker settings on descriptor "
		    "%d", WORKER_MARK, WORKER_FD_CONF);
		return WORKER_EXIT_SETUP;
	}
	r = confwire_decode(data, (size_t)st.st_size, wc, why, sizeof(why));
	munmap(data, (size_t)st.st_size);
	close(WORKER_FD_CONF);
	if (r == CONFWIRE_BUILD) {
		log_errorx("worker %d: %s: %s; a new binary reaches workers "
		    "only through a binary upgrade (USR2)", (int)getpid(),
		    WORKER_MARK, why);
		return WORKER_EXIT_BUILD;
	}
	if (r != CONFWIRE_OK) {
		log_errorx("worker %d: %s: its settings: %s", (int)getpid(),
		    WORKER_MARK, why);
		return WORKER_EXIT_SETUP;
	}
	return 0;
}

/*
 * Every line goes to the master on the worker's channel, if it has one
 * (not when run by hand), and the master logs it in the pool's name
 * wherever it logs its own: no worker needs syslog's socket or a file
 * in its chroot.
 */
static void
worker_logging(void)
{
	struct stat	 st;

	if (fstat(WORKER_FD_CHAN, &st) == 0 && S_ISSOCK(st.st_mode))
		log_child(WORKER_FD_CHAN);
}

/*
 * fpmd executed by its master as a worker (fpmd.c saw WORKER_MARK), a
 * fresh image that holds nothing but what it is handed here: its
 * settings, its pool's scoreboard and the descriptors in enum
 * worker_fd.  Run by hand, it finds no settings and exits.
 */
__dead void
worker_main(int argc, char *argv[])
{
	static struct worker_ctx	 c;
	struct worker_conf		 wc;
	const char			*pool = NULL;
	int				 r;

	compat_init_setproctitle(argc, argv);
	selfexec_name(argv[0]);
	worker_logging();
	if (worker_args(argc, argv, &c.slot, &pool) == -1) {
		log_errorx("%s is fpmd's own: usage: fpmd %s slot pool",
		    WORKER_MARK, WORKER_MARK);
		exit(WORKER_EXIT_SETUP);
	}
	if ((r = worker_settings(&wc)) != 0)
		exit(r);
	c.pc = wc.pc;
	c.events = wc.events;
	c.app_id = wc.app_id;
	if (strcmp(pool, c.pc->name) != 0 || c.slot >= c.pc->max_children ||
	    (c.slot == SLOT_KEEPER && (!c.pc->exec_shared ||
	    c.app_id == NULL))) {
		log_errorx("worker %d: slot %d of pool %s is not in its "
		    "settings", (int)getpid(), c.slot, pool);
		exit(WORKER_EXIT_SETUP);
	}
	if ((c.sb = sb_map(WORKER_FD_SB, c.pc->max_children)) == NULL ||
	    worker_fds(c.slot == SLOT_KEEPER) == -1) {
		log_error("pool %s: worker %d: its scoreboard and descriptors",
		    c.pc->name, (int)getpid());
		exit(WORKER_EXIT_SETUP);
	}
	close(WORKER_FD_SB);
	log_setlevel(wc.log_level);
	/* The time zone, before a chroot may hide /etc/localtime. */
	tzset();
	worker_run(&c);
}
