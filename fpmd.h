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
 * What fpmd's files share, and the line between its two kinds of
 * process.
 *
 * The master runs as root: fpmd.c (flags, signals, the stop ladder,
 * reload), upgrade.c (the binary upgrade), pidfile.c (the pidfile),
 * conf.c (parsing the configuration), confcheck.c (checking it against
 * the system), pool.c (spawning, reaping, the process managers),
 * listener.c (opening the sockets, or taking those fpmd was handed),
 * service.c (what a service manager hands fpmd and hears from it) and
 * reqlog.c (the access and slow log files).
 * A worker runs as its pool's user, in its pool's chroot: worker.c (its
 * accept loop and dispatch), privdrop.c (how it becomes the pool's),
 * conn.c (one FastCGI connection, and what a request used), child.c
 * (its one child at a time: a CGI program or an application), cgi.c
 * (one CGI program per request), script.c (which program), cgiheader.c
 * (its header block), spool.c (a large body's file), app.c (the
 * FastCGI application of a pool with exec, its own or the pool's
 * shared one), relay.c (one request relayed to it), access.c (its
 * access log line), slowlog.c (a slow request's entry) and status.c
 * (ping's sibling, the status page).  So does the keeper of an
 * exec.mode = shared pool: keeper.c, with privdrop.c, app.c and
 * child.c.  Both kinds run scoreboard.c, confwire.c, escape.c,
 * xmalloc.c, log.c, proto.c and compat/ (listen_queue() among it),
 * and a worker reads the struct pool_conf conf.c made, as confwire.c
 * carried it over.
 *
 * A worker is a fresh image: after fork(), the master's child executes
 * fpmd's own binary, whose main() hands over to worker_main() at once,
 * with nothing but the worker's own pool's settings (confwire.c) and
 * descriptors; the master's files call nothing else of a worker's, and
 * the worker's files call nothing in fpmd.c or pool.c.  The master
 * trusts nothing a worker can write: the scoreboard holds numbers to
 * display and bounded strings to print, and the master signals and
 * waits for only its own children, by the pids fork() gave it.  A
 * worker alone signals its CGI program's or its application's process
 * group, or the child of a shared application it is connected to; the
 * keeper alone its shared application's group.
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

/*
 * What a request runner (cgi.c, or relay.c for a FastCGI application)
 * tells the worker about a request it answered, in one call to
 * outcome_set(): the status it sent, the program it ran and the
 * response's header block, for the access log; and the program's
 * resource usage, as wait4(2) gave it, for the status page's last
 * request cpu and memory and the access log's %C and %M.  worker.c
 * clears it before each request.  The pointers stay valid until the
 * runner's next request.
 */
struct outcome {
	int		 status;	/* HTTP status; 0: no response */
	const char	*script;	/* the program, as named, or NULL */
	const char	*headers;	/* the response's header block */
	size_t		 headers_len;
	int64_t		 user_ns;	/* the program's CPU time */
	int64_t		 system_ns;
	uint64_t	 memory_bytes;	/* its peak resident size */
};

/*
 * One answered request, as the access log needs it (access.c); the
 * rest comes from the connection: its params, its peer, its start.
 */
#define ACCESS_LINE_MAX	1024	/* php-fpm's: a longer line is cut */

struct access {
	struct conn		*c;
	const struct outcome	*o;
	const char		*user;		/* %u */
	uint64_t		 content_length; /* %l */
	int64_t			 duration_ns;	/* %d, and %C's measure */
};

/*
 * A worker's connection to the web server.  Input is parsed in place:
 * PROTO_STDIN data points into in[] until the next conn_read().
 */
#define CONN_IN_SIZE	(PROTO_RECORD_MAX + 4096)
#define CONN_OUT_SIZE	(2 * PROTO_RECORD_MAX)

struct conn {
	int				 fd;
	const struct pool_conf		*pc;
	struct slot			*slot;		/* NULL: none to keep */
	const volatile sig_atomic_t	*halt;		/* stop now, when set */
	struct proto_parser		 parser;
	size_t				 in_off;	/* parsed up to here */
	size_t				 in_len;
	unsigned int			 id;		/* the request */
	int				 keep;		/* FCGI_KEEP_CONN */
	int				 stdin_done;
	int				 eof;		/* the server hung up */
	int				 aborted;	/* ABORT_REQUEST came */
	int				 failed;	/* close after this */
	int64_t				 req_start_ns;	/* its BEGIN_REQUEST */
	time_t				 started_epoch;	/* the same, for logs */
	int64_t				 timeout_ns;	/* each read or write */
	int64_t				 begin_by_ns;	/* 0: BEGIN came */
	int				 slow_logged;	/* in the slowlog */
	int				 reqlog_fd;	/* the channel, or -1 */
	size_t				 outlen;	/* queued in out[] */
	/* last, as the caller sets them, or they need no clearing: */
	char				 peer[64];	/* for log lines */
	char				 addr[46];	/* the address, or "" */
	uint8_t				 in[CONN_IN_SIZE];
	uint8_t				 out[CONN_OUT_SIZE];
};

/*
 * A CGI program's header block being checked (cgiheader.c).  Zero it
 * for each response.
 */
enum { CGIHEADER_MORE, CGIHEADER_OK, CGIHEADER_BAD };

struct cgiheader {
	size_t		 off;		/* lines before this are checked */
	size_t		 len;		/* OK: the block, blank line included */
	int		 status;	/* its Status: code, or 0 */
	int		 location;	/* it has a Location: */
	const char	*error;		/* BAD: what is wrong */
	size_t		 error_at;	/* BAD: where */
};

/*
 * The program a CGI request names (script.c), and what the web server
 * sent to name it: each NULL where it sent nothing.
 */
enum script_error {
	SCRIPT_OK,
	SCRIPT_UNNAMED,		/* no SCRIPT_FILENAME, or root and name */
	SCRIPT_MISSING,		/* no such file */
	SCRIPT_UNREAL,		/* realpath() failed, with errno */
	SCRIPT_OUTSIDE,		/* its real path leaves cgi.root */
	SCRIPT_NOT_RUNNABLE	/* not an executable file, or extension */
};

struct script {
	char		 named[PATH_MAX];	/* what the request said */
	char		 script[PATH_MAX];	/* the program, as named */
	char		 path[PATH_MAX];	/* the program's real path */
	char		 dir[PATH_MAX];		/* its directory */
	char		 info[PATH_MAX];	/* PATH_INFO, after a split */
	char		 name[PATH_MAX];	/* SCRIPT_NAME, after a split */
	int		 split;
};

struct script_names {
	const char	*filename;	/* SCRIPT_FILENAME */
	const char	*docroot;	/* DOCUMENT_ROOT */
	const char	*name;		/* SCRIPT_NAME */
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

/* privdrop.c: a worker or the keeper becomes its pool's */
int		 privdrop(const struct pool_conf *);
void		 privdrop_signals(void (*)(int), int);

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

/* conn.c: a worker */
extern const char nocache_headers[];
void		 conn_open(struct conn *, int, const struct pool_conf *,
		    struct slot *, const volatile sig_atomic_t *, uint8_t *);
int		 conn_next(struct conn *);
int		 conn_event(struct conn *, struct proto_event *);
int		 conn_read(struct conn *);
int		 conn_write(struct conn *, const void *, size_t);
int		 conn_param(struct conn *, const char *, char *, size_t);
int		 conn_body(struct conn *, const uint8_t **, size_t *);
int		 conn_drain(struct conn *);
int		 conn_respond(struct conn *, const char *, size_t);
int		 conn_status(struct conn *, const char *);
int		 conn_end(struct conn *, uint32_t, int);
void		 conn_reqlog_send(const struct conn *, const void *, size_t,
		    const char *);
void		 outcome_set(struct outcome *, int, const char *,
		    const char *, size_t, const struct rusage *);
double		 outcome_cpu_pct(int64_t, int64_t);

/* status.c: a worker */
void		 status_page(struct conn *, const struct pool_conf *,
		    const struct scoreboard *, int);

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

/* access.c: a worker */
size_t		 access_render(char *, const char *, const struct access *);
int		 access_suppressed(const struct pool_conf *,
		    const struct access *);
void		 access_log(const char *, const struct access *);

/* slowlog.c: a worker */
int64_t		 slowlog_check(struct conn *, pid_t, pid_t (*)(void));

/* child.c: the one child of a worker or the keeper */
struct child_spec {
	const char	*path;		/* the program */
	char *const	*argv;
	char *const	*env;
	const char	*dir;		/* its working directory, or NULL */
	int		 fds[3];	/* what becomes its 0, 1 and 2 */
	int		 tied;		/* it dies with this process */
};
struct child_env {
	char		**vars;		/* "name=value", NULL-terminated */
	size_t		 n;
};
void		 child_init(const struct pool_conf *);
int		 child_null(void);
int		 child_exit_fd(void);
pid_t		 child_spawn(const struct child_spec *);
pid_t		 child_pid(void);
void		 child_signal(int);
int		 child_exited(void);
int		 child_wait(int64_t);
int		 child_stop(int);
int		 child_reap(int *, struct rusage *);
void		 child_output(const char *, size_t);
void		 child_output_end(void);
int		 child_env_has(const struct child_env *, const char *, size_t);
void		 child_env_set(struct child_env *, const char *, size_t,
		    const char *, size_t);
void		 child_env_conf(struct child_env *, const struct pool_conf *);
void		 child_env_inherit(struct child_env *,
		    const struct pool_conf *);
void		 child_env_free(struct child_env *);

/* cgi.c: a worker */
void		 cgi_init(const struct pool_conf *, volatile int64_t *);
void		 cgi_run(struct conn *, struct outcome *);

/* app.c: a pool's FastCGI application, in one of three roles */
enum app_role {
	APP_OWN,	/* a worker's own instance (exec.mode = worker) */
	APP_KEEPER,	/* the pool's one instance, in its keeper */
	APP_CLIENT	/* a worker connected to the keeper's instance */
};
void		 app_init(const struct pool_conf *,
		    const volatile sig_atomic_t *, enum app_role,
		    const char *, volatile pid_t *);
int		 app_start(void);
int		 app_check(void);
void		 app_lost(const char *, const char *);
int		 app_connection(void);
int		 app_owned(void);
ssize_t		 app_read(int, void *, size_t);
void		 app_done(int);
int		 app_closed(char *, size_t);
void		 app_kill(void);
void		 app_stop(void);
pid_t		 app_pid(void);
pid_t		 app_runner(void);
pid_t		 app_group(void);
void		 app_output(void);
int		 app_fds(int *, int *);
int		 app_watch(struct ev_loop *, ev_fd_cb);

/* keeper.c: the keeper of an exec.mode = shared pool's application */
__dead void	 keeper_run(const struct worker_ctx *);

/* relay.c: a worker */
int		 relay_run(struct conn *, struct outcome *);

/* cgiheader.c: a worker */
int		 cgiheader_parse(struct cgiheader *, const char *, size_t,
		    size_t);

/* script.c: a worker */
enum script_error script_resolve(struct script *,
		    const struct script_names *, const struct pool_conf *,
		    const char *);

/* spool.c: a worker */
int		 spool_open(const char *);

/* xmalloc.c: allocations that cannot fail, and string lists */
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xenvvar(const char *, size_t, const char *, size_t);
void		 strlist_add(char ***, size_t *, const char *);
size_t		 strlist_var(char *const *, size_t, const char *, size_t);
void		 strlist_free(char **, size_t);

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

#endif /* FPMD_H */
