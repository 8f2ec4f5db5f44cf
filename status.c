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
 * pm.status_path: php-fpm's status page, with its field and state
 * names, so that its consumers (the Prometheus php-fpm exporter,
 * telegraf, munin plugins) read fpmd's unchanged.  Plain text by
 * default; ?json, ?xml, ?html and ?openmetrics; ?full adds one entry
 * per worker.  Every figure is computed from the scoreboard's slots
 * now; the few that are histories (max active processes, max listen
 * queue, max children reached) are kept by the master.  Last request
 * cpu and memory are those of the last request's program, as its
 * runner reported them (conn.c); slow requests are counted by each
 * worker in its slot (slowlog.c).  A worker renders it, from its own
 * pool's settings and scoreboard and its copy of the listening socket.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fpmd.h"
#include "worker.h"
#include "log.h"
#include "escape.h"

enum format { F_TEXT, F_JSON, F_XML, F_HTML, F_OPENMETRICS };

struct buf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

/* The figures of one pool, as the page shows them. */
struct figures {
	uint64_t	 accepted;
	uint64_t	 slow;
	unsigned int	 queue;
	unsigned int	 queue_max;
	unsigned int	 queue_len;
	int		 idle;
	int		 active;
	unsigned int	 max_active;
};

static void
bprintf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (b->p == NULL) {
		b->size = 4096;
		b->p = xreallocarray(NULL, b->size, 1);
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			fatal("vsnprintf");
		if ((size_t)n < b->size - b->len)
			break;
		b->size = b->size * 2 + (size_t)n;
		b->p = xreallocarray(b->p, b->size, 1);
	}
	b->len += (size_t)n;
}

/*
 * s, from a request, written for fmt (escape.c) so that the page stays
 * a valid document, and plain text one line a field.
 */
static void
bescape(struct buf *b, enum format fmt, const char *s)
{
	char	 e[4096];

	if (fmt == F_JSON)
		escape_json(e, sizeof(e), s, strlen(s));
	else if (fmt == F_XML || fmt == F_HTML)
		escape_markup(e, sizeof(e), s, strlen(s));
	else
		escape_log(e, sizeof(e), s, strlen(s));
	bprintf(b, "%s", e);
}

static const char *
state_name(int state)
{
	switch (state) {
	case SLOT_READING:
		return "Reading headers";
	case SLOT_RUNNING:
		return "Running";
	case SLOT_FINISHING:
		return "Finishing";
	case SLOT_ENDING:
		return "Ending";
	default:
		return "Idle";
	}
}

/* What the page shows of a pool: its settings, scoreboard and socket. */
struct pool_view {
	const struct pool_conf	*pc;
	const struct scoreboard	*sb;
	int			 listen_fd;
};

static void
figures(const struct pool_view *p, struct figures *f)
{
	const struct slot	*s;
	int			 i;

	memset(f, 0, sizeof(*f));
	sb_totals(p->sb, p->pc->max_children, &f->accepted, &f->slow);
	for (i = 0; i < p->pc->max_children; i++) {
		s = &p->sb->slots[i];
		if (s->state == SLOT_IDLE || s->state == SLOT_STARTING)
			f->idle++;
		else if (s->state != SLOT_FREE)
			f->active++;
	}
	f->queue_len = p->pc->backlog < 0 ? SOMAXCONN :
	    (unsigned int)p->pc->backlog;
	f->queue = listen_queue(p->listen_fd, &f->queue_len);
	f->queue_max = p->sb->max_listen_queue > f->queue ?
	    p->sb->max_listen_queue : f->queue;
	f->max_active = p->sb->max_active > (unsigned int)f->active ?
	    p->sb->max_active : (unsigned int)f->active;
}

static void
when(char *buf, size_t len, enum format fmt, time_t t)
{
	struct tm	*tm = localtime(&t);

	if (fmt == F_JSON || fmt == F_XML)
		snprintf(buf, len, "%lld", (long long)t);
	else if (tm == NULL ||
	    strftime(buf, len, "%d/%b/%Y:%H:%M:%S %z", tm) == 0)
		snprintf(buf, len, "-");
}

/* XML spells php-fpm's field names with dashes. */
static void
xml_tag(struct buf *b, const char *open, const char *name)
{
	bprintf(b, "%s", open);
	for (; *name != '\0'; name++)
		bprintf(b, "%c", *name == ' ' ? '-' : *name);
	bprintf(b, ">");
}

static void
render_pool(struct buf *b, const struct pool_view *p, const struct figures *f,
    enum format fmt)
{
	static const char *const names[] = {
		"pool", "process manager", "start time", "start since",
		"accepted conn", "listen queue", "max listen queue",
		"listen queue len", "idle processes", "active processes",
		"total processes", "max active processes",
		"max children reached", "slow requests"
	};
	char		 v[14][64];
	size_t		 i;

	snprintf(v[0], sizeof(v[0]), "%s", p->pc->name);
	snprintf(v[1], sizeof(v[1]), "%s", PM_NAME(p->pc->pm));
	when(v[2], sizeof(v[2]), fmt, p->sb->started_epoch);
	snprintf(v[3], sizeof(v[3]), "%lld",
	    (long long)sb_sub(time(NULL), p->sb->started_epoch));
	snprintf(v[4], sizeof(v[4]), "%llu", (unsigned long long)f->accepted);
	snprintf(v[5], sizeof(v[5]), "%u", f->queue);
	snprintf(v[6], sizeof(v[6]), "%u", f->queue_max);
	snprintf(v[7], sizeof(v[7]), "%u", f->queue_len);
	snprintf(v[8], sizeof(v[8]), "%d", f->idle);
	snprintf(v[9], sizeof(v[9]), "%d", f->active);
	snprintf(v[10], sizeof(v[10]), "%d", f->idle + f->active);
	snprintf(v[11], sizeof(v[11]), "%u", f->max_active);
	snprintf(v[12], sizeof(v[12]), "%llu",
	    (unsigned long long)p->sb->max_children_reached);
	snprintf(v[13], sizeof(v[13]), "%llu", (unsigned long long)f->slow);
	for (i = 0; i < 14; i++) {
		switch (fmt) {
		case F_JSON:
			bprintf(b, "%s\"%s\":", i == 0 ? "{" : ",", names[i]);
			if (i < 2) {
				bprintf(b, "\"");
				bescape(b, fmt, v[i]);
				bprintf(b, "\"");
			} else
				bprintf(b, "%s", v[i]);
			break;
		case F_XML:
			xml_tag(b, "<", names[i]);
			bescape(b, fmt, v[i]);
			xml_tag(b, "</", names[i]);
			bprintf(b, "\n");
			break;
		case F_HTML:
			bprintf(b, "<tr><th>%s</th><td>", names[i]);
			bescape(b, fmt, v[i]);
			bprintf(b, "</td></tr>\n");
			break;
		default:
			bprintf(b, "%s:%*s%s\n", names[i],
			    (int)(21 - strlen(names[i])), "", v[i]);
			break;
		}
	}
}

/*
 * A worker's fields in ?full, in php-fpm's order, then fpmd's own: the
 * application process that serves the worker (its own instance, or the
 * shared instance's child on its connection), 0 for none or not known.
 */
static const char *const worker_fields[] = {
	"pid", "state", "start time", "start since", "requests",
	"request duration", "request method", "request uri",
	"content length", "user", "script", "last request cpu",
	"last request memory", "application pid"
};
#define NWORKER_FIELDS	(sizeof(worker_fields) / sizeof(worker_fields[0]))

/* One worker of ?full, in the format's own layout. */
static void
render_worker(struct buf *b, const struct slot *s, enum format fmt,
    int first)
{
	/* Which fields are strings, quoted in JSON. */
	static const int	 quoted[NWORKER_FIELDS] = { 0, 1, 0, 0, 0, 0,
	    1, 1, 0, 1, 1, 0, 0, 0 };
	char			 v[NWORKER_FIELDS][600];
	int64_t			 dur_ns;
	size_t			 i;

	dur_ns = s->req_start_ns != 0 ? sb_sub(ev_now(), s->req_start_ns) :
	    s->req_duration_ns;
	snprintf(v[0], sizeof(v[0]), "%d", (int)s->pid);
	snprintf(v[1], sizeof(v[1]), "%s", state_name(s->state));
	when(v[2], sizeof(v[2]), fmt, s->started_epoch);
	snprintf(v[3], sizeof(v[3]), "%lld",
	    (long long)sb_sub(time(NULL), s->started_epoch));
	snprintf(v[4], sizeof(v[4]), "%llu", (unsigned long long)s->requests);
	snprintf(v[5], sizeof(v[5]), "%lld", (long long)(dur_ns / 1000));
	snprintf(v[6], sizeof(v[6]), "%.*s", (int)sizeof(s->method),
	    s->method[0] != '\0' ? s->method : "-");
	snprintf(v[7], sizeof(v[7]), "%.*s%s%.*s", (int)sizeof(s->uri),
	    s->uri[0] != '\0' ? s->uri : "-", s->query[0] != '\0' ? "?" : "",
	    (int)sizeof(s->query), s->query);
	snprintf(v[8], sizeof(v[8]), "%llu",
	    (unsigned long long)s->content_length);
	snprintf(v[9], sizeof(v[9]), "%.*s", (int)sizeof(s->user),
	    s->user[0] != '\0' ? s->user : "-");
	snprintf(v[10], sizeof(v[10]), "%.*s", (int)sizeof(s->script),
	    s->script[0] != '\0' ? s->script : "-");
	snprintf(v[11], sizeof(v[11]), "%.2f",
	    outcome_cpu_pct(s->last_cpu_ns, s->req_duration_ns));
	snprintf(v[12], sizeof(v[12]), "%llu",
	    (unsigned long long)s->last_memory_bytes);
	snprintf(v[13], sizeof(v[13]), "%d", (int)s->app_pid);
	if (fmt == F_TEXT)
		bprintf(b, "\n************************\n");
	else if (fmt == F_JSON)
		bprintf(b, "%s{", first ? "" : ",");
	else
		bprintf(b, fmt == F_XML ? "<process>" : "<tr>");
	for (i = 0; i < NWORKER_FIELDS; i++) {
		switch (fmt) {
		case F_JSON:
			bprintf(b, "%s\"%s\":%s", i == 0 ? "" : ",",
			    worker_fields[i], quoted[i] ? "\"" : "");
			bescape(b, fmt, v[i]);
			bprintf(b, "%s", quoted[i] ? "\"" : "");
			break;
		case F_XML:
			xml_tag(b, "<", worker_fields[i]);
			bescape(b, fmt, v[i]);
			xml_tag(b, "</", worker_fields[i]);
			break;
		case F_HTML:
			bprintf(b, "<td>");
			bescape(b, fmt, v[i]);
			bprintf(b, "</td>");
			break;
		default:
			bprintf(b, "%s:%*s", i == 7 ? "request URI" :
			    worker_fields[i],
			    (int)(21 - strlen(worker_fields[i])), "");
			bescape(b, fmt, v[i]);
			bprintf(b, "\n");
			break;
		}
	}
	if (fmt == F_JSON)
		bprintf(b, "}");
	else if (fmt == F_XML)
		bprintf(b, "</process>\n");
	else if (fmt == F_HTML)
		bprintf(b, "</tr>\n");
}

static void
render_workers(struct buf *b, const struct pool_view *p, enum format fmt)
{
	size_t	 f;
	int	 i, first = 1;

	if (fmt == F_JSON)
		bprintf(b, ", \"processes\":[");
	else if (fmt == F_XML)
		bprintf(b, "<processes>\n");
	else if (fmt == F_HTML) {
		bprintf(b, "<table border=\"1\">\n<tr>");
		for (f = 0; f < NWORKER_FIELDS; f++)
			bprintf(b, "<th>%s</th>", worker_fields[f]);
		bprintf(b, "</tr>\n");
	}
	/* A starting worker may not have its pid in its slot yet. */
	for (i = 0; i < p->pc->max_children; i++) {
		if (p->sb->slots[i].state == SLOT_FREE ||
		    p->sb->slots[i].state == SLOT_STARTING)
			continue;
		render_worker(b, &p->sb->slots[i], fmt, first);
		first = 0;
	}
	if (fmt == F_JSON)
		bprintf(b, "]");
	else if (fmt == F_XML)
		bprintf(b, "</processes>\n");
	else if (fmt == F_HTML)
		bprintf(b, "</table>");
}

static void
metric(struct buf *b, const char *name, const char *type,
    const char *help, unsigned long long value)
{
	bprintf(b, "# HELP phpfpm_%s %s\n# TYPE phpfpm_%s %s\nphpfpm_%s %llu\n",
	    name, help, name, type, name, value);
}

static void
render_openmetrics(struct buf *b, const struct pool_view *p,
    const struct figures *f)
{
	char	 up[128];

	snprintf(up, sizeof(up), "Could pool %s using a %s PM on fpmd be "
	    "reached?", p->pc->name, PM_NAME(p->pc->pm));
	metric(b, "up", "gauge", up, 1);
	metric(b, "start_since", "counter",
	    "The number of seconds since FPM has started.",
	    (unsigned long long)sb_sub(time(NULL), p->sb->started_epoch));
	metric(b, "accepted_connections", "counter",
	    "The number of requests accepted by the pool.", f->accepted);
	metric(b, "listen_queue", "gauge", "The number of requests in the "
	    "queue of pending connections.", f->queue);
	metric(b, "max_listen_queue", "counter", "The maximum number of "
	    "requests in the queue of pending connections since FPM has "
	    "started.", f->queue_max);
	metric(b, "listen_queue_length", "gauge", "The size of the socket "
	    "queue of pending connections.", f->queue_len);
	metric(b, "idle_processes", "gauge", "The number of idle processes.",
	    (unsigned long long)f->idle);
	metric(b, "active_processes", "gauge",
	    "The number of active processes.", (unsigned long long)f->active);
	metric(b, "total_processes", "gauge",
	    "The number of idle + active processes.",
	    (unsigned long long)(f->idle + f->active));
	metric(b, "max_active_processes", "counter", "The maximum number of "
	    "active processes since FPM has started.", f->max_active);
	metric(b, "max_children_reached", "counter", "The number of times, "
	    "the process limit has been reached, when pm tries to start "
	    "more children (works only for pm 'dynamic' and 'ondemand').",
	    (unsigned long long)p->sb->max_children_reached);
	metric(b, "slow_requests", "counter", "The number of requests that "
	    "exceeded your 'request_slowlog_timeout' value.", f->slow);
	bprintf(b, "# EOF\n");
}

/* Is word one of the &-separated names of the query string? */
static int
query_has(const char *query, const char *word)
{
	size_t	 n = strlen(word), len;

	while (*query != '\0') {
		len = strcspn(query, "&");
		if (strcspn(query, "=&") >= n && len >= n &&
		    strncmp(query, word, n) == 0 &&
		    (query[n] == '&' || query[n] == '=' || query[n] == '\0'))
			return 1;
		query += len;
		if (*query == '&')
			query++;
	}
	return 0;
}

static enum format
status_format(const char *query, const char **type)
{
	static const struct {
		const char	*name;
		enum format	 fmt;
		const char	*type;
	} formats[] = {
		{ "json", F_JSON, "application/json" },
		{ "xml", F_XML, "text/xml;charset=UTF-8" },
		{ "html", F_HTML, "text/html;charset=UTF-8" },
		{ "openmetrics", F_OPENMETRICS, "application/openmetrics-text; "
		    "version=1.0.0; charset=utf-8" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (query_has(query, formats[i].name)) {
			*type = formats[i].type;
			return formats[i].fmt;
		}
	*type = "text/plain;charset=UTF-8";
	return F_TEXT;
}

static void
render(struct buf *b, const struct pool_view *p, enum format fmt, int full)
{
	struct figures	 f;

	figures(p, &f);
	if (fmt == F_OPENMETRICS) {
		render_openmetrics(b, p, &f);
		return;
	}
	if (fmt == F_XML)
		bprintf(b, "<?xml version=\"1.0\" ?>\n<status>\n");
	else if (fmt == F_HTML)
		bprintf(b, "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 "
		    "Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/"
		    "xhtml1-strict.dtd\">\n<html xmlns=\"http://www.w3.org/"
		    "1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n<head><title>"
		    "fpmd Status Page</title></head>\n<body>\n<table>\n");
	render_pool(b, p, &f, fmt);
	if (fmt == F_HTML)
		bprintf(b, "</table>\n");
	if (full)
		render_workers(b, p, fmt);
	if (fmt == F_JSON)
		bprintf(b, "}");
	else if (fmt == F_XML)
		bprintf(b, "</status>");
	else if (fmt == F_HTML)
		bprintf(b, "</body></html>");
}

/* Answer pm.status_path for the pool of pc and sb, listening on fd. */
void
status_page(struct conn *c, const struct pool_conf *pc,
    const struct scoreboard *sb, int listen_fd)
{
	struct pool_view p = { pc, sb, listen_fd };
	struct buf	 page = { NULL, 0, 0 };
	char		 query[512], method[16];
	const char	*type;
	enum format	 fmt;

	conn_param(c, "QUERY_STRING", query, sizeof(query));
	conn_param(c, "REQUEST_METHOD", method, sizeof(method));
	fmt = status_format(query, &type);
	bprintf(&page, "Content-Type: %s\r\n%s\r\n", type, nocache_headers);
	if (strcmp(method, "HEAD") != 0)
		render(&page, &p, fmt, query_has(query, "full"));
	conn_respond(c, page.p, page.len);
	free(page.p);
}
