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
 * Unit tests for the FastCGI codec (proto.c): every record type round
 * trip, every malformed input rejected with its own error, input split
 * at every byte and at random, and the limits at their boundary.
 */

#include "../config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "../proto.h"

#define BUFSZ	(1024 * 1024)

static uint8_t	 params_buf[BUFSZ];

/* A growing byte string to build wire input in. */
struct wire {
	uint8_t	 b[BUFSZ];
	size_t	 len;
};

static void
wire_record(struct wire *w, int type, unsigned int id, const void *data,
    size_t len)
{
	ATF_REQUIRE(w->len + PROTO_RECORD_SIZE(len) <= sizeof(w->b));
	w->len += proto_record(w->b + w->len, type, id, data, len);
}

static void
wire_raw(struct wire *w, const void *data, size_t len)
{
	memcpy(w->b + w->len, data, len);
	w->len += len;
}

static void
wire_begin(struct wire *w, unsigned int id, int role, int flags)
{
	w->len += proto_begin_request(w->b + w->len, id, role, flags);
}

/* Append one PARAMS record holding name=value. */
static void
wire_param(struct wire *w, unsigned int id, const char *name,
    const char *value)
{
	uint8_t	 nv[8192];
	size_t	 n;

	n = proto_nv_put(nv, sizeof(nv), name, strlen(name), value,
	    strlen(value));
	ATF_REQUIRE(n > 0);
	wire_record(w, FCGI_PARAMS, id, nv, n);
}

static void
append(char *out, size_t outsz, const char *s)
{
	size_t	 n = strlen(out);

	snprintf(out + n, outsz - n, "%s", s);
}

static void
parser_init(struct proto_parser *p, enum proto_side side, size_t max_size,
    size_t max)
{
	memset(p, 0, sizeof(*p));
	p->params = params_buf;
	p->max_params_size = max_size;
	p->max_params = max;
	proto_init(p, side);
}

/*
 * Feed a wire in pieces of the sizes split() gives and describe every
 * event in out; stream data is concatenated, so that the description
 * does not depend on where the input was cut.
 */
static void
transcript(struct proto_parser *p, const struct wire *w,
    size_t (*split)(size_t), char *out, size_t outsz)
{
	struct proto_event	 ev;
	size_t			 off = 0, piece, used, n;
	char			 line[256];
	const char		*v;
	size_t			 vlen;

	out[0] = '\0';
	while (off < w->len) {
		piece = split(w->len - off);
		used = 0;
		do {
			n = proto_feed(p, w->b + off + used, piece - used, &ev);
			used += n;
			line[0] = '\0';
			switch (ev.type) {
			case PROTO_NONE:
				break;
			case PROTO_BEGIN:
				snprintf(line, sizeof(line), "begin %u %d %d\n",
				    ev.id, ev.role, ev.flags);
				break;
			case PROTO_PARAMS:
				v = "";
				vlen = 0;
				proto_param(p, "SCRIPT_NAME", &v, &vlen);
				snprintf(line, sizeof(line),
				    "params %zu SCRIPT_NAME=%.*s\n", p->nparams,
				    (int)vlen, v);
				break;
			case PROTO_STDIN:
				if (ev.len == 0)
					snprintf(line, sizeof(line), "\nstdin end\n");
				else
					snprintf(line, sizeof(line), "%.*s",
					    (int)ev.len, ev.data);
				break;
			case PROTO_ERROR:
				snprintf(line, sizeof(line), "error %d\n",
				    ev.error);
				append(out, outsz, line);
				return;
			default:
				snprintf(line, sizeof(line), "event %d\n",
				    ev.type);
				break;
			}
			append(out, outsz, line);
		} while (used < piece);
		off += piece;
	}
}

static size_t
split_whole(size_t left)
{
	return left;
}

static size_t
split_bytes(size_t left)
{
	(void)left;
	return 1;
}

static size_t
split_random(size_t left)
{
	return 1 + (size_t)random() % (left < 97 ? left : 97);
}

/* A request with 1- and 4-byte lengths and stdin over two records. */
static void
sample_request(struct wire *w)
{
	char	 big[300];

	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	w->len = 0;
	wire_begin(w, 1, FCGI_RESPONDER, FCGI_KEEP_CONN);
	wire_param(w, 1, "SCRIPT_NAME", "/cgi-bin/hello");
	wire_param(w, 1, "REQUEST_METHOD", "POST");
	wire_param(w, 1, "LONG", big);
	wire_record(w, FCGI_PARAMS, 1, NULL, 0);
	wire_record(w, FCGI_STDIN, 1, "hello, ", 7);
	wire_record(w, FCGI_STDIN, 1, "world", 5);
	wire_record(w, FCGI_STDIN, 1, NULL, 0);
}

static const char sample_transcript[] =
    "begin 1 1 1\n"
    "params 3 SCRIPT_NAME=/cgi-bin/hello\n"
    "hello, world\n"
    "stdin end\n";

/* Feed the whole wire and return the first event that is not NONE. */
static struct proto_event
feed_until_event(struct proto_parser *p, struct wire *w, size_t *off)
{
	struct proto_event	 ev;

	ev.type = PROTO_NONE;
	while (*off < w->len) {
		*off += proto_feed(p, w->b + *off, w->len - *off, &ev);
		if (ev.type != PROTO_NONE)
			break;
	}
	return ev;
}

/* Feed everything; return the last event that is not NONE. */
static struct proto_event
feed_all(struct proto_parser *p, struct wire *w)
{
	struct proto_event	 ev, last;
	size_t			 off = 0;

	memset(&last, 0, sizeof(last));
	while (off < w->len) {
		ev = feed_until_event(p, w, &off);
		if (ev.type == PROTO_NONE)
			break;
		last = ev;
		if (ev.type == PROTO_ERROR)
			break;
	}
	return last;
}

static void
require_error(struct wire *w, enum proto_side side, enum proto_error e)
{
	struct proto_parser	p;
	struct proto_event	ev;

	parser_init(&p, side, PROTO_DEFAULT_MAX_PARAMS_SIZE,
	    PROTO_DEFAULT_MAX_PARAMS);
	ev = feed_all(&p, w);
	ATF_REQUIRE_EQ_MSG(ev.type, PROTO_ERROR, "no error, last event %d",
	    ev.type);
	ATF_REQUIRE_EQ_MSG(ev.error, e, "error %d (%s), expected %d (%s)",
	    ev.error, proto_strerror(ev.error), e, proto_strerror(e));
}

static struct wire	 w;

/*
 * The next event from w at *off must be of type and, unless id is 0,
 * for request id.
 */
static struct proto_event
next_event(struct proto_parser *p, size_t *off, enum proto_event_type type,
    unsigned int id)
{
	struct proto_event	 ev;

	ev = feed_until_event(p, &w, off);
	ATF_REQUIRE_EQ_MSG(ev.type, type, "event %d, expected %d (error: %s)",
	    ev.type, type, proto_strerror(ev.error));
	if (id != 0)
		ATF_REQUIRE_EQ(ev.id, id);
	return ev;
}

ATF_TC_WITHOUT_HEAD(begin_request_round_trips);
ATF_TC_BODY(begin_request_round_trips, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;

	w.len = 0;
	wire_begin(&w, 0xbeef, FCGI_RESPONDER, FCGI_KEEP_CONN);
	ATF_REQUIRE_EQ(w.len, 16);
	parser_init(&p, PROTO_APP, 100, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_BEGIN);
	ATF_REQUIRE_EQ(ev.id, 0xbeef);
	ATF_REQUIRE_EQ(ev.role, FCGI_RESPONDER);
	ATF_REQUIRE_EQ(ev.flags, FCGI_KEEP_CONN);
}

ATF_TC_WITHOUT_HEAD(end_request_round_trips);
ATF_TC_BODY(end_request_round_trips, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;

	w.len = proto_end_request(w.b, 7, 0xdeadbeef, FCGI_OVERLOADED);
	parser_init(&p, PROTO_WEB, 0, 0);
	proto_expect(&p, 7);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_END);
	ATF_REQUIRE_EQ(ev.id, 7);
	ATF_REQUIRE_EQ(ev.app_status, 0xdeadbeef);
	ATF_REQUIRE_EQ(ev.protocol_status, FCGI_OVERLOADED);
}

ATF_TC_WITHOUT_HEAD(abort_request_round_trips);
ATF_TC_BODY(abort_request_round_trips, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;

	w.len = 0;
	wire_begin(&w, 3, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_ABORT_REQUEST, 3, NULL, 0);
	parser_init(&p, PROTO_APP, 100, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_ABORT);
	ATF_REQUIRE_EQ(ev.id, 3);
}

ATF_TC_WITHOUT_HEAD(params_round_trip_with_both_length_forms);
ATF_TC_BODY(params_round_trip_with_both_length_forms, tc)
{
	static char		 n127[128], n128[129], v[70001];
	struct proto_parser	 p;
	struct proto_event	 ev;
	struct proto_nv		 nv;
	size_t			 off = 0, total;
	uint8_t			 blob[100000];

	memset(n127, 'a', 127);
	memset(n128, 'b', 128);
	memset(v, 'c', 70000);
	total = proto_nv_put(blob, sizeof(blob), n127, 127, "", 0);
	ATF_REQUIRE_EQ(total, 1 + 1 + 127);
	off = proto_nv_put(blob + total, sizeof(blob) - total, n128, 128,
	    v, 70000);
	ATF_REQUIRE_EQ(off, 4 + 4 + 128 + 70000);
	total += off;
	ATF_REQUIRE_EQ(blob[129] & 0x80, 0x80);

	/* 70 KB of params do not fit one record: spread them over two. */
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_PARAMS, 1, blob, 60000);
	wire_record(&w, FCGI_PARAMS, 1, blob + 60000, total - 60000);
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	parser_init(&p, PROTO_APP, 200000, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_PARAMS);
	ATF_REQUIRE_EQ(p.nparams, 2);

	off = 0;
	ATF_REQUIRE_EQ(proto_nv_next(p.params, p.params_len, &off, &nv), 1);
	ATF_REQUIRE(nv.nlen == 127 && nv.vlen == 0);
	ATF_REQUIRE(memcmp(nv.name, n127, 127) == 0);
	ATF_REQUIRE_EQ(proto_nv_next(p.params, p.params_len, &off, &nv), 1);
	ATF_REQUIRE(nv.nlen == 128 && nv.vlen == 70000);
	ATF_REQUIRE(memcmp(nv.value, v, 70000) == 0);
	ATF_REQUIRE_EQ(proto_nv_next(p.params, p.params_len, &off, &nv), 0);
}

/* Every stream type: split into records of at most 65535, padded to 8. */
static void
stream_round_trip(int type, enum proto_side side, enum proto_event_type et)
{
	static uint8_t		 data[200000];
	struct proto_parser	 p;
	struct proto_event	 ev;
	size_t			 i, off, got = 0, n, clen;
	int			 ended = 0;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	w.len = 0;
	if (side == PROTO_APP) {
		wire_begin(&w, 9, FCGI_RESPONDER, 0);
		wire_record(&w, FCGI_PARAMS, 9, NULL, 0);
	}
	off = w.len;
	n = proto_stream(w.b + w.len, sizeof(w.b) - w.len, type, 9, data,
	    sizeof(data));
	ATF_REQUIRE(n > 0);
	w.len += n;
	/* Walk the records: each is at most 65535 and a multiple of 8. */
	for (i = off; i < w.len; i += FCGI_HEADER_LEN + clen + w.b[i + 6]) {
		clen = (size_t)w.b[i + 4] << 8 | w.b[i + 5];
		ATF_REQUIRE(clen <= FCGI_MAX_LENGTH);
		ATF_REQUIRE_EQ((clen + w.b[i + 6]) % 8, 0);
	}
	n = proto_stream(w.b + w.len, sizeof(w.b) - w.len, type, 9, NULL, 0);
	ATF_REQUIRE_EQ(n, FCGI_HEADER_LEN);
	w.len += n;

	parser_init(&p, side, 100, 10);
	if (side == PROTO_WEB)
		proto_expect(&p, 9);
	off = 0;
	while (off < w.len) {
		off += proto_feed(&p, w.b + off, w.len - off, &ev);
		ATF_REQUIRE(ev.type != PROTO_ERROR);
		if (ev.type != et)
			continue;
		if (ev.len == 0) {
			ended = 1;
			continue;
		}
		ATF_REQUIRE(got + ev.len <= sizeof(data));
		ATF_REQUIRE(memcmp(data + got, ev.data, ev.len) == 0);
		got += ev.len;
	}
	ATF_REQUIRE_EQ(got, sizeof(data));
	ATF_REQUIRE(ended);
}

ATF_TC_WITHOUT_HEAD(stdin_stdout_stderr_round_trip);
ATF_TC_BODY(stdin_stdout_stderr_round_trip, tc)
{
	stream_round_trip(FCGI_STDIN, PROTO_APP, PROTO_STDIN);
	stream_round_trip(FCGI_STDOUT, PROTO_WEB, PROTO_STDOUT);
	stream_round_trip(FCGI_STDERR, PROTO_WEB, PROTO_STDERR);
}

ATF_TC_WITHOUT_HEAD(get_values_round_trips);
ATF_TC_BODY(get_values_round_trips, tc)
{
	static const char *const vars[] = {
		FCGI_MAX_CONNS, "5", FCGI_MAX_REQS, "5",
		FCGI_MPXS_CONNS, "0", NULL
	};
	struct proto_parser	 p;
	struct proto_event	 ev;
	struct proto_nv		 nv;
	uint8_t			 q[256], reply[PROTO_MGMT_RECORD_MAX];
	size_t			 qlen = 0, n, off = 0;
	char			 got[256] = "";

	qlen += proto_nv_put(q + qlen, sizeof(q) - qlen, "FCGI_MPXS_CONNS",
	    15, "", 0);
	qlen += proto_nv_put(q + qlen, sizeof(q) - qlen, "NO_SUCH_VAR",
	    11, "", 0);
	qlen += proto_nv_put(q + qlen, sizeof(q) - qlen, "FCGI_MAX_CONNS",
	    14, "", 0);
	w.len = 0;
	wire_record(&w, FCGI_GET_VALUES, 0, q, qlen);
	parser_init(&p, PROTO_APP, 100, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_GET_VALUES);
	ATF_REQUIRE_EQ(ev.len, qlen);

	n = proto_values_result(reply, ev.data, ev.len, vars);
	ATF_REQUIRE(n > 0);
	memcpy(w.b, reply, n);
	w.len = n;
	parser_init(&p, PROTO_WEB, 0, 0);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_VALUES);
	while (proto_nv_next(ev.data, ev.len, &off, &nv) == 1) {
		n = strlen(got);
		snprintf(got + n, sizeof(got) - n, "%.*s=%.*s;",
		    (int)nv.nlen, nv.name, (int)nv.vlen, nv.value);
	}
	ATF_REQUIRE_STREQ(got, "FCGI_MPXS_CONNS=0;FCGI_MAX_CONNS=5;");
}

/* Parse a GET_VALUES_RESULT record as a web server does. */
static void
values_parse(const uint8_t *rec, size_t n, char *got, size_t gotsz)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	struct proto_nv		 nv;
	size_t			 off = 0, len;

	memcpy(w.b, rec, n);
	w.len = n;
	parser_init(&p, PROTO_WEB, 0, 0);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ_MSG(ev.type, PROTO_VALUES, "event %d, error %s",
	    ev.type, proto_strerror(ev.error));
	ATF_REQUIRE(ev.len <= PROTO_MGMT_MAX);
	got[0] = '\0';
	while (proto_nv_next(ev.data, ev.len, &off, &nv) == 1) {
		len = strlen(got);
		snprintf(got + len, gotsz - len, "%.*s=%.*s;",
		    (int)nv.nlen, nv.name, (int)nv.vlen, nv.value);
	}
}

ATF_TC_WITHOUT_HEAD(get_values_answers_each_name_once_within_the_limit);
ATF_TC_BODY(get_values_answers_each_name_once_within_the_limit, tc)
{
	static const char *const vars[] = {
		FCGI_MAX_CONNS, "5", FCGI_MAX_REQS, "5",
		FCGI_MPXS_CONNS, "0", NULL
	};
	static const size_t	 repeats[] = { 1, 61, 63, 64, 200 };
	static uint8_t		 q[8192];
	uint8_t			 reply[PROTO_MGMT_RECORD_MAX];
	char			 got[2048];
	size_t			 i, k, qlen, n;

	for (i = 0; i < sizeof(repeats) / sizeof(*repeats); i++) {
		qlen = 0;
		for (k = 0; k < repeats[i]; k++)
			qlen += proto_nv_put(q + qlen, sizeof(q) - qlen,
			    FCGI_MAX_CONNS, 14, "", 0);
		n = proto_values_result(reply, q, qlen, vars);
		values_parse(reply, n, got, sizeof(got));
		ATF_REQUIRE_STREQ_MSG(got, "FCGI_MAX_CONNS=5;", "%zu repeats",
		    repeats[i]);
	}
}

ATF_TC_WITHOUT_HEAD(get_values_leaves_out_what_passes_the_limit);
ATF_TC_BODY(get_values_leaves_out_what_passes_the_limit, tc)
{
	static char		 big[600], want[700];
	const char		*vars[] = { "A", big, "B", big, "C", "3",
	    NULL };
	uint8_t			 q[64], reply[PROTO_MGMT_RECORD_MAX];
	char			 got[2048];
	size_t			 qlen = 0;

	memset(big, 'x', sizeof(big) - 1);
	qlen += proto_nv_put(q + qlen, sizeof(q) - qlen, "B", 1, "", 0);
	qlen += proto_nv_put(q + qlen, sizeof(q) - qlen, "A", 1, "", 0);
	qlen += proto_nv_put(q + qlen, sizeof(q) - qlen, "C", 1, "", 0);
	qlen += proto_nv_put(q + qlen, sizeof(q) - qlen, "B", 1, "", 0);
	values_parse(reply, proto_values_result(reply, q, qlen, vars), got,
	    sizeof(got));
	/* B takes 605 bytes; A would make 1210; C still fits. */
	snprintf(want, sizeof(want), "B=%s;C=3;", big);
	ATF_REQUIRE_STREQ(got, want);
}

ATF_TC_WITHOUT_HEAD(unknown_type_round_trips);
ATF_TC_BODY(unknown_type_round_trips, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;

	w.len = 0;
	wire_record(&w, 42, 0, "whatever", 8);
	parser_init(&p, PROTO_APP, 100, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_UNKNOWN_TYPE);
	ATF_REQUIRE_EQ(ev.rtype, 42);

	w.len = proto_unknown_type(w.b, ev.rtype);
	ATF_REQUIRE_EQ(w.len, 16);
	parser_init(&p, PROTO_WEB, 0, 0);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_UNKNOWN_REPLY);
	ATF_REQUIRE_EQ(ev.rtype, 42);
}

ATF_TC_WITHOUT_HEAD(a_request_parses_the_same_whole_and_byte_by_byte);
ATF_TC_BODY(a_request_parses_the_same_whole_and_byte_by_byte, tc)
{
	struct proto_parser	 p;
	static char		 whole[4096], bytes[4096];

	sample_request(&w);
	parser_init(&p, PROTO_APP, PROTO_DEFAULT_MAX_PARAMS_SIZE, 100);
	transcript(&p, &w, split_whole, whole, sizeof(whole));
	ATF_REQUIRE_STREQ(whole, sample_transcript);
	parser_init(&p, PROTO_APP, PROTO_DEFAULT_MAX_PARAMS_SIZE, 100);
	transcript(&p, &w, split_bytes, bytes, sizeof(bytes));
	ATF_REQUIRE_STREQ(bytes, sample_transcript);
}

ATF_TC_WITHOUT_HEAD(a_request_parses_the_same_in_random_splits);
ATF_TC_BODY(a_request_parses_the_same_in_random_splits, tc)
{
	struct proto_parser	 p;
	static char		 out[4096];
	int			 i;

	sample_request(&w);
	for (i = 0; i < 500; i++) {
		srandom((unsigned int)i);
		parser_init(&p, PROTO_APP, PROTO_DEFAULT_MAX_PARAMS_SIZE, 100);
		transcript(&p, &w, split_random, out, sizeof(out));
		ATF_REQUIRE_STREQ_MSG(out, sample_transcript, "seed %d", i);
	}
}

ATF_TC_WITHOUT_HEAD(a_name_value_pair_may_span_params_records);
ATF_TC_BODY(a_name_value_pair_may_span_params_records, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	static char		 value[200];
	uint8_t			 nv[512];
	size_t			 n;
	const char		*v;
	size_t			 vlen;

	memset(value, 'x', 199);
	n = proto_nv_put(nv, sizeof(nv), "SCRIPT_NAME", 11, value, 199);
	/* Cut inside the 4-byte value length, then inside the name. */
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_PARAMS, 1, nv, 3);
	wire_record(&w, FCGI_PARAMS, 1, nv + 3, 6);
	wire_record(&w, FCGI_PARAMS, 1, nv + 9, n - 9);
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	parser_init(&p, PROTO_APP, 1000, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_PARAMS);
	ATF_REQUIRE_EQ(p.nparams, 1);
	ATF_REQUIRE(proto_param(&p, "SCRIPT_NAME", &v, &vlen));
	ATF_REQUIRE_EQ(vlen, 199);
	ATF_REQUIRE(memcmp(v, value, 199) == 0);
}

/*
 * nginx sends a param twice when a location overrides what an include
 * set; php-fpm takes the last, and so does the codec, by name and when
 * walking every param.
 */
ATF_TC_WITHOUT_HEAD(a_repeated_param_is_its_last_value);
ATF_TC_BODY(a_repeated_param_is_its_last_value, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	struct proto_nv		 nv;
	const char		*v;
	size_t			 vlen, off = 0;
	char			 seen[256] = "";
	char			 pair[64];

	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_param(&w, 1, "SCRIPT_FILENAME", "/var/www/html/index.php");
	wire_param(&w, 1, "SCRIPT_NAME", "/index.php");
	wire_param(&w, 1, "SCRIPT_FILENAME", "/srv/app/index.php");
	wire_param(&w, 1, "SCRIPT_NAME", "");
	wire_param(&w, 1, "SCRIPT_NAME", "/status");
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	parser_init(&p, PROTO_APP, 1000, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_PARAMS);
	ATF_REQUIRE_EQ(p.nparams, 5);
	ATF_REQUIRE(proto_param(&p, "SCRIPT_FILENAME", &v, &vlen));
	ATF_REQUIRE_EQ(vlen, 18);
	ATF_REQUIRE(memcmp(v, "/srv/app/index.php", vlen) == 0);
	ATF_REQUIRE(proto_param(&p, "SCRIPT_NAME", &v, &vlen));
	ATF_REQUIRE_EQ(vlen, 7);
	ATF_REQUIRE(memcmp(v, "/status", vlen) == 0);
	while (proto_param_next(&p, &off, &nv) == 1) {
		snprintf(pair, sizeof(pair), "%.*s=%.*s;", (int)nv.nlen,
		    nv.name, (int)nv.vlen, nv.value);
		append(seen, sizeof(seen), pair);
	}
	ATF_REQUIRE_STREQ(seen,
	    "SCRIPT_FILENAME=/srv/app/index.php;SCRIPT_NAME=/status;");
	ATF_REQUIRE_EQ(off, p.params_len);
}

ATF_TC_WITHOUT_HEAD(a_bad_version_is_rejected);
ATF_TC_BODY(a_bad_version_is_rejected, tc)
{
	sample_request(&w);
	w.b[0] = 2;
	require_error(&w, PROTO_APP, PROTO_E_VERSION);
	/* A later record with a bad version, too. */
	sample_request(&w);
	w.b[16] = 0;
	require_error(&w, PROTO_APP, PROTO_E_VERSION);
}

ATF_TC_WITHOUT_HEAD(fixed_size_records_with_wrong_lengths_are_rejected);
ATF_TC_BODY(fixed_size_records_with_wrong_lengths_are_rejected, tc)
{
	static const uint8_t	 begin7[] = { 1, FCGI_BEGIN_REQUEST, 0, 1,
	    0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t	 abort1[] = { 1, FCGI_ABORT_REQUEST, 0, 1,
	    0, 1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	w.len = 0;
	wire_raw(&w, begin7, sizeof(begin7));
	require_error(&w, PROTO_APP, PROTO_E_LENGTH);
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_raw(&w, abort1, sizeof(abort1));
	require_error(&w, PROTO_APP, PROTO_E_LENGTH);
}

ATF_TC_WITHOUT_HEAD(params_and_stdin_before_begin_request_are_rejected);
ATF_TC_BODY(params_and_stdin_before_begin_request_are_rejected, tc)
{
	w.len = 0;
	wire_param(&w, 1, "A", "B");
	require_error(&w, PROTO_APP, PROTO_E_NO_REQUEST);
	w.len = 0;
	wire_record(&w, FCGI_STDIN, 1, "x", 1);
	require_error(&w, PROTO_APP, PROTO_E_NO_REQUEST);
}

ATF_TC_WITHOUT_HEAD(a_record_for_another_request_id_is_rejected);
ATF_TC_BODY(a_record_for_another_request_id_is_rejected, tc)
{
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_param(&w, 2, "A", "B");
	require_error(&w, PROTO_APP, PROTO_E_REQUEST_ID);
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	wire_record(&w, FCGI_STDIN, 5, "x", 1);
	require_error(&w, PROTO_APP, PROTO_E_REQUEST_ID);
}

ATF_TC_WITHOUT_HEAD(a_response_for_another_request_id_is_rejected);
ATF_TC_BODY(a_response_for_another_request_id_is_rejected, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;

	w.len = 0;
	wire_record(&w, FCGI_STDOUT, 4, "x", 1);
	parser_init(&p, PROTO_WEB, 0, 0);
	proto_expect(&p, 3);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_ERROR);
	ATF_REQUIRE_EQ(ev.error, PROTO_E_REQUEST_ID);
	/* After END_REQUEST, nothing more may come for the request. */
	w.len = proto_end_request(w.b, 3, 0, FCGI_REQUEST_COMPLETE);
	wire_record(&w, FCGI_STDOUT, 3, "x", 1);
	parser_init(&p, PROTO_WEB, 0, 0);
	proto_expect(&p, 3);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_ERROR);
	ATF_REQUIRE_EQ(ev.error, PROTO_E_NO_REQUEST);
}

ATF_TC_WITHOUT_HEAD(request_id_zero_is_rejected);
ATF_TC_BODY(request_id_zero_is_rejected, tc)
{
	w.len = 0;
	wire_begin(&w, 0, FCGI_RESPONDER, 0);
	require_error(&w, PROTO_APP, PROTO_E_NULL_ID);
}

ATF_TC_WITHOUT_HEAD(streams_out_of_order_are_rejected);
ATF_TC_BODY(streams_out_of_order_are_rejected, tc)
{
	/* stdin while params are still open */
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_STDIN, 1, "x", 1);
	require_error(&w, PROTO_APP, PROTO_E_STREAM);
	/* params after they ended */
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	wire_param(&w, 1, "A", "B");
	require_error(&w, PROTO_APP, PROTO_E_STREAM);
	/* stdin after it ended */
	sample_request(&w);
	wire_record(&w, FCGI_STDIN, 1, "x", 1);
	require_error(&w, PROTO_APP, PROTO_E_STREAM);
	/* the same request begun twice */
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	require_error(&w, PROTO_APP, PROTO_E_STREAM);
}

ATF_TC_WITHOUT_HEAD(types_for_the_other_side_are_rejected);
ATF_TC_BODY(types_for_the_other_side_are_rejected, tc)
{
	w.len = 0;
	wire_record(&w, FCGI_STDOUT, 1, "x", 1);
	require_error(&w, PROTO_APP, PROTO_E_TYPE);
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	require_error(&w, PROTO_WEB, PROTO_E_TYPE);
	w.len = 0;
	wire_record(&w, 42, 0, NULL, 0);
	require_error(&w, PROTO_WEB, PROTO_E_TYPE);
}

ATF_TC_WITHOUT_HEAD(a_second_request_gets_cant_mpx_conn);
ATF_TC_BODY(a_second_request_gets_cant_mpx_conn, tc)
{
	struct proto_parser	 p;
	size_t			 off = 0;

	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_begin(&w, 2, FCGI_RESPONDER, 0);
	wire_param(&w, 2, "A", "B");		/* skipped: 2 was refused */
	wire_param(&w, 1, "SCRIPT_NAME", "/x");
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	parser_init(&p, PROTO_APP, 1000, 10);
	next_event(&p, &off, PROTO_BEGIN, 1);
	next_event(&p, &off, PROTO_CANT_MPX, 2);
	next_event(&p, &off, PROTO_PARAMS, 1);
	ATF_REQUIRE_EQ(p.nparams, 1);
}

ATF_TC_WITHOUT_HEAD(every_refused_request_id_is_remembered);
ATF_TC_BODY(every_refused_request_id_is_remembered, tc)
{
	struct proto_parser	 p;
	size_t			 off = 0;

	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_begin(&w, 2, FCGI_RESPONDER, 0);
	wire_begin(&w, 3, FCGI_RESPONDER, 0);
	wire_param(&w, 2, "A", "B");		/* skipped: 2 was refused */
	wire_param(&w, 3, "A", "B");
	wire_record(&w, FCGI_STDIN, 2, "x", 1);
	wire_record(&w, FCGI_ABORT_REQUEST, 3, NULL, 0);
	wire_param(&w, 1, "SCRIPT_NAME", "/x");
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	parser_init(&p, PROTO_APP, 1000, 10);
	next_event(&p, &off, PROTO_BEGIN, 1);
	next_event(&p, &off, PROTO_CANT_MPX, 2);
	next_event(&p, &off, PROTO_CANT_MPX, 3);
	next_event(&p, &off, PROTO_PARAMS, 1);
	ATF_REQUIRE_EQ(p.nparams, 1);
}

ATF_TC_WITHOUT_HEAD(past_the_limit_the_oldest_refused_id_is_forgotten);
ATF_TC_BODY(past_the_limit_the_oldest_refused_id_is_forgotten, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	size_t			 off = 0;
	unsigned int		 id;

	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	for (id = 2; id <= PROTO_REFUSED_MAX + 2; id++)
		wire_begin(&w, id, FCGI_RESPONDER, 0);
	wire_param(&w, 3, "A", "B");		/* still remembered */
	wire_param(&w, 2, "A", "B");		/* forgotten */
	parser_init(&p, PROTO_APP, 1000, 10);
	next_event(&p, &off, PROTO_BEGIN, 1);
	for (id = 2; id <= PROTO_REFUSED_MAX + 2; id++)
		next_event(&p, &off, PROTO_CANT_MPX, id);
	ev = next_event(&p, &off, PROTO_ERROR, 0);
	ATF_REQUIRE_EQ(ev.error, PROTO_E_REQUEST_ID);
	/* at the header of the last record: the one for 3 was skipped */
	ATF_REQUIRE_EQ(off, w.len - PROTO_RECORD_SIZE(4) + FCGI_HEADER_LEN);
}

ATF_TC_WITHOUT_HEAD(a_refused_id_begun_again_is_a_request_like_any);
ATF_TC_BODY(a_refused_id_begun_again_is_a_request_like_any, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	size_t			 off = 0;

	w.len = 0;
	wire_begin(&w, 2, FCGI_AUTHORIZER, 0);
	wire_begin(&w, 2, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_PARAMS, 2, NULL, 0);
	wire_record(&w, FCGI_STDIN, 2, NULL, 0);
	wire_record(&w, FCGI_STDIN, 2, "x", 1);
	parser_init(&p, PROTO_APP, 1000, 10);
	ev = next_event(&p, &off, PROTO_BEGIN, 2);
	ATF_REQUIRE_EQ(ev.role, FCGI_AUTHORIZER);
	ev = next_event(&p, &off, PROTO_BEGIN, 2);
	ATF_REQUIRE_EQ(ev.role, FCGI_RESPONDER);
	next_event(&p, &off, PROTO_PARAMS, 2);
	ev = next_event(&p, &off, PROTO_STDIN, 2);
	ATF_REQUIRE_EQ(ev.len, 0);
	/* Done: a record for it now is an error, not a skipped one. */
	proto_request_done(&p);
	ev = next_event(&p, &off, PROTO_ERROR, 0);
	ATF_REQUIRE_EQ(ev.error, PROTO_E_NO_REQUEST);
}

ATF_TC_WITHOUT_HEAD(data_records_of_a_refused_request_are_skipped);
ATF_TC_BODY(data_records_of_a_refused_request_are_skipped, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	size_t			 off = 0;

	/* A filter is answered UNKNOWN_ROLE: its DATA must not matter. */
	w.len = 0;
	wire_begin(&w, 1, FCGI_FILTER, 0);
	wire_param(&w, 1, "A", "B");
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	wire_record(&w, FCGI_STDIN, 1, NULL, 0);
	wire_record(&w, FCGI_DATA, 1, "data", 4);
	wire_record(&w, FCGI_DATA, 1, NULL, 0);
	wire_begin(&w, 2, FCGI_RESPONDER, 0);
	wire_begin(&w, 3, FCGI_FILTER, 0);	/* refused: CANT_MPX */
	wire_record(&w, FCGI_DATA, 3, "data", 4);
	wire_record(&w, FCGI_PARAMS, 2, NULL, 0);
	parser_init(&p, PROTO_APP, 1000, 10);
	ev = next_event(&p, &off, PROTO_BEGIN, 1);
	ATF_REQUIRE_EQ(ev.role, FCGI_FILTER);
	ev = next_event(&p, &off, PROTO_BEGIN, 2);
	ATF_REQUIRE_EQ(ev.role, FCGI_RESPONDER);
	next_event(&p, &off, PROTO_CANT_MPX, 3);
	next_event(&p, &off, PROTO_PARAMS, 2);
}

ATF_TC_WITHOUT_HEAD(data_for_a_responder_is_rejected);
ATF_TC_BODY(data_for_a_responder_is_rejected, tc)
{
	/* A responder has no DATA stream: it is out of order. */
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	wire_record(&w, FCGI_DATA, 1, "x", 1);
	require_error(&w, PROTO_APP, PROTO_E_STREAM);
	w.len = 0;
	wire_record(&w, FCGI_DATA, 1, "x", 1);
	require_error(&w, PROTO_APP, PROTO_E_NO_REQUEST);
}

ATF_TC_WITHOUT_HEAD(a_response_stream_after_its_end_is_rejected);
ATF_TC_BODY(a_response_stream_after_its_end_is_rejected, tc)
{
	static const int	 types[] = { FCGI_STDOUT, FCGI_STDERR };
	struct proto_parser	 p;
	struct proto_event	 ev;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		w.len = 0;
		wire_record(&w, types[i], 1, "a", 1);
		wire_record(&w, types[i], 1, NULL, 0);
		wire_record(&w, types[i], 1, "b", 1);
		parser_init(&p, PROTO_WEB, 0, 0);
		proto_expect(&p, 1);
		ev = feed_all(&p, &w);
		ATF_REQUIRE_EQ_MSG(ev.type, PROTO_ERROR, "type %d: no error",
		    types[i]);
		ATF_REQUIRE_EQ(ev.error, PROTO_E_STREAM);
	}
	/* Each stream ends on its own; END_REQUEST follows both. */
	w.len = 0;
	wire_record(&w, FCGI_STDOUT, 1, "a", 1);
	wire_record(&w, FCGI_STDOUT, 1, NULL, 0);
	wire_record(&w, FCGI_STDERR, 1, "e", 1);
	wire_record(&w, FCGI_STDERR, 1, NULL, 0);
	w.len += proto_end_request(w.b + w.len, 1, 0, FCGI_REQUEST_COMPLETE);
	parser_init(&p, PROTO_WEB, 0, 0);
	proto_expect(&p, 1);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_END);
}

ATF_TC_WITHOUT_HEAD(other_roles_are_reported_and_their_records_skipped);
ATF_TC_BODY(other_roles_are_reported_and_their_records_skipped, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	size_t			 off = 0;

	w.len = 0;
	wire_begin(&w, 1, FCGI_AUTHORIZER, 0);
	wire_param(&w, 1, "A", "B");
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	wire_begin(&w, 2, FCGI_RESPONDER, 0);
	parser_init(&p, PROTO_APP, 1000, 10);
	ev = next_event(&p, &off, PROTO_BEGIN, 1);
	ATF_REQUIRE_EQ(ev.role, FCGI_AUTHORIZER);
	ev = next_event(&p, &off, PROTO_BEGIN, 2);
	ATF_REQUIRE_EQ(ev.role, FCGI_RESPONDER);
}

ATF_TC_WITHOUT_HEAD(params_size_limit_holds_at_the_boundary);
ATF_TC_BODY(params_size_limit_holds_at_the_boundary, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	static char		 v[1000];
	uint8_t			 nv[1100];
	size_t			 n;

	memset(v, 'v', sizeof(v) - 1);
	n = proto_nv_put(nv, sizeof(nv), "N", 1, v, sizeof(v) - 1);
	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	wire_record(&w, FCGI_PARAMS, 1, nv, n);
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	parser_init(&p, PROTO_APP, n, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_PARAMS);
	parser_init(&p, PROTO_APP, n - 1, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_ERROR);
	ATF_REQUIRE_EQ(ev.error, PROTO_E_PARAMS_SIZE);
}

ATF_TC_WITHOUT_HEAD(params_count_limit_holds_at_the_boundary);
ATF_TC_BODY(params_count_limit_holds_at_the_boundary, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	char			 name[16];
	int			 i;

	w.len = 0;
	wire_begin(&w, 1, FCGI_RESPONDER, 0);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "P%d", i);
		wire_param(&w, 1, name, "v");
	}
	wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
	parser_init(&p, PROTO_APP, 10000, 50);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_PARAMS);
	ATF_REQUIRE_EQ(p.nparams, 50);
	parser_init(&p, PROTO_APP, 10000, 49);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_ERROR);
	ATF_REQUIRE_EQ(ev.error, PROTO_E_PARAMS_COUNT);
}

ATF_TC_WITHOUT_HEAD(name_value_lengths_past_the_data_are_rejected);
ATF_TC_BODY(name_value_lengths_past_the_data_are_rejected, tc)
{
	/* a 1-byte name length of 10 with 3 bytes of data */
	static const uint8_t	 short1[] = { 10, 0, 'a', 'b', 'c' };
	/* a 4-byte length of 2^31 - 1, the most the top bit leaves */
	static const uint8_t	 huge4[] = { 0xff, 0xff, 0xff, 0xff, 0, 'a' };
	/* a 4-byte length cut after two bytes */
	static const uint8_t	 cut4[] = { 1, 0x80, 0 };
	static const uint8_t	*bad[] = { short1, huge4, cut4 };
	static const size_t	 badlen[] = { sizeof(short1), sizeof(huge4),
	    sizeof(cut4) };
	struct proto_nv		 nv;
	size_t			 i, off;

	for (i = 0; i < 3; i++) {
		off = 0;
		ATF_REQUIRE_EQ(proto_nv_next(bad[i], badlen[i], &off, &nv), -1);
		w.len = 0;
		wire_begin(&w, 1, FCGI_RESPONDER, 0);
		wire_record(&w, FCGI_PARAMS, 1, bad[i], badlen[i]);
		wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
		require_error(&w, PROTO_APP, PROTO_E_NV_LENGTH);
	}
}

ATF_TC_WITHOUT_HEAD(management_records_over_the_limit_are_rejected);
ATF_TC_BODY(management_records_over_the_limit_are_rejected, tc)
{
	static uint8_t	 big[PROTO_MGMT_MAX + 1];

	w.len = 0;
	wire_record(&w, FCGI_GET_VALUES, 0, big, sizeof(big));
	require_error(&w, PROTO_APP, PROTO_E_MGMT_SIZE);
	w.len = 0;
	wire_record(&w, FCGI_GET_VALUES, 1, NULL, 0);
	require_error(&w, PROTO_APP, PROTO_E_REQUEST_ID);
}

ATF_TC_WITHOUT_HEAD(an_error_is_final);
ATF_TC_BODY(an_error_is_final, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;

	sample_request(&w);
	w.b[0] = 9;
	parser_init(&p, PROTO_APP, 1000, 10);
	ev = feed_all(&p, &w);
	ATF_REQUIRE_EQ(ev.type, PROTO_ERROR);
	sample_request(&w);
	ATF_REQUIRE_EQ(proto_feed(&p, w.b, w.len, &ev), 0);
	ATF_REQUIRE_EQ(ev.type, PROTO_ERROR);
	ATF_REQUIRE_EQ(ev.error, PROTO_E_VERSION);
}

ATF_TC_WITHOUT_HEAD(a_kept_connection_carries_the_next_request);
ATF_TC_BODY(a_kept_connection_carries_the_next_request, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	size_t			 off = 0;
	int			 i;

	w.len = 0;
	for (i = 1; i <= 2; i++) {
		wire_begin(&w, 1, FCGI_RESPONDER, FCGI_KEEP_CONN);
		wire_record(&w, FCGI_PARAMS, 1, NULL, 0);
		wire_record(&w, FCGI_STDIN, 1, NULL, 0);
	}
	parser_init(&p, PROTO_APP, 1000, 10);
	for (i = 1; i <= 2; i++) {
		next_event(&p, &off, PROTO_BEGIN, 1);
		next_event(&p, &off, PROTO_PARAMS, 1);
		ev = next_event(&p, &off, PROTO_STDIN, 1);
		ATF_REQUIRE_EQ(ev.len, 0);
		proto_request_done(&p);
	}
	ATF_REQUIRE_EQ(off, w.len);
}

ATF_TC_WITHOUT_HEAD(encoders_refuse_buffers_too_small);
ATF_TC_BODY(encoders_refuse_buffers_too_small, tc)
{
	uint8_t	 buf[64];

	ATF_REQUIRE_EQ(proto_nv_put(buf, 5, "NAME", 4, "", 0), 0);
	ATF_REQUIRE_EQ(proto_nv_put(buf, 6, "NAME", 4, "", 0), 6);
	ATF_REQUIRE_EQ(proto_stream(buf, 23, FCGI_STDOUT, 1, "0123456789",
	    10), 0);
	ATF_REQUIRE_EQ(proto_stream(buf, 24, FCGI_STDOUT, 1, "0123456789",
	    10), 24);
	ATF_REQUIRE_EQ(proto_padding(0), 0);
	ATF_REQUIRE_EQ(proto_padding(1), 7);
	ATF_REQUIRE_EQ(proto_padding(8), 0);
}

/*
 * A relay sends what the parser no longer holds: fed one byte at a
 * time, that always ends where a record of the response ends.
 */
ATF_TC_WITHOUT_HEAD(held_bytes_end_where_a_record_ends);
ATF_TC_BODY(held_bytes_end_where_a_record_ends, tc)
{
	struct proto_parser	 p;
	struct proto_event	 ev;
	size_t			 ends[8], nends = 0, off, sent, i;
	int			 at_end;

	w.len = 0;
	wire_record(&w, FCGI_STDOUT, 2, "hello", 5);
	ends[nends++] = w.len;
	wire_record(&w, FCGI_STDERR, 2, "oops", 4);
	ends[nends++] = w.len;
	wire_record(&w, FCGI_STDOUT, 2, NULL, 0);
	ends[nends++] = w.len;
	w.len += proto_end_request(w.b + w.len, 2, 0, FCGI_REQUEST_COMPLETE);
	ends[nends++] = w.len;
	parser_init(&p, PROTO_WEB, 0, 0);
	proto_expect(&p, 2);
	for (off = 0; off < w.len; off++) {
		ATF_REQUIRE_EQ(proto_feed(&p, w.b + off, 1, &ev), 1);
		ATF_REQUIRE(ev.type != PROTO_ERROR);
		sent = off + 1 - proto_held(&p);
		at_end = sent == 0;
		for (i = 0; i < nends; i++)
			at_end |= sent == ends[i];
		ATF_REQUIRE_MSG(at_end, "%zu bytes fed, %zu free", off + 1,
		    sent);
	}
	ATF_REQUIRE_EQ(ev.type, PROTO_END);
	ATF_REQUIRE_EQ(proto_held(&p), 0);
	/* A record cut short is held whole, its header included. */
	w.len = 0;
	wire_record(&w, FCGI_STDOUT, 2, "hello", 5);
	parser_init(&p, PROTO_WEB, 0, 0);
	proto_expect(&p, 2);
	ATF_REQUIRE_EQ(proto_feed(&p, w.b, FCGI_HEADER_LEN + 2, &ev),
	    FCGI_HEADER_LEN + 2);
	ATF_REQUIRE_EQ(proto_held(&p), FCGI_HEADER_LEN + 2);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, begin_request_round_trips);
	ATF_TP_ADD_TC(tp, end_request_round_trips);
	ATF_TP_ADD_TC(tp, abort_request_round_trips);
	ATF_TP_ADD_TC(tp, params_round_trip_with_both_length_forms);
	ATF_TP_ADD_TC(tp, stdin_stdout_stderr_round_trip);
	ATF_TP_ADD_TC(tp, get_values_round_trips);
	ATF_TP_ADD_TC(tp, get_values_answers_each_name_once_within_the_limit);
	ATF_TP_ADD_TC(tp, get_values_leaves_out_what_passes_the_limit);
	ATF_TP_ADD_TC(tp, unknown_type_round_trips);
	ATF_TP_ADD_TC(tp, a_request_parses_the_same_whole_and_byte_by_byte);
	ATF_TP_ADD_TC(tp, a_request_parses_the_same_in_random_splits);
	ATF_TP_ADD_TC(tp, a_name_value_pair_may_span_params_records);
	ATF_TP_ADD_TC(tp, a_bad_version_is_rejected);
	ATF_TP_ADD_TC(tp, fixed_size_records_with_wrong_lengths_are_rejected);
	ATF_TP_ADD_TC(tp, params_and_stdin_before_begin_request_are_rejected);
	ATF_TP_ADD_TC(tp, a_record_for_another_request_id_is_rejected);
	ATF_TP_ADD_TC(tp, a_response_for_another_request_id_is_rejected);
	ATF_TP_ADD_TC(tp, request_id_zero_is_rejected);
	ATF_TP_ADD_TC(tp, streams_out_of_order_are_rejected);
	ATF_TP_ADD_TC(tp, types_for_the_other_side_are_rejected);
	ATF_TP_ADD_TC(tp, a_second_request_gets_cant_mpx_conn);
	ATF_TP_ADD_TC(tp, other_roles_are_reported_and_their_records_skipped);
	ATF_TP_ADD_TC(tp, every_refused_request_id_is_remembered);
	ATF_TP_ADD_TC(tp, past_the_limit_the_oldest_refused_id_is_forgotten);
	ATF_TP_ADD_TC(tp, a_refused_id_begun_again_is_a_request_like_any);
	ATF_TP_ADD_TC(tp, data_records_of_a_refused_request_are_skipped);
	ATF_TP_ADD_TC(tp, data_for_a_responder_is_rejected);
	ATF_TP_ADD_TC(tp, a_response_stream_after_its_end_is_rejected);
	ATF_TP_ADD_TC(tp, params_size_limit_holds_at_the_boundary);
	ATF_TP_ADD_TC(tp, params_count_limit_holds_at_the_boundary);
	ATF_TP_ADD_TC(tp, name_value_lengths_past_the_data_are_rejected);
	ATF_TP_ADD_TC(tp, management_records_over_the_limit_are_rejected);
	ATF_TP_ADD_TC(tp, an_error_is_final);
	ATF_TP_ADD_TC(tp, a_kept_connection_carries_the_next_request);
	ATF_TP_ADD_TC(tp, encoders_refuse_buffers_too_small);
	ATF_TP_ADD_TC(tp, held_bytes_end_where_a_record_ends);
	ATF_TP_ADD_TC(tp, a_repeated_param_is_its_last_value);
	return atf_no_error();
}
