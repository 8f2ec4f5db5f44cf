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
 * Unit tests for the access log's lines (access.c), without fork: a
 * request's params over socketpair(2), an outcome made here, and the
 * line access_render() makes of them, code by code, as php-fpm writes
 * it; its escaping, its length, and access.suppress_path[].
 */

#include "../config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "../fpmd.h"
#include "../worker.h"
#include "lib/wire.h"

static struct conn		 conn;
static uint8_t			 params[64 * 1024];
static struct pool_conf		 pc;
static struct outcome		 o;
static struct access		 a;
static volatile sig_atomic_t	 halt;
static int			 sv[2];
static char			 line[ACCESS_LINE_MAX + 1];

static const char headers[] = "Content-Type: text/plain\r\n"
    "X-A:  v1 \r\nX-Empty:\r\n\r\n";

/*
 * A request with params, NULL-ended name and value pairs, answered by
 * a program that used 0.1 s of user and 0.3 s of system time and 3 MiB
 * over 0.8 s.
 */
static void
request(const char **nv)
{
	static struct wire	 w;

	memset(&pc, 0, sizeof(pc));
	pc.name = "www";
	pc.read_timeout_ms = 1000;
	pc.max_params_size = sizeof(params);
	pc.max_params = 100;
	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ATF_REQUIRE(ev_nonblock(sv[1], 1) == 0);
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	for (; nv[0] != NULL; nv += 2)
		wire_param(&w, 1, nv[0], nv[1]);
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	wire_record(&w, FCGI_STDIN, 1, NULL, 0);
	wire_send(sv[0], &w);
	strlcpy(conn.addr, "127.0.0.1", sizeof(conn.addr));
	conn_open(&conn, sv[1], &pc, NULL, &halt, params);
	ATF_REQUIRE_EQ(conn_next(&conn), 0);
	conn.started_epoch = 1700000000;
	memset(&o, 0, sizeof(o));
	o.status = 201;
	o.script = "/srv/a.cgi";
	o.headers = headers;
	o.headers_len = sizeof(headers) - 1;
	o.user_ns = 100000000;
	o.system_ns = 300000000;
	o.memory_bytes = 3 * 1048576;
	a.c = &conn;
	a.o = &o;
	a.user = "bob";
	a.content_length = 7;
	a.duration_ns = 800000000;
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
done(void)
{
	close(sv[0]);
	close(sv[1]);
}

static void
renders(const char *format, const char *want)
{
	access_render(line, format, &a);
	ATF_REQUIRE_STREQ_MSG(line, want, "format %s", format);
}

ATF_TC_WITHOUT_HEAD(every_code_renders_as_php_fpm_s);
ATF_TC_BODY(every_code_renders_as_php_fpm_s, tc)
{
	const char	*nv[] = { "REQUEST_METHOD", "POST", "SCRIPT_NAME",
	    "/a.cgi", "REQUEST_URI", "/pretty?x=1&y=2", "QUERY_STRING",
	    "x=1&y=2", "HTTP_HOST", "h", "EMPTY", "", NULL };

	request(nv);
	renders("%%|%C|%{total}C|%{user}C|%{SYSTEM}C",
	    "%|50.00|50.00|12.50|37.50");
	renders("%d|%{seconds}d|%{milli}d|%{mili}d|%{micro}d",
	    "0.800|0.800|800.000|800.000|800000");
	renders("%{HTTP_HOST}e|%{EMPTY}e|%{NONE}e|%f|%l|%m",
	    "h||-|/srv/a.cgi|7|POST");
	renders("%M|%{bytes}M|%{kilo}M|%{mega}M|%n",
	    "3145728|3145728|3072|3|www");
	renders("%{x-a}o|%{X-Empty}o|%{X-None}o|%{Content-Type}o",
	    "v1|-|-|text/plain");
	renders("%q|%Q|%r|%R|%s|%u", "x=1&y=2|?|/a.cgi|127.0.0.1|201|bob");
	renders("%t|%{%Y-%m-%d}t", "14/Nov/2023:22:13:20 +0000|2023-11-14");
	renders("%R - %u %t \"%m %r\" %s",
	    "127.0.0.1 - bob 14/Nov/2023:22:13:20 +0000 \"POST /a.cgi\" 201");
	access_render(line, "%p|%P|%T", &a);
	ATF_REQUIRE_MATCH("^[0-9]+\\|[0-9]+\\|[0-3][0-9]/[A-Z][a-z]{2}/", line);
	done();
}

ATF_TC_WITHOUT_HEAD(what_a_request_lacks_is_php_fpm_s_default);
ATF_TC_BODY(what_a_request_lacks_is_php_fpm_s_default, tc)
{
	const char	*nv[] = { NULL };

	request(nv);
	o.status = 0;
	o.script = NULL;
	o.headers = NULL;
	a.user = "";
	a.content_length = 0;
	conn.addr[0] = '\0';
	renders("%m|%r|%q|%Q|%u|%s|%R|%f|%l|%{X-A}o",
	    "-|||||-|-|-|0|-");
	renders("%R - %u", "- - ");
	done();
}

ATF_TC_WITHOUT_HEAD(request_bytes_are_escaped);
ATF_TC_BODY(request_bytes_are_escaped, tc)
{
	const char	*nv[] = { "QUERY_STRING", "a\nb\033[31m\\\xff\xc3\xa9",
	    NULL };

	request(nv);
	a.user = "e\rve";
	renders("%q %u", "a\\nb\\x1b[31m\\\\\\xff\xc3\xa9 e\\rve");
	done();
}

ATF_TC_WITHOUT_HEAD(a_line_is_cut_at_1024_bytes);
ATF_TC_BODY(a_line_is_cut_at_1024_bytes, tc)
{
	static char	 q[3000];
	const char	*nv[] = { "QUERY_STRING", q, NULL };

	memset(q, 'x', sizeof(q) - 1);
	request(nv);
	ATF_REQUIRE_EQ(access_render(line, "[%q] %q", &a), ACCESS_LINE_MAX);
	ATF_REQUIRE_EQ(strlen(line), ACCESS_LINE_MAX);
	ATF_REQUIRE_EQ(line[0], '[');
	done();
}

static int
suppressed(const char *method, const char *name, const char *query,
    int status, uint64_t length)
{
	static char	*paths[] = { "/ping" };
	const char	*nv[] = { "REQUEST_METHOD", method, "SCRIPT_NAME", name,
	    "QUERY_STRING", query, NULL };
	int		 r;

	request(nv);
	pc.suppress_paths = paths;
	pc.nsuppress_paths = 1;
	o.status = status;
	a.content_length = length;
	r = access_suppressed(&pc, &a);
	done();
	return r;
}

ATF_TC_WITHOUT_HEAD(suppress_path_leaves_out_plain_successful_requests);
ATF_TC_BODY(suppress_path_leaves_out_plain_successful_requests, tc)
{
	ATF_REQUIRE_EQ(suppressed("GET", "/ping", "", 200, 0), 1);
	ATF_REQUIRE_EQ(suppressed("HEAD", "/ping", "", 204, 0), 1);
	ATF_REQUIRE_EQ(suppressed("GET", "/ping", "x=1", 200, 0), 0);
	ATF_REQUIRE_EQ(suppressed("POST", "/ping", "", 200, 0), 0);
	ATF_REQUIRE_EQ(suppressed("GET", "/ping", "", 404, 0), 0);
	ATF_REQUIRE_EQ(suppressed("GET", "/ping", "", 200, 5), 0);
	ATF_REQUIRE_EQ(suppressed("GET", "/pingx", "", 200, 0), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, every_code_renders_as_php_fpm_s);
	ATF_TP_ADD_TC(tp, what_a_request_lacks_is_php_fpm_s_default);
	ATF_TP_ADD_TC(tp, request_bytes_are_escaped);
	ATF_TP_ADD_TC(tp, a_line_is_cut_at_1024_bytes);
	ATF_TP_ADD_TC(tp, suppress_path_leaves_out_plain_successful_requests);
	return atf_no_error();
}
