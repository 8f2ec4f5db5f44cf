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
 * Unit tests for what a worker is told across its exec (confwire.c):
 * every field a worker uses comes back as it went, with the extremes
 * of each type; another build's settings, and every malformed input,
 * are refused with a reason, never trusted: a length beyond the end,
 * a cut anywhere, a repeated or unknown field, a number that does not
 * fit, a NUL in a string; and random bytes never crash the decoder.
 */

#include "../config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "../fpmd.h"

static char	*env[] = { "DB_PASSWORD=s3cret", "EMPTY=", NULL };
static char	*paths[] = { "/ping", NULL };
static char	*exts[] = { ".cgi", ".sh", NULL };
static char	*allowed[] = { "HTTP_*", "MY_PARAM", NULL };
static char	*phpargs[] = { "-d", "memory_limit=77M", "-d", "display_errors=1",
    NULL };
static gid_t	 groups[] = { 33, 0, 65534 };
static struct acl acls[2];
static struct pool_conf	 pc;
static struct worker_conf wc;

/* A pool with every field a worker reads set, to the edge of its type. */
static void
setup(void)
{
	memset(&pc, 0, sizeof(pc));
	pc.name = "www";
	pc.listen = "/run/fpmd.sock";
	pc.backlog = -1;
	acls[0].family = AF_INET;
	acls[0].bits = 24;
	memcpy(acls[0].addr, "\x7f\0\0\0", 4);
	acls[1].family = AF_INET6;
	acls[1].bits = 128;
	memset(acls[1].addr, 0xfe, sizeof(acls[1].addr));
	pc.acl = acls;
	pc.nacl = 2;
	pc.user = "www-data";
	pc.uid = (uid_t)-2;
	pc.gid = 33;
	pc.setuser = 1;
	pc.groups = groups;
	pc.ngroups = 3;
	pc.chroot = "/var/www";
	pc.chdir = "/";
	pc.clear_env = 1;
	pc.env = env;
	pc.nenv = 2;
	pc.rlimit_files = 1024;
	pc.rlimit_core = RLIM_INFINITY;
	pc.set_rlimit_core = 1;
	pc.priority = CONF_PRIORITY_UNSET;
	pc.dumpable = 1;
	pc.pm = PM_DYNAMIC;
	pc.max_children = INT_MAX;
	pc.max_requests = LONG_MAX;
	pc.status_path = "/status";
	pc.ping_path = "/ping";
	pc.ping_response = "";
	pc.terminate_timeout_ms = INT64_MAX;
	pc.terminate_track_finished = 1;
	pc.access_log = "/var/log/access.log";
	pc.access_format = "%R - %u %t \"%m %r\" %s";
	pc.suppress_paths = paths;
	pc.nsuppress_paths = 1;
	pc.slowlog_timeout_ms = INT64_MIN;
	pc.slowlog_trace_depth = INT_MIN;
	pc.read_timeout_ms = 1;
	pc.keep_conn_timeout_ms = 2;
	pc.begin_timeout_ms = 3;
	pc.max_params_size = SIZE_MAX;
	pc.max_params = 100;
	pc.exec = "/usr/bin/php-cgi -d x=1";
	pc.cgi_root = "/srv/cgi";
	pc.max_body_bytes = 0;
	pc.body_temp_dir = "/tmp";
	pc.extensions = exts;
	pc.nextensions = 2;
	pc.catch_output = 1;
	pc.allowed_params = allowed;
	pc.nallowed_params = 2;
	pc.php_args = phpargs;
	pc.nphp_args = 4;
	pc.decorate_output = 1;
	memset(&wc, 0, sizeof(wc));
	wc.pc = &pc;
	wc.events = "epoll";
	wc.log_level = 7;
}

static void
same_strs(char **a, size_t na, char **b, size_t nb)
{
	size_t	 i;

	ATF_REQUIRE_EQ(na, nb);
	if (na == 0) {
		ATF_CHECK(b == NULL);
		return;
	}
	for (i = 0; i < na; i++)
		ATF_CHECK_STREQ(a[i], b[i]);
	ATF_CHECK(b[nb] == NULL);
}

static void
same_str(const char *a, const char *b)
{
	if (a == NULL)
		ATF_CHECK(b == NULL);
	else
		ATF_CHECK_STREQ(a, b);
}

/* The decoded settings are the encoded ones, field by field. */
static void
same(const struct worker_conf *w)
{
	const struct pool_conf	*d = w->pc;

	ATF_CHECK_STREQ(w->events, wc.events);
	ATF_CHECK_EQ(w->log_level, wc.log_level);
	same_str(pc.name, d->name);
	same_str(pc.listen, d->listen);
	ATF_CHECK_EQ(d->backlog, pc.backlog);
	ATF_REQUIRE_EQ(d->nacl, pc.nacl);
	ATF_CHECK(d->nacl == 0 ||
	    memcmp(d->acl, pc.acl, d->nacl * sizeof(*d->acl)) == 0);
	same_str(pc.user, d->user);
	ATF_CHECK(d->uid == pc.uid && d->gid == pc.gid);
	ATF_CHECK_EQ(d->setuser, pc.setuser);
	ATF_REQUIRE_EQ(d->ngroups, pc.ngroups);
	ATF_CHECK(memcmp(d->groups, pc.groups, sizeof(groups)) == 0);
	same_str(pc.chroot, d->chroot);
	same_str(pc.chdir, d->chdir);
	ATF_CHECK_EQ(d->clear_env, pc.clear_env);
	same_strs(pc.env, pc.nenv, d->env, d->nenv);
	ATF_CHECK(d->rlimit_files == pc.rlimit_files);
	ATF_CHECK(d->rlimit_core == pc.rlimit_core);
	ATF_CHECK_EQ(d->set_rlimit_core, pc.set_rlimit_core);
	ATF_CHECK_EQ(d->priority, pc.priority);
	ATF_CHECK_EQ(d->dumpable, pc.dumpable);
	ATF_CHECK_EQ(d->pm, pc.pm);
	ATF_CHECK_EQ(d->max_children, pc.max_children);
	ATF_CHECK_EQ(d->max_requests, pc.max_requests);
	same_str(pc.status_path, d->status_path);
	same_str(pc.ping_path, d->ping_path);
	same_str(pc.ping_response, d->ping_response);
	ATF_CHECK(d->terminate_timeout_ms == pc.terminate_timeout_ms);
	ATF_CHECK_EQ(d->terminate_track_finished,
	    pc.terminate_track_finished);
	same_str(pc.access_log, d->access_log);
	same_str(pc.access_format, d->access_format);
	same_strs(pc.suppress_paths, pc.nsuppress_paths, d->suppress_paths,
	    d->nsuppress_paths);
	ATF_CHECK(d->slowlog_timeout_ms == pc.slowlog_timeout_ms);
	ATF_CHECK_EQ(d->slowlog_trace_depth, pc.slowlog_trace_depth);
	ATF_CHECK(d->read_timeout_ms == pc.read_timeout_ms);
	ATF_CHECK(d->keep_conn_timeout_ms == pc.keep_conn_timeout_ms);
	ATF_CHECK(d->begin_timeout_ms == pc.begin_timeout_ms);
	ATF_CHECK(d->max_params_size == pc.max_params_size);
	ATF_CHECK(d->max_params == pc.max_params);
	same_str(pc.exec, d->exec);
	same_str(pc.cgi_root, d->cgi_root);
	ATF_CHECK(d->max_body_bytes == pc.max_body_bytes);
	same_str(pc.body_temp_dir, d->body_temp_dir);
	same_strs(pc.extensions, pc.nextensions, d->extensions,
	    d->nextensions);
	ATF_CHECK_EQ(d->catch_output, pc.catch_output);
	same_strs(pc.allowed_params, pc.nallowed_params, d->allowed_params,
	    d->nallowed_params);
	same_strs(pc.php_args, pc.nphp_args, d->php_args, d->nphp_args);
	ATF_CHECK_EQ(d->decorate_output, pc.decorate_output);
}

/* Decode, and with check, compare what came out with wc. */
static int
decode(const uint8_t *data, size_t len, int check, char *why,
    size_t whylen)
{
	struct worker_conf	 w;
	int			 r;

	r = confwire_decode(data, len, &w, why, whylen);
	if (r == CONFWIRE_OK && check)
		same(&w);
	confwire_free(&w);
	return r;
}

/* The length of the first record, the build's identity. */
static size_t
id_len(const uint8_t *data)
{
	return 5 + ((size_t)data[3] << 8 | data[4]);
}

/* The encoded settings with one record appended: tag, len, value. */
static uint8_t *
appended(const uint8_t *data, size_t len, uint8_t tag, uint32_t vlen,
    const void *value, size_t have, size_t *outlen)
{
	uint8_t	*out;

	out = malloc(len + 5 + have);
	ATF_REQUIRE(out != NULL);
	memcpy(out, data, len);
	out[len] = tag;
	out[len + 1] = (uint8_t)(vlen >> 24);
	out[len + 2] = (uint8_t)(vlen >> 16);
	out[len + 3] = (uint8_t)(vlen >> 8);
	out[len + 4] = (uint8_t)vlen;
	memcpy(out + len + 5, value, have);
	*outlen = len + 5 + have;
	return out;
}

/*
 * Settings plus one record, or with alone only the identity and that
 * record: refused, and why says so.
 */
static void
refused(int alone, uint8_t tag, uint32_t vlen, const void *value,
    size_t have, const char *reason)
{
	uint8_t	*data, *bad;
	size_t	 len, badlen;
	char	 why[256];

	setup();
	confwire_encode(&wc, &data, &len);
	bad = appended(data, alone ? id_len(data) : len, tag, vlen, value,
	    have, &badlen);
	ATF_CHECK_EQ(decode(bad, badlen, 0, why, sizeof(why)), CONFWIRE_BAD);
	ATF_CHECK_MSG(strstr(why, reason) != NULL, "why: %s", why);
	free(bad);
	free(data);
}

ATF_TC_WITHOUT_HEAD(round_trip);
ATF_TC_BODY(round_trip, tc)
{
	uint8_t	*data;
	size_t	 len;
	char	 why[256];

	(void)tc;
	setup();
	confwire_encode(&wc, &data, &len);
	ATF_REQUIRE(len < CONFWIRE_MAX_BYTES);
	ATF_CHECK_EQ(decode(data, len, 1, why, sizeof(why)), CONFWIRE_OK);
	free(data);
}

ATF_TC_WITHOUT_HEAD(unset_strings_stay_unset);
ATF_TC_BODY(unset_strings_stay_unset, tc)
{
	uint8_t	*data;
	size_t	 len;
	char	 why[256];

	(void)tc;
	setup();
	pc.chroot = pc.exec = pc.access_log = NULL;
	pc.env = NULL;
	pc.nenv = pc.nacl = 0;
	confwire_encode(&wc, &data, &len);
	ATF_CHECK_EQ(decode(data, len, 1, why, sizeof(why)), CONFWIRE_OK);
	free(data);
}

ATF_TC_WITHOUT_HEAD(another_build_is_refused);
ATF_TC_BODY(another_build_is_refused, tc)
{
	uint8_t	*data;
	size_t	 len;
	char	 why[256];

	(void)tc;
	setup();
	confwire_encode(&wc, &data, &len);
	data[5 + 3] ^= 1;
	ATF_CHECK_EQ(decode(data, len, 0, why, sizeof(why)), CONFWIRE_BUILD);
	ATF_CHECK_MSG(strstr(why, "another build") != NULL, "why: %s", why);
	data[5 + 3] ^= 1;
	data[0] = 10;
	ATF_CHECK_EQ(decode(data, len, 0, why, sizeof(why)), CONFWIRE_BUILD);
	ATF_CHECK_EQ(decode(data, 3, 0, why, sizeof(why)), CONFWIRE_BAD);
	free(data);
}

ATF_TC_WITHOUT_HEAD(a_record_cut_short_is_refused);
ATF_TC_BODY(a_record_cut_short_is_refused, tc)
{
	uint8_t	*data, *copy;
	size_t	 len, cut, at;
	char	 why[256];

	(void)tc;
	setup();
	confwire_encode(&wc, &data, &len);
	/* Whole records may end early (then fields are missing); no less. */
	for (cut = 0; cut < len; cut++) {
		copy = malloc(cut + 1);
		ATF_REQUIRE(copy != NULL);
		memcpy(copy, data, cut);
		for (at = 0; at < cut;
		    at += 5 + ((size_t)data[at + 3] << 8 | data[at + 4]))
			;
		if (at != cut)
			ATF_CHECK_EQ_MSG(decode(copy, cut, 0, why,
			    sizeof(why)), CONFWIRE_BAD, "cut at %zu", cut);
		else if (cut > 0)
			ATF_CHECK_MSG(decode(copy, cut, 0, why,
			    sizeof(why)) == CONFWIRE_BAD ||
			    strstr(why, "missing") == NULL, "cut at %zu", cut);
		free(copy);
	}
	free(data);
}

ATF_TC_WITHOUT_HEAD(a_length_beyond_the_end_is_refused);
ATF_TC_BODY(a_length_beyond_the_end_is_refused, tc)
{
	(void)tc;
	refused(0, 11, 0xffffffffU, "x", 1, "beyond the end");
	refused(0, 11, 2, "x", 1, "beyond the end");
}

ATF_TC_WITHOUT_HEAD(a_second_value_is_refused);
ATF_TC_BODY(a_second_value_is_refused, tc)
{
	(void)tc;
	refused(0, 10, 3, "www", 3, "a second value in name");
	refused(0, 29, 8, "\0\0\0\0\0\0\0\1", 8,
	    "a second value in max_children");
}

ATF_TC_WITHOUT_HEAD(an_unknown_tag_is_refused);
ATF_TC_BODY(an_unknown_tag_is_refused, tc)
{
	(void)tc;
	refused(0, 0, 0, "", 0, "an unknown tag");
	refused(0, 255, 1, "x", 1, "an unknown tag");
	refused(0, 1, 1, "x", 1, "an unknown tag");
}

/*
 * A number left out is refused, not read as 0: the pool's uid and
 * setuser among them, which a worker would otherwise keep as root.
 */
ATF_TC_WITHOUT_HEAD(a_missing_number_is_refused);
ATF_TC_BODY(a_missing_number_is_refused, tc)
{
	uint8_t		*data, *cut;
	size_t		 len, off, n, cutlen = 0;
	uint32_t	 vlen;
	char		 why[256];

	(void)tc;
	setup();
	confwire_encode(&wc, &data, &len);
	ATF_REQUIRE((cut = malloc(len)) != NULL);
	for (off = 0; off + 5 <= len; off += n) {
		vlen = (uint32_t)data[off + 1] << 24 |
		    (uint32_t)data[off + 2] << 16 |
		    (uint32_t)data[off + 3] << 8 | data[off + 4];
		n = 5 + vlen;
		if (data[off] != 15) {
			memcpy(cut + cutlen, data + off, n);
			cutlen += n;
		}
	}
	ATF_REQUIRE_EQ(cutlen + 5 + 8, len);
	ATF_CHECK_EQ(decode(cut, cutlen, 0, why, sizeof(why)), CONFWIRE_BAD);
	ATF_CHECK_MSG(strstr(why, "no value in uid") != NULL, "why: %s", why);
	free(cut);
	free(data);
}

ATF_TC_WITHOUT_HEAD(a_nul_in_a_string_is_refused);
ATF_TC_BODY(a_nul_in_a_string_is_refused, tc)
{
	(void)tc;
	refused(0, 22, 9, "A=1\0B=2xx", 9, "a bad entry in env");
	refused(1, 19, 3, "/\0x", 3, "a NUL in chroot");
}

ATF_TC_WITHOUT_HEAD(a_number_that_does_not_fit_is_refused);
ATF_TC_BODY(a_number_that_does_not_fit_is_refused, tc)
{
	(void)tc;
	refused(1, 26, 8, "\0\0\0\1\0\0\0\0", 8, "out of range in priority");
	refused(1, 26, 8, "\377\377\377\376\377\377\377\377", 8,
	    "out of range in priority");
	refused(1, 28, 8, "\0\0\0\0\0\0\0\3", 8, "out of range in pm");
	refused(1, 26, 4, "\0\0\0\1", 4, "out of range in priority");
	refused(0, 18, 8, "\0\0\0\1\0\0\0\0", 8, "a bad entry in groups");
	/* An IPv4 prefix longer than 32 bits, a family that is neither. */
	refused(0, 13, 18, "\4\41................", 18, "a bad entry in acl");
	refused(0, 13, 18, "\5\1................", 18, "a bad entry in acl");
}

/* Random records after the identity: refused or not, never a crash. */
ATF_TC_WITHOUT_HEAD(random_bytes_never_crash_it);
ATF_TC_BODY(random_bytes_never_crash_it, tc)
{
	uint8_t	*data, *buf;
	size_t	 len, idlen, n, i;
	char	 why[256];
	int	 round;

	(void)tc;
	setup();
	confwire_encode(&wc, &data, &len);
	idlen = id_len(data);
	buf = malloc(idlen + 4096);
	ATF_REQUIRE(buf != NULL);
	memcpy(buf, data, idlen);
	srandom(17);
	for (round = 0; round < 20000; round++) {
		n = (size_t)random() % 4096;
		for (i = 0; i < n; i++)
			buf[idlen + i] = (uint8_t)(random() % 4 == 0 ?
			    random() % 60 : random());
		(void)decode(buf, idlen + n, 0, why, sizeof(why));
	}
	free(buf);
	free(data);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, round_trip);
	ATF_TP_ADD_TC(tp, unset_strings_stay_unset);
	ATF_TP_ADD_TC(tp, another_build_is_refused);
	ATF_TP_ADD_TC(tp, a_record_cut_short_is_refused);
	ATF_TP_ADD_TC(tp, a_length_beyond_the_end_is_refused);
	ATF_TP_ADD_TC(tp, a_second_value_is_refused);
	ATF_TP_ADD_TC(tp, an_unknown_tag_is_refused);
	ATF_TP_ADD_TC(tp, a_missing_number_is_refused);
	ATF_TP_ADD_TC(tp, a_nul_in_a_string_is_refused);
	ATF_TP_ADD_TC(tp, a_number_that_does_not_fit_is_refused);
	ATF_TP_ADD_TC(tp, random_bytes_never_crash_it);
	return atf_no_error();
}
