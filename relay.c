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
 * The relay of one request to the worker's FastCGI application (app.c),
 * in a worker, as the pool's user.  The request goes to the application
 * over the connection the worker keeps to it, with FCGI_KEEP_CONN and
 * the web server's request id: BEGIN_REQUEST, the params conn.c has
 * read, and the body as it arrives.  What the application sends back
 * goes to the web server unchanged, in the chunks it was read in, of
 * up to two records: proto.c reads only the record headers on the way
 * (proto_held()), so that a record is passed on once it is whole, but
 * for the END_REQUEST, which the relay writes itself, after a whole
 * record even when the application failed.
 * splice(2) would not help: the headers must be read to find where
 * the records end, and most responses are small.  One poll loop moves
 * both ways at once, so neither side can stall the other.
 *
 * Each failure ends that one request: an application that dies or
 * breaks the protocol gets a 502 if it had sent no output yet, else an
 * END_REQUEST after what it sent; request_terminate_timeout a 504 or an
 * END_REQUEST; an abort, or a web server that hangs up or stalls, is
 * passed on as ABORT_REQUEST, with a grace to end the request.  The
 * application is killed whenever a request did not end cleanly, and
 * the worker starts another.  One that left cleanly before it had any
 * of the request, as php-cgi does between requests, is started again
 * and gets the request again, so that no request fails for it.
 */

#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"
#include "cgiheader.h"

#define RELAY_DOWN_BYTES	(2 * PROTO_RECORD_MAX)	/* read at most */
#define RELAY_END_BYTES		(3 * FCGI_HEADER_LEN)	/* ours at the end */
#define RELAY_UP_BYTES		(2 * PROTO_RECORD_MAX)
#define RELAY_ABORT_GRACE_MS	1000
#define RELAY_HEAD_BYTES	4096	/* of the response, for the logs */

struct relay {
	struct conn		*c;
	int			 fd;		/* to the application */
	pid_t			 pid;		/* the application's */
	struct proto_parser	 parser;	/* what it sends back */
	size_t			 params_off;	/* params queued so far */
	int			 params_done;
	int			 body_sent;	/* body bytes queued to it */
	int			 body_ended;	/* its end queued to it */
	int			 got;		/* it sent anything at all */
	uint64_t		 stdout_bytes;
	int			 stdout_ended;
	int			 ended;		/* its END_REQUEST came */
	int			 in_step;	/* the connection may go on */
	int			 gone;		/* the web server is done for */
	int			 aborted;	/* the web server aborted */
	int64_t			 abort_ns;	/* ABORT_REQUEST queued at */
	int64_t			 progress_ns;	/* the web server's last I/O */
	int			 timed_out;
	int			 closed;	/* it closed the connection */
	const char		*failed;	/* why the application failed */
	char			 how[64];	/* how it died */
	int			 status;	/* an error of fpmd's, or 0 */
	char			 script[PATH_MAX];	/* SCRIPT_FILENAME */
	size_t			 headlen;
	size_t			 up_off, up_len;
	size_t			 down_off;	/* sent to the web server */
	size_t			 down_ok;	/* whole records end here */
	size_t			 down_parsed, down_len;
	/* last, as they are not cleared for each request; room for an
	 * ABORT_REQUEST past RELAY_UP_BYTES */
	uint8_t			 up[RELAY_UP_BYTES + FCGI_HEADER_LEN];
	uint8_t			 down[RELAY_DOWN_BYTES + RELAY_END_BYTES];
	char			 head[RELAY_HEAD_BYTES];	/* of STDOUT */
};

static size_t
relay_up_room(const struct relay *r)
{
	return RELAY_UP_BYTES - r->up_len;
}

/* Room to read into once what is sent is moved out of the way. */
static int
relay_down_room(const struct relay *r)
{
	return r->down_len < RELAY_DOWN_BYTES ||
	    (r->down_off > 0 && r->down_off == r->down_ok);
}

/* Queue a record for the application; the caller made room. */
static void
relay_queue(struct relay *r, int type, const void *data, size_t len)
{
	r->up_len += proto_record(r->up + r->up_len, type, r->c->id, data,
	    len);
}

/* The params conn.c read, as records, as far as there is room. */
static int
relay_params(struct relay *r)
{
	const struct proto_parser	*p = &r->c->parser;
	size_t				 n;

	while (!r->params_done &&
	    relay_up_room(r) >= PROTO_RECORD_SIZE(PROTO_CHUNK_MAX)) {
		n = p->params_len - r->params_off;
		if (n > PROTO_CHUNK_MAX)
			n = PROTO_CHUNK_MAX;
		relay_queue(r, FCGI_PARAMS, p->params + r->params_off, n);
		r->params_off += n;
		r->params_done = n == 0;
	}
	return r->params_done;
}

/*
 * Pass an abort on: the application gets ABORT_REQUEST and a grace to
 * end the request.  gone: the web server will take nothing more.
 */
static void
relay_abort(struct relay *r, int gone, const char *why)
{
	if (why != NULL)
		log_warnx("pool %s: %s: %s; aborting the request to the "
		    "application (pid %d)", r->c->pc->name, r->c->peer, why,
		    (int)app_runner());
	if (gone) {
		r->gone = 1;
		r->c->failed = 1;
		r->down_off = r->down_ok;
	}
	if (r->abort_ns != 0)
		return;
	r->abort_ns = ev_now();
	relay_queue(r, FCGI_ABORT_REQUEST, NULL, 0);
}

/* A piece of the body, or its end, for the application. */
static void
relay_stdin(struct relay *r, const struct proto_event *ev)
{
	relay_queue(r, FCGI_STDIN, ev->data, ev->len);
	if (ev->len == 0)
		r->c->stdin_done = r->body_ended = 1;
	else
		r->body_sent = 1;
}

/*
 * Whether what the web server sent may be taken: the application's
 * queue has room, and conn.c, which answers management records itself
 * with a write, would not cut into a record half sent.
 */
static int
relay_can_take(const struct relay *r)
{
	return r->params_done && !r->gone && r->abort_ns == 0 &&
	    r->down_off == r->down_ok && relay_up_room(r) >= PROTO_RECORD_MAX;
}

/* Take what the web server sent, as far as relay_can_take() allows. */
static void
relay_take(struct relay *r)
{
	struct proto_event	 ev;
	int			 n;

	while (relay_params(r) && relay_can_take(r)) {
		/* A request sent again: its body had ended, and was empty. */
		if (r->c->stdin_done && !r->body_ended) {
			relay_queue(r, FCGI_STDIN, NULL, 0);
			r->body_ended = 1;
			continue;
		}
		if ((n = conn_event(r->c, &ev)) == 0)
			return;
		if (n == -1) {
			relay_abort(r, 1, NULL);
			return;
		}
		if (ev.type == PROTO_STDIN)
			relay_stdin(r, &ev);
		else if (ev.type == PROTO_ABORT) {
			r->aborted = 1;
			relay_abort(r, 0, "the web server aborted the request");
		}
	}
}

static void
relay_read_web(struct relay *r)
{
	int	 n;

	if ((n = conn_read(r->c)) > 0) {
		r->progress_ns = ev_now();
		relay_take(r);
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		relay_abort(r, 1, "the web server hung up");
}

/*
 * The application's END_REQUEST: everything before it goes on, then
 * the relay's own end of the response.  Whatever follows it, other
 * than its padding, means the connection is out of step.
 */
static void
relay_ended(struct relay *r, const struct proto_event *ev)
{
	struct proto_event	 rest;
	size_t			 n;

	r->ended = 1;
	r->down_ok = r->down_parsed - 2 * FCGI_HEADER_LEN;
	r->in_step = 1;
	while (r->down_parsed < r->down_len) {
		n = proto_feed(&r->parser, r->down + r->down_parsed,
		    r->down_len - r->down_parsed, &rest);
		r->down_parsed += n;
		if (rest.type != PROTO_NONE || n == 0)
			break;
	}
	if (r->down_parsed < r->down_len || proto_held(&r->parser) != 0) {
		log_warnx("pool %s: application pid %d sent more after its "
		    "FCGI_END_REQUEST; reconnecting", r->c->pc->name,
		    (int)app_pid());
		r->in_step = 0;
	}
	r->down_len = r->down_ok;
	if (!r->stdout_ended)
		r->down_len += proto_record(r->down + r->down_len,
		    FCGI_STDOUT, r->c->id, NULL, 0);
	r->down_len += proto_end_request(r->down + r->down_len, r->c->id,
	    ev->app_status, ev->protocol_status);
	r->down_ok = r->down_len;
	if (r->gone)
		r->down_off = r->down_len;
}

/* Keep the start of the response, where its header block is. */
static void
relay_head(struct relay *r, const uint8_t *data, size_t len)
{
	if (len > sizeof(r->head) - r->headlen)
		len = sizeof(r->head) - r->headlen;
	if (len == 0)		/* the stream's end has no data at all */
		return;
	memcpy(r->head + r->headlen, data, len);
	r->headlen += len;
}

/* Follow the records just read; whole ones may go to the web server. */
static void
relay_parse(struct relay *r)
{
	struct proto_event	 ev;

	while (r->down_parsed < r->down_len && !r->ended && !r->failed) {
		r->down_parsed += proto_feed(&r->parser, r->down +
		    r->down_parsed, r->down_len - r->down_parsed, &ev);
		switch (ev.type) {
		case PROTO_NONE:
		case PROTO_STDERR:
			break;
		case PROTO_STDOUT:
			relay_head(r, ev.data, ev.len);
			r->stdout_bytes += ev.len;
			r->stdout_ended = ev.len == 0;
			break;
		case PROTO_END:
			relay_ended(r, &ev);
			return;
		case PROTO_ERROR:
			r->failed = proto_strerror(ev.error);
			return;
		default:
			r->failed = "sent a record nobody asked for";
			return;
		}
	}
	r->down_ok = r->down_parsed - proto_held(&r->parser);
	if (r->gone)
		r->down_off = r->down_ok;
}

/* Move what is sent already out of the way of the next read. */
static void
relay_compact(struct relay *r)
{
	size_t	 n = r->down_off;

	if (n == 0 || n != r->down_ok)
		return;
	memmove(r->down, r->down + n, r->down_len - n);
	r->down_off = 0;
	r->down_ok -= n;
	r->down_parsed -= n;
	r->down_len -= n;
}

/* Read what the application sent: > 0 while there may be more. */
static ssize_t
relay_read_app(struct relay *r)
{
	ssize_t	 n;

	relay_compact(r);
	if (r->down_len == RELAY_DOWN_BYTES)
		return 0;
	n = app_read(r->fd, r->down + r->down_len, RELAY_DOWN_BYTES -
	    r->down_len);
	if (n > 0) {
		if (!r->got)
			r->c->slot->app_pid = r->pid = app_pid();
		r->got = 1;
		r->down_len += (size_t)n;
		relay_parse(r);
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		r->closed = 1;
		r->failed = "closed the connection mid-request";
	}
	return n;
}

static void
relay_send_app(struct relay *r)
{
	ssize_t	 n;

	if (r->up_off == r->up_len)
		return;
	n = write(r->fd, r->up + r->up_off, r->up_len - r->up_off);
	if (n > 0 && (r->up_off += (size_t)n) == r->up_len)
		r->up_off = r->up_len = 0;
	else if (n == -1 && errno != EAGAIN && errno != EINTR) {
		r->closed = 1;
		r->failed = "closed the connection mid-request";
	}
}

static void
relay_send_web(struct relay *r)
{
	ssize_t	 n;

	if (r->down_off == r->down_ok || r->gone)
		return;
	n = write(r->c->fd, r->down + r->down_off, r->down_ok - r->down_off);
	if (n > 0) {
		r->down_off += (size_t)n;
		r->progress_ns = ev_now();
	} else if (n == -1 && errno != EAGAIN && errno != EINTR)
		relay_abort(r, 1, "the web server hung up");
}

/* The application exited: take what it left, then it has failed. */
static void
relay_exited(struct relay *r)
{
	while (!r->ended && r->failed == NULL && relay_read_app(r) > 0)
		;
	if (!r->ended) {
		r->closed = 1;
		r->failed = "exited mid-request";
	}
}

static int64_t
relay_min(int64_t a_ns, int64_t b_ns)
{
	return a_ns == -1 || (b_ns != -1 && b_ns < a_ns) ? b_ns : a_ns;
}

/*
 * What the poll may wait for, in ms (-1: no limit), or 0 once a limit
 * has passed and the loop must stop: request_terminate_timeout, the
 * abort's grace, and a web server that neither takes nor sends.
 */
static int
relay_timeout(struct relay *r)
{
	const struct conn	*c = r->c;
	int64_t			 now_ns = ev_now(), left_ns = -1, t_ns;

	if (c->pc->terminate_timeout_ms > 0) {
		t_ns = c->req_start_ns +
		    ev_ms_to_ns(c->pc->terminate_timeout_ms) - now_ns;
		if ((r->timed_out = t_ns <= 0))
			return 0;
		left_ns = t_ns;
	}
	if (!r->gone && (r->down_off < r->down_ok || !c->stdin_done)) {
		t_ns = r->progress_ns + c->timeout_ns - now_ns;
		if (t_ns <= 0)
			relay_abort(r, 1, r->down_off < r->down_ok ?
			    "the web server stalled" :
			    "timed out reading the request body");
		else
			left_ns = relay_min(left_ns, t_ns);
	}
	if ((t_ns = slowlog_check(r->c, app_group(), app_runner)) > 0)
		left_ns = relay_min(left_ns, t_ns);
	if (r->abort_ns != 0) {
		t_ns = r->abort_ns + ev_ms_to_ns(RELAY_ABORT_GRACE_MS) - now_ns;
		if (t_ns <= 0) {
			r->failed = "did not end the aborted request";
			return 0;
		}
		left_ns = relay_min(left_ns, t_ns);
	}
	return left_ns == -1 ? -1 : ev_ns_to_ms(left_ns);
}

/* Read the web server only with room for what it may send. */
static int
relay_wants_web(const struct relay *r)
{
	const struct conn	*c = r->c;

	return relay_can_take(r) && !c->eof && c->in_off == c->in_len;
}

static void
relay_poll(struct relay *r, int timeout)
{
	struct pollfd	 pfd[4];
	int		 chld, out;

	app_fds(&chld, &out);
	pfd[0].fd = r->c->fd;
	pfd[0].events = (relay_wants_web(r) ? POLLIN : 0) |
	    (r->down_off < r->down_ok && !r->gone ? POLLOUT : 0);
	pfd[1].fd = r->fd;
	pfd[1].events = (relay_down_room(r) ? POLLIN : 0) |
	    (r->up_off < r->up_len ? POLLOUT : 0);
	pfd[2].fd = chld;
	pfd[3].fd = out;
	pfd[2].events = pfd[3].events = POLLIN;
	if (poll(pfd, 4, timeout) == -1) {
		if (errno != EINTR)
			r->failed = "poll failed";
		return;
	}
	if (pfd[3].revents)
		app_output();
	if (pfd[0].revents & POLLOUT)
		relay_send_web(r);
	if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR) &&
	    relay_wants_web(r))
		relay_read_web(r);
	if (pfd[1].revents & POLLOUT)
		relay_send_app(r);
	if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
		relay_read_app(r);
	if (pfd[2].revents && child_exited())
		relay_exited(r);
}

/*
 * Move the request and its response until it ends, one way or another.
 * What the web server sent and is not taken yet waits for room, not for
 * the poll: a send that made room goes round again first.
 */
static void
relay_loop(struct relay *r)
{
	const struct conn	*c = r->c;
	int			 timeout;

	while (!r->ended && r->failed == NULL) {
		relay_send_web(r);
		relay_take(r);
		relay_send_app(r);
		if (*c->halt) {
			r->failed = "was stopped with fpmd";
			break;
		}
		if (r->failed != NULL || (timeout = relay_timeout(r)) == 0)
			break;
		if (!relay_can_take(r) || c->in_off == c->in_len)
			relay_poll(r, timeout);
	}
}

static void
relay_begin(struct relay *r, struct conn *c, int fd)
{
	memset(r, 0, offsetof(struct relay, up));
	r->c = c;
	conn_param(c, "SCRIPT_FILENAME", r->script, sizeof(r->script));
	r->fd = fd;
	r->c->slot->app_pid = r->pid = app_pid();
	r->progress_ns = ev_now();
	proto_init(&r->parser, PROTO_WEB);
	proto_expect(&r->parser, c->id);
	r->up_len = proto_begin_request(r->up, c->id, FCGI_RESPONDER,
	    FCGI_KEEP_CONN);
}

/*
 * The application closed the connection: app.c says how, and whether
 * it was leaving anyway (php-cgi after PHP_FCGI_MAX_REQUESTS does).
 * Then, before it had sent anything, the request may go to a new
 * instance, or a new child, as if it were the first.
 */
static int
relay_again(struct relay *r)
{
	int	 again;

	if (!r->closed)
		return 0;
	r->how[0] = '\0';
	again = app_closed(r->how, sizeof(r->how));
	if (r->how[0] != '\0')
		r->failed = r->how;
	return again && !r->got && !r->body_sent && !r->gone &&
	    r->abort_ns == 0 && !*r->c->halt;
}

/*
 * The request did not end cleanly: the instance goes, and the web
 * server gets what the state of the response allows.
 */
static void
relay_fail(struct relay *r)
{
	struct conn	*c = r->c;
	const char	*status = r->timed_out ? "504 Gateway Timeout" :
			    "502 Bad Gateway", *then = "killing it";
	char		 answer[64];

	if (!r->gone && !r->aborted && r->stdout_bytes > 0)
		then = "ending the response";
	else if (!r->gone && !r->aborted) {
		snprintf(answer, sizeof(answer), "answering %s", status);
		then = answer;
	}
	if (r->pid == 0)
		r->pid = app_runner();
	log_warnx("pool %s: %s: application pid %d %s; %s", c->pc->name,
	    c->peer, (int)r->pid, r->timed_out ?
	    "reached request_terminate_timeout" : r->failed, then);
	app_kill();
	if (r->gone || (r->down_off < r->down_ok && conn_write(c, r->down +
	    r->down_off, r->down_ok - r->down_off) == -1))
		return;
	if (r->stdout_bytes == 0 && !r->aborted) {
		r->status = (int)strtol(status, NULL, 10);
		conn_status(c, status);
	} else {
		conn_end(c, 0, !r->stdout_ended);
		if (r->aborted)
			c->failed = 1;
	}
}

/* The response is whole: what is left of it goes out. */
static void
relay_finish(struct relay *r)
{
	struct conn	*c = r->c;

	sb_slot_state(c->slot, SLOT_FINISHING);
	/* An ABORT_REQUEST or a body it never read would come first. */
	if (r->abort_ns != 0 || r->up_off < r->up_len || !r->body_ended)
		r->in_step = 0;
	if (!r->gone && r->down_off < r->down_len)
		conn_write(c, r->down + r->down_off, r->down_len - r->down_off);
	if (r->aborted)
		c->failed = 1;
	else if (!r->gone && !c->failed && !c->stdin_done)
		conn_drain(c);
}

/*
 * How the request went, for the access log: fpmd's own status, or the
 * one the application's header block says, and that block.  The
 * application is not reaped for each request: no CPU or memory figure.
 */
static void
relay_outcome(struct relay *r, struct outcome *o)
{
	struct cgiheader	 h;
	int			 status = r->status;

	memset(&h, 0, sizeof(h));
	if (cgiheader_parse(&h, r->head, r->headlen, sizeof(r->head)) !=
	    CGIHEADER_OK)
		h.len = 0;
	else if (status == 0)
		status = h.status != 0 ? h.status : h.location ? 302 : 200;
	if (status == 0 && r->stdout_bytes > 0)
		status = 200;
	outcome_set(o, status, r->script[0] != '\0' ? r->script : NULL,
	    h.len > 0 ? r->head : NULL, h.len, NULL);
}

/*
 * Relay one request to the application, and learn in *o how it went.
 * Returns 0, or -1 when there was no application of its own to be had
 * and the worker must leave; without a shared one, it stays.  An
 * instance that failed is gone after; the worker starts the next one
 * once the request is off its books.
 */
int
relay_run(struct conn *c, struct outcome *o)
{
	static struct relay	 r;
	int			 fd, tries = 0;

	for (;;) {
		if ((fd = app_connection()) == -1) {
			conn_status(c, "502 Bad Gateway");
			outcome_set(o, 502, NULL, NULL, 0, NULL);
			return app_owned() ? -1 : 0;
		}
		relay_begin(&r, c, fd);
		relay_loop(&r);
		if (r.ended) {
			relay_finish(&r);
			app_done(r.in_step);
			relay_outcome(&r, o);
			return 0;
		}
		if (!relay_again(&r) || tries++ > 0)
			break;
		log_debug("pool %s: %s: application pid %d left before it had "
		    "the request; sending it to another", c->pc->name,
		    c->peer, (int)r.pid);
	}
	relay_fail(&r);
	relay_outcome(&r, o);
	return 0;
}
