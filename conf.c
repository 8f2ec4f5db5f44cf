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
 * [global] section and one [name] section per pool; ';' and '#'
 * comments; values bare, "double-quoted" or 'single-quoted'; $pool and
 * ${ENV} expanded outside single quotes; time values with s, m, h or d;
 * include = glob.  Every key is in one table with its section, its
 * parser and the field it sets.  An unknown key, a bad value or a
 * missing required key is an error naming file:line and the key;
 * php-fpm's PHP-only keys are ignored with a warning, so that a php-fpm
 * pool file needs no edits.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "fpmd.h"
#include "log.h"
#include "proto.h"

#define CONF_MAX_DEPTH	8		/* include nesting */

enum { IN_GLOBAL = 1, IN_POOL = 2, IN_ANY = 3 };

struct parse {
	struct conf		*conf;
	struct pool_conf	*pool;		/* NULL in [global] */
	const char		*file;
	int			 line;
	int			 depth;
	int			 flags;		/* CONF_ROOT_OK */
	char			*err;
	size_t			 errlen;
};

struct key;
typedef int	(*setter)(struct parse *, const struct key *, void *,
		    const char *);

/* How a field is stored, for conf_dump() and conf_changes(). */
enum kind {
	T_NONE, T_STR, T_BOOL, T_INT, T_LONG, T_SIZE, T_TIME, T_MODE,
	T_RLIMIT, T_PM, T_LEVEL, T_FACILITY, T_LIST
};

struct key {
	const char	*name;
	int		 where;
	setter		 set;
	enum kind	 kind;
	size_t		 off;
	long		 min;
};

static int	set_str(struct parse *, const struct key *, void *,
		    const char *);
static int	set_bool(struct parse *, const struct key *, void *,
		    const char *);
static int	set_int(struct parse *, const struct key *, void *,
		    const char *);
static int	set_size(struct parse *, const struct key *, void *,
		    const char *);
static int	set_time(struct parse *, const struct key *, void *,
		    const char *);
static int	set_mode(struct parse *, const struct key *, void *,
		    const char *);
static int	set_rlimit(struct parse *, const struct key *, void *,
		    const char *);
static int	set_pm(struct parse *, const struct key *, void *,
		    const char *);
static int	set_level(struct parse *, const struct key *, void *,
		    const char *);
static int	set_facility(struct parse *, const struct key *, void *,
		    const char *);
static int	set_events(struct parse *, const struct key *, void *,
		    const char *);
static int	set_listen(struct parse *, const struct key *, void *,
		    const char *);
static int	set_clients(struct parse *, const struct key *, void *,
		    const char *);
static int	set_path(struct parse *, const struct key *, void *,
		    const char *);
static int	set_uri(struct parse *, const struct key *, void *,
		    const char *);
static int	set_extensions(struct parse *, const struct key *, void *,
		    const char *);
static int	set_include(struct parse *, const struct key *, void *,
		    const char *);

#define G(f)	offsetof(struct conf, f)
#define P(f)	offsetof(struct pool_conf, f)

static const struct key keys[] = {
	{ "pid", IN_GLOBAL, set_path, T_STR,
	    G(pid), 0 },
	{ "error_log", IN_GLOBAL, set_str, T_STR,
	    G(error_log), 0 },
	{ "syslog.facility", IN_GLOBAL, set_facility, T_FACILITY,
	    G(syslog_facility), 0 },
	{ "syslog.ident", IN_GLOBAL, set_str, T_STR,
	    G(syslog_ident), 0 },
	{ "log_level", IN_GLOBAL, set_level, T_LEVEL,
	    G(log_level), 0 },
	{ "daemonize", IN_GLOBAL, set_bool, T_BOOL,
	    G(daemonize), 0 },
	{ "events.mechanism", IN_GLOBAL, set_events, T_STR,
	    G(events), 0 },
	{ "process_control_timeout", IN_GLOBAL, set_time, T_TIME,
	    G(process_control_timeout_ms), 0 },
	{ "include", IN_ANY, set_include, T_NONE,
	    0, 0 },
	{ "listen", IN_POOL, set_listen, T_STR,
	    P(listen), 0 },
	{ "listen.backlog", IN_POOL, set_int, T_INT,
	    P(backlog), -1 },
	{ "listen.owner", IN_POOL, set_str, T_STR,
	    P(listen_owner), 0 },
	{ "listen.group", IN_POOL, set_str, T_STR,
	    P(listen_group), 0 },
	{ "listen.mode", IN_POOL, set_mode, T_MODE,
	    P(listen_mode), 0 },
	{ "listen.allowed_clients", IN_POOL, set_clients, T_STR,
	    P(allowed_clients), 0 },
	{ "user", IN_POOL, set_str, T_STR,
	    P(user), 0 },
	{ "group", IN_POOL, set_str, T_STR,
	    P(group), 0 },
	{ "chroot", IN_POOL, set_path, T_STR,
	    P(chroot), 0 },
	{ "chdir", IN_POOL, set_path, T_STR,
	    P(chdir), 0 },
	{ "clear_env", IN_POOL, set_bool, T_BOOL,
	    P(clear_env), 0 },
	{ "rlimit_files", IN_POOL, set_rlimit, T_RLIMIT,
	    P(rlimit_files), 1 },
	{ "rlimit_core", IN_POOL, set_rlimit, T_RLIMIT,
	    P(rlimit_core), 0 },
	{ "pm", IN_POOL, set_pm, T_PM,
	    P(pm), 0 },
	{ "pm.max_children", IN_POOL, set_int, T_INT,
	    P(max_children), 1 },
	{ "pm.start_servers", IN_POOL, set_int, T_INT,
	    P(start_servers), 1 },
	{ "pm.min_spare_servers", IN_POOL, set_int, T_INT,
	    P(min_spare), 1 },
	{ "pm.max_spare_servers", IN_POOL, set_int, T_INT,
	    P(max_spare), 1 },
	{ "pm.max_spawn_rate", IN_POOL, set_int, T_INT,
	    P(max_spawn_rate), 1 },
	{ "pm.process_idle_timeout", IN_POOL, set_time, T_TIME,
	    P(idle_timeout_ms), 1 },
	{ "pm.max_requests", IN_POOL, set_int, T_LONG,
	    P(max_requests), 0 },
	{ "pm.status_path", IN_POOL, set_uri, T_STR,
	    P(status_path), 0 },
	{ "ping.path", IN_POOL, set_uri, T_STR,
	    P(ping_path), 0 },
	{ "ping.response", IN_POOL, set_str, T_STR,
	    P(ping_response), 0 },
	{ "request_terminate_timeout", IN_POOL, set_time, T_TIME,
	    P(terminate_timeout_ms), 0 },
	{ "fastcgi.read_timeout", IN_POOL, set_time, T_TIME,
	    P(read_timeout_ms), 1 },
	{ "fastcgi.keep_conn_timeout", IN_POOL, set_time, T_TIME,
	    P(keep_conn_timeout_ms), 1 },
	{ "fastcgi.max_params_size", IN_POOL, set_size, T_SIZE,
	    P(max_params_size), 1024 },
	{ "fastcgi.max_params", IN_POOL, set_size, T_SIZE,
	    P(max_params), 1 },
	{ "cgi.root", IN_POOL, set_path, T_STR,
	    P(cgi_root), 0 },
	{ "security.limit_extensions", IN_POOL, set_extensions, T_LIST,
	    0, 0 },
	{ "catch_workers_output", IN_POOL, set_bool, T_BOOL,
	    P(catch_output), 0 },
	{ "cgi.max_body_size", IN_POOL, set_size, T_SIZE,
	    P(max_body_bytes), 0 },
	{ "cgi.body_temp_dir", IN_POOL, set_path, T_STR,
	    P(body_temp_dir), 0 },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* php-fpm keys that only mean something to PHP: accepted, ignored. */
static const char *const php_only[] = {
	"php_value[", "php_flag[", "php_admin_value[", "php_admin_flag[",
	"slowlog", "request_slowlog_timeout", "request_slowlog_trace_depth",
	"access.log", "access.format", "access.suppress_path[",
	"decorate_workers_output", "process.dumpable", "process.priority",
	"emergency_restart_threshold", "emergency_restart_interval",
	"process.max", "systemd_interval", "log_limit", "log_buffering",
	NULL
};

static int	 parse_file(struct parse *, const char *);
static int	 parse_stream(struct parse *, FILE *);

static int
conf_err(struct parse *p, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(p->err, p->errlen, "%s:%d: %s%s", p->file, p->line,
	    key != NULL ? key : "", key != NULL ? ": " : "");
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static void *
field(void *base, const struct key *k)
{
	return (char *)base + k->off;
}

static int
set_str(struct parse *p, const struct key *k, void *base, const char *v)
{
	char	**dst = field(base, k);

	(void)p;
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int
set_path(struct parse *p, const struct key *k, void *base, const char *v)
{
	if (v[0] != '/')
		return conf_err(p, k->name, "'%s' is not an absolute path", v);
	return set_str(p, k, base, v);
}

static int
set_uri(struct parse *p, const struct key *k, void *base, const char *v)
{
	if (v[0] != '/')
		return conf_err(p, k->name, "'%s' does not start with /", v);
	return set_str(p, k, base, v);
}

static int
set_bool(struct parse *p, const struct key *k, void *base, const char *v)
{
	static const char *const yes[] = { "yes", "on", "true", "1", NULL };
	static const char *const no[] = { "no", "off", "false", "0", "",
	    NULL };
	int	*dst = field(base, k);
	int	 i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return *dst = 1, 0;
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(v, no[i]) == 0)
			return *dst = 0, 0;
	return conf_err(p, k->name, "'%s' is not yes or no", v);
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
set_int(struct parse *p, const struct key *k, void *base, const char *v)
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
set_size(struct parse *p, const struct key *k, void *base, const char *v)
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
 * most 24 days, so that any time fits poll()'s int milliseconds.
 */
static int
conf_parse_time(const char *v, int64_t *ms)
{
	static const long long	 mult[] = { 1, 60, 3600, 86400 };
	long long		 n;

	if (parse_number(v, "smhd", mult, 0, &n) == -1 || n > 24 * 86400)
		return -1;
	*ms = n * 1000;
	return 0;
}

static int
set_time(struct parse *p, const struct key *k, void *base, const char *v)
{
	int64_t	 ms;

	if (conf_parse_time(v, &ms) == -1 || ms < k->min * 1000)
		return conf_err(p, k->name, "'%s' is not a time from %lds to "
		    "24d (s, m, h and d suffixes allowed)", v, k->min);
	*(int64_t *)field(base, k) = ms;
	return 0;
}

static int
set_mode(struct parse *p, const struct key *k, void *base, const char *v)
{
	char		*end;
	unsigned long	 m;

	m = strtoul(v, &end, 8);
	if (*v == '\0' || *end != '\0' || m > 07777)
		return conf_err(p, k->name, "'%s' is not an octal mode", v);
	*(mode_t *)field(base, k) = (mode_t)m;
	return 0;
}

static int
set_rlimit(struct parse *p, const struct key *k, void *base, const char *v)
{
	long long	 n;

	if (strcmp(v, "unlimited") == 0) {
		*(rlim_t *)field(base, k) = RLIM_INFINITY;
	} else if (parse_number(v, NULL, NULL, k->min, &n) == 0) {
		*(rlim_t *)field(base, k) = (rlim_t)n;
	} else
		return conf_err(p, k->name, "'%s' is not a number or "
		    "'unlimited'", v);
	if (strcmp(k->name, "rlimit_core") == 0)
		p->pool->set_rlimit_core = 1;
	return 0;
}

static int
set_pm(struct parse *p, const struct key *k, void *base, const char *v)
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

const char *
conf_pm_name(enum pm_style pm)
{
	switch (pm) {
	case PM_STATIC:
		return "static";
	case PM_ONDEMAND:
		return "ondemand";
	default:
		return "dynamic";
	}
}

static int
set_level(struct parse *p, const struct key *k, void *base, const char *v)
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
set_facility(struct parse *p, const struct key *k, void *base,
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
set_events(struct parse *p, const struct key *k, void *base, const char *v)
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

/* listen: /path, ip:port, [ipv6]:port or port.  Resolved when bound. */
static int
set_listen(struct parse *p, const struct key *k, void *base, const char *v)
{
	const char	*port;
	long long	 n;

	if (v[0] == '/')
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
set_clients(struct parse *p, const struct key *k, void *base,
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

static int
set_extensions(struct parse *p, const struct key *k, void *base,
    const char *v)
{
	struct pool_conf	*pc = base;
	char			*list, *s, *last;

	strlist_free(pc->extensions, pc->nextensions);
	pc->extensions = NULL;
	pc->nextensions = 0;
	list = xstrdup(v);
	for (s = strtok_r(list, " \t,", &last); s != NULL;
	    s = strtok_r(NULL, " \t,", &last)) {
		if (s[0] != '.' || s[1] == '\0') {
			conf_err(p, k->name, "'%s' is not an extension such "
			    "as .cgi", s);
			free(list);
			return -1;
		}
		strlist_add(&pc->extensions, &pc->nextensions, s);
	}
	free(list);
	return 0;
}

/* env[NAME] = value; a value of $NAME takes fpmd's own variable. */
static int
set_env(struct parse *p, const char *key, const char *v)
{
	struct pool_conf	*pc = p->pool;
	const char		*name = key + 4;
	size_t			 nlen = strlen(name) - 1, size, i;
	char			*entry;

	if (nlen == 0 || memchr(name, '=', nlen) != NULL)
		return conf_err(p, key, "not a variable name");
	if (v[0] == '$' && (v = getenv(v + 1)) == NULL)
		v = "";
	size = nlen + strlen(v) + 2;
	entry = xcalloc(1, size);
	snprintf(entry, size, "%.*s=%s", (int)nlen, name, v);
	for (i = 0; i < pc->nenv; i++)
		if (strncmp(pc->env[i], entry, nlen + 1) == 0) {
			free(pc->env[i]);
			pc->env[i] = entry;
			return 0;
		}
	strlist_add(&pc->env, &pc->nenv, entry);
	free(entry);
	return 0;
}

static int
set_include(struct parse *p, const struct key *k, void *base, const char *v)
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
	for (i = 0, r = 0; i < g.gl_pathc && r == 0; i++)
		r = parse_file(p, g.gl_pathv[i]);
	p->depth--;
	globfree(&g);
	p->pool = section;
	p->file = file;
	p->line = line;
	return r;
}

static struct pool_conf *
pool_conf_new(struct parse *p, const char *name)
{
	struct pool_conf	*pc;

	pc = xcalloc(1, sizeof(*pc));
	pc->lines = xcalloc(NKEYS, sizeof(*pc->lines));
	pc->name = xstrdup(name);
	pc->file = xstrdup(p->file);
	pc->line = p->line;
	pc->backlog = 511;
	pc->listen_mode = 0660;
	pc->clear_env = 1;
	pc->pm = -1;
	pc->max_spawn_rate = 32;
	pc->idle_timeout_ms = 10 * 1000;
	pc->ping_response = xstrdup("pong");
	pc->read_timeout_ms = 60 * 1000;
	pc->keep_conn_timeout_ms = 10 * 1000;
	pc->max_params_size = PROTO_DEFAULT_MAX_PARAMS_SIZE;
	pc->max_params = PROTO_DEFAULT_MAX_PARAMS;
	pc->max_body_bytes = 64 * 1024 * 1024;
	return pc;
}

static int
parse_section(struct parse *p, char *s)
{
	struct pool_conf	*pc;
	size_t			 len = strlen(s);

	if (s[len - 1] != ']')
		return conf_err(p, NULL, "'%s': a section ends with ]", s);
	s[len - 1] = '\0';
	s++;
	if (strcmp(s, "global") == 0) {
		p->pool = NULL;
		return 0;
	}
	if (*s == '\0' || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(s))
		return conf_err(p, NULL, "[%s]: a pool name is letters, "
		    "digits, '.', '_' and '-'", s);
	TAILQ_FOREACH(pc, &p->conf->pools, entry)
		if (strcmp(pc->name, s) == 0)
			return conf_err(p, NULL, "[%s]: pool already defined "
			    "at %s:%d", s, pc->file, pc->line);
	p->pool = pool_conf_new(p, s);
	TAILQ_INSERT_TAIL(&p->conf->pools, p->pool, entry);
	return 0;
}

/* Expand $pool and ${NAME} in v into out. */
static int
expand(struct parse *p, const char *key, const char *v, char *out,
    size_t outlen)
{
	const char	*val, *end;
	char		 name[256];
	size_t		 n = 0, len;

	while (*v != '\0') {
		val = NULL;
		if (strncmp(v, "$pool", 5) == 0 && p->pool != NULL) {
			val = p->pool->name;
			len = 5;
		} else if (strncmp(v, "${", 2) == 0 &&
		    (end = strchr(v, '}')) != NULL &&
		    (size_t)(end - v - 2) < sizeof(name)) {
			memcpy(name, v + 2, end - v - 2);
			name[end - v - 2] = '\0';
			if ((val = getenv(name)) == NULL)
				val = "";
			len = end - v + 1;
		}
		if (val == NULL) {
			val = v;
			len = 1;
			if (n + 1 >= outlen)
				break;
			out[n++] = *v++;
			continue;
		}
		if (n + strlen(val) >= outlen)
			break;
		memcpy(out + n, val, strlen(val));
		n += strlen(val);
		v += len;
	}
	if (*v != '\0')
		return conf_err(p, key, "value too long");
	out[n] = '\0';
	return 0;
}

/* Take the quotes and comments off a raw value; NULL if malformed. */
static char *
unquote(struct parse *p, const char *key, char *v, int *literal)
{
	char	*end, q = v[0];

	*literal = q == '\'';
	if (q != '"' && q != '\'') {
		v[strcspn(v, ";")] = '\0';
		for (end = v + strlen(v); end > v && isspace((unsigned char)
		    end[-1]); end--)
			;
		*end = '\0';
		return v;
	}
	if ((end = strchr(v + 1, q)) == NULL) {
		conf_err(p, key, "missing closing %c", q);
		return NULL;
	}
	*end++ = '\0';
	end += strspn(end, " \t");
	if (*end != '\0' && *end != ';' && *end != '#') {
		conf_err(p, key, "text after the closing quote");
		return NULL;
	}
	return v + 1;
}

static int
key_set(struct parse *p, const char *key, const char *value)
{
	size_t	 i;
	int	 where = p->pool == NULL ? IN_GLOBAL : IN_POOL;

	for (i = 0; i < NKEYS; i++) {
		if (strcmp(key, keys[i].name) != 0)
			continue;
		if ((keys[i].where & where) == 0)
			return conf_err(p, key, "belongs in %s", where ==
			    IN_POOL ? "[global]" : "a pool section");
		if (where == IN_POOL)
			p->pool->lines[i] = p->line;
		return keys[i].set(p, &keys[i], where == IN_POOL ?
		    (void *)p->pool : (void *)p->conf, value);
	}
	if (where == IN_POOL && strncmp(key, "env[", 4) == 0 &&
	    key[strlen(key) - 1] == ']')
		return set_env(p, key, value);
	for (i = 0; php_only[i] != NULL; i++)
		if (strncmp(key, php_only[i], strlen(php_only[i])) == 0 &&
		    (php_only[i][strlen(php_only[i]) - 1] == '[' ||
		    key[strlen(php_only[i])] == '\0')) {
			log_warnx("%s:%d: %s: a PHP setting; fpmd ignores it",
			    p->file, p->line, key);
			return 0;
		}
	return conf_err(p, key, "unknown key");
}

static int
parse_line(struct parse *p, char *s)
{
	char	*key, *v, *end, value[4096];
	int	 literal;

	s += strspn(s, " \t");
	s[strcspn(s, "\r\n")] = '\0';
	for (end = s + strlen(s); end > s && isspace((unsigned char)end[-1]);
	    end--)
		;
	*end = '\0';
	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	if (*s == '[')
		return parse_section(p, s);
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
	if ((v = unquote(p, key, v, &literal)) == NULL)
		return -1;
	if (literal)
		return key_set(p, key, v);
	if (expand(p, key, v, value, sizeof(value)) == -1)
		return -1;
	return key_set(p, key, value);
}

static int
parse_stream(struct parse *p, FILE *f)
{
	char	*line = NULL;
	size_t	 size = 0;
	int	 r = 0;

	p->line = 0;
	while (r == 0 && getline(&line, &size, f) != -1) {
		p->line++;
		r = parse_line(p, line);
	}
	free(line);
	if (r == 0 && ferror(f))
		r = conf_err(p, NULL, "read error");
	return r;
}

static int
parse_file(struct parse *p, const char *path)
{
	FILE	*f;
	int	 r;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(p->err, p->errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	p->file = path;
	r = parse_stream(p, f);
	fclose(f);
	return r;
}

static int
key_index(const char *name)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* An error about a pool: at the line that set key, or at [name]. */
static int
pool_err(struct parse *p, struct pool_conf *pc, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 i, n;

	i = key_index(key);
	n = snprintf(p->err, p->errlen, "%s:%d: [%s] %s: ", pc->file,
	    i >= 0 && pc->lines[i] != 0 ? pc->lines[i] : pc->line,
	    pc->name, key);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
check_pm(struct parse *p, struct pool_conf *pc)
{
	if ((int)pc->pm == -1)
		return pool_err(p, pc, "pm", "missing: static, ondemand or "
		    "dynamic");
	if (pc->max_children == 0)
		return pool_err(p, pc, "pm.max_children", "missing");
	if (pc->pm != PM_DYNAMIC)
		return 0;
	if (pc->min_spare == 0)
		return pool_err(p, pc, "pm.min_spare_servers", "missing, and "
		    "dynamic needs it");
	if (pc->max_spare == 0)
		return pool_err(p, pc, "pm.max_spare_servers", "missing, and "
		    "dynamic needs it");
	if (pc->min_spare > pc->max_children)
		return pool_err(p, pc, "pm.min_spare_servers", "%d is more "
		    "than pm.max_children (%d)", pc->min_spare,
		    pc->max_children);
	if (pc->max_spare > pc->max_children)
		return pool_err(p, pc, "pm.max_spare_servers", "%d is more "
		    "than pm.max_children (%d)", pc->max_spare,
		    pc->max_children);
	if (pc->max_spare < pc->min_spare)
		return pool_err(p, pc, "pm.max_spare_servers", "%d is less "
		    "than pm.min_spare_servers (%d)", pc->max_spare,
		    pc->min_spare);
	if (pc->start_servers == 0)
		pc->start_servers = pc->min_spare +
		    (pc->max_spare - pc->min_spare) / 2;
	if (pc->start_servers < pc->min_spare ||
	    pc->start_servers > pc->max_spare)
		return pool_err(p, pc, "pm.start_servers", "%d is not "
		    "between pm.min_spare_servers and pm.max_spare_servers "
		    "(%d and %d)", pc->start_servers, pc->min_spare,
		    pc->max_spare);
	return 0;
}

/*
 * The user's supplementary groups, found here, by the master, so that
 * workers can setgroups() without loading the name service modules
 * initgroups() would pull into each of them.
 */
static int
user_groups(struct parse *p, struct pool_conf *pc)
{
	int	 size = 16, n;

	for (;;) {
		pc->groups = xreallocarray(pc->groups, size,
		    sizeof(*pc->groups));
		n = size;
		if (getgrouplist(pc->user, pc->gid, pc->groups, &n) != -1)
			break;
		if (size >= 65536)
			return pool_err(p, pc, "user", "%s is in too many "
			    "groups", pc->user);
		size = n > size ? n : size * 2;
	}
	pc->ngroups = n;
	return 0;
}

/* user and group: needed as root, where they become ids; else unused. */
static int
check_user(struct parse *p, struct pool_conf *pc)
{
	struct passwd	*pw;
	struct group	*gr;

	if (geteuid() != 0) {
		if ((pc->user != NULL && ((pw = getpwuid(geteuid())) == NULL ||
		    strcmp(pw->pw_name, pc->user) != 0)) || pc->group != NULL)
			log_warnx("%s:%d: [%s] user, group: ignored, fpmd is "
			    "not running as root", pc->file, pc->line,
			    pc->name);
		pc->uid = geteuid();
		pc->gid = getegid();
		return 0;
	}
	if (pc->user == NULL)
		return pool_err(p, pc, "user", "missing, and needed when "
		    "fpmd runs as root");
	if ((pw = getpwnam(pc->user)) == NULL)
		return pool_err(p, pc, "user", "no user '%s'", pc->user);
	pc->uid = pw->pw_uid;
	pc->gid = pw->pw_gid;
	pc->setuser = 1;
	if (pc->uid == 0 && !(p->flags & CONF_ROOT_OK))
		return pool_err(p, pc, "user", "%s is root, and CGI programs "
		    "would run as root; fpmd -R allows it", pc->user);
	if (pc->group != NULL) {
		if ((gr = getgrnam(pc->group)) == NULL)
			return pool_err(p, pc, "group", "no group '%s'",
			    pc->group);
		pc->gid = gr->gr_gid;
	}
	return user_groups(p, pc);
}

static int
check_pool(struct parse *p, struct pool_conf *pc)
{
	struct pool_conf	*o;
	struct stat		 st;

	if (pc->listen == NULL)
		return pool_err(p, pc, "listen", "missing");
	for (o = TAILQ_FIRST(&p->conf->pools); o != pc;
	    o = TAILQ_NEXT(o, entry))
		if (strcmp(o->listen, pc->listen) == 0)
			return pool_err(p, pc, "listen", "%s is pool %s's too",
			    pc->listen, o->name);
	if (pc->acl != NULL && pc->listen[0] == '/')
		return pool_err(p, pc, "listen.allowed_clients", "only for "
		    "TCP; a unix socket's mode and owner control access");
	if (check_pm(p, pc) == -1 || check_user(p, pc) == -1)
		return -1;
	if (pc->chroot != NULL && (stat(pc->chroot, &st) == -1 ||
	    !S_ISDIR(st.st_mode)))
		return pool_err(p, pc, "chroot", "%s is not a directory",
		    pc->chroot);
	if (pc->ping_path != NULL && pc->status_path != NULL &&
	    strcmp(pc->ping_path, pc->status_path) == 0)
		return pool_err(p, pc, "ping.path", "the same as "
		    "pm.status_path");
	if (pc->ping_response[0] == '\0')
		return pool_err(p, pc, "ping.response", "empty");
	return 0;
}

static void
conf_defaults(struct conf *conf)
{
	TAILQ_INIT(&conf->pools);
	conf->error_log = xstrdup("syslog");
	conf->syslog_facility = LOG_DAEMON;
	conf->syslog_ident = xstrdup("fpmd");
	conf->log_level = LOG_NOTICE;
	conf->daemonize = 1;
	conf->process_control_timeout_ms = 10 * 1000;
}

/* A parse of file into a new configuration with the defaults. */
static void
parse_begin(struct parse *p, const char *file, int flags, char *err,
    size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->err = err;
	p->errlen = errlen;
	p->conf = xcalloc(1, sizeof(*p->conf));
	conf_defaults(p->conf);
	p->conf->file = xstrdup(file);
	p->file = p->conf->file;
}

static struct conf *
conf_finish(struct parse *p, int r)
{
	struct pool_conf	*pc;

	if (r == 0 && TAILQ_EMPTY(&p->conf->pools))
		r = conf_err(p, NULL, "no pool is defined");
	TAILQ_FOREACH(pc, &p->conf->pools, entry)
		if (r == 0)
			r = check_pool(p, pc);
	if (r == 0)
		return p->conf;
	conf_free(p->conf);
	return NULL;
}

/* Read a configuration file; NULL and a message in err on error. */
struct conf *
conf_load(const char *path, int flags, char *err, size_t errlen)
{
	struct parse	 p;

	parse_begin(&p, path, flags, err, errlen);
	return conf_finish(&p, parse_file(&p, path));
}

/*
 * The built-in configuration: one CGI pool, as slowcgi runs it.  The
 * arguments are slowcgi's -s, -u, -p, -U and -t; it is parsed like a
 * file, so it is checked like one.
 */
struct conf *
conf_builtin(const char *sock, const char *user, const char *root,
    const char *sockuser, long timeout, int flags, char *err, size_t errlen)
{
	struct parse	 p;
	char		 text[4096];
	FILE		*f;
	int		 r, jail = root[0] != '\0' && strcmp(root, "/") != 0;

	if (strchr(sock, '\'') || strchr(user, '\'') || strchr(root, '\'') ||
	    strchr(sockuser, '\'')) {
		snprintf(err, errlen, "a quote in a flag's argument");
		return NULL;
	}
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
	parse_begin(&p, "(built-in)", flags, err, errlen);
	r = parse_stream(&p, f);
	fclose(f);
	return conf_finish(&p, r);
}

/*
 * Free a pool's settings.  env[] values are often secrets: they are
 * wiped first, so that a worker keeps nothing of another pool's.
 */
void
conf_pool_free(struct pool_conf *pc)
{
	size_t	 i;

	for (i = 0; i < pc->nenv; i++)
		explicit_bzero(pc->env[i], strlen(pc->env[i]));
	free(pc->name);
	free(pc->file);
	free(pc->lines);
	free(pc->listen);
	free(pc->listen_owner);
	free(pc->listen_group);
	free(pc->allowed_clients);
	free(pc->acl);
	free(pc->user);
	free(pc->group);
	free(pc->groups);
	free(pc->chroot);
	free(pc->chdir);
	strlist_free(pc->env, pc->nenv);
	free(pc->status_path);
	free(pc->ping_path);
	free(pc->ping_response);
	free(pc->cgi_root);
	free(pc->body_temp_dir);
	strlist_free(pc->extensions, pc->nextensions);
	free(pc);
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
	free(conf->pid);
	free(conf->error_log);
	free(conf->syslog_ident);
	free(conf->events);
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

/* A field as the configuration would say it; "" when unset. */
static void
key_format(const struct key *k, const void *base, char *buf, size_t len)
{
	const void	*f = (const char *)base + k->off;
	const struct pool_conf *pc = base;
	size_t		 i;

	buf[0] = '\0';
	switch (k->kind) {
	case T_STR:
		if (*(char *const *)f != NULL)
			snprintf(buf, len, "%s", *(char *const *)f);
		break;
	case T_BOOL:
		snprintf(buf, len, "%s", *(const int *)f ? "yes" : "no");
		break;
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
	case T_RLIMIT:
		if (*(const rlim_t *)f == RLIM_INFINITY)
			snprintf(buf, len, "unlimited");
		else if (*(const rlim_t *)f != 0)
			snprintf(buf, len, "%llu",
			    (unsigned long long)*(const rlim_t *)f);
		break;
	case T_PM:
		snprintf(buf, len, "%s", conf_pm_name(*(const int *)f));
		break;
	case T_LEVEL:
		snprintf(buf, len, "%s", log_level_name(*(const int *)f));
		break;
	case T_FACILITY:
		snprintf(buf, len, "%s", facility_name(*(const int *)f));
		break;
	case T_LIST:
		for (i = 0; i < pc->nextensions; i++) {
			strlcat(buf, i > 0 ? " " : "", len);
			strlcat(buf, pc->extensions[i], len);
		}
		break;
	case T_NONE:
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
		for (i = 0; i < pc->nenv; i++)
			printf("env[%.*s] = %s\n",
			    (int)strcspn(pc->env[i], "="), pc->env[i],
			    strchr(pc->env[i], '=') + 1);
	}
}

/*
 * What differs between two pools' settings, for a reload: the number
 * of keys, and their names in buf.  env[] counts as one key.
 */
int
conf_pool_diff(const struct pool_conf *a, const struct pool_conf *b,
    char *buf, size_t len)
{
	char	 va[1024], vb[1024];
	size_t	 i;
	int	 n = 0, same;

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
	same = a->nenv == b->nenv;
	for (i = 0; same && i < a->nenv; i++)
		same = strcmp(a->env[i], b->env[i]) == 0;
	if (!same) {
		strlcat(buf, n++ > 0 ? ", " : "", len);
		strlcat(buf, "env[]", len);
	}
	return n;
}
