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
 * What fpmd's files share: the configuration (conf.c), the pools the
 * master runs (pool.c), their shared-memory scoreboards, and the entry
 * points of the worker (worker.c), the CGI runner (cgi.c) and the
 * status page (status.c).
 */

#ifndef FPMD_H
#define FPMD_H

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <stdint.h>
#include <time.h>

#include <signal.h>

#include "compat/compat.h"
#include "compat/ev.h"
#include "proto.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR		"/etc"
#endif
#define FPMD_CONF		SYSCONFDIR "/fpmd.conf"

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
#define DEFAULT_TIMEOUT		120	/* seconds, as slowcgi's -t */

/* How a worker tells the master why it exited. */
#define WORKER_EXIT_QUIT	0	/* asked to, or its master is gone */
#define WORKER_EXIT_FATAL	1	/* could not set itself up */
#define WORKER_EXIT_MAXREQ	10	/* pm.max_requests */

/* The master gives a worker this long after TERM before KILL. */
#define KILL_GRACE_MS		1000

enum pm_style {
	PM_STATIC,
	PM_ONDEMAND,
	PM_DYNAMIC
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
	int			*lines;		/* per key: the line that set it */

	char			*listen;
	int			 backlog;
	char			*listen_owner;
	char			*listen_group;
	mode_t			 listen_mode;
	char			*allowed_clients;
	struct acl		*acl;
	size_t			 nacl;

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

	enum pm_style		 pm;
	int			 max_children;
	int			 start_servers;
	int			 min_spare;
	int			 max_spare;
	int			 max_spawn_rate;
	int64_t			 idle_timeout;	/* ms */
	long			 max_requests;

	char			*status_path;
	char			*ping_path;
	char			*ping_response;
	int64_t			 terminate_timeout;	/* ms; 0: none */
	int64_t			 read_timeout;		/* ms */
	int64_t			 keep_conn_timeout;	/* ms */
	size_t			 max_params_size;
	size_t			 max_params;

	char			*cgi_root;
	char			**extensions;	/* security.limit_extensions */
	size_t			 nextensions;
	int			 catch_output;	/* catch_workers_output */
};

TAILQ_HEAD(pool_confs, pool_conf);

struct conf {
	char			*file;
	char			*pid;
	char			*error_log;	/* "syslog" or a path */
	int			 syslog_facility;
	char			*syslog_ident;
	int			 log_level;
	int			 daemonize;
	char			*events;
	int64_t			 process_control_timeout;	/* ms */
	struct pool_confs	 pools;
};

/*
 * The scoreboard: one shared page range per pool, one slot per worker.
 * A worker writes only its own slot; the master writes a slot only
 * while no worker owns it, and the header fields below that say so.
 * Figures are computed from the slots when they are read.
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
	volatile pid_t		 cgi_pgid;	/* the running CGI's group */
	time_t			 started;	/* the worker's, epoch */
	int64_t			 since;		/* state entered, monotonic */
	int64_t			 req_start;	/* monotonic ns */
	int64_t			 req_duration;	/* ns, of the last request */
	uint64_t		 requests;	/* by this worker */
	uint64_t		 accepted;	/* by every worker of the slot */
	uint64_t		 content_length;
	char			 method[16];
	char			 uri[256];
	char			 query[256];
	char			 script[256];
	char			 user[64];
};

struct scoreboard {
	/* written by the master */
	time_t			 started;
	uint64_t		 accepted_before;	/* earlier generations */
	uint64_t		 max_children_reached;
	unsigned int		 max_active;
	unsigned int		 max_listen_queue;
	int			 nslots;
	struct slot		 slots[1];
};

struct listener {
	TAILQ_ENTRY(listener)	 entry;
	int			 fd;
	int			 family;
	char			*addr;		/* the listen value */
	char			*path;		/* unix: unlink on close */
	int			 refs;
	struct pool		*watcher;	/* ondemand: its one watcher */
};

struct worker {
	TAILQ_ENTRY(worker)	 entry;
	struct pool		*pool;
	pid_t			 pid;
	int			 slot;
	int64_t			 started;	/* monotonic ns */
	int			 ready;
	int			 stopping;	/* QUIT or TERM sent */
};

TAILQ_HEAD(workers, worker);

struct pool {
	TAILQ_ENTRY(pool)	 entry;
	struct pool_conf	*pc;
	struct listener		*lsn;
	struct scoreboard	*sb;
	size_t			 sbsize;
	struct workers		 workers;
	int			 nworkers;
	int			 nstarting;
	int			 retired;	/* draining after a reload */
	int			 generation;	/* the reload it is from */
	int			 spawn_rate;
	int			 quick_deaths;
	int			 drain_sig;	/* retired: the last sent */
	struct ev_timer		 tick;
	struct ev_timer		 respawn;
	struct ev_timer		 recheck;
	struct ev_timer		 drain;
};

TAILQ_HEAD(pools, pool);

/* conf.c */
struct conf	*conf_load(const char *, char *, size_t);
struct conf	*conf_builtin(const char *, const char *, const char *,
		    const char *, long, char *, size_t);
void		 conf_free(struct conf *);
void		 conf_pool_free(struct pool_conf *);
int		 conf_pool_diff(const struct pool_conf *,
		    const struct pool_conf *, char *, size_t);
void		 conf_dump(const struct conf *, const char *);
int		 conf_parse_time(const char *, int64_t *);
const char	*conf_pm_name(enum pm_style);
char		*xstrdup(const char *);
void		 list_free(char **, size_t);

/*
 * A worker's connection to the web server.  Input is parsed in place:
 * PROTO_STDIN data points into in[] until the next conn_read().
 */
#define CONN_IN_SIZE	(PROTO_RECORD_MAX + 4096)
#define CONN_OUT_SIZE	(2 * PROTO_RECORD_MAX)

struct conn {
	int			 fd;
	struct pool_conf	*pc;
	struct slot		*slot;
	char			 peer[64];
	struct proto_parser	 parser;
	size_t			 in_off;	/* parsed up to here */
	size_t			 in_len;
	unsigned int		 id;		/* the request */
	int			 keep;		/* FCGI_KEEP_CONN */
	int			 stdin_done;
	int			 eof;		/* the web server hung up */
	int			 failed;	/* close after this request */
	int64_t			 timeout;	/* ns, for each read or write */
	size_t			 outlen;	/* records queued in out[] */
	/* last, as they are not cleared for each connection: */
	uint8_t			 in[CONN_IN_SIZE];
	uint8_t			 out[CONN_OUT_SIZE];
};

/* pool.c */
extern struct pools	 pools;
int		 listener_open(struct pool_conf *, char *, size_t);
void		 listener_put(const char *);
void		 pools_init(struct ev_loop *, int);
struct pool	*pool_new(struct pool_conf *);
void		 pool_start(struct pool *);
void		 pool_free(struct pool *);
void		 pool_retire(struct pool *, int64_t);
uint64_t	 pool_accepted(const struct pool *);
void		 pools_reap(void);
void		 pools_signal(int);
int		 pools_empty(void);
void		 pools_close(void);

/* worker.c */
extern volatile sig_atomic_t	 worker_quit;
extern const char		 nocache_headers[];
__attribute__((__noreturn__))
void		 worker_main(struct pool *, int, struct ev_loop *, int, int,
		    int);
int		 conn_event(struct conn *, struct proto_event *);
int		 conn_read(struct conn *);
int		 conn_wait(struct conn *, struct proto_event *);
int		 conn_write(struct conn *, const void *, size_t);
int		 conn_param(struct conn *, const char *, char *, size_t);
int		 conn_drain(struct conn *);
int		 conn_queue(struct conn *, int, const void *, size_t);
int		 conn_respond(struct conn *, const char *, size_t);
int		 conn_end(struct conn *, uint32_t, int);

/* status.c */
void		 status_page(struct conn *, const struct pool *);
unsigned int	 status_listen_queue(int, unsigned int *);

/* cgi.c */
void		 cgi_init(void);
void		 cgi_run(struct conn *);

/* service.c */
void		 service_init(void);
void		 service_ready(int);
void		 service_reloading(void);
void		 service_stopping(void);

#endif /* FPMD_H */
