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
 * The master's files, which run as root, and what each is for.  None of
 * them is a worker's; fpmd.h says what the two kinds share.
 *
 * fpmd.c: flags, signals, the stop ladder, reload.
 * upgrade.c: the binary upgrade.  pidfile.c: the pidfile.
 * conf.c: parsing the configuration.  confcheck.c: checking it against
 * the system.  pool.c: spawning and reaping workers, the process
 * managers.  listener.c: opening the sockets, or taking those fpmd was
 * handed.  reqlog.c: the access and slow log files.  service.c: what
 * a service manager hands fpmd and hears from it.
 */

#ifndef MASTER_H
#define MASTER_H

#include "fpmd.h"

struct conf {
	char			*file;
	char			*prefix;	/* of relative paths */
	char			*pid;
	char			*error_log;	/* "syslog" or a path */
	int			 syslog_facility;
	char			*syslog_ident;
	int			 log_level;
	int			 daemonize;
	char			*events;
	int64_t			 process_control_timeout_ms;
	int			 priority;	/* process.priority */
	rlim_t			 rlimit_files;	/* 0: leave it */
	rlim_t			 rlimit_core;	/* RLIM_INFINITY: unlimited */
	int			 set_rlimit_core;
	int			 emergency_restart_threshold;
	int64_t			 emergency_restart_interval_ms;
	int64_t			 systemd_interval_ms;	/* 0: no STATUS= */
	char			*php_cgi;	/* php.cgi, or as found */
	struct pool_confs	 pools;
};

/*
 * php-fpm mode (fpmd -P, or started as php-fpm): what its command line
 * says that the configuration must take in.  A pool without exec runs
 * php-cgi then.
 */
struct conf_php {
	const char	*prefix;	/* -p: of relative paths */
	const char	*pid;		/* -g */
	int		 daemonize;	/* -D: 1, -F: 0, else -1 */
	char		**args;		/* -c, -d, -e, -n: for php-cgi */
	size_t		 nargs;
};

/*
 * A listening socket.  It outlives the pool that opened it while
 * another pool (a reload's) uses the same address.  One that fpmd was
 * handed is never closed while it is the service manager's, and is
 * not fpmd's own until a new master of an upgrade is ready.
 */
struct pool;

enum listener_origin {
	LISTENER_OPENED,	/* by this master, or now its own */
	LISTENER_MANAGER,	/* the service manager's: LISTEN_FDS */
	LISTENER_UPGRADE	/* the old master's, until this one is ready */
};

struct listener_bind;

struct listener {
	TAILQ_ENTRY(listener)	 entry;
	int			 fd;
	char			*addr;		/* listen value, or address */
	char			*path;		/* unix: unlink on close */
	char			*name;		/* from LISTEN_FDNAMES */
	char			*perms;		/* unix: the owner and mode */
	struct listener_bind	*pending;	/* bound, not yet at its path */
	int			 superseded;	/* a new socket has its path */
	enum listener_origin	 origin;
	int			 refs;
	struct pool		*watcher;	/* ondemand: its one watcher */
};

/*
 * conf.c: the master parses, and checks what the text alone tells; a
 * worker only reads its pool_conf.  A parse under way reports through
 * conf_say() and its kin, about the key that said so.
 */
struct conf_parse;
struct conf_parse *conf_parse(const char *, const struct conf_php *,
		    void (*)(const char *));
struct conf_parse *conf_parse_builtin(const char *, const char *,
		    const char *, const char *, long, const struct conf_php *,
		    void (*)(const char *));
struct conf	*conf_parse_conf(const struct conf_parse *);
struct conf	*conf_parse_end(struct conf_parse *);
void		 conf_say(struct conf_parse *, int, const char *, int,
		    const char *, const char *, ...)
		    __attribute__((__format__ (printf, 6, 7)));
int		 conf_pool_err(struct conf_parse *, struct pool_conf *,
		    const char *, const char *, ...)
		    __attribute__((__format__ (printf, 4, 5)));
void		 conf_pool_warn(struct conf_parse *, struct pool_conf *,
		    const char *, const char *, ...)
		    __attribute__((__format__ (printf, 4, 5)));
void		 conf_global_warn(struct conf_parse *, const char *,
		    const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
void		 conf_free(struct conf *);
int		 conf_pool_diff(const struct pool_conf *,
		    const struct pool_conf *, char *, size_t);
void		 conf_dump(const struct conf *, const char *);

/* confcheck.c: the whole load, the parse and the system's checks */
#define CONF_ROOT_OK	0x01	/* -R: a pool may run as root */
void		 conf_php_fpm(const struct conf_php *);
struct conf	*conf_load(const char *, int, void (*)(const char *));
struct conf	*conf_builtin(const char *, const char *, const char *,
		    const char *, long, int, void (*)(const char *));
char		*conf_which(const char *, const char *);

/* pool.c: the master */
void		 pools_init(struct ev_loop *, void (*)(const char *));
int		 pools_open(struct conf *, char *, size_t);
void		 pools_start(struct conf *);
void		 pools_reload(struct conf *, int);
void		 pools_retire(int64_t);
void		 pools_signal(int);
void		 pools_reap(void);
void		 pools_keep_child(pid_t, void (*)(pid_t, int));
void		 pools_figures(int *, int *, uint64_t *, uint64_t *);
int		 pools_empty(void);
void		 pools_close(void);

/* listener.c: the master's listening sockets */
int		 listener_open(struct pool_conf *, const char *, char *,
		    size_t);
struct listener	*listener_find(const struct pool_conf *, const char *);
void		 listener_put(const struct pool_conf *, const char *);
int		 listener_release(struct listener *);
void		 listener_inherit(int, const char *, enum listener_origin);
void		 listener_report(void);
void		 listeners_place(void);
void		 listener_take_over(void);
void		 listener_hand_over(void);
int		 listener_hand_on(int *, int *, char **);

/* reqlog.c: the master */
struct reqlog;
int		 reqlog_open(const char *, const char *, const char *, char *,
		    size_t);
struct reqlog	*reqlog_find(const char *);
void		 reqlog_put(const char *);
void		 reqlog_release(struct reqlog *);
void		 reqlog_reopen(void);
void		 reqlog_take(const char *, pid_t, char *, size_t,
		    struct reqlog *, struct reqlog *);

/* pidfile.c: the master */
int		 pidfile_write(const char *);
void		 pidfile_check(const char *);
int		 pidfile_ours(const char *);

/* upgrade.c: the master's binary upgrade, both the old and the new's */
const char	*upgrade_record(int, char *[]);
void		 upgrade_init(struct ev_loop *, int, void (*)(int));
void		 upgrade_start(void);
int		 upgrade_busy(const char *);
void		 upgrade_stop(void);
pid_t		 upgrade_successor(void);
void		 upgrade_ready(int);

/* service.c: the master */
void		 service_init(void);
int		 service_sockets(void);
int		 service_hand_on(int);
void		 service_ready(int);
void		 service_heartbeat(struct ev_loop *, int64_t);
void		 service_reloading(void);
void		 service_stopping(void);
void		 service_successor(pid_t);

#endif /* MASTER_H */
