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
 * A worker: one process of a pool, a plain blocking loop.  It settles
 * its descriptors, drops privileges, and then accepts connections on
 * the pool's socket, one at a time, reading FastCGI requests and
 * answering ping.path and pm.status_path itself and anything else with
 * a CGI program (cgi.c).  It writes only its own scoreboard slot, and
 * never returns into the master's code.
 *
 * It leaves after pm.max_requests requests, on SIGQUIT once it is
 * idle (at once if it is), on SIGTERM after killing its CGI, and when
 * the master is gone: the read end of a pipe whose only writer was the
 * master then polls readable, on every platform.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpmd.h"
#include "log.h"

/* The descriptors a worker keeps, renumbered from 3 up. */
enum { FD_LISTEN = 3, FD_LIFE, FD_READY, FD_LOG, FD_FIRST_FREE };

/* php-fpm's headers for ping and status: never cache them. */
const char	 nocache_headers[] =
    "Expires: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
    "Cache-Control: no-cache, no-store, must-revalidate, max-age=0\r\n";

/* What a worker waits for when idle, so that QUIT may _exit at once. */
enum { BUSY, IDLE_ACCEPT, IDLE_KEPT };

volatile sig_atomic_t		 worker_quit;
static volatile sig_atomic_t	 waiting = BUSY;
static struct pool		*pool;
static struct slot		*slot;
static struct conn		 conn;
static struct ev_loop		*accept_loop;	/* waits for connections */

static __attribute__((__noreturn__)) void
worker_exit(int code)
{
	slot->state = SLOT_ENDING;
	exit(code);
}

static void
worker_set_state(int state)
{
	slot->state = state;
	slot->since = ev_now();
}

/*
 * QUIT: leave when idle.  TERM and INT: leave now; the CGI group gets
 * TERM at once, and cgi.c kills what is left when it sees the flag.
 */
static void
worker_on_signal(int sig)
{
	struct pollfd	 pfd = { FD_LISTEN, POLLIN, 0 };
	pid_t		 pgid;

	worker_quit = sig;
	if (sig != SIGQUIT && (pgid = slot->cgi_pgid) > 0)
		kill(-pgid, SIGTERM);
	/*
	 * Idle, leave now; but not with a connection waiting, whose
	 * wake-up may have been this worker's alone (EV_EXCLUSIVE): take
	 * it first, and leave after.
	 */
	if (waiting == IDLE_KEPT ||
	    (waiting == IDLE_ACCEPT && poll(&pfd, 1, 0) == 0))
		_exit(WORKER_EXIT_QUIT);
}

static void
worker_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = worker_on_signal;
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
}

/*
 * Keep only the listening socket, the master's pipes and fds 0-2;
 * everything else the master had open (other pools' sockets, the
 * pidfile, the log file) is closed.
 */
static void
worker_fds(int lsn, int life, int ready, int logfd)
{
	int	 keep[] = { lsn, life, ready, logfd };
	int	 n = logfd == -1 ? 3 : 4, tmp[4], i;

	log_close();
	for (i = 0; i < n; i++)
		if ((tmp[i] = fcntl(keep[i], F_DUPFD, FD_FIRST_FREE)) == -1)
			_exit(WORKER_EXIT_FATAL);
	for (i = 0; i < n; i++)
		if (dup2(tmp[i], FD_LISTEN + i) == -1 ||
		    ev_cloexec(FD_LISTEN + i, i == 0 || i == 2) == -1)
			_exit(WORKER_EXIT_FATAL);
	closefrom(FD_LISTEN + n);
	log_child(logfd == -1 ? -1 : FD_LOG);
}

static int
worker_privileges(struct pool_conf *pc)
{
	struct rlimit	 rl;

	if (pc->rlimit_files != 0) {
		rl.rlim_cur = rl.rlim_max = pc->rlimit_files;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			return log_warn("pool %s: rlimit_files", pc->name), -1;
	}
	if (pc->set_rlimit_core) {
		rl.rlim_cur = rl.rlim_max = pc->rlimit_core;
		if (setrlimit(RLIMIT_CORE, &rl) == -1)
			return log_warn("pool %s: rlimit_core", pc->name), -1;
	}
	if (pc->setuser && setgroups(pc->ngroups, pc->groups) == -1)
		return log_warn("pool %s: setgroups for %s", pc->name,
		    pc->user), -1;
	if (pc->chroot != NULL && (chroot(pc->chroot) == -1 ||
	    chdir("/") == -1))
		return log_warn("pool %s: chroot %s", pc->name,
		    pc->chroot), -1;
	if (pc->chdir != NULL && chdir(pc->chdir) == -1)
		return log_warn("pool %s: chdir %s", pc->name, pc->chdir), -1;
	if (pc->setuser && (setresgid(pc->gid, pc->gid, pc->gid) == -1 ||
	    setresuid(pc->uid, pc->uid, pc->uid) == -1))
		return log_warn("pool %s: cannot become %s", pc->name,
		    pc->user), -1;
#ifdef __OpenBSD__
	if (pledge("stdio rpath proc exec unix inet", NULL) == -1)
		return log_warn("pool %s: pledge", pc->name), -1;
#endif
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

static void
peer_name(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;
	char				 a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET &&
	    inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) != NULL)
		snprintf(buf, len, "%s:%d", a, ntohs(sin->sin_port));
	else if (sa->sa_family == AF_INET6 &&
	    inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)) != NULL)
		snprintf(buf, len, "[%s]:%d", a, ntohs(sin6->sin6_port));
	else
		snprintf(buf, len, "unix socket");
}

/*
 * Wait, idle, for the next request on a kept connection: 0 on a
 * timeout.  A worker whose master is gone leaves here.
 */
static int
worker_kept_wait(int fd, int timeout_ms)
{
	struct pollfd	 pfd[2];
	int		 n;

	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = FD_LIFE;
	pfd[1].events = POLLIN;
	waiting = IDLE_KEPT;
	if (worker_quit)
		worker_exit(WORKER_EXIT_QUIT);
	n = poll(pfd, 2, timeout_ms);
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

/*
 * The event loop the worker waits for connections in: with epoll, the
 * listening socket wakes one idle worker per connection, not all.
 */
static void
worker_accept_loop(const char *events)
{
	if ((accept_loop = ev_new(events)) == NULL ||
	    ev_add(accept_loop, FD_LISTEN, EV_READ | EV_EXCLUSIVE,
	    worker_on_listen, NULL) == -1 ||
	    ev_add(accept_loop, FD_LIFE, EV_READ, worker_on_life, NULL) == -1) {
		log_warn("pool %s: worker %d: %s loop", pool->pc->name,
		    (int)getpid(), events);
		worker_exit(WORKER_EXIT_FATAL);
	}
}

/* Wait, idle, until a connection may be accepted. */
static void
worker_accept_wait(void)
{
	waiting = IDLE_ACCEPT;
	if (worker_quit)
		worker_exit(WORKER_EXIT_QUIT);
	ev_run(accept_loop);
	waiting = BUSY;
}

static int
worker_accept(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	int			 fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	worker_accept_wait();
#if HAVE_ACCEPT4
	fd = accept4(FD_LISTEN, (struct sockaddr *)&ss, &len,
	    SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
	if ((fd = accept(FD_LISTEN, (struct sockaddr *)&ss, &len)) != -1 &&
	    ev_cloexec(fd, 1) == -1) {
		close(fd);
		fd = -1;
	}
#endif
	if (fd == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("pool %s: accept on %s", pool->pc->name,
			    pool->pc->listen);
		return -1;
	}
	/* Busy from now on, or ondemand would count on this worker. */
	worker_set_state(SLOT_READING);
	/* Responses go out in a few writes; never let Nagle hold them. */
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	peer_name((struct sockaddr *)&ss, conn.peer, sizeof(conn.peer));
	if (!worker_allowed(pool->pc, (struct sockaddr *)&ss)) {
		log_warnx("pool %s: %s is not in listen.allowed_clients; "
		    "closed", pool->pc->name, conn.peer);
		close(fd);
		return -1;
	}
	return fd;
}

static int64_t
deadline(int64_t timeout)
{
	return ev_now() + timeout;
}

/* Wait for fd to be ready for events until the deadline; 0 on timeout. */
static int
conn_poll(int fd, short events, int64_t until)
{
	struct pollfd	 pfd;
	int64_t		 left;
	int		 n;

	for (;;) {
		if ((left = until - ev_now()) <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		n = poll(&pfd, 1, (int)((left + 999999) / 1000000));
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return 0;
		if (worker_quit && worker_quit != SIGQUIT)
			return 0;
	}
}

int
conn_write(struct conn *c, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	int64_t		 until = deadline(c->timeout);
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(c->fd, p, len)) > 0) {
			p += n;
			len -= (size_t)n;
			until = deadline(c->timeout);
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			log_debug("pool %s: %s: write: %s", c->pc->name,
			    c->peer, strerror(errno));
			break;
		}
		if (!conn_poll(c->fd, POLLOUT, until)) {
			log_warnx("pool %s: %s: timed out writing", c->pc->name,
			    c->peer);
			break;
		}
	}
	if (len > 0)
		c->failed = 1;
	return len > 0 ? -1 : 0;
}

static void
conn_get_values(struct conn *c, const struct proto_event *ev)
{
	uint8_t		 rec[PROTO_MGMT_RECORD_MAX];
	char		 max[16];
	const char	*vars[7];

	snprintf(max, sizeof(max), "%d", c->pc->max_children);
	vars[0] = FCGI_MAX_CONNS;
	vars[1] = max;
	vars[2] = FCGI_MAX_REQS;
	vars[3] = max;
	vars[4] = FCGI_MPXS_CONNS;
	vars[5] = "0";
	vars[6] = NULL;
	conn_write(c, rec, proto_values_result(rec, ev->data, ev->len, vars));
}

/*
 * The next event of the current request from the input already read;
 * 0 when more must be read, -1 after a protocol error.  Management
 * records, other roles and multiplexing attempts are answered here.
 */
int
conn_event(struct conn *c, struct proto_event *ev)
{
	uint8_t	 rec[2 * FCGI_HEADER_LEN];

	while (c->in_off < c->in_len) {
		c->in_off += proto_feed(&c->parser, c->in + c->in_off,
		    c->in_len - c->in_off, ev);
		switch (ev->type) {
		case PROTO_NONE:
			break;
		case PROTO_ERROR:
			log_warnx("pool %s: %s: %s; closing", c->pc->name,
			    c->peer, proto_strerror(ev->error));
			c->failed = 1;
			return -1;
		case PROTO_GET_VALUES:
			conn_get_values(c, ev);
			break;
		case PROTO_UNKNOWN_TYPE:
			conn_write(c, rec, proto_unknown_type(rec, ev->rtype));
			break;
		case PROTO_CANT_MPX:
			conn_write(c, rec, proto_end_request(rec, ev->id, 0,
			    FCGI_CANT_MPX_CONN));
			break;
		case PROTO_BEGIN:
			if (ev->role == FCGI_RESPONDER)
				return 1;
			log_warnx("pool %s: %s: role %d is not responder",
			    c->pc->name, c->peer, ev->role);
			conn_write(c, rec, proto_end_request(rec, ev->id, 0,
			    FCGI_UNKNOWN_ROLE));
			break;
		default:
			return 1;
		}
		if (c->failed)
			return -1;
	}
	return 0;
}

/* Read what the web server sent; 0 at its end, -1 with errno. */
int
conn_read(struct conn *c)
{
	ssize_t	 n;

	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
	else if (c->in_off > 0) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	if ((n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len)) >
	    0)
		c->in_len += (size_t)n;
	else if (n == 0)
		c->eof = 1;
	return (int)n;
}

/* The next event, reading as needed; -1 on error, timeout or hang-up. */
int
conn_wait(struct conn *c, struct proto_event *ev)
{
	int	 r;

	while ((r = conn_event(c, ev)) == 0) {
		/* Most often the bytes are there already: read, then poll. */
		if (c->eof)
			return -1;
		if (conn_read(c) > 0)
			continue;
		if (c->eof)
			return -1;
		if (errno != EAGAIN && errno != EINTR) {
			c->failed = 1;
			return -1;
		}
		if (!conn_poll(c->fd, POLLIN, deadline(c->timeout))) {
			if (!worker_quit)
				log_warnx("pool %s: %s: timed out reading the "
				    "request", c->pc->name, c->peer);
			c->failed = 1;
			return -1;
		}
	}
	return r;
}

/* Read and drop the rest of the request body. */
int
conn_drain(struct conn *c)
{
	struct proto_event	 ev;

	while (!c->stdin_done) {
		if (conn_wait(c, &ev) == -1)
			return -1;
		if (ev.type == PROTO_ABORT) {
			/* The spec wants END_REQUEST even then. */
			conn_end(c, 0, 1);
			c->failed = 1;
			return -1;
		}
		if (ev.type == PROTO_STDIN && ev.len == 0)
			c->stdin_done = 1;
	}
	return 0;
}

static int
conn_flush(struct conn *c)
{
	int	 r;

	r = conn_write(c, c->out, c->outlen);
	c->outlen = 0;
	return r;
}

/*
 * Queue len bytes of a stream as records of type; len 0 queues the
 * record that ends the stream.  What is queued goes out with the next
 * conn_end(), in one write for a small response, or when out[] fills.
 */
int
conn_queue(struct conn *c, int type, const void *data, size_t len)
{
	const uint8_t	*p = data;
	size_t		 n, done = 0, chunk = FCGI_MAX_LENGTH & ~(size_t)7;

	do {
		n = len - done < chunk ? len - done : chunk;
		if (c->outlen + PROTO_RECORD_SIZE(n) > sizeof(c->out) &&
		    conn_flush(c) == -1)
			return -1;
		c->outlen += proto_record(c->out + c->outlen, type, c->id,
		    n > 0 ? p + done : NULL, n);
		done += n;
	} while (done < len);
	return 0;
}

/* The end of a response: an empty STDOUT, then END_REQUEST. */
int
conn_end(struct conn *c, uint32_t app_status, int with_stdout_end)
{
	worker_set_state(SLOT_FINISHING);
	if ((with_stdout_end && conn_queue(c, FCGI_STDOUT, NULL, 0) == -1) ||
	    (c->outlen + 2 * FCGI_HEADER_LEN > sizeof(c->out) &&
	    conn_flush(c) == -1))
		return -1;
	c->outlen += proto_end_request(c->out + c->outlen, c->id, app_status,
	    FCGI_REQUEST_COMPLETE);
	return conn_flush(c);
}

/* A whole response of fpmd's own, headers and body, as CGI output. */
int
conn_respond(struct conn *c, const char *response, size_t len)
{
	if (conn_drain(c) == -1 ||
	    conn_queue(c, FCGI_STDOUT, response, len) == -1)
		return -1;
	return conn_end(c, 0, 1);
}

/* Copy param name into buf, NUL-terminated; 0 if absent or too long. */
int
conn_param(struct conn *c, const char *name, char *buf, size_t len)
{
	const char	*v;
	size_t		 vlen;

	if (!proto_param(&c->parser, name, &v, &vlen) || vlen >= len) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	return 1;
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
	conn_param(c, "REMOTE_USER", slot->user, sizeof(slot->user));
	conn_param(c, "CONTENT_LENGTH", len, sizeof(len));
	slot->content_length = strtoull(len, NULL, 10);
}

static void
worker_dispatch(struct conn *c)
{
	struct pool_conf	*pc = c->pc;
	char			 script[1024], method[16], pong[1024];
	int			 n;

	conn_param(c, "SCRIPT_NAME", script, sizeof(script));
	if (pc->ping_path != NULL && strcmp(script, pc->ping_path) == 0) {
		conn_param(c, "REQUEST_METHOD", method, sizeof(method));
		n = snprintf(pong, sizeof(pong), "Content-Type: text/plain\r\n"
		    "%s\r\n%s", nocache_headers, strcmp(method, "HEAD") == 0 ?
		    "" : pc->ping_response);
		conn_respond(c, pong, n < (int)sizeof(pong) ? (size_t)n :
		    sizeof(pong) - 1);
	} else if (pc->status_path != NULL &&
	    strcmp(script, pc->status_path) == 0)
		status_page(c, pool);
	else
		cgi_run(c);
}

/*
 * Wait for the next request on the connection, up to its params.
 * Returns 0 with a request to answer, -1 to close the connection.
 */
static int
worker_request(struct conn *c, int first)
{
	struct proto_event	 ev;

	if (!first && c->in_off == c->in_len &&
	    !worker_kept_wait(c->fd, (int)c->pc->keep_conn_timeout))
		return -1;
	for (;;) {
		if (conn_wait(c, &ev) == -1)
			return -1;
		switch (ev.type) {
		case PROTO_BEGIN:
			c->id = ev.id;
			c->keep = (ev.flags & FCGI_KEEP_CONN) != 0;
			c->stdin_done = 0;
			worker_set_state(SLOT_READING);
			slot->req_start = ev_now();
			break;
		case PROTO_PARAMS:
			return 0;
		case PROTO_ABORT:
			conn_end(c, 0, 1);
			return -1;
		default:
			break;
		}
	}
}

/* Serve requests on one connection for as long as it is kept. */
static void
worker_serve(struct conn *c)
{
	struct pool_conf	*pc = pool->pc;
	int			 first = 1;

	for (;;) {
		if (worker_request(c, first) == -1)
			return;
		first = 0;
		slot->requests++;
		slot->accepted++;
		worker_note_request(c);
		worker_set_state(SLOT_RUNNING);
		worker_dispatch(c);
		slot->req_duration = ev_now() - slot->req_start;
		slot->req_start = 0;
		worker_set_state(SLOT_READING);
		if (c->failed || !c->keep || c->eof || worker_quit ||
		    (pc->max_requests > 0 &&
		    slot->requests >= (uint64_t)pc->max_requests))
			return;
		proto_request_done(&c->parser);
	}
}

static void
conn_open(struct conn *c, int fd, uint8_t *params)
{
	struct pool_conf	*pc = pool->pc;
	char			 peer[sizeof(c->peer)];

	memcpy(peer, c->peer, sizeof(peer));
	memset(c, 0, offsetof(struct conn, in));
	memcpy(c->peer, peer, sizeof(peer));
	c->fd = fd;
	c->pc = pc;
	c->slot = slot;
	c->timeout = pc->read_timeout * 1000000;
	c->parser.params = params;
	c->parser.max_params_size = pc->max_params_size;
	c->parser.max_params = pc->max_params;
	proto_init(&c->parser, PROTO_APP);
}

/*
 * A new worker, just forked with every signal blocked: its handlers go
 * in before ev_child() unblocks them, so a QUIT sent at once is not
 * lost.
 */
__attribute__((__noreturn__)) void
worker_main(struct pool *p, int slotno, struct ev_loop *loop, int life,
    int ready, int logfd)
{
	struct pool_conf	*pc = p->pc;
	const char		*events = ev_name(loop);
	uint8_t			*params;
	pid_t			 pid = getpid();
	int			 fd;

	pool = p;
	slot = &p->sb->slots[slotno];
	slot->pid = pid;
	worker_signals();
	ev_child(loop);
	worker_fds(p->lsn->fd, life, ready, logfd);
	/* This process's copy of the listener: the status page reads it. */
	p->lsn->fd = FD_LISTEN;
	setproctitle("pool %s", pc->name);
	if ((params = malloc(pc->max_params_size)) == NULL ||
	    worker_privileges(pc) == -1)
		worker_exit(WORKER_EXIT_FATAL);
	cgi_init();
	worker_accept_loop(events);
	worker_set_state(SLOT_IDLE);
	if (write(FD_READY, &pid, sizeof(pid)) != sizeof(pid))
		worker_exit(WORKER_EXIT_QUIT);
	for (;;) {
		if ((fd = worker_accept()) == -1)
			continue;
		conn_open(&conn, fd, params);
		worker_serve(&conn);
		close(fd);
		worker_set_state(SLOT_IDLE);
		if (pc->max_requests > 0 &&
		    slot->requests >= (uint64_t)pc->max_requests)
			worker_exit(WORKER_EXIT_MAXREQ);
		if (worker_quit)
			worker_exit(WORKER_EXIT_QUIT);
	}
}
