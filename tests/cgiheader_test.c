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
 * Unit tests for the check of a CGI program's header block
 * (cgiheader.c) and for the escaping of untrusted bytes (escape.c):
 * verdicts on good and bad blocks, the same verdict whatever pieces the
 * block arrives in, and escapes that keep a log line one line.
 */

#include "../config.h"

#include <stdio.h>
#include <string.h>

#include <atf-c.h>

#include "../cgiheader.h"
#include "../escape.h"

#define MAX	256

/* The verdict on the whole of s, fed at once. */
static int
check(const char *s, struct cgiheader *h)
{
	memset(h, 0, sizeof(*h));
	return cgiheader_parse(h, s, strlen(s), MAX);
}

static void
good(const char *s, size_t len, int status, int location)
{
	struct cgiheader	 h;

	ATF_REQUIRE_EQ_MSG(check(s, &h), CGIHEADER_OK, "%s: %s", s,
	    h.error != NULL ? h.error : "more");
	ATF_REQUIRE_EQ_MSG(h.len, len, "%s: %zu", s, h.len);
	ATF_REQUIRE_EQ(h.status, status);
	ATF_REQUIRE_EQ(h.location, location);
}

static void
bad(const char *s, const char *why, size_t at)
{
	struct cgiheader	 h;

	ATF_REQUIRE_EQ_MSG(check(s, &h), CGIHEADER_BAD, "%s", s);
	ATF_REQUIRE_STREQ(h.error, why);
	ATF_REQUIRE_EQ(h.error_at, at);
}

ATF_TC_WITHOUT_HEAD(good_blocks_end_at_the_blank_line);
ATF_TC_BODY(good_blocks_end_at_the_blank_line, tc)
{
	good("Content-Type: text/plain\r\n\r\nbody", 28, 0, 0);
	good("Content-Type: text/plain\n\nbody", 26, 0, 0);
	good("Status: 404 Not Found\r\nX-A:\r\n\r\n", 31, 404, 0);
	good("status: 200\n\n", 13, 200, 0);
	good("Location: /x\r\n\r\n", 16, 0, 1);
	good("Status: 301\r\nLocation: http://a/\r\n\r\n", 36, 301, 1);
	good("X-Tab: a\tb\n\n", 12, 0, 0);
	good("X-Utf8: caf\xc3\xa9\n\n", 15, 0, 0);
}

ATF_TC_WITHOUT_HEAD(bad_blocks_say_what_and_where);
ATF_TC_BODY(bad_blocks_say_what_and_where, tc)
{
	bad("Hello, world\n", "not a header line", 0);
	bad("Content-Type: text/plain\r\nno colon\r\n\r\n",
	    "not a header line", 26);
	bad(": empty name\n\n", "not a header line", 0);
	bad("Bad Name: x\n\n", "not a header line", 0);
	bad("A: b\n folded\n\n", "a folded header line", 5);
	bad("A: b\rc\n\n", "a CR inside a header line", 0);
	bad("A: b\001c\n\n", "a control character in a header", 4);
	bad("Status: banana\n\n",
	    "a Status that is not 100 to 599 and a reason", 8);
	bad("Status: 99\n\n",
	    "a Status that is not 100 to 599 and a reason", 8);
	bad("Status: 600\n\n",
	    "a Status that is not 100 to 599 and a reason", 8);
	bad("Status: 2000\n\n",
	    "a Status that is not 100 to 599 and a reason", 8);
	bad("Status: 200\nStatus: 404\n\n", "a second Status", 12);
}

ATF_TC_WITHOUT_HEAD(a_block_is_bounded);
ATF_TC_BODY(a_block_is_bounded, tc)
{
	struct cgiheader	 h;
	char			 s[2 * MAX];

	memset(s, 'x', sizeof(s));
	memcpy(s, "X-Long: ", 8);
	memset(&h, 0, sizeof(h));
	/* Under the limit and unfinished: more, please. */
	ATF_REQUIRE_EQ(cgiheader_parse(&h, s, MAX - 1, MAX), CGIHEADER_MORE);
	ATF_REQUIRE_EQ(cgiheader_parse(&h, s, MAX, MAX), CGIHEADER_BAD);
	ATF_REQUIRE_STREQ(h.error, "a header block too long");
	/* A block of exactly the limit is good; one byte more is not. */
	memset(&h, 0, sizeof(h));
	memcpy(s + MAX - 2, "\n\n", 2);
	ATF_REQUIRE_EQ(cgiheader_parse(&h, s, MAX, MAX), CGIHEADER_OK);
	ATF_REQUIRE_EQ(h.len, MAX);
	memset(&h, 0, sizeof(h));
	memcpy(s + MAX - 2, "x\n\n", 3);
	ATF_REQUIRE_EQ(cgiheader_parse(&h, s, MAX + 1, MAX), CGIHEADER_BAD);
	ATF_REQUIRE_STREQ(h.error, "a header block too long");
}

/* Fed byte by byte, as a slow program writes it: the same verdict. */
ATF_TC_WITHOUT_HEAD(pieces_give_the_same_verdict);
ATF_TC_BODY(pieces_give_the_same_verdict, tc)
{
	static const char *const blocks[] = {
		"Status: 302 Found\r\nLocation: /a\r\nX-B: c\r\n\r\nbody",
		"Content-Type: text/plain\nStatus: banana\n\n",
		"A: b\nno colon\n\n",
	};
	struct cgiheader	 whole, piece;
	size_t			 i, n;
	int			 r, w;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		w = check(blocks[i], &whole);
		memset(&piece, 0, sizeof(piece));
		r = CGIHEADER_MORE;
		for (n = 1; n <= strlen(blocks[i]) && r == CGIHEADER_MORE; n++)
			r = cgiheader_parse(&piece, blocks[i], n, MAX);
		ATF_REQUIRE_EQ_MSG(r, w, "block %zu", i);
		ATF_REQUIRE_EQ(piece.len, whole.len);
		ATF_REQUIRE_EQ(piece.status, whole.status);
		ATF_REQUIRE_EQ(piece.location, whole.location);
		ATF_REQUIRE_EQ(piece.error_at, whole.error_at);
	}
}

static void
escaped(const char *in, size_t len, size_t size, const char *want)
{
	char	 out[256];

	ATF_REQUIRE(size <= sizeof(out));
	ATF_REQUIRE_STREQ(escape_log(out, size, in, len), want);
}

ATF_TC_WITHOUT_HEAD(escapes_keep_a_log_line_one_line);
ATF_TC_BODY(escapes_keep_a_log_line_one_line, tc)
{
	escaped("plain /a/b.cgi", 14, 64, "plain /a/b.cgi");
	escaped("x\nFAKE LINE", 11, 64, "x\\nFAKE LINE");
	escaped("\r\t\a\b\f\v\\", 7, 64, "\\r\\t\\a\\b\\f\\v\\\\");
	escaped("\033[31mred\x7f", 9, 64, "\\x1b[31mred\\x7f");
	escaped("a\0b", 3, 64, "a\\x00b");
	/* UTF-8 is kept; what is not UTF-8 is escaped byte by byte. */
	escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 64,
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	escaped("\xc3(", 2, 64, "\\xc3(");
	escaped("\xc0\xaf", 2, 64, "\\xc0\\xaf");		/* overlong / */
	escaped("\xed\xa0\x80", 3, 64, "\\xed\\xa0\\x80");	/* surrogate */
	escaped("\xf4\x90\x80\x80", 4, 64, "\\xf4\\x90\\x80\\x80");
	escaped("\xe2\x82", 2, 64, "\\xe2\\x82");		/* cut short */
	/* What does not fit is cut at a whole escape or character. */
	escaped("ab\ncd", 5, 5, "ab\\n");
	escaped("ab\ncd", 5, 4, "ab");
	escaped("ab\xc3\xa9", 4, 4, "ab");
	escaped("abc", 3, 1, "");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, good_blocks_end_at_the_blank_line);
	ATF_TP_ADD_TC(tp, bad_blocks_say_what_and_where);
	ATF_TP_ADD_TC(tp, a_block_is_bounded);
	ATF_TP_ADD_TC(tp, pieces_give_the_same_verdict);
	ATF_TP_ADD_TC(tp, escapes_keep_a_log_line_one_line);
	return atf_no_error();
}
