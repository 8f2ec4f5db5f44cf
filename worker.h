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
 * The worker's files, which run as the pool's user, in its chroot, and
 * what each is for; the keeper of an exec.mode = shared pool runs
 * keeper.c with privdrop.c, child.c and app.c.  None of them is the
 * master's; fpmd.h says what the two kinds share.
 *
 * worker.c: its accept loop and dispatch.  privdrop.c: how it becomes
 * the pool's.  conn.c: one FastCGI connection, and what a request
 * used.  child.c: its one child at a time, a CGI program or an
 * application.  cgi.c: one CGI program per request, with script.h and
 * cgiheader.h, and a large body's file.  app.c: the FastCGI
 * application of a pool with exec, its own or the pool's shared one.
 * keeper.c: the process that keeps a shared one.  relay.c: one request
 * relayed to the application.  access.c: its access log line.
 * slowlog.c: a slow request's entry.  status.c: ping's sibling, the
 * status page.
 */

#ifndef WORKER_H
#define WORKER_H

#include "fpmd.h"

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

/* privdrop.c: a worker or the keeper becomes its pool's */
int		 privdrop(const struct worker_ctx *);
void		 privdrop_signals(void (*)(int), int);

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
void		 app_fds(int *, int *);
int		 app_watch(struct ev_loop *, ev_fd_cb);

/* keeper.c: the keeper of an exec.mode = shared pool's application */
__dead void	 keeper_run(const struct worker_ctx *);

/* relay.c: a worker */
int		 relay_run(struct conn *, struct outcome *);

#endif /* WORKER_H */
