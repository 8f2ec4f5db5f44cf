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
 * fpmd: a FastCGI process manager.  main() reads the flags and the
 * configuration, opens every pool's socket while errors can still reach
 * the terminal, daemonizes, and runs the master's event loop: signals,
 * reaping, the pools' timers, the stop ladder QUIT, TERM, KILL, reload
 * on HUP, and on USR2 the binary upgrade, which upgrade.c carries out
 * and which tells this file how it ended.  Only the master runs it, as
 * root.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "fpmd.h"
#include "master.h"
#include "log.h"

static struct conf	*conf;
static struct ev_loop	*loop;
static int		 stop_sig;	/* the rung of the stop ladder */
static struct ev_timer	 stop_timer;
static int		 verbose;
static int		 pledged;	/* the master is under pledge(2) */
static int		 conf_flags;	/* -R: CONF_ROOT_OK */
static int		 npools;	/* in the running configuration */
static const struct slowcgi *builtin;	/* the built-in pool's flags */
static char		 cmdline[1024];	/* how fpmd was started */
static const char	*binary;	/* its absolute path, or NULL */
static int		 ready_fd = -1;	/* a new master: "ready" goes here */
static int		 detach_fd = -1;	/* the daemon's parent waits here */
static int		 php_mode;	/* php-fpm mode: -P, or as php-fpm */
static struct conf_php	 php = { NULL, NULL, -1, NULL, 0 };

static __dead void
usage(void)
{
	fprintf(stderr, "usage: fpmd [-dnRVv] [-f file] [-p path] [-s socket] "
	    "[-t timeout] [-U user]\n"
	    "            [-u user]\n"
	    "       fpmd -P [-DeFhimnORtv] [-c file] [-d name=value] "
	    "[-g pidfile] [-p prefix]\n"
	    "            [-y file]\n");
	exit(1);
}

/* The slowcgi(8) flags, which configure the built-in pool. */
struct slowcgi {
	const char	*chroot;	/* -p */
	const char	*socket;	/* -s */
	long		 timeout;	/* -t */
	const char	*sockuser;	/* -U */
	const char	*user;		/* -u */
	int		 given;
};

/* What the configuration says before the daemon starts: "fpmd: ...". */
static void
conf_say_start(const char *msg)
{
	warnx("%s", msg);
}

static void
conf_say_reload(const char *msg)
{
	log_errorx("reload: %s", msg);
}

static struct conf *
load(const char *file, const struct slowcgi *sc, int flags)
{
	struct conf	*c;
	char		 path[PATH_MAX];

	if (sc->given && file != NULL)
		errx(1, "-f and the slowcgi flags (-p -s -t -U -u) exclude "
		    "each other: the flags configure the built-in pool");
	if (file == NULL && !sc->given && access(FPMD_CONF, F_OK) == 0)
		file = FPMD_CONF;
	if (file != NULL)
		c = conf_load(file, flags, conf_say_start);
	else
		c = conf_builtin(sc->socket, sc->user, sc->chroot,
		    sc->sockuser, sc->timeout, flags, conf_say_start);
	if (c == NULL)
		exit(1);
	/* Reloads happen after chdir("/"): keep the absolute path. */
	if (file != NULL && realpath(file, path) != NULL) {
		free(c->file);
		c->file = xstrdup(path);
	}
	return c;
}

/*
 * The global rlimit_files, rlimit_core and process.priority are the
 * master's, which workers inherit unless their pool sets its own.  On
 * error, -1 and the key in *what.
 */
static int
master_limits(const struct conf *c, const char **what)
{
	struct rlimit	 rl;

	if (c->rlimit_files != 0) {
		*what = "rlimit_files";
		rl.rlim_cur = rl.rlim_max = c->rlimit_files;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			return -1;
	}
	if (c->set_rlimit_core) {
		*what = "rlimit_core";
		rl.rlim_cur = rl.rlim_max = c->rlimit_core;
		if (setrlimit(RLIMIT_CORE, &rl) == -1)
			return -1;
	}
	if (c->priority != CONF_PRIORITY_UNSET) {
		*what = "process.priority";
		if (setpriority(PRIO_PROCESS, 0, c->priority) == -1)
			return -1;
	}
	return 0;
}


/* Make sure fds 0-2 are open, so that no socket ends up as stderr. */
static void
open_stdio(void)
{
	int	 fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

/*
 * The parent of the daemon, once the daemon is up: it exits 0 when the
 * daemon has written its pidfile and started its pools (daemon_up()),
 * so that whoever started fpmd finds the daemon's pid there as soon as
 * fpmd has exited; 1 if the daemon died first.
 */
static __dead void
daemon_wait(int fd)
{
	char	 c;
	ssize_t	 n;

	while ((n = read(fd, &c, 1)) == -1 && errno == EINTR)
		;
	if (n == 1)
		_exit(0);
	errx(1, "the daemon exited before it was up; its log says why");
}

/* The daemon is up: its parent may go. */
static void
daemon_up(void)
{
	if (detach_fd == -1)
		return;
	if (write(detach_fd, "", 1) != 1)
		log_error("telling the parent the daemon is up");
	close(detach_fd);
	detach_fd = -1;
}

/*
 * Detach: fork, with the parent waiting in daemon_wait() until the
 * daemon is up, a session of its own, / and /dev/null.  The new master
 * of an upgrade is the old master's child and detached already, and
 * does not fork.
 */
static void
daemonize(int fork_first)
{
	int	 fd, up[2];

	if (fork_first && pipe(up) == -1)
		err(1, "pipe");
	switch (fork_first ? fork() : 0) {
	case -1:
		err(1, "fork");
	case 0:
		break;
	default:
		close(up[1]);
		daemon_wait(up[0]);
	}
	if (fork_first) {
		close(up[0]);
		detach_fd = up[1];
	}
	if (setsid() == -1)
		err(1, "setsid");
	if (chdir("/") == -1)
		err(1, "chdir /");
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		err(1, "/dev/null");
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/*
 * The stop ladder: QUIT lets requests finish for
 * process_control_timeout, TERM gives KILL_GRACE_MS, then KILL.  It
 * only ever climbs.
 */
static void
master_stop(int sig)
{
	int64_t	 wait_ms;

	if (stop_sig == SIGKILL || (stop_sig == SIGTERM && sig == SIGQUIT) ||
	    stop_sig == sig)
		return;
	if (stop_sig == 0) {
		service_stopping();
		upgrade_stop();
	}
	stop_sig = sig;
	if (sig != SIGKILL)
		log_info("stopping %s", sig == SIGQUIT ? "gracefully" :
		    "now");
	pools_signal(sig);
	wait_ms = sig == SIGQUIT ? conf->process_control_timeout_ms :
	    KILL_GRACE_MS;
	ev_timer_add(loop, &stop_timer, wait_ms);
	if (pools_empty())
		ev_break(loop);
}

static void
master_stop_next(void *arg)
{
	(void)arg;
	if (stop_sig == SIGQUIT) {
		log_warnx("workers still busy after process_control_timeout; "
		    "terminating them");
		master_stop(SIGTERM);
	} else if (stop_sig == SIGTERM) {
		log_warnx("workers still alive %dms after TERM; killing them",
		    KILL_GRACE_MS);
		master_stop(SIGKILL);
	} else
		ev_break(loop);
}

static int
changed(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0);
}

static int
uses_chroot(const struct conf *c)
{
	const struct pool_conf	*pc;

	TAILQ_FOREACH(pc, &c->pools, entry)
		if (pc->chroot != NULL)
			return 1;
	return 0;
}

static int
count_pools(const struct conf *c)
{
	const struct pool_conf	*pc;
	int			 n = 0;

	TAILQ_FOREACH(pc, &c->pools, entry)
		n++;
	return n;
}

/* The global settings a running master can take on. */
static void
reload_globals(struct conf *nc)
{
	const char	*what;

	if (master_limits(nc, &what) == -1)
		log_error("reload: %s", what);
	if (changed(conf->pid, nc->pid)) {
		if (pidfile_write(nc->pid) == -1) {
			log_error("reload: pid %s; keeping %s", nc->pid,
			    conf->pid != NULL ? conf->pid : "none");
			free(nc->pid);
			nc->pid = conf->pid != NULL ? xstrdup(conf->pid) : NULL;
		} else if (conf->pid != NULL)
			unlink(conf->pid);
	}
	if (!verbose)
		log_setlevel(nc->log_level);
	if (php_mode && nc->php_cgi != NULL && changed(conf->php_cgi,
	    nc->php_cgi))
		log_info("php-fpm mode: pools without exec run %s",
		    nc->php_cgi);
	if (changed(conf->error_log, nc->error_log) ||
	    changed(conf->syslog_ident, nc->syslog_ident) ||
	    conf->syslog_facility != nc->syslog_facility ||
	    changed(conf->events, nc->events) ||
	    conf->daemonize != nc->daemonize)
		log_warnx("reload: error_log, syslog.*, events.mechanism and "
		    "daemonize change on restart only");
}

/*
 * The configuration again, for a reload: the file, or, when every pool
 * must get new workers, the built-in pool's flags too.  NULL if there
 * is none, or it has errors.
 */
static struct conf *
reread(int all_new)
{
	struct conf	*nc;

	if (strcmp(conf->file, "(built-in)") == 0) {
		if (all_new)
			return conf_builtin(builtin->socket, builtin->user,
			    builtin->chroot, builtin->sockuser,
			    builtin->timeout, conf_flags, conf_say_reload);
		log_warnx("reload: the built-in pool has no file to read");
		return NULL;
	}
	log_info("reloading %s", conf->file);
	if ((nc = conf_load(conf->file, conf_flags, conf_say_reload)) ==
	    NULL)
		log_errorx("reload: %s has errors; going on as before",
		    conf->file);
	return nc;
}

/* SIGHUP; with all_new, an emergency restart of every pool. */
static void
master_reload(int all_new)
{
	struct conf		*nc;
	char			 err[1024];

	if ((nc = reread(all_new)) == NULL)
		return;
	if (pledged && uses_chroot(nc)) {
		log_errorx("reload: a pool now uses chroot, which the pledged "
		    "master cannot give its workers; restart fpmd instead");
		conf_free(nc);
		return;
	}
	if (pools_open(nc, err, sizeof(err)) == -1) {
		log_errorx("reload: %s; going on as before", err);
		conf_free(nc);
		return;
	}
	npools = count_pools(nc);
	reload_globals(nc);
	service_heartbeat(loop, nc->systemd_interval_ms);
	pools_reload(nc, all_new);
	conf_free(conf);
	conf = nc;
}

/*
 * emergency_restart_threshold workers of a pool died of a signal
 * within emergency_restart_interval: where php-fpm restarts, every
 * pool gets new workers, from the configuration read again.
 */
static void
master_emergency(const char *why)
{
	if (stop_sig != 0)
		return;
	log_warnx("emergency restart: %s; every pool gets new workers", why);
	service_reloading();
	master_reload(1);
	service_ready(npools);
}

/*
 * How the binary upgrade ended.  Handed over, the pools drain as on a
 * reload, and this master exits when the last old worker has; failed,
 * the pidfile names this master again, should the new master have
 * written it.
 */
static void
master_upgraded(int handed)
{
	if (!handed) {
		if (pidfile_write(conf->pid) == -1)
			log_error("upgrade: pid %s", conf->pid);
		return;
	}
	pools_retire(conf->process_control_timeout_ms);
	setproctitle("old master process %s", cmdline);
	if (pools_empty())
		ev_break(loop);
}

/* The reload, on HUP, and on USR2 in php-fpm mode. */
static void
master_hup(const char *sig)
{
	if (stop_sig != 0 || upgrade_busy(sig))
		return;
	service_reloading();
	master_reload(0);
	service_ready(npools);
}

static void
master_signal(int sig, void *arg)
{
	(void)arg;
	switch (sig) {
	case SIGCHLD:
		pools_reap();
		if ((stop_sig != 0 || upgrade_successor() != -1) &&
		    pools_empty())
			ev_break(loop);
		break;
	case SIGTERM:
	case SIGINT:
		master_stop(SIGTERM);
		break;
	case SIGQUIT:
		master_stop(SIGQUIT);
		break;
	case SIGUSR1:
		log_reopen();
		reqlog_reopen();
		break;
	case SIGHUP:
		master_hup("SIGHUP");
		break;
	case SIGUSR2:
		if (php_mode)
			master_hup("SIGUSR2");
		else if (stop_sig == 0)
			upgrade_start();
		break;
	}
}

static void
master_signals(void)
{
	static const int	 sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGQUIT,
	    SIGUSR1, SIGUSR2, SIGHUP };
	size_t			 i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (ev_signal(loop, sigs[i], master_signal, NULL) == -1)
			fatal("signal %d", sigs[i]);
}

static void
master_logging(int debug)
{
	char	 why[128];

	if (debug)
		log_init(1, conf->syslog_ident, conf->syslog_facility);
	else if (strcmp(conf->error_log, "syslog") == 0)
		log_init(0, conf->syslog_ident, conf->syslog_facility);
	else if (log_init_file(conf->error_log, why, sizeof(why)) == -1)
		errx(1, "error_log %s: %s", conf->error_log, why);
	log_setlevel(verbose ? LOG_DEBUG : conf->log_level);
}

/* chroot(2) is impossible under pledge, and workers inherit it. */
static void
master_pledge(void)
{
#ifdef __OpenBSD__
	if (uses_chroot(conf))
		return;
	if (pledge("stdio rpath wpath cpath inet unix dns proc exec id "
	    "chown fattr getpw", NULL) == -1)
		fatal("pledge");
	pledged = 1;
#endif
}

/*
 * The master's title carries its command line, as nginx's does: an
 * OpenBSD rc.d(8) script finds its daemon by it, and ps(1) tells two
 * masters apart.
 */
static void
save_cmdline(int argc, char *argv[])
{
	int	 i;

	for (i = 0; i < argc; i++) {
		if (i > 0)
			strlcat(cmdline, " ", sizeof(cmdline));
		strlcat(cmdline, argv[i], sizeof(cmdline));
	}
}

/* What the command line says. */
struct flags {
	struct slowcgi	 sc;
	const char	*file;
	int		 debug;
	int		 noaction;	/* -n; in php-fpm mode, -t or -tt */
	int		 php_info;	/* php-fpm mode's -i or -m */
};

static void
parse_flags(int argc, char *argv[], struct flags *f)
{
	const char	*errstr;
	int		 ch;

	while ((ch = getopt(argc, argv, "df:np:Rs:t:U:u:Vv")) != -1) {
		switch (ch) {
		case 'd':
			f->debug = 1;
			break;
		case 'f':
			f->file = optarg;
			break;
		case 'n':
			f->noaction = 1;
			break;
		case 'p':
			f->sc.chroot = optarg;
			f->sc.given = 1;
			break;
		case 's':
			f->sc.socket = optarg;
			f->sc.given = 1;
			break;
		case 't':
			f->sc.timeout = strtonum(optarg, 1, CONF_TIME_MAX_S,
			    &errstr);
			if (errstr != NULL)
				errx(1, "-t %s: %s; the timeout is seconds, "
				    "from 1 to %d", optarg, errstr,
				    CONF_TIME_MAX_S);
			f->sc.given = 1;
			break;
		case 'U':
			f->sc.sockuser = optarg;
			f->sc.given = 1;
			break;
		case 'u':
			f->sc.user = optarg;
			f->sc.given = 1;
			break;
		case 'R':
			conf_flags |= CONF_ROOT_OK;
			break;
		case 'V':
			printf("fpmd %s\n", FPMD_VERSION);
			exit(0);
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (argc != optind)
		usage();
}

/*
 * php-fpm mode: started as php-fpm (the basename of argv[0] begins with
 * php-fpm, as a link named php-fpm8.2 does), or with -P as a word of
 * its own.
 */
static int
php_fpm_mode(int argc, char *argv[])
{
	const char	*base;
	int		 i;

	if (argc < 1)
		return 0;
	base = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	if (strncmp(base, "php-fpm", 7) == 0)
		return 1;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-P") == 0)
			return 1;
	return 0;
}

static __dead void
php_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr, "usage: fpmd -P "
	    "[-DeFhimnORtv] [-c file] [-d name=value] [-g pidfile] "
	    "[-p prefix]\n"
	    "            [-y file]\n");
	exit(status);
}

/* php-fpm's long options, and the short one each stands for. */
static const struct {
	const char	*name;
	const char	*flag;
	int		 arg;
} php_longs[] = {
	{ "allow-to-run-as-root", "-R", 0 },
	{ "daemonize", "-D", 0 },
	{ "define", "-d", 1 },
	{ "force-stderr", "-O", 0 },
	{ "fpm-config", "-y", 1 },
	{ "help", "-h", 0 },
	{ "info", "-i", 0 },
	{ "modules", "-m", 0 },
	{ "no-php-ini", "-n", 0 },
	{ "nodaemonize", "-F", 0 },
	{ "php-ini", "-c", 1 },
	{ "pid", "-g", 1 },
	{ "prefix", "-p", 1 },
	{ "profile-info", "-e", 0 },
	{ "test", "-t", 0 },
	{ "usage", "-h", 0 },
	{ "version", "-v", 0 },
};

/*
 * The arguments with each --name or --name=value made the short flag
 * it stands for, up to "--": getopt_long(3) is not POSIX.  Returns the
 * new argc.
 */
static int
php_long_options(int argc, char *argv[], char ***out)
{
	char	**nargv;
	size_t	 i, len;
	int	 a, n = 0;

	nargv = xcalloc(2 * argc + 1, sizeof(*nargv));
	for (a = 0; a < argc; a++) {
		if (a == 0 || strncmp(argv[a], "--", 2) != 0 ||
		    argv[a][2] == '\0') {
			nargv[n++] = argv[a];
			if (a > 0 && strcmp(argv[a], "--") == 0)
				break;
			continue;
		}
		len = strcspn(argv[a] + 2, "=");
		for (i = 0; i < sizeof(php_longs) / sizeof(*php_longs); i++)
			if (strlen(php_longs[i].name) == len && strncmp(
			    php_longs[i].name, argv[a] + 2, len) == 0)
				break;
		if (i == sizeof(php_longs) / sizeof(*php_longs) ||
		    (argv[a][2 + len] == '=' && !php_longs[i].arg)) {
			warnx("%s: unknown option", argv[a]);
			php_usage(1);
		}
		nargv[n++] = (char *)php_longs[i].flag;
		if (argv[a][2 + len] == '=')
			nargv[n++] = argv[a] + 3 + len;
	}
	while (++a < argc)
		nargv[n++] = argv[a];
	*out = nargv;
	return n;
}

/* One of php-cgi's arguments, for every PHP pool. */
static void
php_arg(const char *flag, const char *value)
{
	strlist_add(&php.args, &php.nargs, flag);
	if (value != NULL)
		strlist_add(&php.args, &php.nargs, value);
}

/* php-fpm's command line, in php-fpm mode. */
static void
php_parse_flags(int argc, char *argv[], struct flags *f)
{
	char	**args;
	int	 ch;

	argc = php_long_options(argc, argv, &args);
	while ((ch = getopt(argc, args, "c:d:DeFg:himnOp:PRtvy:")) != -1) {
		switch (ch) {
		case 'c':
		case 'd':
			php_arg(ch == 'c' ? "-c" : "-d", optarg);
			break;
		case 'e':
		case 'n':
			php_arg(ch == 'e' ? "-e" : "-n", NULL);
			break;
		case 'D':
		case 'F':
			php.daemonize = ch == 'D';
			break;
		case 'g':
			php.pid = optarg;
			break;
		case 'h':
			php_usage(0);
		case 'i':
		case 'm':
			f->php_info = ch;
			break;
		case 'O':
			f->debug = 1;
			break;
		case 'p':
			php.prefix = optarg;
			break;
		case 'P':
			break;
		case 'R':
			conf_flags |= CONF_ROOT_OK;
			break;
		case 't':
			f->noaction++;
			break;
		case 'v':
			printf("fpmd %s (php-fpm mode)\n", FPMD_VERSION);
			exit(0);
		case 'y':
			f->file = optarg;
			break;
		default:
			php_usage(1);
		}
	}
	if (argc != optind)
		php_usage(1);
	/* Its strings are argv's or php_longs' own. */
	free(args);
	/* -O is for the foreground only, as in php-fpm. */
	if (php.daemonize != 0)
		f->debug = 0;
}

/* php-fpm's default configuration file: under -p's prefix, or here. */
static const char *
php_default_conf(void)
{
	static char	 path[PATH_MAX];

	if (php.prefix == NULL)
		return SYSCONFDIR "/php-fpm.conf";
	if (snprintf(path, sizeof(path), "%s/etc/php-fpm.conf",
	    php.prefix) >= (int)sizeof(path))
		errx(1, "-p %s: too long", php.prefix);
	return path;
}

/* -i and -m: what php-cgi says of itself, as php-fpm would. */
static __dead void
php_info(int flag)
{
	char	 arg[3] = { '-', (char)flag, '\0' };

	if (conf->php_cgi == NULL)
		errx(1, "-%c: no php-cgi: every pool has exec; set php.cgi",
		    flag);
	execl(conf->php_cgi, conf->php_cgi, arg, (char *)NULL);
	err(1, "%s", conf->php_cgi);
}

/* -t: the configuration is good; -tt prints it first. */
static void
php_test(int times)
{
	if (times > 1)
		conf_dump(conf, conf->events != NULL ? conf->events :
		    ev_backend_name(0));
	if (conf->php_cgi != NULL)
		fprintf(stderr, "php-fpm mode: pools without exec run %s\n",
		    conf->php_cgi);
	fprintf(stderr, "configuration file %s test is successful\n",
	    conf->file);
}

/*
 * Everything that can fail on the terminal, then the daemon: the
 * sockets fpmd was handed, its own sockets, pidfile and log first,
 * while the parent (or the old master of an upgrade) can still hear of
 * a failure; then the fork, the event loop and signals, the pidfile,
 * and the pools.  A signal sent as soon as the pidfile exists is
 * handled, not fatal.
 */
static void
master_start(int debug)
{
	const char	*what;
	char		 why[1024];
	int		 daemonized;

	if (master_limits(conf, &what) == -1)
		err(1, "%s", what);
	if (selfexec_init(binary) == -1)
		err(1, "%s: fpmd's own binary, which its workers run",
		    binary != NULL ? binary : "fpmd");
	ready_fd = service_sockets();
	if (pools_open(conf, why, sizeof(why)) == -1)
		errx(1, "%s", why);
	pidfile_check(conf->pid);
	master_logging(debug);
	service_init();
	npools = count_pools(conf);
	daemonized = !debug && conf->daemonize;
	if (daemonized)
		daemonize(ready_fd == -1);
	if ((loop = ev_new(conf->events)) == NULL)
		fatal("events.mechanism %s", conf->events != NULL ?
		    conf->events : ev_backend_name(0));
	ev_timer_init(&stop_timer, master_stop_next, NULL);
	upgrade_init(loop, daemonized, master_upgraded);
	master_signals();
	/* The pidfile says fpmd is up: signals are loop events by now. */
	if (pidfile_write(conf->pid) == -1)
		fatal("pid %s", conf->pid);
	pools_init(loop, master_emergency);
	master_pledge();
	setproctitle("master process %s", cmdline);
	log_info("fpmd started, events.mechanism %s", ev_name(loop));
	if (conf->php_cgi != NULL && php_mode)
		log_info("php-fpm mode: pools without exec run %s",
		    conf->php_cgi);
	pools_start(conf);
	service_heartbeat(loop, conf->systemd_interval_ms);
	listener_report();
	daemon_up();
}

/*
 * Every pool listens.  The new master of an upgrade says so to the old
 * one (upgrade.c), which hands over and tells the service manager; any
 * other master tells the service manager.
 */
static void
master_ready(void)
{
	if (ready_fd == -1)
		service_ready(npools);
	else
		upgrade_ready(ready_fd);
	ready_fd = -1;
}

/*
 * After an upgrade, the sockets and the pidfile are the new master's;
 * the pidfile is removed only if it still names this one, as when the
 * new master's configuration names another.
 */
static void
master_exit(void)
{
	pid_t	 successor;

	successor = upgrade_successor();
	pools_close();
	if (conf->pid != NULL && (successor == -1 || pidfile_ours(conf->pid)))
		unlink(conf->pid);
	if (successor != -1)
		log_info("exiting; new master %d serves", (int)successor);
	else
		log_info("exiting");
	conf_free(conf);
	ev_free(loop);
}

int
main(int argc, char *argv[])
{
	struct flags	 f = { { DEFAULT_CHROOT, DEFAULT_SOCKET,
	    DEFAULT_TIMEOUT_S, DEFAULT_USER, DEFAULT_USER, 0 }, NULL, 0, 0, 0 };

	/* The master executes its own binary as each of its workers. */
	if (argc > 1 && strcmp(argv[1], WORKER_MARK) == 0)
		worker_main(argc, argv);
	open_stdio();
	save_cmdline(argc, argv);
	binary = upgrade_record(argc, argv);
	compat_init_setproctitle(argc, argv);
	if ((php_mode = php_fpm_mode(argc, argv))) {
		php_parse_flags(argc, argv, &f);
		if (f.file == NULL)
			f.file = php_default_conf();
		conf_php_fpm(&php);
	} else
		parse_flags(argc, argv, &f);
	builtin = &f.sc;
	conf = load(f.file, &f.sc, conf_flags);
	if (f.php_info)
		php_info(f.php_info);
	if (php_mode && f.noaction) {
		php_test(f.noaction);
		return 0;
	}
	if (f.noaction) {
		if (verbose)
			conf_dump(conf, conf->events != NULL ? conf->events :
			    ev_backend_name(0));
		fprintf(stderr, "configuration OK\n");
		return 0;
	}
	master_start(f.debug);
	master_ready();
	if (ev_run(loop) == -1)
		log_error("event loop (%s)", ev_name(loop));
	master_exit();
	return 0;
}
