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
 * What crosses the line between fpmd's processes: the constants and
 * exit codes, the configuration of a pool as the master parses it and
 * a worker is told it (confwire.c), the scoreboard both share, and the
 * worker's entry point and context.
 *
 * Each process has a header of its own, which is where the role of
 * every file is written: master.h declares the files the master runs,
 * as root; worker.h those a worker runs, as its pool's user, in its
 * pool's chroot, and the keeper of an exec.mode = shared pool with
 * them.  A file of one never includes the other's header, and
 * tests/layout_test holds every file to the header it includes and to
 * what it calls.  Files of both kinds run what this header declares
 * (scoreboard.c, confwire.c, xmalloc.c), log.c, and the pure modules,
 * which have headers of their own and no need of this one: proto.h,
 * escape.h, cgiheader.h and script.h.
 *
 * A worker is a fresh image: after fork(), the master's child executes
 * fpmd's own binary, whose main() hands over to worker_main() at once,
 * with nothing but the worker's own pool's settings (confwire.c) and
 * descriptors.  The master trusts nothing a worker can write: the
 * scoreboard holds numbers to display and bounded strings to print,
 * and the master signals and waits for only its own children, by the
 * pids fork() gave it.  A worker alone signals its CGI program's or its
 * application's process group, or the child of a shared application it
 * is connected to; the keeper alone its shared application's group.
 */

#ifndef FPMD_H
#define FPMD_H

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "compat/compat.h"
#include "compat/ev.h"
#include "log.h"
#include "proto.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR		"/etc"
#endif
#define FPMD_CONF		SYSCONFDIR "/fpmd.conf"
/* The Makefile says which; a build without it (a fuzzer's) has none. */
#ifndef FPMD_VERSION
#define FPMD_VERSION		"unversioned"
#endif
/* Relative paths in the configuration, without a prefix key, are here. */
#ifndef PREFIX
#define PREFIX			"/usr/local"
#endif

/*
 * The built-in pool when there is no configuration file: slowcgi's
 * defaults on OpenBSD, the platform's run directory and web user
 * elsewhere.
 */
#if defined(__OpenBSD__)
#define DEFAULT_SOCKET		"/var/www/run/slowcgi.sock"
#define DEFAULT_USER		"www"
#define DEFAULT_CHROOT		"/var/www"
#elif defined(__linux__)
#define DEFAULT_SOCKET		"/run/fpmd.sock"
#define DEFAULT_USER		"www-data"
#define DEFAULT_CHROOT		""
#elif defined(__APPLE__)
#define DEFAULT_SOCKET		"/var/run/fpmd.sock"
#define DEFAULT_USER		"_www"
#define DEFAULT_CHROOT		""
#else
#define DEFAULT_SOCKET		"/var/run/fpmd.sock"
#define DEFAULT_USER		"www"
#define DEFAULT_CHROOT		""
#endif
#define DEFAULT_TIMEOUT_S	120	/* as slowcgi's -t */
/* The PATH of a CGI program or an application, unless env[] sets one. */
#define DEFAULT_PATH		"PATH=/usr/local/bin:/usr/bin:/bin"

/*
 * How a worker tells the master why it exited.  fatal() exits 1: an
 * error the worker did not expect, told apart from a worker that could
 * not set itself up.
 */
#define WORKER_EXIT_QUIT	0	/* asked to, or its master is gone */
#define WORKER_EXIT_FATAL	1	/* fatal(): out of memory and such */
#define WORKER_EXIT_MAXREQ	10	/* pm.max_requests */
#define WORKER_EXIT_SETUP	11	/* limits, chroot, user or its loop */
#define WORKER_EXIT_APP		12	/* its application cannot start */
#define WORKER_EXIT_EXEC	13	/* fpmd's binary cannot be executed */
#define WORKER_EXIT_BUILD	14	/* that binary is another build */

/* The master gives a worker this long after TERM before KILL. */
#define KILL_GRACE_MS		1000
/*
 * A worker, or the keeper, gives its child (child.c) this long: less,
 * so that a worker that is stopped kills its child's group before the
 * master kills the worker.
 */
#define CHILD_KILL_GRACE_MS	(KILL_GRACE_MS / 2)

enum pm_style {
	PM_STATIC,
	PM_ONDEMAND,
	PM_DYNAMIC
};
/* A pm style's name, as pm takes it and the status page shows it. */
#define PM_NAME(pm)	((pm) == PM_STATIC ? "static" :			\
			    (pm) == PM_ONDEMAND ? "ondemand" : "dynamic")

/*
 * Keys that need what only some systems have, told apart here rather
 * than by configure: process.dumpable needs prctl(PR_SET_DUMPABLE)
 * (Linux); listen.acl_users and listen.acl_groups need POSIX.1e ACLs in
 * libc (FreeBSD, macOS).  Elsewhere they are "not supported".
 */
#if defined(__linux__)
#define CONF_DUMPABLE		1
#else
#define CONF_DUMPABLE		0
#endif
#if defined(__FreeBSD__) || defined(__APPLE__)
#define CONF_LISTEN_ACL		1
#else
#define CONF_LISTEN_ACL		0
#endif

/*
 * The longest time a key or a flag takes: 24 days, so that any time
 * fits poll()'s int milliseconds.
 */
#define CONF_TIME_MAX_S		(24 * 86400)

/* process.priority not set: php-fpm's 64, outside nice(1)'s range. */
#define CONF_PRIORITY_UNSET	64

/* While a file is read: where a key was set (line < 0: refused). */
struct conf_at {
	const char		*file;
	int			 line;
};

/* One entry of listen.allowed_clients: an address and prefix length. */
struct acl {
	int		 family;
	uint8_t		 addr[16];
	int		 bits;
};

struct pool_conf {
	TAILQ_ENTRY(pool_conf)	 entry;
	char			*name;
	char			*file;		/* where [name] was */
	int			 line;
	struct conf_at		*set_at;	/* per key, while reading */
	char			*prefix;	/* of relative paths */

	char			*listen;
	int			 backlog;	/* -1: the system's maximum */
	char			*listen_owner;
	char			*listen_group;
	mode_t			 listen_mode;
	char			*allowed_clients;
	struct acl		*acl;
	size_t			 nacl;
	char			*acl_users;	/* listen.acl_users */
	char			*acl_groups;	/* listen.acl_groups */
	char			*status_listen;	/* pm.status_listen */

	char			*user;
	char			*group;
	uid_t			 uid;
	gid_t			 gid;
	int			 setuser;	/* change user in workers */
	gid_t			*groups;	/* supplementary, with gid */
	int			 ngroups;
	char			*chroot;
	char			*chdir;
	int			 clear_env;
	char			**env;		/* "NAME=VALUE" */
	size_t			 nenv;
	rlim_t			 rlimit_files;	/* 0: leave it */
	rlim_t			 rlimit_core;	/* RLIM_INFINITY: unlimited */
	int			 set_rlimit_core;
	int			 priority;	/* process.priority */
	int			 dumpable;	/* process.dumpable */

	enum pm_style		 pm;
	int			 max_children;
	int			 start_servers;
	int			 min_spare;
	int			 max_spare;
	int			 max_spawn_rate;
	int64_t			 idle_timeout_ms;
	long			 max_requests;

	char			*status_path;
	char			*ping_path;
	char			*ping_response;
	int64_t			 terminate_timeout_ms;	/* 0: none */
	int			 terminate_track_finished;
	char			*access_log;	/* NULL: none */
	char			*access_format;
	/* access.suppress_path[] */
	char			**suppress_paths;
	size_t			 nsuppress_paths;
	char			*slowlog;
	int64_t			 slowlog_timeout_ms;	/* 0: none */
	int			 slowlog_trace_depth;
	int64_t			 read_timeout_ms;
	int64_t			 keep_conn_timeout_ms;
	int64_t			 begin_timeout_ms;
	size_t			 max_params_size;
	size_t			 max_params;

	char			*exec;		/* the application, or NULL */
	char			*exec_mode;	/* "worker" or "shared" */
	int			 exec_shared;	/* one instance for the pool */
	/*
	 * php-cgi's arguments after exec's own words: php-fpm mode's -c,
	 * -d, -e and -n, then "-d" "name=value" for each php_value,
	 * php_flag, php_admin_value and php_admin_flag.  Only for an exec
	 * that is php-cgi.
	 */
	char			**php_args;
	size_t			 nphp_args;

	char			*cgi_root;
	size_t			 max_body_bytes;	/* cgi.max_body_size */
	char			*body_temp_dir;		/* cgi.body_temp_dir */
	char			**extensions;	/* security.limit_extensions */
	size_t			 nextensions;
	char			**allowed_params;	/* cgi.allowed_params */
	size_t			 nallowed_params;
	int			 catch_output;	/* catch_workers_output */
	int			 decorate_output; /* decorate_workers_output */
};

TAILQ_HEAD(pool_confs, pool_conf);

/*
 * The scoreboard: one shared mapping per pool, one slot per worker.  A
 * worker writes only its own slot, and the master writes a slot only
 * while no worker owns it, plus the history fields of the header.
 * Figures are computed from the slots when they are read.  Any worker
 * of the pool can write any of it, so the master reads it as numbers
 * to display and strings to print within their bounds, never as
 * anything to act on beyond the worker itself; even its size comes
 * from the pool's pm.max_children, never from the mapping.
 */
enum slot_state {
	SLOT_FREE,
	SLOT_STARTING,		/* forked, not accepting yet */
	SLOT_IDLE,		/* waiting in accept */
	SLOT_READING,		/* reading a request, or a kept connection */
	SLOT_RUNNING,		/* running the request */
	SLOT_FINISHING,		/* sending the end of the response */
	SLOT_ENDING		/* leaving */
};

struct slot {
	volatile pid_t		 pid;
	volatile int		 state;
	time_t			 started_epoch;
	int64_t			 since_ns;	/* state entered, ev_now() */
	int64_t			 req_start_ns;	/* 0: between requests */
	int64_t			 req_duration_ns; /* the last request's */
	uint64_t		 requests;	/* by this worker */
	uint64_t		 accepted;	/* by every worker here */
	uint64_t		 slow;		/* slow requests, ditto */
	int64_t			 last_cpu_ns;	/* the last request's program */
	uint64_t		 last_memory_bytes;
	uint64_t		 content_length;
	volatile pid_t		 app_pid;	/* the application serving it */
	char			 method[16];
	char			 uri[256];
	char			 query[256];
	char			 script[256];
	char			 user[64];
};

struct scoreboard {
	/* written by the master */
	time_t			 started_epoch;
	uint64_t		 accepted_before; /* earlier generations */
	uint64_t		 slow_before;
	uint64_t		 max_children_reached;
	unsigned int		 max_active;
	unsigned int		 max_listen_queue;
	/* written by the workers, read by them alone */
	volatile int64_t	 dropped_said_ns; /* cgi.c's line, last */
	volatile pid_t		 app_pid;	/* the keeper's instance */
	struct slot		 slots[1];	/* pm.max_children of them */
};

/*
 * What a worker is told when it starts, besides its descriptors: its
 * pool's settings and the few global ones it needs (confwire.c carries
 * them across its exec).
 */
struct worker_conf {
	struct pool_conf	*pc;
	char			*events;	/* events.mechanism */
	int			 log_level;	/* the most verbose logged */
	char			*app_id;	/* exec.mode = shared: app.c */
};

/*
 * The descriptors a worker is handed, at these numbers: the child of
 * fork() moves each here before it executes fpmd's binary as a
 * worker, and closes every other.  One a worker is not handed stays
 * closed.
 */
enum worker_fd {
	WORKER_FD_CONF = 3,	/* its settings, as confwire.c writes them */
	WORKER_FD_SB,		/* its pool's scoreboard */
	WORKER_FD_LISTEN,	/* the socket it accepts on */
	WORKER_FD_QUEUE,	/* the status worker's: its pool's socket */
	WORKER_FD_LIFE,		/* readable once the master is gone */
	WORKER_FD_CHAN,		/* its own channel to the master */
	WORKER_FD_END
};
#define WORKER_NFDS		(WORKER_FD_END - WORKER_FD_CONF)

/*
 * fpmd's second argument when the master starts it as a worker; no
 * flag of fpmd's looks like it.  The third is the worker's slot, or
 * "status" or "app", and the fourth its pool's name, for ps(1).
 */
#define WORKER_MARK		"--fpmd-worker"
#define WORKER_STATUS		"status"
#define WORKER_KEEPER		"app"

/*
 * The two processes of a pool that are not its workers, and have no
 * slot: the status worker of pm.status_listen, and the keeper of an
 * exec.mode = shared pool's application (keeper.c).
 */
#define SLOT_STATUS		(-1)
#define SLOT_KEEPER		(-2)

/*
 * A worker's context, for good: its pool's settings and scoreboard,
 * its slot and the event mechanism to wait with; its descriptors are
 * those of enum worker_fd.  Nothing of any other pool is
 * in a worker.  The status worker of pm.status_listen has no slot: it
 * answers ping and status only, and reads the pool's socket only for
 * its queue.  Nor has the keeper, which runs the application of an
 * exec.mode = shared pool and accepts nothing.
 */
struct worker_ctx {
	struct pool_conf	*pc;
	struct scoreboard	*sb;
	int			 slot;		/* or SLOT_STATUS, SLOT_KEEPER */
	const char		*events;
	const char		*app_id;	/* exec.mode = shared's */
};

/* scoreboard.c: the master makes and resets; a worker writes its slot */
struct scoreboard *sb_new(const char *, int, int *);
struct scoreboard *sb_map(int, int);
void		 sb_free(struct scoreboard *, int);
void		 sb_slot_reset(struct slot *);
void		 sb_slot_state(struct slot *, int);
int		 sb_count(const struct scoreboard *, int, int);
void		 sb_totals(const struct scoreboard *, int, uint64_t *,
		    uint64_t *);
uint64_t	 sb_add(uint64_t, uint64_t);
int64_t		 sb_sub(int64_t, int64_t);

/* worker.c: fpmd started as a worker, by the master */
__dead void	 worker_main(int, char *[]);

/*
 * confwire.c: the master writes a worker's settings, the worker reads
 * them, and both free a pool's
 */
#define CONFWIRE_MAX_BYTES	(16 * 1024 * 1024)
enum { CONFWIRE_OK = 0, CONFWIRE_BAD = -1, CONFWIRE_BUILD = -2 };
void		 confwire_encode(const struct worker_conf *, uint8_t **,
		    size_t *);
int		 confwire_decode(const uint8_t *, size_t, struct worker_conf *,
		    char *, size_t);
void		 confwire_free(struct worker_conf *);
void		 conf_pool_free(struct pool_conf *);

/* xmalloc.c: allocations that cannot fail, and string lists */
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xenvvar(const char *, size_t, const char *, size_t);
void		 strlist_add(char ***, size_t *, const char *);
size_t		 strlist_var(char *const *, size_t, const char *, size_t);
void		 strlist_free(char **, size_t);

#endif /* FPMD_H */
