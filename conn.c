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
 * One FastCGI connection from the web server, in a worker: reading and
 * parsing it (with proto.c), answering the management records, other
 * roles and multiplexing attempts itself, and writing records back.  A
 * read or a write waits at most fastcgi.read_timeout, and gives up at
 * once when *halt is set (the worker must stop now); a new connection
 * that has not sent a whole BEGIN_REQUEST within fastcgi.begin_timeout
 * is no web server's, and is closed.  It writes only the state and
 * request start of the worker's own slot, when it has one.  The
 * request's access and slow log messages (access.c, slowlog.c) go to
 * the master from here, on the worker's channel.
 *
 * The outcome of a request answered on it is kept here too (struct
 * outcome in fpmd.h), with the figures php-fpm derives from it: the
 * request's runner (cgi.c, relay.c, or worker.c for ping and status)
 * fills it with outcome_set(); worker.c puts its figures in its slot
 * and hands it to the access log; status.c shows them.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"

#define CONN_QUIET_S	10	/* a worker says "no BEGIN_REQUEST" so often */

/* ru_maxrss is in bytes on macOS, in kilobytes everywhere else. */
#ifdef __APPLE__
#define RU_MAXRSS_BYTES	1
#else
#define RU_MAXRSS_BYTES	1024
#endif

/* php-fpm's headers for ping and status: never cache them. */
const char	 nocache_headers[] =
    "Expires: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
    "Cache-Control: no-cache, no-store, must-revalidate, max-age=0\r\n";

/*
 * A connection just accepted on fd from c->peer and c->addr, which the
 * caller has set; params is the buffer for its params,
 * pc->max_params_size long.
 */
void
conn_open(struct conn *c, int fd, const struct pool_conf *pc,
    struct slot *slot, const volatile sig_atomic_t *halt, uint8_t *params)
{
	memset(c, 0, offsetof(struct conn, peer));
	c->fd = fd;
	c->reqlog_fd = -1;
	c->pc = pc;
	c->slot = slot;
	c->halt = halt;
	c->timeout_ns = ev_ms_to_ns(pc->read_timeout_ms);
	c->begin_by_ns = ev_now() + ev_ms_to_ns(pc->begin_timeout_ms);
	c->parser.params = params;
	c->parser.max_params_size = pc->max_params_size;
	c->parser.max_params = pc->max_params;
	proto_init(&c->parser, PROTO_APP);
}

/* Wait for fd to be ready for events until until_ns; 0 on a timeout. */
static int
conn_poll(const struct conn *c, short events, int64_t until_ns)
{
	struct pollfd	 pfd;
	int		 n;

	for (;;) {
		if (ev_now() >= until_ns)
			return 0;
		pfd.fd = c->fd;
		pfd.events = events;
		n = poll(&pfd, 1, ev_ns_to_ms(until_ns - ev_now()));
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return 0;
		if (*c->halt)
			return 0;
	}
}

int
conn_write(struct conn *c, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	int64_t		 until_ns = ev_now() + c->timeout_ns;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(c->fd, p, len)) > 0) {
			p += n;
			len -= (size_t)n;
			until_ns = ev_now() + c->timeout_ns;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			log_debug("pool %s: %s: write: %s", c->pc->name,
			    c->peer, strerror(errno));
			break;
		}
		if (!conn_poll(c, POLLOUT, until_ns)) {
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

/*
 * Nothing came in time.  A connection that sent no BEGIN_REQUEST at all
 * is a slowloris or a port scan: that is said at most once every
 * CONN_QUIET_S seconds a worker, with how many there were meanwhile, so
 * that a flood cannot fill the log.
 */
static void
conn_timed_out(struct conn *c)
{
	static int64_t	 said_ns;
	static unsigned int since;
	int64_t		 now_ns = ev_now();

	if (c->begin_by_ns == 0 || now_ns < c->begin_by_ns) {
		log_warnx("pool %s: %s: timed out reading the request",
		    c->pc->name, c->peer);
		return;
	}
	if (said_ns != 0 && now_ns - said_ns < ev_ms_to_ns(CONN_QUIET_S *
	    1000)) {
		since++;
		return;
	}
	log_warnx("pool %s: %s: no BEGIN_REQUEST within "
	    "fastcgi.begin_timeout; closing (and %u more in %d s before)",
	    c->pc->name, c->peer, since, CONN_QUIET_S);
	said_ns = now_ns;
	since = 0;
}

/* The next event, reading as needed; -1 on error, timeout or hang-up. */
static int
conn_wait(struct conn *c, struct proto_event *ev)
{
	int64_t	 until_ns;
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
		until_ns = ev_now() + c->timeout_ns;
		if (c->begin_by_ns != 0 && c->begin_by_ns < until_ns)
			until_ns = c->begin_by_ns;
		if (!conn_poll(c, POLLIN, until_ns)) {
			if (!*c->halt)
				conn_timed_out(c);
			c->failed = 1;
			return -1;
		}
	}
	return r;
}

/*
 * The next piece of the request body: 1 with data, which stays valid
 * until the next call, 0 at its end, -1 when the connection is done
 * for: an error, a timeout, a hang-up, or an abort, which gets its
 * END_REQUEST and sets c->aborted.
 */
int
conn_body(struct conn *c, const uint8_t **data, size_t *len)
{
	struct proto_event	 ev;

	while (!c->stdin_done) {
		if (conn_wait(c, &ev) == -1)
			return -1;
		if (ev.type == PROTO_ABORT) {
			/* The spec wants END_REQUEST even then. */
			conn_end(c, 0, 1);
			c->aborted = 1;
			c->failed = 1;
			return -1;
		}
		if (ev.type != PROTO_STDIN)
			continue;
		if (ev.len == 0) {
			c->stdin_done = 1;
			break;
		}
		*data = ev.data;
		*len = ev.len;
		return 1;
	}
	return 0;
}

/* Read and drop the rest of the request body. */
int
conn_drain(struct conn *c)
{
	const uint8_t	*data;
	size_t		 len;
	int		 r;

	while ((r = conn_body(c, &data, &len)) == 1)
		;
	return r;
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
 * Queue len bytes of a stream as records of type, a record at a time
 * (proto_stream()); len 0 queues the record that ends the stream.  What
 * is queued goes out with the next conn_end(), in one write for a small
 * response, or when out[] has no room for the next record.
 */
static int
conn_queue(struct conn *c, int type, const void *data, size_t len)
{
	const uint8_t	*p = data;
	size_t		 n, done = 0, put;

	for (;;) {
		n = len - done < PROTO_CHUNK_MAX ? len - done : PROTO_CHUNK_MAX;
		put = proto_stream(c->out + c->outlen, sizeof(c->out) -
		    c->outlen, type, c->id, n > 0 ? p + done : NULL, n);
		if (put == 0) {
			if (conn_flush(c) == -1)
				return -1;
			continue;
		}
		c->outlen += put;
		if ((done += n) == len)
			return 0;
	}
}

/* The end of a response: an empty STDOUT, then END_REQUEST. */
int
conn_end(struct conn *c, uint32_t app_status, int with_stdout_end)
{
	sb_slot_state(c->slot, SLOT_FINISHING);
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

/* An error of fpmd's own: an HTTP status and a one-line body. */
int
conn_status(struct conn *c, const char *status)
{
	char	 response[256];
	int	 n;

	n = snprintf(response, sizeof(response), "Status: %s\r\n"
	    "Content-Type: text/plain\r\n\r\n%s\n", status, status);
	return conn_respond(c, response, (size_t)n);
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

/*
 * Send msg, a CHAN_ACCESS or CHAN_SLOW message of len bytes, to the
 * master on the worker's channel, if c has one; what says what it is,
 * for the error.
 */
void
conn_reqlog_send(const struct conn *c, const void *msg, size_t len,
    const char *what)
{
	if (c->reqlog_fd == -1)
		return;
	while (send(c->reqlog_fd, msg, len, 0) == -1)
		if (errno != EINTR) {
			log_error("pool %s: send %s", c->pc->name, what);
			return;
		}
}

/*
 * Read the next request on the connection, up to its params: 0 with a
 * request to answer, -1 to close the connection.  On a kept connection
 * the caller has waited for its first bytes.
 */
int
conn_next(struct conn *c)
{
	struct proto_event	 ev;

	if (c->id != 0) {
		proto_request_done(&c->parser);
		c->id = 0;
	}
	for (;;) {
		if (conn_wait(c, &ev) == -1)
			return -1;
		switch (ev.type) {
		case PROTO_BEGIN:
			c->begin_by_ns = 0;
			c->id = ev.id;
			c->keep = (ev.flags & FCGI_KEEP_CONN) != 0;
			c->stdin_done = 0;
			c->req_start_ns = ev_now();
			c->started_epoch = time(NULL);
			c->slow_logged = 0;
			sb_slot_state(c->slot, SLOT_READING);
			if (c->slot != NULL)
				c->slot->req_start_ns = c->req_start_ns;
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

static int64_t
outcome_tv_ns(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec * 1000;
}

/*
 * The one call a request runner makes when it is done: the HTTP status
 * it answered (0 if no response went out), the program it ran as the
 * request named it (NULL if none), the response's header block (NULL if
 * none; it must stay valid until the runner's next request), and the
 * program's resource usage as wait4(2) gave it (NULL if unknown).
 */
void
outcome_set(struct outcome *o, int status, const char *script,
    const char *headers, size_t headers_len, const struct rusage *ru)
{
	memset(o, 0, sizeof(*o));
	o->status = status;
	o->script = script;
	o->headers = headers;
	o->headers_len = headers != NULL ? headers_len : 0;
	if (ru == NULL)
		return;
	o->user_ns = outcome_tv_ns(&ru->ru_utime);
	o->system_ns = outcome_tv_ns(&ru->ru_stime);
	o->memory_bytes = (uint64_t)ru->ru_maxrss * RU_MAXRSS_BYTES;
}

/*
 * php-fpm's "last request cpu" and %C: CPU time over the request's
 * wall-clock time, as a percentage of one CPU.
 */
double
outcome_cpu_pct(int64_t cpu_ns, int64_t wall_ns)
{
	if (wall_ns <= 0 || cpu_ns <= 0)
		return 0.0;
	return (double)cpu_ns * 100.0 / (double)wall_ns;
}
