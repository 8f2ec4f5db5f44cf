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
 * The master's side of the pools, run as root: spawning and reaping
 * workers, the three process managers, timeouts, and reloads.
 *
 * static keeps pm.max_children workers and respawns them, backing off
 * when they keep dying at birth.  ondemand starts with none; when a
 * connection waits and no worker is idle it forks 1, 2, 4, ... at a
 * time (up to pm.max_spawn_rate), and it stops watching the socket
 * while workers are starting or the pool is full, so a level-triggered
 * backend (poll) never spins.  dynamic keeps the idle workers between
 * pm.min_spare_servers and pm.max_spare_servers, as php-fpm does.  A
 * one-second tick per pool does the idle reaping, the spare-server
 * policy, the request_terminate_timeout backstop and the statistics.
 *
 * Each worker has a channel of its own to the master, a datagram
 * socket pair made for it alone: on it come its "accepting", its
 * error_log lines and its access and slow log lines (log.h), which the
 * master takes as that worker's and its pool's, whatever they say.  A
 * worker holds no other worker's channel, so it speaks for no other
 * pool and no sibling.  A channel is read to its end before it is
 * closed, when its worker has been reaped, so that no line is lost.
 *
 * The master signals and waits for only its own children.  Where the
 * system has a subreaper (compat/reaper.c), what a dead worker leaves
 * behind becomes the master's child too, and is killed: any child that
 * is not a worker is such an orphan, but for the one upgrade.c keeps (the
 * new master of a binary upgrade), whose end it hears of.  A worker is
 * fork() and then exec() of fpmd's own binary (compat/selfexec.c): a
 * fresh image, told only its own pool's settings (confwire.c) and
 * handed only its own descriptors, so it holds no other pool's secrets
 * and none of the master's memory.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpmd.h"
#include "master.h"

#define TICK_MS			1000
#define RECHECK_MS		10	/* ondemand: idle workers had a go */
#define QUICK_DEATH_MS		1000
#define BACKOFF_MAX_MS		(30 * 1000)
#define TERMINATE_GRACE_MS	2000
#define ORPHANS_MAX		256	/* killed per look */
#define CHAN_READS_MAX		64	/* messages per wake-up, then others */
#define CHAN_DRAIN_MAX		4096	/* more than a channel holds */
/* Room for a worker's lines while the master is busy. */
#define CHAN_SNDBUF_BYTES	(64 * 1024)
#define CHAN_RCVBUF_BYTES	(256 * 1024)

/*
 * The master's record of one of its children: a worker, a status
 * worker or a keeper.  The kid_* functions keep these records; the
 * worker process's own code is worker.c's.
 */
struct kid {
	TAILQ_ENTRY(kid)	 entry;
	struct pool		*pool;
	pid_t			 pid;
	int			 chan;		/* our end of its channel */
	int			 slot;		/* or SLOT_STATUS, SLOT_KEEPER */
	int64_t			 started_ns;
	int			 ready;
	int			 stopping;	/* QUIT or TERM sent */
};

TAILQ_HEAD(kids, kid);

struct pool {
	TAILQ_ENTRY(pool)	 entry;
	struct pool_conf	*pc;
	struct listener		*lsn;
	struct listener		*status_lsn;	/* pm.status_listen, or NULL */
	struct kid		*statusw;	/* the one answering there */
	struct kid		*keeper;	/* exec.mode = shared's */
	int			 keeper_fails;	/* in a row, for the back-off */
	char			 app_id[32];	/* its application's name */
	struct reqlog		*access;	/* access.log, or NULL */
	struct reqlog		*slow;		/* slowlog, or NULL */
	struct scoreboard	*sb;
	int			 sb_fd;		/* its shared memory object */
	struct kid		**held;		/* each slot's worker, or NULL */
	int			 conf_fd;	/* what its workers are told */
	struct kids		 workers;
	int			 nworkers;
	int			 nstarting;
	int			 retired;	/* draining after a reload */
	int			 generation;	/* the reload it is from */
	int			 spawn_rate;
	int			 quick_deaths;
	int64_t			*crashes_ns;	/* when, the last threshold */
	int			 crashes_max;	/* the threshold it was for */
	int			 ncrashes;	/* since the last restart */
	int			 drain_sig;	/* retired: the last sent */
	struct ev_timer		 begin;
	struct ev_timer		 tick;
	struct ev_timer		 respawn;
	struct ev_timer		 recheck;
	struct ev_timer		 drain;
	struct ev_timer		 status_respawn;
	struct ev_timer		 keeper_respawn;
};

static TAILQ_HEAD(, pool)	 pools = TAILQ_HEAD_INITIALIZER(pools);
static struct ev_loop		*loop;
static unsigned int		 apps;		/* shared applications named */
static int			 life[2] = { -1, -1 };
static int			 stopping;
static int			 generation;	/* reloads so far */
static int			 reaping;	/* the master is a subreaper */
static struct ev_timer		 orphan_tick;
static pid_t			 orphans[ORPHANS_MAX];	/* killed, unreaped */
static pid_t			 kept_pid;	/* a child, not an orphan */
static void			(*kept_gone)(pid_t, int);
/* emergency_restart_threshold and _interval, and what to do then. */
static int			 crash_threshold;
static int64_t			 crash_interval_ms;
static void			(*emergency)(const char *);
static struct ev_timer		 emergency_timer;
static char			 emergency_why[256];

static void	pool_watch(struct pool *);
static void	kid_signal(struct kid *, int);
static void	pool_free(struct pool *);
static void	pool_drain_next(void *);
static int64_t	pool_backoff_ms(const struct pool *);

/* Idle for spawning decisions: waiting in accept, or about to. */
static int
pool_idle(const struct pool *p)
{
	return sb_count(p->sb, p->pc->max_children, SLOT_IDLE) +
	    sb_count(p->sb, p->pc->max_children, SLOT_STARTING);
}

static struct kid *
kid_find(pid_t pid)
{
	struct pool	*p;
	struct kid	*k;

	TAILQ_FOREACH(p, &pools, entry) {
		if (p->statusw != NULL && p->statusw->pid == pid)
			return p->statusw;
		if (p->keeper != NULL && p->keeper->pid == pid)
			return p->keeper;
		TAILQ_FOREACH(k, &p->workers, entry)
			if (k->pid == pid)
				return k;
	}
	return NULL;
}

/*
 * A slot no worker holds, from the master's own record: the state in
 * the scoreboard is the workers' to write, and a worker that wrote
 * "busy" over the others' slots must not keep the pool from filling.
 */
static int
pool_free_slot(const struct pool *p)
{
	int	 i;

	for (i = 0; i < p->pc->max_children; i++)
		if (p->held[i] == NULL)
			return i;
	return -1;
}

/*
 * Every descriptor a worker of p in slot (or SLOT_STATUS, SLOT_KEEPER)
 * is handed: fds[i] for WORKER_FD_CONF + i, or -1 for none.  The status
 * worker accepts on pm.status_listen, keeps the pool's socket only to
 * read its queue, and sends no log line but its errors.  The keeper
 * accepts on nothing.  chan is the worker's end of its own channel to
 * the master.
 */
static void
pool_handed(const struct pool *p, int slot, int chan, int fds[WORKER_NFDS])
{
	fds[WORKER_FD_CONF - WORKER_FD_CONF] = p->conf_fd;
	fds[WORKER_FD_SB - WORKER_FD_CONF] = p->sb_fd;
	fds[WORKER_FD_LISTEN - WORKER_FD_CONF] = slot == SLOT_STATUS ?
	    p->status_lsn->fd : slot == SLOT_KEEPER ? -1 : p->lsn->fd;
	fds[WORKER_FD_QUEUE - WORKER_FD_CONF] = slot == SLOT_STATUS ?
	    p->lsn->fd : -1;
	fds[WORKER_FD_LIFE - WORKER_FD_CONF] = life[0];
	fds[WORKER_FD_CHAN - WORKER_FD_CONF] = chan;
}

/*
 * In the child: fds[i] becomes descriptor WORKER_FD_CONF + i (closed
 * for -1), and every descriptor after them is closed.
 */
static int
pool_child_fds(const int *fds, int n)
{
	int	 tmp[WORKER_NFDS + 1], i;

	for (i = 0; i < n; i++)
		if ((tmp[i] = fds[i]) != -1 &&
		    (tmp[i] = fcntl(fds[i], F_DUPFD, WORKER_FD_CONF + n)) == -1)
			return -1;
	for (i = 0; i < n; i++)
		if (tmp[i] == -1)
			close(WORKER_FD_CONF + i);
		else if (dup2(tmp[i], WORKER_FD_CONF + i) == -1)
			return -1;
	closefrom(WORKER_FD_CONF + n);
	return 0;
}

/*
 * A worker's environment: the master's with clear_env = no, as
 * php-fpm's; otherwise only its TZ, so that the worker's log lines
 * keep the master's time.
 */
static char **
pool_child_env(const struct pool *p, char *tz[2])
{
	extern char	**environ;
	char		**e;

	if (!p->pc->clear_env)
		return environ;
	tz[0] = tz[1] = NULL;
	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, "TZ=", 3) == 0)
			tz[0] = *e;
	return tz;
}

/*
 * The child side of fork(): fpmd's own binary again, as a worker of
 * pool p in slot, with nothing of the master's but its descriptors
 * and its environment, as pool_child_env() says.  The binary's
 * descriptor, if it has one, goes last, and closes as it is executed.
 */
static __dead void
pool_child(struct pool *p, int slot, int chan)
{
	char	 slot_arg[16], *argv[5], *tz[2];
	int	 fds[WORKER_NFDS + 1], exec_fd = -1;

	pool_handed(p, slot, chan, fds);
	fds[WORKER_NFDS] = selfexec_fd();
	if (pool_child_fds(fds, WORKER_NFDS + 1) == -1)
		_exit(WORKER_EXIT_SETUP);
	if (fds[WORKER_NFDS] != -1) {
		exec_fd = WORKER_FD_END;
		if (fcntl(exec_fd, F_SETFD, FD_CLOEXEC) == -1)
			_exit(WORKER_EXIT_SETUP);
	}
	if (slot == SLOT_STATUS)
		strlcpy(slot_arg, WORKER_STATUS, sizeof(slot_arg));
	else if (slot == SLOT_KEEPER)
		strlcpy(slot_arg, WORKER_KEEPER, sizeof(slot_arg));
	else
		snprintf(slot_arg, sizeof(slot_arg), "%d", slot);
	argv[0] = "fpmd";
	argv[1] = WORKER_MARK;
	argv[2] = slot_arg;
	argv[3] = p->pc->name;
	argv[4] = NULL;
	selfexec_run(exec_fd, argv, pool_child_env(p, tz));
	_exit(WORKER_EXIT_EXEC);
}

/* A worker says it is accepting; ondemand may watch again. */
static void
kid_ready(struct kid *k)
{
	if (k->ready || k->slot < 0)
		return;
	k->ready = 1;
	if (--k->pool->nstarting == 0)
		pool_watch(k->pool);
}

/* One message from k, len bytes in a buffer with room for one more. */
static void
kid_take(struct kid *k, char *msg, size_t len)
{
	struct pool	*p = k->pool;

	if (len == 0)
		return;
	switch (msg[0]) {
	case CHAN_READY:
		kid_ready(k);
		break;
	case CHAN_LOG:
		log_relay(p->pc->name, msg + 1, len - 1);
		break;
	case CHAN_ACCESS:
	case CHAN_SLOW:
		if (k->slot >= 0)
			reqlog_take(p->pc->name, k->pid, msg, len, p->access,
			    p->slow);
		break;
	}
}

/*
 * Take up to max messages from k's channel, fewer if it runs dry: a
 * bound, so that no worker keeps the master to itself, and no read of
 * a channel that some system ends with an endless stream of empty
 * reads goes on forever.
 */
static void
kid_read(struct kid *k, int max)
{
	char	 msg[CHAN_MSG_MAX + 1];
	ssize_t	 n;

	while (max-- > 0 && (n = recv(k->chan, msg, sizeof(msg) - 1, 0)) >= 0)
		kid_take(k, msg, (size_t)n);
}

static void
kid_heard(int fd, int events, void *arg)
{
	(void)fd;
	(void)events;
	kid_read(arg, CHAN_READS_MAX);
}

/*
 * A new channel for a worker of p: chan[0] for the master to read,
 * chan[1] for the worker; neither survives an exec.
 */
static int
kid_channel(struct pool *p, int chan[2])
{
	int	 snd = CHAN_SNDBUF_BYTES, rcv = CHAN_RCVBUF_BYTES;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, chan) == -1) {
		log_error("pool %s: socketpair for a new worker", p->pc->name);
		return -1;
	}
	if (ev_cloexec(chan[0]) == -1 || ev_cloexec(chan[1]) == -1 ||
	    ev_nonblock(chan[0], 1) == -1) {
		log_error("pool %s: set up a new worker's channel",
		    p->pc->name);
		close(chan[0]);
		close(chan[1]);
		return -1;
	}
	(void)setsockopt(chan[1], SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	(void)setsockopt(chan[0], SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return 0;
}

/* A record for a worker of p about to be forked, and its channel. */
static struct kid *
kid_new(struct pool *p, int slot, int chan[2])
{
	struct kid	*k;

	if (kid_channel(p, chan) == -1)
		return NULL;
	k = xcalloc(1, sizeof(*k));
	k->pool = p;
	k->slot = slot;
	k->chan = chan[0];
	if (ev_add(loop, k->chan, EV_READ, kid_heard, k) == -1) {
		log_error("pool %s: watch a new worker's channel", p->pc->name);
		close(chan[0]);
		close(chan[1]);
		free(k);
		return NULL;
	}
	return k;
}

/* A worker is gone: its channel, read to its end already, and record. */
static void
kid_free(struct kid *k)
{
	ev_del(loop, k->chan);
	close(k->chan);
	free(k);
}

/* Fork a worker of p for slot, or its status worker or keeper. */
static struct kid *
pool_fork(struct pool *p, int slot)
{
	struct kid	*k;
	sigset_t	 all, saved;
	int		 chan[2];

	if ((k = kid_new(p, slot, chan)) == NULL)
		return NULL;
	/* The child gets its handlers before any signal reaches it. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &saved);
	if ((k->pid = fork()) == 0)
		pool_child(p, slot, chan[1]);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	close(chan[1]);
	if (k->pid == -1) {
		log_error("pool %s: fork", p->pc->name);
		kid_free(k);
		return NULL;
	}
	k->started_ns = ev_now();
	return k;
}

static int
pool_spawn(struct pool *p)
{
	struct kid	*k;
	struct slot	*s;
	int		 i;

	if ((i = pool_free_slot(p)) == -1)
		return -1;
	s = &p->sb->slots[i];
	sb_slot_reset(s);
	sb_slot_state(s, SLOT_STARTING);
	s->started_epoch = time(NULL);
	if ((k = pool_fork(p, i)) == NULL) {
		s->state = SLOT_FREE;
		return -1;
	}
	s->pid = k->pid;
	p->held[i] = k;
	TAILQ_INSERT_TAIL(&p->workers, k, entry);
	p->nworkers++;
	p->nstarting++;
	log_debug("pool %s: worker %d started", p->pc->name, (int)k->pid);
	return 0;
}

/*
 * pm.status_listen: one more process, outside the scoreboard, that
 * answers ping and status there while the pool's workers are busy.
 */
static void
pool_status_spawn(struct pool *p)
{
	if (p->status_lsn == NULL || p->statusw != NULL || stopping ||
	    p->retired)
		return;
	if ((p->statusw = pool_fork(p, SLOT_STATUS)) == NULL) {
		ev_timer_add(loop, &p->status_respawn, TICK_MS);
		return;
	}
	p->statusw->ready = 1;
	log_debug("pool %s: status worker %d started on %s", p->pc->name,
	    (int)p->statusw->pid, p->status_lsn->addr);
}

static void
pool_status_respawn(void *arg)
{
	pool_status_spawn(arg);
}

/*
 * exec.mode = shared: the keeper, one more process outside the
 * scoreboard, which runs the pool's one application (keeper.c) for
 * the workers to connect to.  It starts before them, and they wait
 * for the application, up to fastcgi.read_timeout, while it starts.
 */
static void
pool_keeper_spawn(struct pool *p)
{
	if (!p->pc->exec_shared || p->keeper != NULL || stopping ||
	    p->retired)
		return;
	if ((p->keeper = pool_fork(p, SLOT_KEEPER)) == NULL) {
		ev_timer_add(loop, &p->keeper_respawn, TICK_MS);
		return;
	}
	p->keeper->ready = 1;
	log_debug("pool %s: application keeper %d started", p->pc->name,
	    (int)p->keeper->pid);
}

static void
pool_keeper_respawn(void *arg)
{
	pool_keeper_spawn(arg);
}

/*
 * The keeper leaves after the workers: TERM once a stopping or retired
 * pool has no other process left.
 */
static void
pool_keeper_stop(struct pool *p)
{
	if (p->keeper == NULL || p->keeper->stopping ||
	    (!stopping && !p->retired) || p->nworkers > 0 ||
	    p->statusw != NULL)
		return;
	kid_signal(p->keeper, SIGTERM);
}

/*
 * Signal every worker of p, its status worker too, and its keeper but
 * for QUIT: the keeper's application serves the workers to their last
 * request, and pool_keeper_stop() ends it after them.
 */
static void
pool_signal_all(struct pool *p, int sig)
{
	struct kid	*k;

	TAILQ_FOREACH(k, &p->workers, entry)
		kid_signal(k, sig);
	if (p->statusw != NULL)
		kid_signal(p->statusw, sig);
	if (p->keeper != NULL && sig != SIGQUIT)
		kid_signal(p->keeper, sig);
	pool_keeper_stop(p);
}

/* Has p a process left, a worker, its status worker or its keeper? */
static int
pool_alive(const struct pool *p)
{
	return p->nworkers > 0 || p->statusw != NULL || p->keeper != NULL;
}

/* Fork up to n workers; when fork fails, try again after a back-off. */
static void
pool_spawn_n(struct pool *p, int n)
{
	while (n-- > 0 && p->nworkers < p->pc->max_children)
		if (pool_spawn(p) == -1) {
			p->quick_deaths++;
			if (!ev_timer_pending(&p->respawn))
				ev_timer_add(loop, &p->respawn,
				    pool_backoff_ms(p));
			break;
		}
}

/* Ask a worker to leave: QUIT finishes its request first; KILL is final. */
static void
kid_signal(struct kid *k, int sig)
{
	if (sig != SIGKILL)
		k->stopping = sig;
	if (kill(k->pid, sig) == -1 && errno != ESRCH)
		log_error("pool %s: kill worker %d", k->pool->pc->name,
		    (int)k->pid);
}

/*
 * Kill an orphan, unless it has ended already, and remember it: only
 * its wait status can tell whether this kill ended it or something
 * else did, the TERM its worker sent its group, say, while the master
 * looked.  Each is the master's own child, alive or not yet reaped, so
 * the process group its pid names cannot be a stranger's.
 */
static int
pool_kill_orphan(pid_t pid)
{
	int	 i;

	if (reaper_ended(pid))
		return 0;
	(void)kill(-pid, SIGKILL);
	if (kill(pid, SIGKILL) == -1)
		return 0;
	for (i = 0; i < ORPHANS_MAX; i++)
		if (orphans[i] == 0 || orphans[i] == pid) {
			orphans[i] = pid;
			break;
		}
	return 1;
}

/* Reaped pid, no worker: 1 if the master's kill is what ended it. */
static int
pool_orphan_killed(pid_t pid, int status)
{
	int	 i;

	for (i = 0; i < ORPHANS_MAX; i++)
		if (orphans[i] == pid) {
			orphans[i] = 0;
			return WIFSIGNALED(status) &&
			    WTERMSIG(status) == SIGKILL;
		}
	return 0;
}

/*
 * Kill every child of the master that is not a worker: with a
 * subreaper, those are what dead workers and CGI programs left behind.
 * How many were alive to kill; their reaping says which this ended.
 */
static int
pools_kill_orphans(void)
{
	pid_t	 pids[ORPHANS_MAX];
	int	 i, n, killed = 0;

	if (!reaping || (n = reaper_children(pids, ORPHANS_MAX)) <= 0)
		return 0;
	for (i = 0; i < n; i++)
		if (pids[i] != kept_pid && kid_find(pids[i]) == NULL)
			killed += pool_kill_orphan(pids[i]);
	return killed;
}

static void
pools_say_killed(int killed)
{
	if (killed > 0)
		log_warnx("killed %d process%s that workers left behind",
		    killed, killed == 1 ? "" : "es");
}

static void
pools_orphan_tick(void *arg)
{
	(void)arg;
	(void)pools_kill_orphans();
	ev_timer_add(loop, &orphan_tick, TICK_MS);
}

/* Double the workers forked next time, up to pm.max_spawn_rate. */
static void
pool_spawn_faster(struct pool *p)
{
	p->spawn_rate *= 2;
	if (p->spawn_rate > p->pc->max_spawn_rate)
		p->spawn_rate = p->pc->max_spawn_rate;
}

/* The manager wanted another worker but the pool is full. */
static void
pool_max_reached(struct pool *p)
{
	if (p->sb->max_children_reached++ == 0)
		log_warnx("pool %s: reached pm.max_children (%d), consider "
		    "raising it", p->pc->name, p->pc->max_children);
}

/*
 * A listener is watched by at most one pool, the one recorded in it:
 * after a reload an old and a new pool may share the socket, and only
 * the pool that watches may stop watching.
 */
static void
pool_unwatch(struct pool *p)
{
	if (p->lsn->watcher != p)
		return;
	ev_del(loop, p->lsn->fd);
	p->lsn->watcher = NULL;
}

/*
 * ondemand: a connection is waiting.  Fork if no worker is idle,
 * doubling the number each round; stop watching until the new workers
 * are accepting, an idle worker has had its chance, or one exits.
 */
static void
pool_ondemand(int fd, int events, void *arg)
{
	struct pool	*p = arg;
	int		 n;

	(void)fd;
	(void)events;
	pool_unwatch(p);
	if (stopping || p->retired || p->nstarting > 0)
		return;
	if (sb_count(p->sb, p->pc->max_children, SLOT_IDLE) > 0) {
		p->spawn_rate = 1;
		ev_timer_add(loop, &p->recheck, RECHECK_MS);
		return;
	}
	if (p->nworkers >= p->pc->max_children) {
		/* Counted once; watched again when a worker exits. */
		pool_max_reached(p);
		return;
	}
	n = p->spawn_rate;
	if (n > p->pc->max_children - p->nworkers)
		n = p->pc->max_children - p->nworkers;
	pool_spawn_n(p, n);
	pool_spawn_faster(p);
	if (p->nstarting == 0)
		ev_timer_add(loop, &p->recheck, RECHECK_MS);
}

static void
pool_watch(struct pool *p)
{
	if (p->lsn->watcher == p || stopping || p->retired ||
	    p->pc->pm != PM_ONDEMAND || p->nstarting > 0)
		return;
	if (ev_add(loop, p->lsn->fd, EV_READ, pool_ondemand, p) == -1) {
		log_error("pool %s: watch %s", p->pc->name, p->lsn->addr);
		return;
	}
	p->lsn->watcher = p;
}

static void
pool_recheck(void *arg)
{
	pool_watch(arg);
}

/* dynamic: the idle worker that has waited longest, to let go of. */
static struct kid *
pool_oldest_idle(struct pool *p)
{
	struct kid		*k, *oldest = NULL;
	const struct slot	*s;

	TAILQ_FOREACH(k, &p->workers, entry) {
		s = &p->sb->slots[k->slot];
		if (s->state == SLOT_IDLE && !k->stopping && (oldest == NULL ||
		    s->since_ns < p->sb->slots[oldest->slot].since_ns))
			oldest = k;
	}
	return oldest;
}

/* dynamic: keep the idle workers between the spare bounds. */
static void
pool_dynamic(struct pool *p)
{
	struct kid	*oldest;
	int		 idle = pool_idle(p), n;

	if (idle > p->pc->max_spare) {
		if ((oldest = pool_oldest_idle(p)) != NULL)
			kid_signal(oldest, SIGQUIT);
		return;
	}
	if (idle >= p->pc->min_spare) {
		p->spawn_rate = 1;
		return;
	}
	if (p->nworkers >= p->pc->max_children) {
		pool_max_reached(p);
		return;
	}
	n = p->pc->min_spare - idle;
	if (n > p->spawn_rate)
		n = p->spawn_rate;
	if (p->spawn_rate >= 8)
		log_warnx("pool %s: seems busy (you may need to raise "
		    "pm.start_servers or pm.min/max_spare_servers), spawning "
		    "%d, %d idle, %d in all", p->pc->name, n, idle,
		    p->nworkers);
	pool_spawn_n(p, n);
	pool_spawn_faster(p);
}

/*
 * How long to wait before replacing a process that died at birth, the
 * deaths-th in a row: 0.1 s, doubling, up to BACKOFF_MAX_MS.
 */
static int64_t
backoff_ms(int deaths)
{
	int64_t	 ms = 100;
	int	 i;

	for (i = 1; i < deaths && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

/* How long to wait before replacing a worker that died at birth. */
static int64_t
pool_backoff_ms(const struct pool *p)
{
	return backoff_ms(p->quick_deaths);
}

/* Bring the pool to what its manager wants, now. */
static void
pool_fill(struct pool *p)
{
	switch (p->pc->pm) {
	case PM_STATIC:
		pool_spawn_n(p, p->pc->max_children - p->nworkers);
		break;
	case PM_DYNAMIC:
		pool_dynamic(p);
		break;
	case PM_ONDEMAND:
		pool_watch(p);
		break;
	}
}

/* The same, after a back-off while workers keep dying at birth. */
static void
pool_refill(struct pool *p)
{
	if (stopping || p->retired)
		return;
	if (p->quick_deaths == 0)
		pool_fill(p);
	else if (!ev_timer_pending(&p->respawn))
		ev_timer_add(loop, &p->respawn, pool_backoff_ms(p));
}

static void
pool_respawn(void *arg)
{
	struct pool	*p = arg;

	if (!stopping && !p->retired)
		pool_fill(p);
}

static const char *
exit_cause(const struct kid *k, int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		return log_waitstatus(status, buf, len);
	switch (WEXITSTATUS(status)) {
	case WORKER_EXIT_MAXREQ:
		return "after pm.max_requests";
	case WORKER_EXIT_SETUP:
		return "as it could not set itself up";
	case WORKER_EXIT_APP:
		return "as its application could not start";
	case WORKER_EXIT_EXEC:
		return "as fpmd's own binary could not be executed";
	case WORKER_EXIT_BUILD:
		return "as the binary at fpmd's path is another build (a new "
		    "binary reaches workers through USR2)";
	case WORKER_EXIT_FATAL:
		return "on a fatal error";
	case WORKER_EXIT_QUIT:
		if (k->stopping == SIGQUIT && !stopping)
			return "when asked to (idle, spare or reload)";
		return k->stopping ? "when asked to" : "as its master is gone";
	default:
		snprintf(buf, len, "with exit code %d", WEXITSTATUS(status));
		return buf;
	}
}

/*
 * Did the worker fail at birth: exit with an error, or crash, within a
 * second of its fork, or, however late, find that its application could
 * not start?  Then the next waits for a back-off.  A worker killed from
 * outside (an admin, the OOM killer) did not fail, and its successor
 * need not wait.
 */
static int
death_is_quick(const struct kid *k, int status, int64_t lived_ns)
{
	if (k->stopping)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_APP)
		return 1;
	if (lived_ns >= ev_ms_to_ns(QUICK_DEATH_MS))
		return 0;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) != SIGKILL &&
		    WTERMSIG(status) != SIGTERM;
	return WEXITSTATUS(status) != WORKER_EXIT_QUIT &&
	    WEXITSTATUS(status) != WORKER_EXIT_MAXREQ;
}

/* A signal that says a worker failed; fpmd sends none of them. */
static int
crash_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	    sig == SIGFPE || sig == SIGABRT || sig == SIGSYS;
}

static void
pools_emergency(void *arg)
{
	(void)arg;
	emergency(emergency_why);
}

/*
 * emergency_restart_threshold workers of one pool crashed within
 * emergency_restart_interval: a restart of every pool, from the loop,
 * once the reaping is over.  A retired pool's crashes do not count.
 */
static void
pool_crashed(struct pool *p, int sig)
{
	int64_t	 now_ns = ev_now();
	int	 n = crash_threshold;

	if (n == 0 || crash_interval_ms == 0 || p->retired)
		return;
	/* A reload may have changed the threshold: count afresh. */
	if (p->crashes_max != n) {
		free(p->crashes_ns);
		p->crashes_ns = xcalloc(n, sizeof(*p->crashes_ns));
		p->crashes_max = n;
		p->ncrashes = 0;
	}
	p->crashes_ns[p->ncrashes++ % n] = now_ns;
	if (p->ncrashes < n || now_ns - p->crashes_ns[p->ncrashes % n] >
	    ev_ms_to_ns(crash_interval_ms) ||
	    ev_timer_pending(&emergency_timer))
		return;
	snprintf(emergency_why, sizeof(emergency_why), "pool %s: %d workers "
	    "died of a signal within emergency_restart_interval (%lld ms), "
	    "the last of %s", p->pc->name, n, (long long)crash_interval_ms,
	    strsignal(sig));
	p->ncrashes = 0;
	ev_timer_add(loop, &emergency_timer, 0);
}

/* The status worker exited: another, at once unless it died young. */
static void
pool_status_gone(struct kid *k, int status)
{
	struct pool	*p = k->pool;
	int64_t		 lived_ns = ev_now() - k->started_ns;
	char		 buf[64];

	(WIFSIGNALED(status) ? log_warnx : log_info)("pool %s: status worker "
	    "%d exited %s after %.3fs", p->pc->name, (int)k->pid,
	    exit_cause(k, status, buf, sizeof(buf)), lived_ns / 1e9);
	p->statusw = NULL;
	kid_free(k);
	if (p->retired && !pool_alive(p)) {
		log_info("pool %s: the old workers are gone", p->pc->name);
		pool_free(p);
	} else if (!stopping && !p->retired)
		ev_timer_add(loop, &p->status_respawn,
		    lived_ns < ev_ms_to_ns(QUICK_DEATH_MS) ? TICK_MS : 0);
	else
		pool_keeper_stop(p);
}

/*
 * The keeper exited: another, at once unless it failed at birth or its
 * application could not start, when it waits the workers' back-off,
 * counted in the keeper's own failures.  Its application went with it.
 */
static void
pool_keeper_gone(struct kid *k, int status)
{
	struct pool	*p = k->pool;
	int64_t		 lived_ns = ev_now() - k->started_ns, wait_ms = 0;
	char		 buf[64];

	(k->stopping && !WIFSIGNALED(status) ? log_info : log_warnx)(
	    "pool %s: application keeper %d exited %s after %.3fs",
	    p->pc->name, (int)k->pid, exit_cause(k, status, buf, sizeof(buf)),
	    lived_ns / 1e9);
	p->keeper = NULL;
	if (death_is_quick(k, status, lived_ns)) {
		wait_ms = backoff_ms(++p->keeper_fails);
		log_warnx("pool %s: the next application keeper in %.1fs",
		    p->pc->name, wait_ms / 1e3);
	} else
		p->keeper_fails = 0;
	kid_free(k);
	if (p->retired && !pool_alive(p)) {
		log_info("pool %s: the old workers are gone", p->pc->name);
		pool_free(p);
	} else if (!stopping && !p->retired)
		ev_timer_add(loop, &p->keeper_respawn, wait_ms);
}

static void
kid_gone(struct kid *k, int status)
{
	struct pool	*p = k->pool;
	struct slot	*s = &p->sb->slots[k->slot];
	int64_t		 lived_ns = ev_now() - k->started_ns;
	char		 buf[64];
	void		(*say)(const char *, ...);

	/* All it said before it died comes first, "accepting" among it. */
	kid_read(k, CHAN_DRAIN_MAX);
	if (WIFSIGNALED(status) && crash_signal(WTERMSIG(status)))
		pool_crashed(p, WTERMSIG(status));
	if (k->slot == SLOT_STATUS) {
		pool_status_gone(k, status);
		return;
	}
	if (k->slot == SLOT_KEEPER) {
		pool_keeper_gone(k, status);
		return;
	}
	say = WIFSIGNALED(status) || death_is_quick(k, status, lived_ns) ?
	    log_warnx : log_info;
	say("pool %s: worker %d exited %s after %.3fs, %llu requests",
	    p->pc->name, (int)k->pid, exit_cause(k, status, buf, sizeof(buf)),
	    lived_ns / 1e9, (unsigned long long)s->requests);
	if (death_is_quick(k, status, lived_ns)) {
		p->quick_deaths++;
		log_warnx("pool %s: worker died at birth; the next in "
		    "%.1fs", p->pc->name, pool_backoff_ms(p) / 1e3);
	} else
		p->quick_deaths = 0;
	sb_slot_reset(s);
	p->held[k->slot] = NULL;
	if (!k->ready)
		p->nstarting--;
	p->nworkers--;
	TAILQ_REMOVE(&p->workers, k, entry);
	kid_free(k);
	if (p->retired && !pool_alive(p)) {
		log_info("pool %s: the old workers are gone", p->pc->name);
		pool_free(p);
	} else if (stopping || p->retired)
		pool_keeper_stop(p);
	else
		pool_refill(p);
}

/*
 * SIGCHLD: reap every child that has exited.  A worker that did not
 * leave cleanly, or an orphan that ended, may have left more behind.
 */
void
pools_reap(void)
{
	struct kid	*k;
	pid_t		 pid;
	int		 status, look = 0, killed = 0;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == kept_pid) {
			kept_pid = 0;
			kept_gone(pid, status);
			continue;
		}
		if ((k = kid_find(pid)) == NULL) {
			killed += pool_orphan_killed(pid, status);
			look = 1;
			continue;
		}
		if (!WIFEXITED(status) || (WEXITSTATUS(status) !=
		    WORKER_EXIT_QUIT && WEXITSTATUS(status) !=
		    WORKER_EXIT_MAXREQ))
			look = 1;
		kid_gone(k, status);
	}
	pools_say_killed(killed);
	if (look)
		(void)pools_kill_orphans();
}

/*
 * pid, a child of the master's that is no worker, is no orphan either:
 * it is left alone, and gone() hears of its exit.
 */
void
pools_keep_child(pid_t pid, void (*gone)(pid_t, int))
{
	kept_pid = pid;
	kept_gone = gone;
}

/*
 * The master is the backstop for request_terminate_timeout: a worker
 * still on a request well past it is killed, unless the request has
 * been answered (Finishing) and the timeout does not track finished
 * ones.  Any worker of the pool can write any slot of it, so a hostile
 * one can get its siblings killed this way, or keep respawns back by
 * making every slot look busy; but it reaches no other pool, and no
 * process but the pool's own workers.
 */
static void
pool_terminate_stuck(struct pool *p, int64_t now_ns)
{
	struct kid	*k;
	struct slot	*s;
	int64_t		 limit_ns;

	if (p->pc->terminate_timeout_ms == 0)
		return;
	limit_ns = ev_ms_to_ns(p->pc->terminate_timeout_ms +
	    TERMINATE_GRACE_MS);
	TAILQ_FOREACH(k, &p->workers, entry) {
		s = &p->sb->slots[k->slot];
		if (s->req_start_ns == 0 || sb_sub(now_ns, s->req_start_ns) <
		    limit_ns || (s->state == SLOT_FINISHING &&
		    !p->pc->terminate_track_finished))
			continue;
		log_warnx("pool %s: worker %d still on %.*s %.*s after "
		    "request_terminate_timeout; killing it", p->pc->name,
		    (int)k->pid, (int)strnlen(s->method, sizeof(s->method)),
		    s->method, (int)strnlen(s->uri, sizeof(s->uri)), s->uri);
		kid_signal(k, SIGKILL);
		s->req_start_ns = 0;
	}
}

/* ondemand: stop every worker idle for longer than the timeout. */
static void
pool_reap_idle(struct pool *p, int64_t now_ns)
{
	struct kid	*k;
	struct slot	*s;

	TAILQ_FOREACH(k, &p->workers, entry) {
		s = &p->sb->slots[k->slot];
		if (s->state == SLOT_IDLE && !k->stopping &&
		    sb_sub(now_ns, s->since_ns) >=
		    ev_ms_to_ns(p->pc->idle_timeout_ms))
			kid_signal(k, SIGQUIT);
	}
}

static void
pool_tick(void *arg)
{
	struct pool	*p = arg;
	int64_t		 now_ns = ev_now();
	unsigned int	 active, queue;
	int		 idle;

	ev_timer_add(loop, &p->tick, TICK_MS);
	/* The slots may say anything: more idle than there are workers. */
	idle = pool_idle(p);
	active = idle < p->nworkers ? (unsigned int)(p->nworkers - idle) : 0;
	if (active > p->sb->max_active)
		p->sb->max_active = active;
	queue = listen_queue(p->lsn->fd, NULL);
	if (queue > p->sb->max_listen_queue)
		p->sb->max_listen_queue = queue;
	pool_terminate_stuck(p, now_ns);
	if (stopping || p->retired)
		return;
	if (p->pc->pm == PM_ONDEMAND)
		pool_reap_idle(p, now_ns);
	else if (p->pc->pm == PM_DYNAMIC && !ev_timer_pending(&p->respawn))
		pool_dynamic(p);
}

/*
 * The life pipe, which only the master writes to (never, in fact: its
 * end tells a worker the master is gone), and the subreaper where the
 * system has one.  on_emergency restarts every pool, saying why.
 */
void
pools_init(struct ev_loop *l, void (*on_emergency)(const char *))
{
	loop = l;
	emergency = on_emergency;
	ev_timer_init(&emergency_timer, pools_emergency, NULL);
	if (ev_pipe(life) == -1)
		fatal("the workers' life pipe");
	if (reaper_acquire() == 0) {
		reaping = 1;
		ev_timer_init(&orphan_tick, pools_orphan_tick, NULL);
		ev_timer_add(loop, &orphan_tick, TICK_MS);
	} else
		log_debug("no subreaper here: %s", strerror(errno));
}

/* The first workers: a timer's work, see pool_new(). */
static void
pool_begin(void *arg)
{
	struct pool	*p = arg;

	if (stopping || p->retired)
		return;
	pool_keeper_spawn(p);
	switch (p->pc->pm) {
	case PM_STATIC:
		pool_spawn_n(p, p->pc->max_children);
		break;
	case PM_DYNAMIC:
		pool_spawn_n(p, p->pc->start_servers);
		break;
	case PM_ONDEMAND:
		pool_watch(p);
		break;
	}
	pool_status_spawn(p);
}

/* The pool's request log files, which pools_open() opened. */
static void
pool_reqlog_open(struct pool *p)
{
	p->access = reqlog_find(p->pc->access_log);
	p->slow = reqlog_find(p->pc->slowlog);
}

/*
 * What p's workers are told, once for them all: a shared memory
 * object, sealed where the system can, that each maps after its exec.
 * Only the master holds it; a worker closes it before it drops
 * privileges.
 */
static int
pool_conf_fd(const struct pool *p)
{
	struct worker_conf	 wc;
	uint8_t			*data;
	size_t			 len;
	void			*map;
	int			 fd;

	memset(&wc, 0, sizeof(wc));
	wc.pc = p->pc;
	wc.events = xstrdup(ev_name(loop));
	wc.log_level = log_getlevel();
	wc.app_id = (char *)p->app_id;
	confwire_encode(&wc, &data, &len);
	free(wc.events);
	if ((fd = shm_anon()) == -1 || ftruncate(fd, (off_t)len) == -1 ||
	    (map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0)) == MAP_FAILED)
		fatal("pool %s: a shared memory object of %zu bytes for its "
		    "workers' settings", p->pc->name, len);
	memcpy(map, data, len);
	munmap(map, len);
	shm_anon_seal(fd, 1);
	explicit_bzero(data, len);
	free(data);
	return fd;
}

/* The global settings may have changed: new workers get them. */
static void
pool_conf_refresh(struct pool *p)
{
	close(p->conf_fd);
	p->conf_fd = pool_conf_fd(p);
}

/*
 * A pool for pc, on the listener and log files pools_open() opened; it
 * owns pc from now on.  Its first workers are forked from the loop,
 * once the whole configuration has been taken apart into pools.
 */
static struct pool *
pool_new(struct pool_conf *pc)
{
	struct pool	*p;

	p = xcalloc(1, sizeof(*p));
	p->pc = pc;
	if ((p->lsn = listener_find(pc, pc->listen)) == NULL)
		fatalx("pool %s: %s is not open", pc->name, pc->listen);
	if (pc->status_listen != NULL &&
	    (p->status_lsn = listener_find(pc, pc->status_listen)) == NULL)
		fatalx("pool %s: %s is not open", pc->name, pc->status_listen);
	pool_reqlog_open(p);
	p->sb = sb_new(pc->name, pc->max_children, &p->sb_fd);
	p->held = xcalloc(pc->max_children, sizeof(*p->held));
	snprintf(p->app_id, sizeof(p->app_id), "%ld.%u", (long)getpid(),
	    ++apps);
	p->conf_fd = pool_conf_fd(p);
	p->spawn_rate = 1;
	p->generation = generation;
	TAILQ_INIT(&p->workers);
	ev_timer_init(&p->begin, pool_begin, p);
	ev_timer_init(&p->tick, pool_tick, p);
	ev_timer_init(&p->respawn, pool_respawn, p);
	ev_timer_init(&p->recheck, pool_recheck, p);
	ev_timer_init(&p->drain, pool_drain_next, p);
	ev_timer_init(&p->status_respawn, pool_status_respawn, p);
	ev_timer_init(&p->keeper_respawn, pool_keeper_respawn, p);
	TAILQ_INSERT_TAIL(&pools, p, entry);
	ev_timer_add(loop, &p->begin, 0);
	ev_timer_add(loop, &p->tick, TICK_MS);
	log_info("pool %s: %s on %s, pm %s, max_children %d", pc->name,
	    pc->pm == PM_ONDEMAND ? "waiting" : "started", p->lsn->addr,
	    PM_NAME(pc->pm), pc->max_children);
	return p;
}

/*
 * Free a pool whose workers are all gone, and its listener if unshared;
 * or, when the master exits, with some left, after what they sent.
 */
static void
pool_free(struct pool *p)
{
	struct kid	*k;

	TAILQ_FOREACH(k, &p->workers, entry)
		kid_read(k, CHAN_DRAIN_MAX);
	if (p->statusw != NULL)
		kid_read(p->statusw, CHAN_DRAIN_MAX);
	if (p->keeper != NULL)
		kid_read(p->keeper, CHAN_DRAIN_MAX);
	pool_unwatch(p);
	ev_timer_del(loop, &p->begin);
	ev_timer_del(loop, &p->tick);
	ev_timer_del(loop, &p->respawn);
	ev_timer_del(loop, &p->recheck);
	ev_timer_del(loop, &p->drain);
	ev_timer_del(loop, &p->status_respawn);
	ev_timer_del(loop, &p->keeper_respawn);
	TAILQ_REMOVE(&pools, p, entry);
	if (listener_release(p->lsn) && !stopping)
		log_info("pool %s: gone; socket %s stays open for a later "
		    "pool, as fpmd was handed it", p->pc->name, p->lsn->addr);
	if (p->status_lsn != NULL)
		listener_release(p->status_lsn);
	reqlog_release(p->access);
	reqlog_release(p->slow);
	free(p->crashes_ns);
	free(p->held);
	sb_free(p->sb, p->pc->max_children);
	close(p->sb_fd);
	close(p->conf_fd);
	conf_pool_free(p->pc);
	free(p);
}

/* A draining pool's workers had their time: the next, harsher signal. */
static void
pool_drain_next(void *arg)
{
	struct pool	*p = arg;

	p->drain_sig = p->drain_sig == SIGQUIT ? SIGTERM : SIGKILL;
	log_warnx("pool %s: old workers still busy; sending %s", p->pc->name,
	    p->drain_sig == SIGTERM ? "TERM" : "KILL");
	pool_signal_all(p, p->drain_sig);
	if (p->drain_sig == SIGTERM)
		ev_timer_add(loop, &p->drain, KILL_GRACE_MS);
}

/*
 * A reload replaced this pool, or removed it: its workers finish what
 * they hold and leave (the idle ones at once), with the stop ladder
 * after grace_ms.  The pool goes when its last worker does.
 */
static void
pool_retire(struct pool *p, int64_t grace_ms)
{
	p->retired = 1;
	pool_unwatch(p);
	ev_timer_del(loop, &p->begin);
	ev_timer_del(loop, &p->respawn);
	ev_timer_del(loop, &p->recheck);
	ev_timer_del(loop, &p->status_respawn);
	ev_timer_del(loop, &p->keeper_respawn);
	if (!pool_alive(p)) {
		pool_free(p);
		return;
	}
	p->drain_sig = SIGQUIT;
	pool_signal_all(p, SIGQUIT);
	ev_timer_add(loop, &p->drain, grace_ms);
}

/* What pools_open() opened for pc. */
static int
pool_open(struct pool_conf *pc, char *err, size_t len)
{
	if (listener_open(pc, pc->listen, err, len) == -1)
		return -1;
	if (pc->status_listen != NULL &&
	    listener_open(pc, pc->status_listen, err, len) == -1)
		goto listen;
	if (reqlog_open(pc->name, "access.log", pc->access_log, err, len) ==
	    -1)
		goto status;
	if (reqlog_open(pc->name, "slowlog", pc->slowlog, err, len) == -1) {
		reqlog_put(pc->access_log);
		goto status;
	}
	return 0;
status:
	if (pc->status_listen != NULL)
		listener_put(pc, pc->status_listen);
listen:
	listener_put(pc, pc->listen);
	return -1;
}

/* Let go of what pool_open() took for pc. */
static void
pool_put(const struct pool_conf *pc)
{
	listener_put(pc, pc->listen);
	if (pc->status_listen != NULL)
		listener_put(pc, pc->status_listen);
	reqlog_put(pc->access_log);
	reqlog_put(pc->slowlog);
}

/*
 * Before pools_start() or pools_reload() take c: open what each of its
 * pools needs, while an error can still refuse c; its sockets and its
 * log files, all or none.  On error, err says what failed on what.
 */
int
pools_open(struct conf *c, char *err, size_t len)
{
	struct pool_conf	*pc, *failed = NULL;

	TAILQ_FOREACH(pc, &c->pools, entry)
		if (pool_open(pc, err, len) == -1) {
			failed = pc;
			break;
		}
	if (failed == NULL)
		return 0;
	TAILQ_FOREACH(pc, &c->pools, entry) {
		if (pc == failed)
			break;
		pool_put(pc);
	}
	return -1;
}

/* The global settings pools keep: the emergency restart's. */
static void
pools_globals(const struct conf *c)
{
	crash_threshold = c->emergency_restart_threshold;
	crash_interval_ms = c->emergency_restart_interval_ms;
}

/* A pool for each pool section of c; the pools own them now. */
void
pools_start(struct conf *c)
{
	struct pool_conf	*pc;

	pools_globals(c);
	while ((pc = TAILQ_FIRST(&c->pools)) != NULL) {
		TAILQ_REMOVE(&c->pools, pc, entry);
		pool_new(pc);
	}
	listeners_place();
}

static struct pool *
pool_named(const char *name)
{
	struct pool	*p;

	TAILQ_FOREACH(p, &pools, entry)
		if (!p->retired && strcmp(p->pc->name, name) == 0)
			return p;
	return NULL;
}

/*
 * Reload, pool by pool: an unchanged pool keeps its workers, unless
 * all must be new; a changed one gets new workers while the old ones
 * drain; new pools start, and pools that are gone drain.  nc's
 * listeners are open already, the unchanged addresses shared, so no
 * connection is refused meanwhile.
 */
void
pools_reload(struct conf *nc, int all_new)
{
	struct pool_conf	*pc;
	struct pool		*p, *old, *next;
	char			 changes[512];
	uint64_t		 accepted, slow;

	generation++;
	pools_globals(nc);
	while ((pc = TAILQ_FIRST(&nc->pools)) != NULL) {
		TAILQ_REMOVE(&nc->pools, pc, entry);
		old = pool_named(pc->name);
		if (old != NULL && conf_pool_diff(old->pc, pc, changes,
		    sizeof(changes)) == 0 && !all_new) {
			log_info("pool %s: unchanged", pc->name);
			pool_put(pc);
			conf_pool_free(pc);
			old->generation = generation;
			pool_conf_refresh(old);
			continue;
		}
		accepted = slow = 0;
		if (old != NULL) {
			log_info("pool %s: %s%snew workers", pc->name, changes,
			    changes[0] != '\0' ? " changed; " : "");
			sb_totals(old->sb, old->pc->max_children, &accepted,
			    &slow);
			pool_retire(old, nc->process_control_timeout_ms);
		} else
			log_info("pool %s: added", pc->name);
		p = pool_new(pc);
		p->sb->accepted_before = accepted;
		p->sb->slow_before = slow;
	}
	TAILQ_FOREACH_SAFE(p, &pools, entry, next)
		if (!p->retired && p->generation != generation) {
			log_info("pool %s: removed", p->pc->name);
			pool_retire(p, nc->process_control_timeout_ms);
		}
	listeners_place();
}

/*
 * A binary upgrade handed over to a new master: every pool drains as a
 * removed one does on reload, and the master is on its way out.
 */
void
pools_retire(int64_t grace_ms)
{
	struct pool	*p, *next;

	stopping = 1;
	TAILQ_FOREACH_SAFE(p, &pools, entry, next)
		if (!p->retired) {
			log_info("pool %s: handed over; the old workers drain",
			    p->pc->name);
			pool_retire(p, grace_ms);
		}
}

/*
 * Stopping: send sig to every worker.  From now on nothing is
 * respawned.
 */
void
pools_signal(int sig)
{
	struct pool	*p;

	stopping = 1;
	TAILQ_FOREACH(p, &pools, entry) {
		pool_unwatch(p);
		pool_signal_all(p, sig);
	}
}

/*
 * The serving pools' figures, summed for the service manager's STATUS=
 * line: workers idle and active as the status page counts them, and
 * requests accepted and slow, as in php-fpm's.
 */
void
pools_figures(int *active, int *idle, uint64_t *requests, uint64_t *slow)
{
	struct pool	*p;
	uint64_t	 accepted, slowest;
	int		 n, i;

	*active = *idle = 0;
	*requests = *slow = 0;
	TAILQ_FOREACH(p, &pools, entry) {
		if (p->retired)
			continue;
		n = p->pc->max_children;
		i = sb_count(p->sb, n, SLOT_IDLE) +
		    sb_count(p->sb, n, SLOT_STARTING);
		*idle += i;
		*active += n - i - sb_count(p->sb, n, SLOT_FREE);
		sb_totals(p->sb, n, &accepted, &slowest);
		*requests += accepted;
		*slow += slowest;
	}
}

int
pools_empty(void)
{
	struct pool	*p;

	TAILQ_FOREACH(p, &pools, entry)
		if (pool_alive(p))
			return 0;
	return 1;
}

/* Exiting: close the listeners, unlink the unix sockets, kill orphans. */
void
pools_close(void)
{
	struct pool	*p;

	stopping = 1;
	/* No reaping follows: what was alive to kill is what was left. */
	pools_say_killed(pools_kill_orphans());
	while ((p = TAILQ_FIRST(&pools)) != NULL)
		pool_free(p);
}
