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
 * Unit tests for the status page (status.c), without fork: a
 * scoreboard made here, a request over socketpair(2), and the page
 * read back in each of php-fpm's formats, with its field names, its
 * figures, and request strings escaped for the format.
 */

#include "../config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../fpmd.h"
#include "../worker.h"
#include "lib/wire.h"

#define NSLOTS	3

static struct conn		 conn;
static uint8_t			 params[64 * 1024];
static struct pool_conf		 pc;
static struct scoreboard	*sb;
static volatile sig_atomic_t	 halt;
static char			 page[64 * 1024];

/* A pool of three slots: idle, running a request, and starting. */
static void
setup(void)
{
	struct slot	*s;

	memset(&pc, 0, sizeof(pc));
	pc.name = "www";
	pc.pm = PM_DYNAMIC;
	pc.max_children = NSLOTS;
	pc.backlog = 128;
	pc.read_timeout_ms = 1000;
	pc.max_params_size = sizeof(params);
	pc.max_params = 100;
	sb = sb_new("www", NSLOTS, NULL);
	sb->accepted_before = 40;
	sb->max_children_reached = 2;
	s = &sb->slots[0];
	s->pid = 101;
	s->state = SLOT_IDLE;
	s->requests = 5;
	s->accepted = 5;
	s = &sb->slots[1];
	s->pid = 102;
	s->state = SLOT_RUNNING;
	s->requests = 7;
	s->accepted = 7;
	s->req_start_ns = ev_now();
	strlcpy(s->method, "POST", sizeof(s->method));
	strlcpy(s->uri, "/a<b>&\"c\"", sizeof(s->uri));
	strlcpy(s->query, "x=1", sizeof(s->query));
	strlcpy(s->script, "/srv/cgi/a.cgi", sizeof(s->script));
	s->content_length = 1234;
	sb->slots[2].state = SLOT_STARTING;
}

/* The page for query, body only, in page[]. */
static void
status(const char *query)
{
	static struct wire	 w;
	char			 summary[1024], *body;
	int			 sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ATF_REQUIRE(ev_nonblock(sv[1], 1) == 0);
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_param(&w, 1, "REQUEST_METHOD", "GET");
	wire_param(&w, 1, "QUERY_STRING", query);
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	wire_record(&w, FCGI_STDIN, 1, NULL, 0);
	wire_send(sv[0], &w);
	snprintf(conn.peer, sizeof(conn.peer), "test");
	conn_open(&conn, sv[1], &pc, NULL, &halt, params);
	ATF_REQUIRE_EQ(conn_next(&conn), 0);
	status_page(&conn, &pc, sb, -1);
	wire_replies(sv[0], summary, sizeof(summary), page, sizeof(page));
	ATF_REQUIRE_MSG(strstr(summary, "end 1 0 0\n") != NULL, "%s",
	    summary);
	ATF_REQUIRE((body = strstr(page, "\r\n\r\n")) != NULL);
	memmove(page, body + 4, strlen(body + 4) + 1);
	close(sv[0]);
	close(sv[1]);
}

static void
has(const char *want)
{
	ATF_REQUIRE_MSG(strstr(page, want) != NULL, "no '%s' in:\n%s", want,
	    page);
}

static void
lacks(const char *what)
{
	ATF_REQUIRE_MSG(strstr(page, what) == NULL, "'%s' in:\n%s", what,
	    page);
}

ATF_TC_WITHOUT_HEAD(text_has_php_fpm_fields_and_figures);
ATF_TC_BODY(text_has_php_fpm_fields_and_figures, tc)
{
	setup();
	status("full");
	has("pool:                 www\n");
	has("process manager:      dynamic\n");
	has("accepted conn:        52\n");
	has("idle processes:       2\n");
	has("active processes:     1\n");
	has("total processes:      3\n");
	has("max children reached: 2\n");
	has("listen queue len:     128\n");
	has("pid:                  102\n");
	has("state:                Running\n");
	has("request method:       POST\n");
	has("request URI:          /a<b>&\"c\"?x=1\n");
	has("content length:       1234\n");
	has("script:               /srv/cgi/a.cgi\n");
	/* The starting slot has no pid to show yet. */
	lacks("pid:                  0\n");
}

ATF_TC_WITHOUT_HEAD(json_is_php_fpm_json_escaped);
ATF_TC_BODY(json_is_php_fpm_json_escaped, tc)
{
	setup();
	status("json&full");
	ATF_REQUIRE_EQ(page[0], '{');
	ATF_REQUIRE_EQ(page[strlen(page) - 1], '}');
	has("\"pool\":\"www\"");
	has("\"process manager\":\"dynamic\"");
	has("\"accepted conn\":52");
	has("\"processes\":[{\"pid\":101,\"state\":\"Idle\"");
	has("\"request uri\":\"\\/a<b>&\\\"c\\\"?x=1\"");
	has("\"script\":\"\\/srv\\/cgi\\/a.cgi\"");
}

ATF_TC_WITHOUT_HEAD(xml_and_html_escape_markup);
ATF_TC_BODY(xml_and_html_escape_markup, tc)
{
	setup();
	status("xml&full");
	has("<?xml version=\"1.0\" ?>\n<status>\n<pool>www</pool>\n");
	has("<accepted-conn>52</accepted-conn>");
	has("<request-uri>/a&lt;b&gt;&amp;&quot;c&quot;?x=1</request-uri>");
	has("</processes>\n</status>");
	lacks("<b>");
	status("html&full");
	has("<tr><th>pool</th><td>www</td></tr>");
	has("<td>/a&lt;b&gt;&amp;&quot;c&quot;?x=1</td>");
	has("</table></body></html>");
	lacks("<b>");
}

ATF_TC_WITHOUT_HEAD(openmetrics_names_php_fpm_metrics);
ATF_TC_BODY(openmetrics_names_php_fpm_metrics, tc)
{
	setup();
	status("openmetrics");
	has("# TYPE phpfpm_accepted_connections counter\n"
	    "phpfpm_accepted_connections 52\n");
	has("phpfpm_idle_processes 2\n");
	has("phpfpm_active_processes 1\n");
	has("phpfpm_max_children_reached 2\n");
	ATF_REQUIRE_MSG(strcmp(page + strlen(page) - 6, "# EOF\n") == 0,
	    "%s", page);
}

/*
 * A URI with an escape sequence, a newline and a byte that is not
 * UTF-8: every format stays a valid document, and text one line.
 */
ATF_TC_WITHOUT_HEAD(request_bytes_cannot_break_a_page);
ATF_TC_BODY(request_bytes_cannot_break_a_page, tc)
{
	setup();
	strlcpy(sb->slots[1].uri, "/x\033[31m\ny\xff\xc3\xa9",
	    sizeof(sb->slots[1].uri));
	sb->slots[1].query[0] = '\0';
	status("json&full");
	has("\"request uri\":\"\\/x\\u001b[31m\\u000ay\\ufffd\xc3\xa9\"");
	status("xml&full");
	has("<request-uri>/x\xef\xbf\xbd[31m\ny\xef\xbf\xbd\xc3\xa9"
	    "</request-uri>");
	lacks("\033");
	status("html&full");
	has("<td>/x\xef\xbf\xbd[31m\ny\xef\xbf\xbd\xc3\xa9</td>");
	status("full");
	has("request URI:          /x\\x1b[31m\\ny\\xff\xc3\xa9\n");
	lacks("\033");
}

ATF_TC_WITHOUT_HEAD(a_listening_socket_gives_its_queue_length);
ATF_TC_BODY(a_listening_socket_gives_its_queue_length, tc)
{
	struct sockaddr_in	 sin;
	int			 fd;

	setup();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ATF_REQUIRE(fd != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ATF_REQUIRE(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	ATF_REQUIRE(listen(fd, 17) == 0);
	ATF_REQUIRE_EQ(listen_queue(fd, NULL), 0);
	close(fd);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, text_has_php_fpm_fields_and_figures);
	ATF_TP_ADD_TC(tp, json_is_php_fpm_json_escaped);
	ATF_TP_ADD_TC(tp, xml_and_html_escape_markup);
	ATF_TP_ADD_TC(tp, openmetrics_names_php_fpm_metrics);
	ATF_TP_ADD_TC(tp, request_bytes_cannot_break_a_page);
	ATF_TP_ADD_TC(tp, a_listening_socket_gives_its_queue_length);
	return atf_no_error();
}
