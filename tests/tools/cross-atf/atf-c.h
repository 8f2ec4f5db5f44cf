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
 * A stand-in for ATF's C library where there is none: tests/tools/cross
 * builds proto_test and ev_test with it for armhf and MIPS and runs
 * them under qemu-user.  It has what those tests and tests/lib/wire.c
 * use, with ATF's meaning and names, and atf-c.c gives them a main()
 * that speaks ATF's test program interface ("-l", "-r file case") and,
 * named no case, runs every case in a process of its own and prints
 * what Kyua would.
 */

#ifndef CROSS_ATF_C_H
#define CROSS_ATF_C_H

#include <string.h>

/* ATF's names for these are typedefs; the tests use them. */
typedef struct atf_tc	atf_tc_t;
typedef struct atf_tp	atf_tp_t;
typedef struct atf_error *atf_error_t;

struct atf_tc {
	const char	*ident;
	void		(*body)(const atf_tc_t *);
	atf_tc_t	*next;
};

void		 atf_tp_add_tc(atf_tp_t *, atf_tc_t *);
atf_error_t	 atf_no_error(void);
void		 atf_tc_fail_requirement(const char *, int, const char *, ...)
		    __attribute__((__noreturn__, __format__ (printf, 3, 4)));
atf_error_t	 atfu_tp_add_tcs(atf_tp_t *);

#define ATF_TC_WITHOUT_HEAD(tc)						\
	static void atfu_##tc##_body(const atf_tc_t *);			\
	static atf_tc_t atfu_##tc##_tc = { #tc, atfu_##tc##_body, NULL }

#define ATF_TC_BODY(tc, tcptr)						\
	static void atfu_##tc##_body(const atf_tc_t *tcptr		\
	    __attribute__((__unused__)))

#define ATF_TP_ADD_TCS(tps)						\
	atf_error_t atfu_tp_add_tcs(atf_tp_t *tps)

#define ATF_TP_ADD_TC(tp, tc)	atf_tp_add_tc((tp), &atfu_##tc##_tc)

#define atf_tc_fail(...)						\
	atf_tc_fail_requirement(__FILE__, __LINE__, __VA_ARGS__)

#define ATF_REQUIRE_MSG(x, ...) do {					\
	if (!(x))							\
		atf_tc_fail_requirement(__FILE__, __LINE__, __VA_ARGS__); \
} while (0)

#define ATF_REQUIRE(x)							\
	ATF_REQUIRE_MSG(x, "%s not met", #x)

#define ATF_REQUIRE_EQ_MSG(a, b, fmt, ...)				\
	ATF_REQUIRE_MSG((a) == (b), "%s != %s: " fmt, #a, #b, __VA_ARGS__)

#define ATF_REQUIRE_EQ(a, b)						\
	ATF_REQUIRE_MSG((a) == (b), "%s != %s", #a, #b)

#define ATF_REQUIRE_STREQ_MSG(a, b, fmt, ...)				\
	ATF_REQUIRE_MSG(strcmp((a), (b)) == 0, "%s != %s (%s != %s): "	\
	    fmt, #a, #b, (a), (b), __VA_ARGS__)

#define ATF_REQUIRE_STREQ(a, b)						\
	ATF_REQUIRE_MSG(strcmp((a), (b)) == 0, "%s != %s (%s != %s)",	\
	    #a, #b, (a), (b))

#endif /* CROSS_ATF_C_H */
