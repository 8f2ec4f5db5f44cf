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
 * The access log, in a worker: php-fpm's access.format rendered for
 * one answered request, from its params, its peer and the outcome its
 * runner reported, so that a line is the one php-fpm writes for the
 * same request but for what differs by nature (times, pids, cpu and
 * memory).  Every field that came from the request or its program is
 * escaped (escape_log()); the line goes whole, as one datagram, to the
 * master, which writes it into the pool's access.log.
 */

#include "config.h"

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"
#include "accessfmt.h"
#include "escape.h"

#define ACCESS_MOD_MAX		128	/* a {modifier}, as php-fpm cuts it */
#define ACCESS_TIME_FORMAT	"%d/%b/%Y:%H:%M:%S %z"

/* The line being written, ACCESS_LINE_MAX bytes at most. */
struct line {
	char	*buf;
	size_t	 len;
};

static void
line_raw(struct line *l, const char *s, size_t n)
{
	if (n > ACCESS_LINE_MAX - l->len)
		n = ACCESS_LINE_MAX - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static void
line_str(struct line *l, const char *s)
{
	line_raw(l, s, strlen(s));
}

static void
line_printf(struct line *l, const char *fmt, ...)
{
	char	 tmp[64];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		line_raw(l, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
		    sizeof(tmp) - 1);
}

/* Bytes from a request or a program, escaped, cut at a whole escape. */
static void
line_escaped(struct line *l, const char *s, size_t n)
{
	escape_log(l->buf + l->len, ACCESS_LINE_MAX + 1 - l->len, s, n);
	l->len += strlen(l->buf + l->len);
}

/*
 * A param, escaped; dflt when the request has none, or, with empty_too,
 * an empty one.
 */
static void
line_param(struct line *l, const struct access *a, const char *name,
    const char *dflt, int empty_too)
{
	const char	*v;
	size_t		 n;

	if (proto_param(&a->c->parser, name, &v, &n) && (n > 0 || !empty_too))
		line_escaped(l, v, n);
	else
		line_str(l, dflt);
}

/* %C: the program's CPU over the request, in percent of one CPU. */
static void
access_cpu(struct line *l, const char *mod, const struct access *a)
{
	int64_t	 cpu_ns = a->o->user_ns + a->o->system_ns;

	if (strcasecmp(mod, "user") == 0)
		cpu_ns = a->o->user_ns;
	else if (strcasecmp(mod, "system") == 0)
		cpu_ns = a->o->system_ns;
	line_printf(l, "%.2f", outcome_cpu_pct(cpu_ns, a->duration_ns));
}

/* %d: the request's duration, in seconds by default. */
static void
access_duration(struct line *l, const char *mod, int64_t ns)
{
	if (mod[0] == '\0' || strcasecmp(mod, "seconds") == 0)
		line_printf(l, "%.3f", (double)ns / 1e9);
	else if (strncasecmp(mod, "micro", 5) == 0)
		line_printf(l, "%llu", (unsigned long long)(ns / 1000));
	else
		line_printf(l, "%.3f", (double)ns / 1e6);
}

/* %M: the program's peak memory, in bytes by default. */
static void
access_memory(struct line *l, const char *mod, uint64_t bytes)
{
	if (strncasecmp(mod, "kilo", 4) == 0)
		bytes /= 1024;
	else if (strncasecmp(mod, "mega", 4) == 0)
		bytes /= 1024 * 1024;
	line_printf(l, "%llu", (unsigned long long)bytes);
}

/* %o{name}: the value of a header of the response, or "-". */
static void
access_header(struct line *l, const char *name, const struct outcome *o)
{
	const char	*p = o->headers, *end, *eol, *v;
	size_t		 n = strlen(name);

	if (p == NULL) {
		line_str(l, "-");
		return;
	}
	for (end = p + o->headers_len; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		if ((size_t)(eol - p) <= n || p[n] != ':' ||
		    strncasecmp(p, name, n) != 0)
			continue;
		for (v = p + n + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		while (eol > v && (eol[-1] == '\r' || eol[-1] == ' '))
			eol--;
		if (eol > v) {
			line_escaped(l, v, eol - v);
			return;
		}
		break;
	}
	line_str(l, "-");
}

/* %t and %T: a time, in an strftime(3) format of the configuration. */
static void
access_time(struct line *l, const char *mod, time_t t)
{
	char		 buf[ACCESS_MOD_MAX + 1];
	struct tm	*tm;

	if ((tm = localtime(&t)) == NULL || strftime(buf, sizeof(buf) - 1,
	    mod[0] != '\0' ? mod : ACCESS_TIME_FORMAT, tm) == 0)
		buf[0] = '\0';
	line_str(l, buf);
}

static void
access_field(struct line *l, char code, const char *mod,
    const struct access *a)
{
	const char	*v;
	size_t		 n;

	switch (code) {
	case '%':
		line_str(l, "%");
		break;
	case 'C':
		access_cpu(l, mod, a);
		break;
	case 'd':
		access_duration(l, mod, a->duration_ns);
		break;
	case 'e':
		line_param(l, a, mod, "-", 0);
		break;
	case 'f':
		if (a->o->script != NULL)
			line_escaped(l, a->o->script, strlen(a->o->script));
		else
			line_str(l, "-");
		break;
	case 'l':
		line_printf(l, "%llu", (unsigned long long)a->content_length);
		break;
	case 'm':
		line_param(l, a, "REQUEST_METHOD", "-", 1);
		break;
	case 'M':
		access_memory(l, mod, a->o->memory_bytes);
		break;
	case 'n':
		line_str(l, a->c->pc->name);
		break;
	case 'o':
		access_header(l, mod, a->o);
		break;
	case 'p':
		line_printf(l, "%ld", (long)getpid());
		break;
	case 'P':
		line_printf(l, "%ld", (long)getppid());
		break;
	case 'q':
		line_param(l, a, "QUERY_STRING", "", 0);
		break;
	case 'Q':
		if (proto_param(&a->c->parser, "QUERY_STRING", &v, &n) && n > 0)
			line_str(l, "?");
		break;
	case 'r':
		line_param(l, a, "SCRIPT_NAME", "", 0);
		break;
	case 'R':
		line_str(l, a->c->addr[0] != '\0' ? a->c->addr : "-");
		break;
	case 's':
		if (a->o->status != 0)
			line_printf(l, "%d", a->o->status);
		else
			line_str(l, "-");
		break;
	case 't':
	case 'T':
		access_time(l, mod, code == 't' ? a->c->started_epoch :
		    time(NULL));
		break;
	case 'u':
		line_escaped(l, a->user, strlen(a->user));
		break;
	}
}

/*
 * The line for format into buf, ACCESS_LINE_MAX + 1 bytes, without a
 * newline; its length.  conf.c has checked every code and {modifier}
 * against accessfmt.c's list, which this walk follows.
 */
size_t
access_render(char *buf, const char *format, const struct access *a)
{
	struct line		 l = { buf, 0 };
	struct accessfmt_step	 st;
	char			 mod[ACCESS_MOD_MAX + 1];
	const char		*s = format;
	size_t			 n;

	buf[0] = '\0';
	while (l.len < ACCESS_LINE_MAX && (s = accessfmt_next(s, &st)) != NULL) {
		line_raw(&l, st.text, st.textlen);
		if (st.code == 0 || st.code == '{')
			continue;
		n = st.modlen < ACCESS_MOD_MAX ? st.modlen : ACCESS_MOD_MAX;
		memcpy(mod, st.mod != NULL ? st.mod : "", n);
		mod[n] = '\0';
		access_field(&l, st.code, mod, a);
	}
	return l.len;
}

/*
 * access.suppress_path[], as php-fpm 8.2 applies it: to a GET or HEAD
 * without a query string or a body that succeeded, and whose
 * SCRIPT_NAME is one of the paths.
 */
int
access_suppressed(const struct pool_conf *pc, const struct access *a)
{
	const char	*query;
	char		 method[8], name[1024];
	size_t		 i, n;

	if (pc->nsuppress_paths == 0 || a->content_length > 0 ||
	    a->o->status < 200 || a->o->status > 299 ||
	    (proto_param(&a->c->parser, "QUERY_STRING", &query, &n) && n > 0))
		return 0;
	conn_param(a->c, "REQUEST_METHOD", method, sizeof(method));
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return 0;
	conn_param(a->c, "SCRIPT_NAME", name, sizeof(name));
	for (i = 0; i < pc->nsuppress_paths; i++)
		if (strcmp(name, pc->suppress_paths[i]) == 0)
			return 1;
	return 0;
}

/* Send the request's line to the master, unless it renders empty. */
void
access_log(const char *format, const struct access *a)
{
	char	 msg[ACCESS_LINE_MAX + 2];
	size_t	 n;

	msg[0] = CHAN_ACCESS;
	if ((n = access_render(msg + 1, format, a)) > 0)
		conn_reqlog_send(a->c, msg, n + 1, "an access log line");
}
