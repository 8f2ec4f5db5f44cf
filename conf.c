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
 * The configuration file: php-fpm's INI syntax and key names.  A
 * [global] section and one [name] section per pool, which a later
 * [name] reopens; ';' and '#' comments; values bare, "double-quoted",
 * where \" \\ and \$ stand for the character, or 'single-quoted'; $pool
 * and ${ENV} expanded outside single quotes; time values with s, m, h or
 * d; include = glob.  Every key is in one table with its section, its
 * parser, the field it sets and its default, which an empty value puts
 * back.  Relative paths are made absolute with the pool's or the global
 * prefix once the file is read, as php-fpm does.  Errors and warnings
 * name file:line and the key, and one load reports every error, up to
 * CONF_MAX_ERRORS.  php-fpm's keys that fpmd has no use for are read
 * with a warning, so that a php-fpm file needs no edits; its PHP
 * settings become php-cgi's -d arguments.  Once the text is read, what
 * it alone tells wrong is said here: a pool without listen or pm, two
 * pools on one address, and the like.  What it asks of the system,
 * its users, directories and php-cgi, confcheck.c checks after the
 * parse, through conf_pool_err() and its kin: nothing here looks up a
 * name or stats a path, so that a fuzzer can drive the parser alone.
 * The master runs this, at start and on each reload.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "fpmd.h"
#include "master.h"
#include "accessfmt.h"
#include "log.h"
#include "proto.h"

#define CONF_MAX_DEPTH	8		/* include nesting */
#define CONF_MAX_ERRORS	20		/* reported by one load */
#define CONF_VALUE_MAX	4096

enum { IN_GLOBAL = 1, IN_POOL = 2, IN_ANY = 3 };

/* pm before the file sets it: pool.c's switches know only the three. */
#define PM_UNSET	((enum pm_style)-1)

struct conf_parse;

struct key;
typedef int	(*setter)(struct conf_parse *, const struct key *, void *,
		    const char *);

/*
 * How a field is stored, for its reset, conf_dump() and
 * conf_pool_diff().  T_PATH is a string that, where it names a file,
 * is made absolute with the prefix once the file is read
 * (keys_resolve()): the table's T_PATH keys are the one list of them.
 */
enum kind {
	T_NONE, T_STR, T_PATH, T_BOOL, T_INT, T_LONG, T_SIZE, T_TIME, T_MODE,
	T_RLIMIT, T_CORE, T_PRIO, T_PM, T_LEVEL, T_FACILITY, T_ACL, T_LIST
};

struct key {
	const char	*name;
	int		 where;
	setter		 set;
	enum kind	 kind;
	size_t		 off;
	size_t		 off2;		/* T_LIST: the count; T_CORE: "set" */
	long		 min;
	const char	*def;		/* the default as a value; NULL: none */
};

static int	set_str(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_abs(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_bool(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_int(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_priority(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_size(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_time(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_mode(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_rlimit(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_pm(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_level(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_facility(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_events(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_listen(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_clients(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_uri(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_format(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_extensions(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_params(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_include(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_exec(struct conf_parse *, const struct key *, void *,
		    const char *);
static int	set_exec_mode(struct conf_parse *, const struct key *, void *,
		    const char *);

#define G(f)	offsetof(struct conf, f)
#define P(f)	offsetof(struct pool_conf, f)
/* A number's macro as a value, for a default that lives elsewhere. */
#define STR(n)		STR_(n)
#define STR_(n)		#n

/* php-fpm's access.format when access.log is set and it is not. */
#define ACCESS_FORMAT	"%R - %u %t \"%m %r\" %s"

static const struct key keys[] = {
	{ "prefix", IN_GLOBAL, set_abs, T_STR,
	    G(prefix), 0, 0, NULL },
	{ "pid", IN_GLOBAL, set_str, T_PATH,
	    G(pid), 0, 0, NULL },
	{ "error_log", IN_GLOBAL, set_str, T_PATH,
	    G(error_log), 0, 0, "syslog" },
	{ "syslog.facility", IN_GLOBAL, set_facility, T_FACILITY,
	    G(syslog_facility), 0, 0, "daemon" },
	{ "syslog.ident", IN_GLOBAL, set_str, T_STR,
	    G(syslog_ident), 0, 0, "fpmd" },
	{ "log_level", IN_GLOBAL, set_level, T_LEVEL,
	    G(log_level), 0, 0, "notice" },
	{ "daemonize", IN_GLOBAL, set_bool, T_BOOL,
	    G(daemonize), 0, 0, "yes" },
	{ "events.mechanism", IN_GLOBAL, set_events, T_STR,
	    G(events), 0, 0, NULL },
	{ "process_control_timeout", IN_GLOBAL, set_time, T_TIME,
	    G(process_control_timeout_ms), 0, 0, "10s" },
	{ "process.priority", IN_GLOBAL, set_priority, T_PRIO,
	    G(priority), 0, 0, NULL },
	{ "rlimit_files", IN_GLOBAL, set_rlimit, T_RLIMIT,
	    G(rlimit_files), 0, 1, NULL },
	{ "rlimit_core", IN_GLOBAL, set_rlimit, T_CORE,
	    G(rlimit_core), G(set_rlimit_core), 0, NULL },
	{ "emergency_restart_threshold", IN_GLOBAL, set_int, T_INT,
	    G(emergency_restart_threshold), 0, 0, NULL },
	{ "emergency_restart_interval", IN_GLOBAL, set_time, T_TIME,
	    G(emergency_restart_interval_ms), 0, 0, NULL },
	{ "systemd_interval", IN_GLOBAL, set_time, T_TIME,
	    G(systemd_interval_ms), 0, 0, "10s" },
	{ "php.cgi", IN_GLOBAL, set_abs, T_STR,
	    G(php_cgi), 0, 0, NULL },
	{ "include", IN_ANY, set_include, T_NONE,
	    0, 0, 0, NULL },
	{ "prefix", IN_POOL, set_str, T_STR,
	    P(prefix), 0, 0, NULL },
	{ "listen", IN_POOL, set_listen, T_PATH,
	    P(listen), 0, 0, NULL },
	{ "listen.backlog", IN_POOL, set_int, T_INT,
	    P(backlog), 0, -1, "-1" },
	{ "listen.owner", IN_POOL, set_str, T_STR,
	    P(listen_owner), 0, 0, NULL },
	{ "listen.group", IN_POOL, set_str, T_STR,
	    P(listen_group), 0, 0, NULL },
	{ "listen.mode", IN_POOL, set_mode, T_MODE,
	    P(listen_mode), 0, 0, "0660" },
	{ "listen.allowed_clients", IN_POOL, set_clients, T_ACL,
	    P(allowed_clients), 0, 0, NULL },
#if CONF_LISTEN_ACL
	{ "listen.acl_users", IN_POOL, set_str, T_STR,
	    P(acl_users), 0, 0, NULL },
	{ "listen.acl_groups", IN_POOL, set_str, T_STR,
	    P(acl_groups), 0, 0, NULL },
#endif
	{ "pm.status_listen", IN_POOL, set_listen, T_PATH,
	    P(status_listen), 0, 0, NULL },
	{ "user", IN_POOL, set_str, T_STR,
	    P(user), 0, 0, NULL },
	{ "group", IN_POOL, set_str, T_STR,
	    P(group), 0, 0, NULL },
	{ "chroot", IN_POOL, set_str, T_PATH,
	    P(chroot), 0, 0, NULL },
	{ "chdir", IN_POOL, set_str, T_PATH,
	    P(chdir), 0, 0, NULL },
	{ "clear_env", IN_POOL, set_bool, T_BOOL,
	    P(clear_env), 0, 0, "yes" },
	{ "process.priority", IN_POOL, set_priority, T_PRIO,
	    P(priority), 0, 0, NULL },
#if CONF_DUMPABLE
	{ "process.dumpable", IN_POOL, set_bool, T_BOOL,
	    P(dumpable), 0, 0, NULL },
#endif
	{ "rlimit_files", IN_POOL, set_rlimit, T_RLIMIT,
	    P(rlimit_files), 0, 1, NULL },
	{ "rlimit_core", IN_POOL, set_rlimit, T_CORE,
	    P(rlimit_core), P(set_rlimit_core), 0, NULL },
	{ "pm", IN_POOL, set_pm, T_PM,
	    P(pm), 0, 0, NULL },
	{ "pm.max_children", IN_POOL, set_int, T_INT,
	    P(max_children), 0, 1, NULL },
	{ "pm.start_servers", IN_POOL, set_int, T_INT,
	    P(start_servers), 0, 1, NULL },
	{ "pm.min_spare_servers", IN_POOL, set_int, T_INT,
	    P(min_spare), 0, 1, NULL },
	{ "pm.max_spare_servers", IN_POOL, set_int, T_INT,
	    P(max_spare), 0, 1, NULL },
	{ "pm.max_spawn_rate", IN_POOL, set_int, T_INT,
	    P(max_spawn_rate), 0, 1, "32" },
	{ "pm.process_idle_timeout", IN_POOL, set_time, T_TIME,
	    P(idle_timeout_ms), 0, 1, "10s" },
	{ "pm.max_requests", IN_POOL, set_int, T_LONG,
	    P(max_requests), 0, 0, NULL },
	{ "pm.status_path", IN_POOL, set_uri, T_STR,
	    P(status_path), 0, 0, NULL },
	{ "ping.path", IN_POOL, set_uri, T_STR,
	    P(ping_path), 0, 0, NULL },
	{ "ping.response", IN_POOL, set_str, T_STR,
	    P(ping_response), 0, 0, "pong" },
	{ "access.log", IN_POOL, set_str, T_PATH,
	    P(access_log), 0, 0, NULL },
	{ "access.format", IN_POOL, set_format, T_STR,
	    P(access_format), 0, 0, ACCESS_FORMAT },
	{ "slowlog", IN_POOL, set_str, T_PATH,
	    P(slowlog), 0, 0, NULL },
	{ "request_slowlog_timeout", IN_POOL, set_time, T_TIME,
	    P(slowlog_timeout_ms), 0, 0, NULL },
	{ "request_slowlog_trace_depth", IN_POOL, set_int, T_INT,
	    P(slowlog_trace_depth), 0, 1, "20" },
	{ "request_terminate_timeout", IN_POOL, set_time, T_TIME,
	    P(terminate_timeout_ms), 0, 0, NULL },
	{ "request_terminate_timeout_track_finished", IN_POOL, set_bool,
	    T_BOOL, P(terminate_track_finished), 0, 0, NULL },
	{ "fastcgi.read_timeout", IN_POOL, set_time, T_TIME,
	    P(read_timeout_ms), 0, 1, "60s" },
	{ "fastcgi.keep_conn_timeout", IN_POOL, set_time, T_TIME,
	    P(keep_conn_timeout_ms), 0, 1, "10s" },
	{ "fastcgi.begin_timeout", IN_POOL, set_time, T_TIME,
	    P(begin_timeout_ms), 0, 1, "5s" },
	{ "fastcgi.max_params_size", IN_POOL, set_size, T_SIZE,
	    P(max_params_size), 0, 1024, STR(PROTO_DEFAULT_MAX_PARAMS_SIZE) },
	{ "fastcgi.max_params", IN_POOL, set_size, T_SIZE,
	    P(max_params), 0, 1, STR(PROTO_DEFAULT_MAX_PARAMS) },
	{ "exec", IN_POOL, set_exec, T_STR,
	    P(exec), 0, 0, NULL },
	{ "exec.mode", IN_POOL, set_exec_mode, T_STR,
	    P(exec_mode), 0, 0, NULL },
	{ "cgi.root", IN_POOL, set_abs, T_STR,
	    P(cgi_root), 0, 0, NULL },
	{ "security.limit_extensions", IN_POOL, set_extensions, T_LIST,
	    P(extensions), P(nextensions), 0, NULL },
	{ "cgi.allowed_params", IN_POOL, set_params, T_LIST,
	    P(allowed_params), P(nallowed_params), 0, NULL },
	{ "catch_workers_output", IN_POOL, set_bool, T_BOOL,
	    P(catch_output), 0, 0, NULL },
	{ "decorate_workers_output", IN_POOL, set_bool, T_BOOL,
	    P(decorate_output), 0, 0, "yes" },
	{ "cgi.max_body_size", IN_POOL, set_size, T_SIZE,
	    P(max_body_bytes), 0, 0, "64m" },
	{ "cgi.body_temp_dir", IN_POOL, set_str, T_PATH,
	    P(body_temp_dir), 0, 0, NULL },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/*
 * php-fpm's keys that fpmd does not implement here; in place of a
 * default, why not.
 */
#define U(name, where, why)	{ name, where, NULL, T_NONE, 0, 0, 0, why }

static const struct key unsupported[] = {
	U("log_limit", IN_GLOBAL, "fpmd's log lines are at most 1024 bytes"),
	U("log_buffering", IN_GLOBAL, "fpmd writes each log line whole"),
	U("process.max", IN_GLOBAL, "fpmd limits the workers of each pool, "
	    "with pm.max_children"),
	U("listen.setfib", IN_POOL, "fpmd does not choose a socket's "
	    "routing table"),
	U("apparmor_hat", IN_POOL, "fpmd does not link libapparmor"),
#if !CONF_LISTEN_ACL
	U("listen.acl_users", IN_POOL, "this system's libc has no POSIX.1e "
	    "ACLs"),
	U("listen.acl_groups", IN_POOL, "this system's libc has no POSIX.1e "
	    "ACLs"),
#endif
#if !CONF_DUMPABLE
	U("process.dumpable", IN_POOL, "this system has no "
	    "prctl(PR_SET_DUMPABLE)"),
#endif
};

#define NUNSUPPORTED	(sizeof(unsupported) / sizeof(unsupported[0]))

struct conf_parse {
	struct conf		*conf;
	struct pool_conf	*pool;		/* NULL in [global] */
	const char		*file;		/* one of files[] */
	int			 line;
	int			 depth;
	int			 skip;		/* after a bad section header */
	int			 nerrors;
	unsigned int		 unsupported_warned;	/* by index */
	struct conf_at		 global_at[NKEYS];	/* where each was set */
	const struct conf_php	*php;		/* php-fpm mode's, or NULL */
	char			**files;	/* every file read */
	size_t			 nfiles;
	void			(*report)(const char *);
};

static void	 parse_file(struct conf_parse *, const char *);
static void	 parse_stream(struct conf_parse *, FILE *);

/*
 * Say an error or a warning, "file:line: key: text", through the
 * caller's report function.  Errors are counted; past CONF_MAX_ERRORS
 * nothing more is said, and the load stops reading.
 */
static void
conf_vsay(struct conf_parse *p, int error, const char *file, int line,
    const char *key, const char *fmt, va_list ap)
{
	char	 msg[1024], at[16] = "";
	int	 n;

	if (p->nerrors >= CONF_MAX_ERRORS)
		return;
	if (line > 0)
		snprintf(at, sizeof(at), ":%d", line);
	n = snprintf(msg, sizeof(msg), "%s%s: %s%s", file, at,
	    key != NULL ? key : "", key != NULL ? ": " : "");
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	p->report(msg);
	if (error && ++p->nerrors == CONF_MAX_ERRORS) {
		snprintf(msg, sizeof(msg), "%s: %d errors; stopping there",
		    p->conf->file, CONF_MAX_ERRORS);
		p->report(msg);
	}
}

void
conf_say(struct conf_parse *p, int error, const char *file, int line,
    const char *key, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conf_vsay(p, error, file, line, key, fmt, ap);
	va_end(ap);
}

/* An error at the line being read; always -1. */
static int
conf_err(struct conf_parse *p, const char *key, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conf_vsay(p, 1, p->file, p->line, key, fmt, ap);
	va_end(ap);
	return -1;
}

static void
conf_warn(struct conf_parse *p, const char *key, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conf_vsay(p, 0, p->file, p->line, key, fmt, ap);
	va_end(ap);
}

/* The index of name in a table of keys, in a section of where. */
static int
table_find(const struct key *table, size_t n, const char *name, int where)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((table[i].where & where) != 0 &&
		    strcasecmp(table[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
key_find(const char *name, int where)
{
	return table_find(keys, NKEYS, name, where);
}

/*
 * Say something about a pool's key at the line that set it, or at
 * [name] if none did.  An error about a key whose value was refused has
 * been said already.
 */
static void
pool_vsay(struct conf_parse *p, struct pool_conf *pc, int error,
    const char *key, const char *fmt, va_list ap)
{
	char		 name[128];
	const char	*file = pc->file;
	int		 i, line = pc->line;

	if ((i = key_find(key, IN_POOL)) >= 0 && pc->set_at[i].line != 0) {
		if (pc->set_at[i].line < 0 && error)
			return;
		file = pc->set_at[i].file;
		line = abs(pc->set_at[i].line);
	}
	snprintf(name, sizeof(name), "[%s] %s", pc->name, key);
	conf_vsay(p, error, file, line, name, fmt, ap);
}

/* An error about a pool; always -1. */
int
conf_pool_err(struct conf_parse *p, struct pool_conf *pc, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	pool_vsay(p, pc, 1, key, fmt, ap);
	va_end(ap);
	return -1;
}

void
conf_pool_warn(struct conf_parse *p, struct pool_conf *pc, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	pool_vsay(p, pc, 0, key, fmt, ap);
	va_end(ap);
}

/* A warning about a global key, at the line that set it. */
void
conf_global_warn(struct conf_parse *p, const char *key, const char *fmt, ...)
{
	va_list		 ap;
	const char	*file = p->conf->file;
	int		 i, line = 0;

	if ((i = key_find(key, IN_GLOBAL)) >= 0 && p->global_at[i].line > 0) {
		file = p->global_at[i].file;
		line = p->global_at[i].line;
	}
	va_start(ap, fmt);
	conf_vsay(p, 0, file, line, key, fmt, ap);
	va_end(ap);
}

static void *
field(void *base, const struct key *k)
{
	return (char *)base + k->off;
}

static int
set_str(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	char	**dst = field(base, k);

	(void)p;
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int
set_abs(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	if (v[0] != '/')
		return conf_err(p, k->name, "'%s' is not an absolute path", v);
	return set_str(p, k, base, v);
}

/* exec = /path/to/app [args]: words split at blanks, in the worker. */
static int
set_exec(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	if (v[0] != '/')
		return conf_err(p, k->name, "'%s' does not start with the "
		    "program's absolute path", v);
	return set_str(p, k, base, v);
}

/* exec.mode = worker or shared; unset, check_exec_mode() decides. */
static int
set_exec_mode(struct conf_parse *p, const struct key *k, void *base,
    const char *v)
{
	if (strcmp(v, "worker") != 0 && strcmp(v, "shared") != 0)
		return conf_err(p, k->name, "'%s' is not worker or shared", v);
	return set_str(p, k, base, v);
}

static int
set_uri(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	if (v[0] != '/')
		return conf_err(p, k->name, "'%s' does not start with /", v);
	return set_str(p, k, base, v);
}

/* Booleans as PHP's INI reads them: 1, 0, or -1 for neither. */
static int
bool_value(const char *v)
{
	static const char *const yes[] = { "yes", "on", "true", "1", NULL };
	static const char *const no[] = { "no", "off", "false", "0", "none",
	    "null", "", NULL };
	int	 i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -1;
}

/* An empty value is no, as in PHP's INI. */
static int
set_bool(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	int	 b;

	if ((b = bool_value(v)) == -1)
		return conf_err(p, k->name, "'%s' is not yes or no", v);
	*(int *)field(base, k) = b;
	return 0;
}

/* A decimal number with an optional unit; -1 if it is not one. */
static int
parse_number(const char *v, const char *units, const long long *mult,
    long long min, long long *out)
{
	char		*end;
	long long	 n;
	const char	*u;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (end == v || errno != 0)
		return -1;
	if (*end != '\0') {
		if (units == NULL || end[1] != '\0' || n < 0 ||
		    (u = strchr(units, tolower((unsigned char)*end))) == NULL)
			return -1;
		if (n > LLONG_MAX / mult[u - units])
			return -1;
		n *= mult[u - units];
	}
	if (n < min)
		return -1;
	*out = n;
	return 0;
}

/* An int or a long field, as the key's kind says. */
static int
set_int(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	long long	 n;

	if (parse_number(v, NULL, NULL, k->min, &n) == -1 ||
	    n > (k->kind == T_INT ? INT_MAX : LONG_MAX))
		return conf_err(p, k->name, "'%s' is not a number of at "
		    "least %ld", v, k->min);
	if (k->kind == T_INT)
		*(int *)field(base, k) = (int)n;
	else
		*(long *)field(base, k) = (long)n;
	return 0;
}

static int
set_size(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	static const long long	 mult[] = { 1024, 1024 * 1024,
	    1024 * 1024 * 1024 };
	long long		 n;

	if (parse_number(v, "kmg", mult, k->min, &n) == -1 ||
	    (unsigned long long)n > SIZE_MAX / 2)
		return conf_err(p, k->name, "'%s' is not a size of at least "
		    "%ld (k, m and g suffixes allowed)", v, k->min);
	*(size_t *)field(base, k) = (size_t)n;
	return 0;
}

/*
 * Seconds, or a number with s, m, h or d; stored in milliseconds.  At
 * most CONF_TIME_MAX_S.
 */
static int
conf_parse_time(const char *v, int64_t *ms)
{
	static const long long	 mult[] = { 1, 60, 3600, 86400 };
	long long		 n;

	if (parse_number(v, "smhd", mult, 0, &n) == -1 || n > CONF_TIME_MAX_S)
		return -1;
	*ms = n * 1000;
	return 0;
}

static int
set_time(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	int64_t	 ms;

	if (conf_parse_time(v, &ms) == -1 || ms < k->min * 1000)
		return conf_err(p, k->name, "'%s' is not a time from %lds to "
		    "24d (s, m, h and d suffixes allowed)", v, k->min);
	*(int64_t *)field(base, k) = ms;
	return 0;
}

static int
set_mode(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	char		*end;
	unsigned long	 m;

	m = strtoul(v, &end, 8);
	if (*v == '\0' || *end != '\0' || m > 07777)
		return conf_err(p, k->name, "'%s' is not an octal mode", v);
	*(mode_t *)field(base, k) = (mode_t)m;
	return 0;
}

/* rlimit_core's flag says it is set, since 0 is a limit too. */
static int
set_rlimit(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	long long	 n;

	if (strcasecmp(v, "unlimited") == 0)
		*(rlim_t *)field(base, k) = RLIM_INFINITY;
	else if (parse_number(v, NULL, NULL, k->min, &n) == 0)
		*(rlim_t *)field(base, k) = (rlim_t)n;
	else
		return conf_err(p, k->name, "'%s' is not a number of at least "
		    "%ld or 'unlimited'", v, k->min);
	if (k->kind == T_CORE)
		*(int *)((char *)base + k->off2) = 1;
	return 0;
}

/* A nice(1) value; php-fpm allows -19 to 20, setpriority(2) -20 to 20. */
static int
set_priority(struct conf_parse *p, const struct key *k, void *base,
    const char *v)
{
	long long	 n;

	if (parse_number(v, NULL, NULL, -20, &n) == -1 || n > 20)
		return conf_err(p, k->name, "'%s' is not a priority from -20 "
		    "to 20", v);
	*(int *)field(base, k) = (int)n;
	return 0;
}

static int
set_pm(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	enum pm_style	*dst = field(base, k);

	if (strcmp(v, "static") == 0)
		*dst = PM_STATIC;
	else if (strcmp(v, "ondemand") == 0)
		*dst = PM_ONDEMAND;
	else if (strcmp(v, "dynamic") == 0)
		*dst = PM_DYNAMIC;
	else
		return conf_err(p, k->name, "'%s' is not static, ondemand or "
		    "dynamic", v);
	return 0;
}

static int
set_level(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	int	 pri;

	if ((pri = log_level(v)) == -1)
		return conf_err(p, k->name, "'%s' is not alert, error, "
		    "warning, notice or debug", v);
	*(int *)field(base, k) = pri;
	return 0;
}

static const struct {
	const char	*name;
	int		 facility;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
	{ "kern", LOG_KERN }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
	{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
	{ "uucp", LOG_UUCP }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 },
};

static int
set_facility(struct conf_parse *p, const struct key *k, void *base,
    const char *v)
{
	size_t	 i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(v, facilities[i].name) == 0) {
			*(int *)field(base, k) = facilities[i].facility;
			return 0;
		}
	return conf_err(p, k->name, "'%s' is not a syslog facility", v);
}

static int
set_events(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	char		 built[64] = "";
	const char	*name;
	int		 i;

	for (i = 0; (name = ev_backend_name(i)) != NULL; i++) {
		if (strcmp(v, name) == 0)
			return set_str(p, k, base, v);
		strlcat(built, i > 0 ? ", " : "", sizeof(built));
		strlcat(built, name, sizeof(built));
	}
	return conf_err(p, k->name, "'%s' is not built in (this build has "
	    "%s)", v, built);
}

/* A unix socket, as php-fpm tells: no ':' and not a port number. */
static int
listen_is_unix(const char *v)
{
	return strchr(v, ':') == NULL &&
	    strspn(v, "0123456789") != strlen(v);
}

/*
 * listen and pm.status_listen: ip:port, [ipv6]:port, a port, or a unix
 * socket's path, made absolute with the prefix if it is relative.
 */
static int
set_listen(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	const char	*port;
	long long	 n;

	if (listen_is_unix(v))
		return set_str(p, k, base, v);
	port = strrchr(v, ':');
	if (port == NULL)
		port = v;
	else if (port == v || (v[0] == '[' && port[-1] != ']'))
		return conf_err(p, k->name, "'%s' is not /path, address:port "
		    "or port", v);
	else
		port++;
	if (parse_number(port, NULL, NULL, 1, &n) == -1 || n > 65535)
		return conf_err(p, k->name, "'%s': '%s' is not a port number",
		    v, port);
	return set_str(p, k, base, v);
}

/* One address or CIDR prefix of listen.allowed_clients. */
static int
parse_acl(const char *s, struct acl *a)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash;
	long long	 bits;
	int		 max;

	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf))
		return -1;
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, a->addr) == 1) {
		a->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, a->addr) == 1) {
		a->family = AF_INET6;
		max = 128;
	} else
		return -1;
	a->bits = max;
	if (slash != NULL) {
		if (parse_number(slash, NULL, NULL, 0, &bits) == -1 ||
		    bits > max)
			return -1;
		a->bits = (int)bits;
	}
	return 0;
}

static int
set_clients(struct conf_parse *p, const struct key *k, void *base,
    const char *v)
{
	struct pool_conf	*pc = base;
	char			*list, *s, *next;

	list = xstrdup(v);
	free(pc->acl);
	pc->acl = NULL;
	pc->nacl = 0;
	for (s = list; s != NULL; s = next) {
		if ((next = strchr(s, ',')) != NULL)
			*next++ = '\0';
		s += strspn(s, " \t");
		s[strcspn(s, " \t")] = '\0';
		if (*s == '\0')
			continue;
		pc->acl = xreallocarray(pc->acl, pc->nacl + 1,
		    sizeof(*pc->acl));
		if (parse_acl(s, &pc->acl[pc->nacl]) == -1) {
			conf_err(p, k->name, "'%s' is not an IPv4 or IPv6 "
			    "address or prefix", s);
			free(list);
			return -1;
		}
		pc->nacl++;
	}
	free(list);
	return set_str(p, k, base, v);
}

/* Why a word cannot be in a list of a key, or NULL if it can. */
typedef const char	*(*word_check)(const char *);

/* A list of words apart by spaces, tabs or commas, each passing check. */
static int
set_list(struct conf_parse *p, const struct key *k, void *base, const char *v,
    word_check check)
{
	char		***list = field(base, k), *copy, *s, *last;
	size_t		*n = (size_t *)((char *)base + k->off2);
	const char	*why;

	strlist_free(*list, *n);
	*list = NULL;
	*n = 0;
	copy = xstrdup(v);
	for (s = strtok_r(copy, " \t,", &last); s != NULL;
	    s = strtok_r(NULL, " \t,", &last)) {
		if ((why = check(s)) != NULL) {
			conf_err(p, k->name, "'%s' %s", s, why);
			free(copy);
			return -1;
		}
		strlist_add(list, n, s);
	}
	free(copy);
	return 0;
}

static const char *
extension_check(const char *s)
{
	return s[0] != '.' || s[1] == '\0' ?
	    "is not an extension such as .cgi" : NULL;
}

static int
set_extensions(struct conf_parse *p, const struct key *k, void *base,
    const char *v)
{
	return set_list(p, k, base, v, extension_check);
}

/* A param's name, or a prefix of names ending in '*' (cgi.c). */
static const char *
param_check(const char *s)
{
	const char	*star;

	star = strchr(s, '*');
	if (strchr(s, '=') != NULL)
		return "is not a variable name";
	if (star != NULL && star[1] != '\0')
		return "has a '*' that does not end it";
	if (star == s)
		return "would let any param through, LD_PRELOAD too; name "
		    "them, or their prefix";
	return NULL;
}

static int
set_params(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	return set_list(p, k, base, v, param_check);
}

/* access.format: every code and {modifier} one php-fpm takes. */
static int
set_format(struct conf_parse *p, const struct key *k, void *base, const char *v)
{
	struct accessfmt_step	 st;
	const char		*s = v, *next, *code, *why;
	int			 n;

	while ((next = accessfmt_next(s, &st)) != NULL) {
		code = st.text + st.textlen;
		n = (int)(next - code);
		switch (accessfmt_check(&st, &why)) {
		case ACCESSFMT_UNCLOSED:
			return conf_err(p, k->name, "'%s': a '{' without '}'",
			    code);
		case ACCESSFMT_UNKNOWN:
			return conf_err(p, k->name, "'%.*s' is not one of "
			    "php-fpm's codes", n, code);
		case ACCESSFMT_MODIFIER:
			return conf_err(p, k->name, "'%.*s': %s", n, code, why);
		case ACCESSFMT_OK:
			break;
		}
		s = next;
	}
	return set_str(p, k, base, v);
}

/* env[NAME] = value; a value of $NAME takes fpmd's own variable. */
static int
set_env(struct conf_parse *p, const char *key, const char *v)
{
	struct pool_conf	*pc = p->pool;
	const char		*name = key + 4;
	size_t			 nlen = strlen(name) - 1, i;
	char			*entry;

	if (nlen == 0 || memchr(name, '=', nlen) != NULL)
		return conf_err(p, key, "not a variable name");
	if (v[0] == '$' && (v = getenv(v + 1)) == NULL)
		v = "";
	entry = xenvvar(name, nlen, v, strlen(v));
	if ((i = strlist_var(pc->env, pc->nenv, name, nlen)) < pc->nenv) {
		free(pc->env[i]);
		pc->env[i] = entry;
		return 0;
	}
	strlist_add(&pc->env, &pc->nenv, entry);
	free(entry);
	return 0;
}

/* access.suppress_path[] = /path, one path a line; empty adds none. */
static int
set_suppress(struct conf_parse *p, const char *key, const char *v)
{
	struct pool_conf	*pc = p->pool;

	if (strcmp(strchr(key, '['), "[]") != 0)
		return conf_err(p, key, "takes no name between [ and ]");
	if (v[0] == '\0')
		return 0;
	if (v[0] != '/')
		return conf_err(p, key, "'%s' does not start with /", v);
	strlist_add(&pc->suppress_paths, &pc->nsuppress_paths, v);
	return 0;
}

/*
 * php_value[name] = value and its kin, kept as php-cgi's "-d"
 * "name=value": a later setting of a name replaces the earlier one,
 * and a flag is 1 or 0, as php-fpm makes them.
 */
static int
set_php(struct conf_parse *p, const char *key, const char *v)
{
	struct pool_conf	*pc = p->pool;
	const char		*name;
	size_t			 nlen, size, i;
	char			*entry;
	int			 b;

	name = strchr(key, '[') + 1;
	nlen = strlen(name) - 1;
	if (nlen == 0 || memchr(name, '=', nlen) != NULL)
		return conf_err(p, key, "not a PHP setting's name");
	if (strstr(key, "_flag[") != NULL) {
		if ((b = bool_value(v)) == -1)
			return conf_err(p, key, "'%s' is not on or off", v);
		v = b ? "1" : "0";
	}
	size = nlen + strlen(v) + 2;
	entry = xcalloc(1, size);
	snprintf(entry, size, "%.*s=%s", (int)nlen, name, v);
	for (i = 1; i < pc->nphp_args; i += 2)
		if (strncmp(pc->php_args[i], entry, nlen + 1) == 0) {
			free(pc->php_args[i]);
			pc->php_args[i] = entry;
			return 0;
		}
	strlist_add(&pc->php_args, &pc->nphp_args, "-d");
	strlist_add(&pc->php_args, &pc->nphp_args, entry);
	free(entry);
	return 0;
}

static int
set_include(struct conf_parse *p, const struct key *k, void *base,
    const char *v)
{
	glob_t			 g;
	char			 pattern[PATH_MAX], *slash;
	struct pool_conf	*section = p->pool;
	const char		*file = p->file;
	int			 line = p->line, r;
	size_t			 i;

	(void)base;
	if (v[0] == '/' || (slash = strrchr(file, '/')) == NULL)
		strlcpy(pattern, v, sizeof(pattern));
	else
		snprintf(pattern, sizeof(pattern), "%.*s/%s",
		    (int)(slash - file), file, v);
	if (p->depth >= CONF_MAX_DEPTH)
		return conf_err(p, k->name, "includes nest deeper than %d",
		    CONF_MAX_DEPTH);
	if ((r = glob(pattern, 0, NULL, &g)) == GLOB_NOMATCH)
		return 0;
	if (r != 0)
		return conf_err(p, k->name, "%s: cannot expand", pattern);
	p->depth++;
	for (i = 0; i < g.gl_pathc && p->nerrors < CONF_MAX_ERRORS; i++)
		parse_file(p, g.gl_pathv[i]);
	p->depth--;
	globfree(&g);
	p->pool = section;
	p->skip = 0;
	p->file = file;
	p->line = line;
	return 0;
}

/*
 * Put a key back as if the file had not set it: its default, or
 * nothing.  An empty value does this, and so does a new section.
 */
static void
key_reset(struct conf_parse *p, const struct key *k, void *base)
{
	void	*f = field(base, k);
	void	*f2 = (char *)base + k->off2;

	if (k->def != NULL) {
		k->set(p, k, base, k->def);
		return;
	}
	switch (k->kind) {
	case T_ACL:
		free(((struct pool_conf *)base)->acl);
		((struct pool_conf *)base)->acl = NULL;
		((struct pool_conf *)base)->nacl = 0;
		/* FALLTHROUGH */
	case T_STR:
	case T_PATH:
		free(*(char **)f);
		*(char **)f = NULL;
		break;
	case T_LIST:
		strlist_free(*(char ***)f, *(size_t *)f2);
		*(char ***)f = NULL;
		*(size_t *)f2 = 0;
		break;
	case T_CORE:
		*(int *)f2 = 0;
		/* FALLTHROUGH */
	case T_RLIMIT:
		*(rlim_t *)f = 0;
		break;
	case T_PRIO:
		*(int *)f = CONF_PRIORITY_UNSET;
		break;
	case T_PM:
		*(enum pm_style *)f = PM_UNSET;
		break;
	case T_LONG:
		*(long *)f = 0;
		break;
	case T_SIZE:
		*(size_t *)f = 0;
		break;
	case T_TIME:
		*(int64_t *)f = 0;
		break;
	case T_MODE:
		*(mode_t *)f = 0;
		break;
	case T_BOOL:
	case T_INT:
	case T_LEVEL:
	case T_FACILITY:
		*(int *)f = 0;
		break;
	case T_NONE:
		break;
	}
}

/* Every key of a section as if the file had not set it. */
static void
keys_reset(struct conf_parse *p, int where, void *base)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].where == where)
			key_reset(p, &keys[i], base);
}

/* Remember where a key was set, or that its value was refused. */
static struct conf_at *
key_at(struct conf_parse *p, int i)
{
	return p->pool != NULL ? &p->pool->set_at[i] : &p->global_at[i];
}

/* An empty value means unset, as in php-fpm; for a boolean, no. */
static int
key_apply(struct conf_parse *p, int i, const char *value)
{
	const struct key	*k = &keys[i];
	void			*base = p->pool != NULL ? (void *)p->pool :
				    (void *)p->conf;

	key_at(p, i)->file = p->file;
	key_at(p, i)->line = p->line;
	if (value[0] == '\0' && k->kind != T_BOOL) {
		key_reset(p, k, base);
		return 0;
	}
	if (k->set(p, k, base, value) == 0)
		return 0;
	key_at(p, i)->line = -p->line;
	return -1;
}

/* A key whose value could not be read: no later "missing" about it. */
static void
key_refused(struct conf_parse *p, const char *key)
{
	int	 i;

	if ((i = key_find(key, p->pool != NULL ? IN_POOL : IN_GLOBAL)) >= 0) {
		key_at(p, i)->file = p->file;
		key_at(p, i)->line = -p->line;
	}
}

static const struct {
	const char	*name;
	int		(*set)(struct conf_parse *, const char *, const char *);
} arrays[] = {
	{ "env", set_env },
	{ "access.suppress_path", set_suppress },
	{ "php_value", set_php },
	{ "php_flag", set_php },
	{ "php_admin_value", set_php },
	{ "php_admin_flag", set_php },
};

/* name[key] = value: every such key belongs in a pool. */
static int
key_array(struct conf_parse *p, const char *key, const char *value)
{
	size_t	 len = strcspn(key, "["), i;

	if (key[strlen(key) - 1] != ']')
		return conf_err(p, key, "unknown key");
	for (i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
		if (strlen(arrays[i].name) != len ||
		    strncmp(key, arrays[i].name, len) != 0)
			continue;
		if (p->pool == NULL)
			return conf_err(p, key, "belongs in a pool section");
		return arrays[i].set(p, key, value);
	}
	return conf_err(p, key, "unknown key");
}

static int
unsupported_find(const char *name, int where)
{
	return table_find(unsupported, NUNSUPPORTED, name, where);
}

/* A key fpmd does not implement: said once, unless it is left empty. */
static int
key_unsupported(struct conf_parse *p, int i, const char *value)
{
	if (value[0] == '\0' || (p->unsupported_warned & (1U << i)) != 0)
		return 0;
	conf_warn(p, unsupported[i].name, "not supported: %s",
	    unsupported[i].def);
	p->unsupported_warned |= 1U << i;
	return 0;
}

static int
key_set(struct conf_parse *p, const char *key, const char *value)
{
	int	 where = p->pool == NULL ? IN_GLOBAL : IN_POOL, i;

	if ((i = key_find(key, where)) >= 0)
		return key_apply(p, i, value);
	if (strchr(key, '[') != NULL)
		return key_array(p, key, value);
	if ((i = unsupported_find(key, where)) >= 0)
		return key_unsupported(p, i, value);
	if (key_find(key, IN_ANY) >= 0 || unsupported_find(key, IN_ANY) >= 0)
		return conf_err(p, key, "belongs in %s", where == IN_POOL ?
		    "[global]" : "a pool section");
	return conf_err(p, key, "unknown key");
}

/* A value being built, at most size - 1 bytes. */
struct value {
	char	*buf;
	size_t	 len;
	size_t	 size;
	int	 overflow;
};

static void
value_add(struct value *v, const char *s, size_t len)
{
	if (v->len + len >= v->size) {
		v->overflow = 1;
		return;
	}
	memcpy(v->buf + v->len, s, len);
	v->len += len;
}

/* At a '$': add $pool's or ${NAME}'s value; the bytes used, 0 if none. */
static size_t
value_expand(struct conf_parse *p, const char *s, struct value *v)
{
	const char	*end, *val;
	char		 name[256];
	size_t		 len;

	if (strncmp(s, "$pool", 5) == 0 && p->pool != NULL) {
		value_add(v, p->pool->name, strlen(p->pool->name));
		return 5;
	}
	if (strncmp(s, "${", 2) != 0 || (end = strchr(s, '}')) == NULL ||
	    (len = end - s - 2) >= sizeof(name))
		return 0;
	memcpy(name, s + 2, len);
	name[len] = '\0';
	if ((val = getenv(name)) != NULL)
		value_add(v, val, strlen(val));
	return len + 3;
}

/* A bare value ends at ';' and loses its trailing blanks. */
static void
value_bare(struct conf_parse *p, char *s, struct value *v)
{
	char	*end;
	size_t	 n;

	s[strcspn(s, ";")] = '\0';
	for (end = s + strlen(s); end > s && isspace((unsigned char)end[-1]);
	    end--)
		;
	*end = '\0';
	while (*s != '\0') {
		if (*s == '$' && (n = value_expand(p, s, v)) > 0)
			s += n;
		else
			value_add(v, s++, 1);
	}
}

/*
 * After the opening '"': \" \\ and \$ stand for the character, as in
 * PHP's INI, and any other backslash for itself.  What follows the
 * closing quote, or NULL if there is none.
 */
static char *
value_quoted(struct conf_parse *p, char *s, struct value *v)
{
	size_t	 n;

	while (*s != '"') {
		if (*s == '\0')
			return NULL;
		if (*s == '\\' && (s[1] == '"' || s[1] == '\\' ||
		    s[1] == '$')) {
			value_add(v, s + 1, 1);
			s += 2;
		} else if (*s == '$' && (n = value_expand(p, s, v)) > 0)
			s += n;
		else
			value_add(v, s++, 1);
	}
	return s + 1;
}

/* The value at s, unquoted and expanded, into out. */
static int
parse_value(struct conf_parse *p, const char *key, char *s, char *out,
    size_t size)
{
	struct value	 v = { out, 0, size, 0 };
	char		*rest = s + strlen(s);

	if (*s == '\'') {
		if ((rest = strchr(s + 1, '\'')) == NULL)
			return conf_err(p, key, "missing closing '");
		value_add(&v, s + 1, rest - s - 1);
		rest++;
	} else if (*s == '"') {
		if ((rest = value_quoted(p, s + 1, &v)) == NULL)
			return conf_err(p, key, "missing closing \"");
	} else
		value_bare(p, s, &v);
	rest += strspn(rest, " \t");
	if (*rest != '\0' && *rest != ';' && *rest != '#')
		return conf_err(p, key, "text after the closing quote");
	if (v.overflow)
		return conf_err(p, key, "longer than %zu bytes", size - 1);
	out[v.len] = '\0';
	return 0;
}

static struct pool_conf *
pool_conf_new(struct conf_parse *p, const char *name)
{
	struct pool_conf	*pc;

	pc = xcalloc(1, sizeof(*pc));
	pc->set_at = xcalloc(NKEYS, sizeof(*pc->set_at));
	pc->name = xstrdup(name);
	pc->file = xstrdup(p->file);
	pc->line = p->line;
	keys_reset(p, IN_POOL, pc);
	return pc;
}

/* [global], or a pool's [name]: a name seen before reopens its pool. */
static int
parse_section(struct conf_parse *p, char *s)
{
	struct pool_conf	*pc;
	size_t			 len = strlen(s);

	p->skip = 1;
	if (s[len - 1] != ']')
		return conf_err(p, NULL, "'%s': a section ends with ]", s);
	s[len - 1] = '\0';
	s++;
	if (strcasecmp(s, "global") == 0) {
		p->pool = NULL;
		p->skip = 0;
		return 0;
	}
	if (*s == '\0' || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(s))
		return conf_err(p, NULL, "[%s]: a pool name is letters, "
		    "digits, '.', '_' and '-'", s);
	p->skip = 0;
	TAILQ_FOREACH(pc, &p->conf->pools, entry)
		if (strcasecmp(pc->name, s) == 0) {
			p->pool = pc;
			return 0;
		}
	p->pool = pool_conf_new(p, s);
	TAILQ_INSERT_TAIL(&p->conf->pools, p->pool, entry);
	return 0;
}

static int
parse_line(struct conf_parse *p, char *s)
{
	char	*key, *v, *end, value[CONF_VALUE_MAX];

	s += strspn(s, " \t");
	for (end = s + strlen(s); end > s && isspace((unsigned char)end[-1]);
	    end--)
		;
	*end = '\0';
	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	if (*s == '[')
		return parse_section(p, s);
	if (p->skip)
		return 0;
	if ((v = strchr(s, '=')) == NULL)
		return conf_err(p, NULL, "'%s': expected key = value", s);
	key = s;
	for (end = v; end > key && isspace((unsigned char)end[-1]); end--)
		;
	*end = '\0';
	v++;
	v += strspn(v, " \t");
	if (*key == '\0')
		return conf_err(p, NULL, "a value without a key");
	if (parse_value(p, key, v, value, sizeof(value)) == -1) {
		key_refused(p, key);
		return -1;
	}
	return key_set(p, key, value);
}

/* Read every line, going on after an error, up to CONF_MAX_ERRORS. */
static void
parse_stream(struct conf_parse *p, FILE *f)
{
	char	*line = NULL;
	size_t	 size = 0;

	p->line = 0;
	while (p->nerrors < CONF_MAX_ERRORS &&
	    getline(&line, &size, f) != -1) {
		p->line++;
		parse_line(p, line);
	}
	free(line);
	if (ferror(f))
		conf_err(p, NULL, "read error");
}

static void
parse_file(struct conf_parse *p, const char *path)
{
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL) {
		conf_say(p, 1, path, 0, NULL, "%s", strerror(errno));
		return;
	}
	strlist_add(&p->files, &p->nfiles, path);
	p->file = p->files[p->nfiles - 1];
	parse_stream(p, f);
	fclose(f);
}

static int
check_pm(struct conf_parse *p, struct pool_conf *pc)
{
	if (pc->pm == PM_UNSET)
		return conf_pool_err(p, pc, "pm", "missing: static, ondemand "
		    "or dynamic");
	if (pc->max_children == 0)
		return conf_pool_err(p, pc, "pm.max_children", "missing");
	if (pc->pm != PM_DYNAMIC)
		return 0;
	if (pc->min_spare == 0)
		return conf_pool_err(p, pc, "pm.min_spare_servers",
		    "missing, and dynamic needs it");
	if (pc->max_spare == 0)
		return conf_pool_err(p, pc, "pm.max_spare_servers",
		    "missing, and dynamic needs it");
	if (pc->min_spare > pc->max_children)
		return conf_pool_err(p, pc, "pm.min_spare_servers", "%d is "
		    "more than pm.max_children (%d)", pc->min_spare,
		    pc->max_children);
	if (pc->max_spare > pc->max_children)
		return conf_pool_err(p, pc, "pm.max_spare_servers", "%d is "
		    "more than pm.max_children (%d)", pc->max_spare,
		    pc->max_children);
	if (pc->max_spare < pc->min_spare)
		return conf_pool_err(p, pc, "pm.max_spare_servers", "%d is "
		    "less than pm.min_spare_servers (%d)", pc->max_spare,
		    pc->min_spare);
	if (pc->start_servers == 0)
		pc->start_servers = pc->min_spare +
		    (pc->max_spare - pc->min_spare) / 2;
	if (pc->start_servers < pc->min_spare ||
	    pc->start_servers > pc->max_spare)
		return conf_pool_err(p, pc, "pm.start_servers", "%d is not "
		    "between pm.min_spare_servers and pm.max_spare_servers "
		    "(%d and %d)", pc->start_servers, pc->min_spare,
		    pc->max_spare);
	return 0;
}

static int
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* listen and pm.status_listen: each address belongs to one listener. */
static int
check_listen(struct conf_parse *p, struct pool_conf *pc)
{
	struct pool_conf	*o;

	if (pc->listen == NULL)
		return conf_pool_err(p, pc, "listen", "missing");
	if (same(pc->listen, pc->status_listen))
		return conf_pool_err(p, pc, "pm.status_listen", "the same as "
		    "listen");
	for (o = TAILQ_FIRST(&p->conf->pools); o != pc;
	    o = TAILQ_NEXT(o, entry)) {
		if (same(pc->listen, o->listen) ||
		    same(pc->listen, o->status_listen))
			conf_pool_err(p, pc, "listen", "%s is pool %s's too",
			    pc->listen, o->name);
		if (same(pc->status_listen, o->listen) ||
		    same(pc->status_listen, o->status_listen))
			conf_pool_err(p, pc, "pm.status_listen", "%s is pool "
			    "%s's too", pc->status_listen, o->name);
	}
	if (pc->nacl > 0 && listen_is_unix(pc->listen) &&
	    (pc->status_listen == NULL || listen_is_unix(pc->status_listen)))
		conf_pool_warn(p, pc, "listen.allowed_clients", "ignored on a "
		    "unix socket, whose owner and mode control access");
	return 0;
}

static const char *
global_prefix(struct conf_parse *p)
{
	if (p->conf->prefix != NULL)
		return p->conf->prefix;
	return p->php != NULL && p->php->prefix != NULL ? p->php->prefix :
	    PREFIX;
}

/*
 * A relative path, or one that begins with $prefix, made absolute with
 * prefix, as php-fpm does.
 */
static void
path_resolve(char **path, const char *prefix)
{
	const char	*rest = *path;
	char		*full;
	size_t		 plen = strlen(prefix), size;

	if (rest == NULL)
		return;
	if (strncmp(rest, "$prefix", 7) == 0)
		rest += 7;
	else if (rest[0] == '/')
		return;
	rest += strspn(rest, "/");
	while (plen > 0 && prefix[plen - 1] == '/')
		plen--;
	size = plen + strlen(rest) + 2;
	full = xcalloc(1, size);
	if (*rest == '\0')
		snprintf(full, size, "%.*s", plen > 0 ? (int)plen : 1, prefix);
	else
		snprintf(full, size, "%.*s/%s", (int)plen, prefix, rest);
	free(*path);
	*path = full;
}

/*
 * Does a path key's value name a file?  Not an address that listen or
 * pm.status_listen takes, nor error_log's syslog.
 */
static int
key_names_file(const struct key *k, const char *v)
{
	if (k->set == set_listen)
		return listen_is_unix(v);
	return strcmp(k->name, "error_log") != 0 || strcmp(v, "syslog") != 0;
}

/* The path keys of a section, at base, made absolute with prefix. */
static void
keys_resolve(int where, void *base, const char *prefix)
{
	char	**v;
	size_t	 i;

	for (i = 0; i < NKEYS; i++) {
		if (keys[i].where != where || keys[i].kind != T_PATH)
			continue;
		v = field(base, &keys[i]);
		if (*v != NULL && key_names_file(&keys[i], *v))
			path_resolve(v, prefix);
	}
}

/*
 * The pool's paths made absolute with its prefix, itself made absolute
 * with the global one.
 */
static void
pool_paths(struct conf_parse *p, struct pool_conf *pc)
{
	path_resolve(&pc->prefix, global_prefix(p));
	keys_resolve(IN_POOL, pc, pc->prefix != NULL ? pc->prefix :
	    global_prefix(p));
}

static void
check_pool(struct conf_parse *p, struct pool_conf *pc)
{
	pool_paths(p, pc);
	check_listen(p, pc);
	check_pm(p, pc);
	if (same(pc->ping_path, pc->status_path))
		conf_pool_err(p, pc, "ping.path", "the same as "
		    "pm.status_path");
	if (pc->slowlog_timeout_ms > 0 && pc->slowlog == NULL)
		conf_pool_err(p, pc, "request_slowlog_timeout", "needs "
		    "slowlog, the file to write to");
	if (pc->slowlog_timeout_ms > 0 && pc->terminate_timeout_ms > 0 &&
	    pc->slowlog_timeout_ms > pc->terminate_timeout_ms)
		conf_pool_err(p, pc, "request_slowlog_timeout", "longer than "
		    "request_terminate_timeout");
}

/* What php-fpm mode's command line says over the file. */
static void
php_fpm_globals(struct conf_parse *p)
{
	struct conf	*c = p->conf;

	if (p->php == NULL)
		return;
	if (p->php->pid != NULL) {
		free(c->pid);
		c->pid = xstrdup(p->php->pid);
	}
	if (p->php->daemonize != -1)
		c->daemonize = p->php->daemonize;
}

static void
check_globals(struct conf_parse *p)
{
	php_fpm_globals(p);
	keys_resolve(IN_GLOBAL, p->conf, global_prefix(p));
}

/*
 * A parse of file into a new configuration with the defaults, in
 * php-fpm mode if php is not NULL.
 */
static struct conf_parse *
parse_begin(const char *file, const struct conf_php *php,
    void (*report)(const char *))
{
	struct conf_parse	*p;

	p = xcalloc(1, sizeof(*p));
	p->php = php;
	p->report = report;
	p->conf = xcalloc(1, sizeof(*p->conf));
	TAILQ_INIT(&p->conf->pools);
	p->conf->file = xstrdup(file);
	p->file = p->conf->file;
	keys_reset(p, IN_GLOBAL, p->conf);
	return p;
}

/* What the text alone tells wrong, once it is all read. */
static struct conf_parse *
parse_check(struct conf_parse *p)
{
	struct pool_conf	*pc;

	if (p->nerrors == 0 && TAILQ_EMPTY(&p->conf->pools))
		conf_say(p, 1, p->conf->file, 0, NULL, "no pool is defined");
	check_globals(p);
	TAILQ_FOREACH(pc, &p->conf->pools, entry)
		check_pool(p, pc);
	return p;
}

/*
 * Read a configuration file, and check what it says against itself;
 * in php-fpm mode with php.  Every error and warning goes to report,
 * one line each.  conf_parse_end() says whether there was an error.
 */
struct conf_parse *
conf_parse(const char *path, const struct conf_php *php,
    void (*report)(const char *))
{
	struct conf_parse	*p;

	p = parse_begin(path, php, report);
	parse_file(p, path);
	return parse_check(p);
}

/*
 * The built-in configuration: one CGI pool, as slowcgi runs it.  The
 * arguments are slowcgi's -s, -u, -p, -U and -t; it is parsed like a
 * file, so it is checked like one.  NULL if a flag cannot be put in
 * it.
 */
struct conf_parse *
conf_parse_builtin(const char *sock, const char *user, const char *root,
    const char *sockuser, long timeout, const struct conf_php *php,
    void (*report)(const char *))
{
	struct conf_parse	*p;
	char			 text[4096];
	FILE			*f;
	int			 jail;

	if (strchr(sock, '\'') || strchr(user, '\'') || strchr(root, '\'') ||
	    strchr(sockuser, '\'')) {
		report("a quote in a flag's argument");
		return NULL;
	}
	jail = root[0] != '\0' && strcmp(root, "/") != 0;
	snprintf(text, sizeof(text),
	    "[cgi]\n"
	    "listen = '%s'\n"
	    "listen.owner = '%s'\n"
	    "listen.group = '%s'\n"
	    "listen.mode = 0660\n"
	    "user = '%s'\n"
	    "%s%s%s"
	    "pm = ondemand\n"
	    "pm.max_children = 32\n"
	    "request_terminate_timeout = %ld\n",
	    sock, sockuser, sockuser, user, jail ? "chroot = '" : "",
	    jail ? root : "", jail ? "'\n" : "", timeout);
	if ((f = fmemopen(text, strlen(text), "r")) == NULL)
		fatal("fmemopen");
	p = parse_begin("(built-in)", php, report);
	parse_stream(p, f);
	fclose(f);
	return parse_check(p);
}

/* The configuration being checked. */
struct conf *
conf_parse_conf(const struct conf_parse *p)
{
	return p->conf;
}

/*
 * The end of a parse and of its checks: the configuration, or NULL if
 * there was an error.
 */
struct conf *
conf_parse_end(struct conf_parse *p)
{
	struct pool_conf	*pc;
	struct conf		*conf = p->conf;
	int			 nerrors = p->nerrors;

	TAILQ_FOREACH(pc, &conf->pools, entry) {
		free(pc->set_at);
		pc->set_at = NULL;
	}
	strlist_free(p->files, p->nfiles);
	free(p);
	if (nerrors == 0)
		return conf;
	conf_free(conf);
	return NULL;
}

void
conf_free(struct conf *conf)
{
	struct pool_conf	*pc;

	if (conf == NULL)
		return;
	while ((pc = TAILQ_FIRST(&conf->pools)) != NULL) {
		TAILQ_REMOVE(&conf->pools, pc, entry);
		conf_pool_free(pc);
	}
	free(conf->file);
	free(conf->prefix);
	free(conf->pid);
	free(conf->error_log);
	free(conf->syslog_ident);
	free(conf->events);
	free(conf->php_cgi);
	free(conf);
}

static const char *
facility_name(int facility)
{
	size_t	 i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (facilities[i].facility == facility)
			return facilities[i].name;
	return "daemon";
}

/* A number field as the configuration would say it; "" when unset. */
static void
key_format_number(const struct key *k, const void *f, const void *f2,
    char *buf, size_t len)
{
	switch (k->kind) {
	case T_INT:
		snprintf(buf, len, "%d", *(const int *)f);
		break;
	case T_LONG:
		snprintf(buf, len, "%ld", *(const long *)f);
		break;
	case T_SIZE:
		snprintf(buf, len, "%zu", *(const size_t *)f);
		break;
	case T_TIME:
		snprintf(buf, len, "%llds",
		    (long long)(*(const int64_t *)f / 1000));
		break;
	case T_MODE:
		snprintf(buf, len, "0%03o", (unsigned int)*(const mode_t *)f);
		break;
	case T_CORE:
	case T_RLIMIT:
		if (*(const rlim_t *)f == RLIM_INFINITY)
			snprintf(buf, len, "unlimited");
		else if ((k->kind == T_CORE && *(const int *)f2) ||
		    (k->kind == T_RLIMIT && *(const rlim_t *)f != 0))
			snprintf(buf, len, "%llu",
			    (unsigned long long)*(const rlim_t *)f);
		break;
	case T_PRIO:
		if (*(const int *)f != CONF_PRIORITY_UNSET)
			snprintf(buf, len, "%d", *(const int *)f);
		break;
	default:
		break;
	}
}

/* A field as the configuration would say it; "" when unset. */
static void
key_format(const struct key *k, const void *base, char *buf, size_t len)
{
	const void	*f = (const char *)base + k->off;
	const void	*f2 = (const char *)base + k->off2;
	size_t		 i;

	buf[0] = '\0';
	switch (k->kind) {
	case T_STR:
	case T_PATH:
	case T_ACL:
		if (*(char *const *)f != NULL)
			snprintf(buf, len, "%s", *(char *const *)f);
		break;
	case T_BOOL:
		snprintf(buf, len, "%s", *(const int *)f ? "yes" : "no");
		break;
	case T_PM:
		snprintf(buf, len, "%s", PM_NAME(*(const int *)f));
		break;
	case T_LEVEL:
		snprintf(buf, len, "%s", log_level_name(*(const int *)f));
		break;
	case T_FACILITY:
		snprintf(buf, len, "%s", facility_name(*(const int *)f));
		break;
	case T_LIST:
		for (i = 0; i < *(const size_t *)f2; i++) {
			strlcat(buf, i > 0 ? " " : "", len);
			strlcat(buf, (*(char *const *const *)f)[i], len);
		}
		break;
	case T_NONE:
		break;
	default:
		key_format_number(k, f, f2, buf, len);
		break;
	}
}

/* -nv: print the configuration as fpmd understood it. */
void
conf_dump(const struct conf *conf, const char *events)
{
	const struct pool_conf	*pc;
	char			 v[1024];
	const char		*name;
	size_t			 i;
	int			 b;

	printf("; %s\n[global]\n", conf->file);
	for (i = 0; i < NKEYS; i++) {
		if (keys[i].where != IN_GLOBAL)
			continue;
		key_format(&keys[i], conf, v, sizeof(v));
		if (keys[i].off == G(events))
			snprintf(v, sizeof(v), "%s", events);
		printf("%s = %s\n", keys[i].name, v);
	}
	printf("; built with:");
	for (b = 0; (name = ev_backend_name(b)) != NULL; b++)
		printf(" %s", name);
	printf("\n");
	TAILQ_FOREACH(pc, &conf->pools, entry) {
		printf("\n[%s]\n", pc->name);
		for (i = 0; i < NKEYS; i++) {
			if (keys[i].where != IN_POOL)
				continue;
			key_format(&keys[i], pc, v, sizeof(v));
			if (v[0] != '\0')
				printf("%s = %s\n", keys[i].name, v);
		}
		for (i = 0; i < pc->nsuppress_paths; i++)
			printf("access.suppress_path[] = %s\n",
			    pc->suppress_paths[i]);
		for (i = 0; i < pc->nenv; i++)
			printf("env[%.*s] = %s\n",
			    (int)strcspn(pc->env[i], "="), pc->env[i],
			    strchr(pc->env[i], '=') + 1);
		if (pc->nphp_args > 0)
			printf("; php-cgi arguments:");
		for (i = 0; i < pc->nphp_args; i++)
			printf(" '%s'%s", pc->php_args[i],
			    i + 1 == pc->nphp_args ? "\n" : "");
	}
}

static int
list_same(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t	 i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/*
 * What differs between two pools' settings, for a reload: the number
 * of keys, and their names in buf.  env[] counts as one key, and so do
 * the PHP settings, as php_value[].
 */
int
conf_pool_diff(const struct pool_conf *a, const struct pool_conf *b,
    char *buf, size_t len)
{
	char	 va[1024], vb[1024];
	size_t	 i;
	int	 n = 0;

	buf[0] = '\0';
	for (i = 0; i < NKEYS; i++) {
		if (keys[i].where != IN_POOL || keys[i].kind == T_NONE)
			continue;
		key_format(&keys[i], a, va, sizeof(va));
		key_format(&keys[i], b, vb, sizeof(vb));
		if (strcmp(va, vb) == 0)
			continue;
		strlcat(buf, n++ > 0 ? ", " : "", len);
		strlcat(buf, keys[i].name, len);
	}
	if (!list_same(a->suppress_paths, a->nsuppress_paths,
	    b->suppress_paths, b->nsuppress_paths)) {
		strlcat(buf, n++ > 0 ? ", " : "", len);
		strlcat(buf, "access.suppress_path[]", len);
	}
	if (!list_same(a->env, a->nenv, b->env, b->nenv)) {
		strlcat(buf, n++ > 0 ? ", " : "", len);
		strlcat(buf, "env[]", len);
	}
	if (!list_same(a->php_args, a->nphp_args, b->php_args,
	    b->nphp_args)) {
		strlcat(buf, n++ > 0 ? ", " : "", len);
		strlcat(buf, "php_value[]", len);
	}
	return n;
}
