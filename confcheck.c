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
 * What a configuration asks of the system it is to run on, checked
 * once conf.c has parsed it: each pool's user and group, looked up in
 * the name service as root and made the ids and groups its workers
 * take; what only root can do, ignored with a warning when fpmd is
 * not root; that the prefixes and chroots are directories and an
 * application is an executable file inside its chroot; and, in php-fpm
 * mode, which php-cgi runs PHP, found in PATH by the PHP version in the
 * configuration's path.  The errors and warnings name file:line and
 * the key as the parser's do, through conf.c's conf_pool_err() and its
 * kin.  conf_load() and conf_builtin() are the whole load, the parse
 * and then these checks; kept apart from conf.c, they leave the parser
 * to itself, so that a fuzzer drives it with no name service, no root
 * and no file of the host's behind it.  The master runs this, as root,
 * at start and on each reload.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "master.h"
#include "log.h"

/* php-fpm mode's command line; NULL outside php-fpm mode. */
static const struct conf_php	*php_fpm;

/* Every load from now on is in php-fpm mode, with php's options. */
void
conf_php_fpm(const struct conf_php *php)
{
	php_fpm = php;
}

/*
 * The user's supplementary groups, found here, by the master, so that
 * workers can setgroups() without loading the name service modules
 * initgroups() would pull into each of them.
 */
static int
user_groups(struct conf_parse *p, struct pool_conf *pc)
{
	int	 size = 16, n;

	for (;;) {
		pc->groups = xreallocarray(pc->groups, size,
		    sizeof(*pc->groups));
		n = size;
		if (getgrouplist(pc->user, pc->gid, pc->groups, &n) != -1)
			break;
		if (size >= 65536)
			return conf_pool_err(p, pc, "user", "%s is in too many "
			    "groups", pc->user);
		size = n > size ? n : size * 2;
	}
	pc->ngroups = n;
	return 0;
}

/*
 * Not running as root, everything runs as fpmd's user, and what only
 * root can do is ignored with a warning, as php-fpm does.
 */
static void
check_not_root(struct conf_parse *p, struct pool_conf *pc)
{
	struct passwd	*pw;

	if ((pc->user != NULL && ((pw = getpwuid(geteuid())) == NULL ||
	    strcmp(pw->pw_name, pc->user) != 0)) || pc->group != NULL)
		conf_pool_warn(p, pc, "user, group", "ignored, fpmd is not "
		    "running as root");
	if (pc->chroot != NULL) {
		conf_pool_warn(p, pc, "chroot", "ignored, fpmd is not running "
		    "as root");
		free(pc->chroot);
		pc->chroot = NULL;
	}
	if (pc->priority != CONF_PRIORITY_UNSET) {
		conf_pool_warn(p, pc, "process.priority", "ignored, fpmd is "
		    "not running as root");
		pc->priority = CONF_PRIORITY_UNSET;
	}
	pc->uid = geteuid();
	pc->gid = getegid();
}

/* user and group: needed as root, where they become ids. */
static int
check_user(struct conf_parse *p, struct pool_conf *pc, int flags)
{
	struct passwd	*pw;
	struct group	*gr;

	if (geteuid() != 0) {
		check_not_root(p, pc);
		return 0;
	}
	if (pc->user == NULL)
		return conf_pool_err(p, pc, "user", "missing, and needed when "
		    "fpmd runs as root");
	if ((pw = getpwnam(pc->user)) == NULL)
		return conf_pool_err(p, pc, "user", "no user '%s'", pc->user);
	pc->uid = pw->pw_uid;
	pc->gid = pw->pw_gid;
	pc->setuser = 1;
	if (pc->uid == 0 && !(flags & CONF_ROOT_OK))
		return conf_pool_err(p, pc, "user", "%s is root, and the "
		    "pool's programs would run as root; fpmd -R allows it",
		    pc->user);
	if (pc->group != NULL) {
		if ((gr = getgrnam(pc->group)) == NULL)
			return conf_pool_err(p, pc, "group", "no group '%s'",
			    pc->group);
		pc->gid = gr->gr_gid;
	}
	return user_groups(p, pc);
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The application must be an executable file where the workers will
 * look for it, inside the chroot.
 */
static void
check_exec(struct conf_parse *p, struct pool_conf *pc)
{
	struct stat	 st;
	char		 path[PATH_MAX];
	size_t		 n = strcspn(pc->exec, " \t");

	if (snprintf(path, sizeof(path), "%s%.*s", pc->chroot != NULL ?
	    pc->chroot : "", (int)n, pc->exec) >= (int)sizeof(path)) {
		conf_pool_err(p, pc, "exec", "the path is too long");
		return;
	}
	if (stat(path, &st) == -1)
		conf_pool_err(p, pc, "exec", "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
		conf_pool_err(p, pc, "exec", "%s is not an executable file",
		    path);
	if (pc->cgi_root != NULL)
		conf_pool_warn(p, pc, "cgi.root", "ignored with exec: the "
		    "application, not fpmd, finds the script");
}

/*
 * The PHP version in the path of a configuration such as Debian's
 * /etc/php/8.2/fpm/php-fpm.conf: "8.2" into buf, or -1.
 */
static int
php_version(const char *file, char *buf, size_t len)
{
	char		 path[PATH_MAX];
	const char	*v;
	size_t		 n;

	if (realpath(file, path) == NULL)
		return -1;
	for (v = strstr(path, "/php/"); v != NULL; v = strstr(v + 1, "/php/")) {
		n = strspn(v + 5, "0123456789.");
		if (n > 0 && n < len && v[5 + n] == '/' && isdigit(
		    (unsigned char)v[5]) && strchr(v + 5, '.') < v + 5 + n) {
			snprintf(buf, len, "%.*s", (int)n, v + 5);
			return 0;
		}
	}
	return -1;
}

/* Is exec php-cgi?  The basename of its first word says so. */
static int
exec_is_php_cgi(const char *exec)
{
	const char	*base;

	base = exec + strcspn(exec, " \t");
	while (base > exec && base[-1] != '/')
		base--;
	return strncmp(base, "php-cgi", 7) == 0;
}

/*
 * Why a pool looks like php-fpm's, or NULL if it does not: by its keys,
 * or by the configuration's file, named php-fpm*, or in a directory
 * of a PHP version, as Debian's /etc/php/8.2/fpm/php-fpm.conf.
 */
static const char *
pool_looks_php(const struct pool_conf *pc, const char *file)
{
	const char	*base;
	char		 version[16];
	size_t		 i;

	if (pc->nphp_args > 0)
		return "it has php_value[] and the like";
	for (i = 0; i < pc->nextensions; i++)
		if (strcmp(pc->extensions[i], ".php") == 0)
			return "its security.limit_extensions lists .php";
	base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
	if (strncmp(base, "php-fpm", 7) == 0 ||
	    php_version(file, version, sizeof(version)) == 0)
		return "the configuration is php-fpm's";
	return NULL;
}

/* php-fpm mode's own php-cgi arguments before the pool's. */
static void
php_args_prepend(struct pool_conf *pc)
{
	char	**args = NULL;
	size_t	 n = 0, i;

	for (i = 0; i < php_fpm->nargs; i++)
		strlist_add(&args, &n, php_fpm->args[i]);
	for (i = 0; i < pc->nphp_args; i++)
		strlist_add(&args, &n, pc->php_args[i]);
	strlist_free(pc->php_args, pc->nphp_args);
	pc->php_args = args;
	pc->nphp_args = n;
}

/*
 * PHP: in php-fpm mode a pool without exec runs php.cgi; the PHP
 * settings go to an exec that is php-cgi, and are ignored, with a
 * warning, for any other.  Outside php-fpm mode, a pool that looks
 * like php-fpm's and has no exec runs CGI programs, which is not what
 * its author meant: a warning names the fixes.
 */
static void
check_php(struct conf_parse *p, struct conf *c, struct pool_conf *pc)
{
	const char	*why;
	int		 php = 0;

	if (pc->exec == NULL && php_fpm != NULL && c->php_cgi != NULL) {
		pc->exec = xstrdup(c->php_cgi);
		php = 1;
	}
	if (pc->exec != NULL && exec_is_php_cgi(pc->exec))
		php = 1;
	if (pc->exec == NULL && php_fpm == NULL &&
	    (why = pool_looks_php(pc, c->file)) != NULL)
		conf_pool_warn(p, pc, "exec", "missing, and %s: this pool runs "
		    "CGI programs, not PHP; to run PHP, start fpmd in php-fpm "
		    "mode (-P), or set exec = %s", why, c->php_cgi != NULL ?
		    c->php_cgi : "/path/to/php-cgi");
	else if (pc->exec != NULL && !php && pc->nphp_args > 0)
		conf_pool_warn(p, pc, "exec", "%.*s is not php-cgi: "
		    "php_value[] and the like ignored",
		    (int)strcspn(pc->exec, " \t"), pc->exec);
	if (php && php_fpm != NULL)
		php_args_prepend(pc);
	if (!php) {
		strlist_free(pc->php_args, pc->nphp_args);
		pc->php_args = NULL;
		pc->nphp_args = 0;
	}
}

/*
 * exec.mode: shared needs an application to share.  Unset, it is
 * shared for php-cgi in php-fpm mode, as php-fpm's workers share one
 * PHP, and worker otherwise.
 */
static void
check_exec_mode(struct conf_parse *p, struct pool_conf *pc)
{
	if (pc->exec_mode == NULL)
		pc->exec_mode = xstrdup(php_fpm != NULL && pc->exec != NULL &&
		    exec_is_php_cgi(pc->exec) ? "shared" : "worker");
	pc->exec_shared = strcmp(pc->exec_mode, "shared") == 0;
	if (pc->exec_shared && pc->exec == NULL)
		conf_pool_err(p, pc, "exec.mode", "shared, but there is no "
		    "exec, the application to share");
}

/* path made absolute against cwd, or NULL without one; links stay. */
static char *
conf_absolute(const char *path, const char *cwd)
{
	char	 buf[PATH_MAX];

	if (path[0] == '/')
		return xstrdup(path);
	if (cwd == NULL || snprintf(buf, sizeof(buf), "%s/%s", cwd, path) >=
	    (int)sizeof(buf))
		return NULL;
	return xstrdup(buf);
}

/*
 * name as execvp(3) finds it in PATH, made absolute against cwd, where
 * a relative name or PATH entry is; without cwd, they are not looked
 * at.  Symbolic links are left as they are.  NULL if nowhere.
 */
char *
conf_which(const char *name, const char *cwd)
{
	const char	*dir, *end;
	char		 buf[PATH_MAX];
	int		 len;

	if (strchr(name, '/') != NULL)
		return conf_absolute(name, cwd);
	if ((dir = getenv("PATH")) == NULL)
		dir = "/usr/bin:/bin";
	for (;; dir = end + 1) {
		if ((end = strchr(dir, ':')) == NULL)
			end = dir + strlen(dir);
		len = (int)(end - dir);
		/* An empty entry is the working directory. */
		if ((dir[0] == '/' || cwd != NULL) && snprintf(buf,
		    sizeof(buf), "%.*s%s%s", len, dir, len > 0 ? "/" : "",
		    name) < (int)sizeof(buf) && access(buf, X_OK) == 0)
			return conf_absolute(buf, cwd);
		if (*end == '\0')
			return NULL;
	}
}

/*
 * php-fpm mode's php-cgi, for the pools without exec, unless php.cgi
 * names it: the one of the configuration's PHP version, else php-cgi,
 * found in PATH.
 */
static void
php_cgi_find(struct conf_parse *p, struct conf *c)
{
	struct pool_conf	*pc;
	char			 version[16], name[32];

	if (c->php_cgi != NULL || php_fpm == NULL)
		return;
	TAILQ_FOREACH(pc, &c->pools, entry)
		if (pc->exec == NULL)
			break;
	if (pc == NULL)
		return;
	if (php_version(c->file, version, sizeof(version)) == 0) {
		snprintf(name, sizeof(name), "php-cgi%s", version);
		if ((c->php_cgi = conf_which(name, NULL)) != NULL)
			return;
	}
	if ((c->php_cgi = conf_which("php-cgi", NULL)) == NULL)
		conf_say(p, 1, c->file, 0, "php.cgi", "missing, and no php-cgi "
		    "in PATH to run PHP with");
}

static void
check_globals(struct conf_parse *p, struct conf *c)
{
	php_cgi_find(p, c);
	if (c->prefix != NULL && !is_dir(c->prefix))
		conf_global_warn(p, "prefix", "%s is not a directory",
		    c->prefix);
	if (c->priority != CONF_PRIORITY_UNSET && geteuid() != 0) {
		conf_global_warn(p, "process.priority", "ignored, fpmd is not "
		    "running as root");
		c->priority = CONF_PRIORITY_UNSET;
	}
}

/*
 * A pool's prefix that is not a directory is only warned about, where
 * php-fpm refuses it: only paths under it need it, and each of those
 * fails on its own when it is opened.
 */
static void
check_pool(struct conf_parse *p, struct conf *c, struct pool_conf *pc,
    int flags)
{
	if (pc->prefix != NULL && !is_dir(pc->prefix))
		conf_pool_warn(p, pc, "prefix", "%s is not a directory",
		    pc->prefix);
	check_user(p, pc, flags);
	check_php(p, c, pc);
	check_exec_mode(p, pc);
	if (pc->chroot != NULL && !is_dir(pc->chroot))
		conf_pool_err(p, pc, "chroot", "%s is not a directory",
		    pc->chroot);
	if (pc->exec != NULL)
		check_exec(p, pc);
}

/* The checks of a parsed configuration, and the parse's end. */
static struct conf *
conf_check(struct conf_parse *p, int flags)
{
	struct conf		*c;
	struct pool_conf	*pc;

	c = conf_parse_conf(p);
	check_globals(p, c);
	TAILQ_FOREACH(pc, &c->pools, entry)
		check_pool(p, c, pc, flags);
	return conf_parse_end(p);
}

/*
 * Read a configuration file and check it; flags has CONF_ROOT_OK for
 * fpmd -R.  Every error and warning goes to report, one line each;
 * NULL if there was an error.
 */
struct conf *
conf_load(const char *path, int flags, void (*report)(const char *))
{
	return conf_check(conf_parse(path, php_fpm, report), flags);
}

/*
 * The built-in configuration of slowcgi's -s, -u, -p, -U and -t
 * (conf_parse_builtin()), checked as a file is.
 */
struct conf *
conf_builtin(const char *sock, const char *user, const char *root,
    const char *sockuser, long timeout, int flags,
    void (*report)(const char *))
{
	struct conf_parse	*p;

	if ((p = conf_parse_builtin(sock, user, root, sockuser, timeout,
	    php_fpm, report)) == NULL)
		return NULL;
	return conf_check(p, flags);
}
