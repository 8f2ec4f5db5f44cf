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
 * Unit tests for one FastCGI connection (conn.c), over socketpair(2):
 * the test is the web server on one end, conn.c reads the other.
 * Management records, other roles and multiplexing are answered, an
 * abort ends the request with its END_REQUEST, kept connections carry
 * requests one after another, a silent peer times out, and a request
 * split at any byte reads the same.
 */

#include "../config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../fpmd.h"
#include "../worker.h"
#include "lib/wire.h"

static struct conn		 conn;
static uint8_t			 params[64 * 1024];
static struct pool_conf		 pc;
static volatile sig_atomic_t	 halt;
static int			 server;	/* the test's end */
static struct wire		 w;		/* what it sends */

static void
send_bytes(const void *buf, size_t len)
{
	ATF_REQUIRE_EQ(write(server, buf, len), (ssize_t)len);
}

static void
setup(int64_t timeout_ms)
{
	int	 sv[2];

	memset(&pc, 0, sizeof(pc));
	pc.name = "www";
	pc.max_children = 4;
	pc.read_timeout_ms = timeout_ms;
	pc.max_params_size = sizeof(params);
	pc.max_params = 100;
	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ATF_REQUIRE(ev_nonblock(sv[1], 1) == 0);
	server = sv[0];
	w.len = 0;
	snprintf(conn.peer, sizeof(conn.peer), "test");
	conn_open(&conn, sv[1], &pc, NULL, &halt, params);
}

static void
param_is(const char *name, const char *want)
{
	char	 v[256];

	ATF_REQUIRE_MSG(conn_param(&conn, name, v, sizeof(v)), "no %s", name);
	ATF_REQUIRE_STREQ(v, want);
}

ATF_TC_WITHOUT_HEAD(management_records_are_answered);
ATF_TC_BODY(management_records_are_answered, tc)
{
	uint8_t		 q[64];
	size_t		 n = 0;
	char		 out[1024];

	setup(1000);
	n += proto_nv_put(q + n, sizeof(q) - n, FCGI_MAX_CONNS, 14, "", 0);
	n += proto_nv_put(q + n, sizeof(q) - n, FCGI_MPXS_CONNS, 15, "", 0);
	wire_record(&w, FCGI_GET_VALUES, 0, q, n);
	/* type 42: unknown */
	w.len += proto_record(w.b + w.len, 42, 0, NULL, 0);
	wire_begin(&w, 7, FCGI_AUTHORIZER, 0);
	wire_request(&w, 8, 0, "/x");
	wire_send(server, &w);
	ATF_REQUIRE_EQ(conn_next(&conn), 0);
	ATF_REQUIRE_EQ(conn.id, 8);
	param_is("SCRIPT_NAME", "/x");
	wire_replies(server, out, sizeof(out), NULL, 0);
	ATF_REQUIRE_STREQ(out, "values \016\001FCGI_MAX_CONNS4"
	    "\017\001FCGI_MPXS_CONNS0\n"
	    "unknown 42\n"
	    "end 7 0 3\n");
}

ATF_TC_WITHOUT_HEAD(a_second_request_gets_cant_mpx_conn);
ATF_TC_BODY(a_second_request_gets_cant_mpx_conn, tc)
{
	char		 out[1024];

	setup(1000);
	/* Request 2 begins while request 1 is still reading its body. */
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_param(&w, 1, "SCRIPT_NAME", "/a");
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	wire_request(&w, 2, 0, "/b");
	wire_record(&w, FCGI_STDIN, 1, NULL, 0);
	wire_send(server, &w);
	ATF_REQUIRE_EQ(conn_next(&conn), 0);
	ATF_REQUIRE_EQ(conn_respond(&conn, "Status: 204\r\n\r\n", 15), 0);
	wire_replies(server, out, sizeof(out), NULL, 0);
	ATF_REQUIRE_STREQ(out, "end 2 0 1\nstdout 1 15\nstdout 1 0\n"
	    "end 1 0 0\n");
}

ATF_TC_WITHOUT_HEAD(an_abort_ends_the_request_with_its_end);
ATF_TC_BODY(an_abort_ends_the_request_with_its_end, tc)
{
	char		 out[1024];

	setup(1000);
	/* An abort while the body is read: END_REQUEST, then close. */
	wire_begin(&w, 3, FCGI_RESPONDER, FCGI_KEEP_CONN);
	wire_param(&w, 3, "A", "b");
	wire_record(&w, FCGI_PARAMS, 3, NULL, 0);
	wire_record(&w, FCGI_STDIN, 3, "body", 4);
	wire_record(&w, FCGI_ABORT_REQUEST, 3, NULL, 0);
	wire_send(server, &w);
	ATF_REQUIRE_EQ(conn_next(&conn), 0);
	ATF_REQUIRE_EQ(conn_drain(&conn), -1);
	ATF_REQUIRE(conn.failed);
	wire_replies(server, out, sizeof(out), NULL, 0);
	ATF_REQUIRE_STREQ(out, "stdout 3 0\nend 3 0 0\n");

	/* An abort before the params: END_REQUEST, and no request. */
	setup(1000);
	wire_begin(&w, 4, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_ABORT_REQUEST, 4, NULL, 0);
	wire_send(server, &w);
	ATF_REQUIRE_EQ(conn_next(&conn), -1);
	wire_replies(server, out, sizeof(out), NULL, 0);
	ATF_REQUIRE_STREQ(out, "stdout 4 0\nend 4 0 0\n");
}

ATF_TC_WITHOUT_HEAD(a_kept_connection_carries_requests_in_turn);
ATF_TC_BODY(a_kept_connection_carries_requests_in_turn, tc)
{
	char		 out[1024];

	setup(1000);
	wire_request(&w, 1, FCGI_KEEP_CONN, "/first");
	wire_request(&w, 1, FCGI_KEEP_CONN, "/second");
	wire_request(&w, 5, 0, "/third");
	wire_send(server, &w);
	ATF_REQUIRE_EQ(conn_next(&conn), 0);
	ATF_REQUIRE(conn.keep);
	param_is("SCRIPT_NAME", "/first");
	ATF_REQUIRE_EQ(conn_respond(&conn, "X: 1\r\n\r\n", 8), 0);
	ATF_REQUIRE_EQ(conn_next(&conn), 0);
	ATF_REQUIRE(conn.keep);
	param_is("SCRIPT_NAME", "/second");
	ATF_REQUIRE_EQ(conn_respond(&conn, "X: 2\r\n\r\n", 8), 0);
	ATF_REQUIRE_EQ(conn_next(&conn), 0);
	ATF_REQUIRE(!conn.keep);
	ATF_REQUIRE_EQ(conn.id, 5);
	param_is("SCRIPT_NAME", "/third");
	ATF_REQUIRE_EQ(conn_respond(&conn, "X: 3\r\n\r\n", 8), 0);
	wire_replies(server, out, sizeof(out), NULL, 0);
	ATF_REQUIRE_STREQ(out, "stdout 1 8\nstdout 1 0\nend 1 0 0\n"
	    "stdout 1 8\nstdout 1 0\nend 1 0 0\n"
	    "stdout 5 8\nstdout 5 0\nend 5 0 0\n");
}

ATF_TC_WITHOUT_HEAD(a_silent_peer_times_out);
ATF_TC_BODY(a_silent_peer_times_out, tc)
{
	int64_t		 start_ns;

	setup(200);
	wire_request(&w, 1, 0, "/x");
	/* BEGIN and half a PARAMS header: the params never complete. */
	send_bytes(w.b, 2 * FCGI_HEADER_LEN + 4);
	start_ns = ev_now();
	ATF_REQUIRE_EQ(conn_next(&conn), -1);
	ATF_REQUIRE(conn.failed);
	ATF_REQUIRE_MSG(ev_now() - start_ns >= ev_ms_to_ns(190),
	    "gave up after %lld ns", (long long)(ev_now() - start_ns));
}

ATF_TC_WITHOUT_HEAD(a_hang_up_ends_the_connection);
ATF_TC_BODY(a_hang_up_ends_the_connection, tc)
{

	setup(5000);
	wire_request(&w, 1, 0, "/x");
	send_bytes(w.b, 20);
	ATF_REQUIRE(shutdown(server, SHUT_WR) == 0);
	ATF_REQUIRE_EQ(conn_next(&conn), -1);
	ATF_REQUIRE(conn.eof);
}

/*
 * The same request, cut at every byte: conn.c has read the first part
 * before the second is sent, and parses on from there to the same
 * request every time.
 */
ATF_TC_WITHOUT_HEAD(a_request_split_at_every_byte_reads_the_same);
ATF_TC_BODY(a_request_split_at_every_byte_reads_the_same, tc)
{
	static struct wire	 req;
	size_t			 cut;
	char			 out[1024];

	wire_begin(&req, 9, FCGI_RESPONDER, FCGI_KEEP_CONN);
	wire_param(&req, 9, "SCRIPT_NAME", "/split");
	wire_param(&req, 9, "QUERY_STRING", "a=1&b=2");
	wire_record(&req, FCGI_PARAMS, 9, NULL, 0);
	wire_record(&req, FCGI_STDIN, 9, "hello", 5);
	wire_record(&req, FCGI_STDIN, 9, NULL, 0);
	for (cut = 1; cut < req.len; cut++) {
		setup(1000);
		send_bytes(req.b, cut);
		ATF_REQUIRE_EQ(conn_read(&conn), (int)cut);
		send_bytes(req.b + cut, req.len - cut);
		ATF_REQUIRE_EQ_MSG(conn_next(&conn), 0, "cut %zu", cut);
		param_is("SCRIPT_NAME", "/split");
		param_is("QUERY_STRING", "a=1&b=2");
		ATF_REQUIRE_EQ(conn_respond(&conn, "A: b\r\n\r\n", 8), 0);
		wire_replies(server, out, sizeof(out), NULL, 0);
		ATF_REQUIRE_STREQ_MSG(out, "stdout 9 8\nstdout 9 0\n"
		    "end 9 0 0\n", "cut %zu", cut);
		close(server);
		close(conn.fd);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, management_records_are_answered);
	ATF_TP_ADD_TC(tp, a_second_request_gets_cant_mpx_conn);
	ATF_TP_ADD_TC(tp, an_abort_ends_the_request_with_its_end);
	ATF_TP_ADD_TC(tp, a_kept_connection_carries_requests_in_turn);
	ATF_TP_ADD_TC(tp, a_silent_peer_times_out);
	ATF_TP_ADD_TC(tp, a_hang_up_ends_the_connection);
	ATF_TP_ADD_TC(tp, a_request_split_at_every_byte_reads_the_same);
	return atf_no_error();
}
