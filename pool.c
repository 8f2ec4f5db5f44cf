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
 * The master's side of the pools: listening sockets, scoreboards,
 * spawning and reaping workers, and the three process managers.
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
 */

#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "log.h"

#ifndef MAP_ANON
#define MAP_ANON	MAP_ANONYMOUS
#endif

#define TICK_MS			1000
#define RECHECK_MS		10	/* ondemand: idle workers had a go */
#define QUICK_DEATH_NS		(1000LL * 1000 * 1000)
#define BACKOFF_MAX_MS		(30 * 1000)
#define TERMINATE_GRACE_NS	(2000LL * 1000 * 1000)

struct pools			 pools = TAILQ_HEAD_INITIALIZER(pools);
static TAILQ_HEAD(, listener)	 listeners =
				    TAILQ_HEAD_INITIALIZER(listeners);
static struct ev_loop		*loop;
static int			 life[2] = { -1, -1 };
static int			 ready[2] = { -1, -1 };
static int			 logpipe[2] = { -1, -1 };
static int			 stopping;

static void	listener_release(struct listener *);
static void	pool_watch(struct pool *);
static void	pool_drain_next(void *);
static int64_t	pool_backoff(const struct pool *);

/*
 * Listening sockets.  A listener outlives the pool that opened it as
 * long as another pool (a reload's) uses the same address.
 */
static struct listener *
listener_find(const char *addr)
{
	struct listener	*l;

	TAILQ_FOREACH(l, &listeners, entry)
		if (strcmp(l->addr, addr) == 0)
			return l;
	return NULL;
}

/* Is a server accepting on the unix socket at path? */
static int
unix_alive(const struct sockaddr_un *sun)
{
	int	 fd, alive;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 0;
	alive = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return alive;
}

static int
unix_owner(struct pool_conf *pc, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd	*pw;
	struct group	*gr;

	*uid = pc->uid;
	*gid = pc->gid;
	if (pc->listen_owner != NULL) {
		if ((pw = getpwnam(pc->listen_owner)) == NULL) {
			snprintf(err, errlen, "pool %s: listen.owner: no user "
			    "'%s'", pc->name, pc->listen_owner);
			return -1;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (pc->listen_group != NULL) {
		if ((gr = getgrnam(pc->listen_group)) == NULL) {
			snprintf(err, errlen, "pool %s: listen.group: no group "
			    "'%s'", pc->name, pc->listen_group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

static int
listen_unix(struct pool_conf *pc, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, pc->listen, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		snprintf(err, errlen, "pool %s: listen: %s: path too long",
		    pc->name, pc->listen);
		return -1;
	}
	if (lstat(pc->listen, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "pool %s: listen: %s exists and "
			    "is not a socket", pc->name, pc->listen);
			return -1;
		}
		if (unix_alive(&sun)) {
			snprintf(err, errlen, "pool %s: listen: a server is "
			    "already accepting on %s", pc->name, pc->listen);
			return -1;
		}
		unlink(pc->listen);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		snprintf(err, errlen, "pool %s: socket: %s", pc->name,
		    strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "pool %s: listen: bind %s: %s", pc->name,
		    pc->listen, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A unix socket's mode, owner and group, when bound or reloaded. */
static int
unix_perms(struct pool_conf *pc, char *err, size_t errlen)
{
	uid_t	 uid;
	gid_t	 gid;

	if (unix_owner(pc, &uid, &gid, err, errlen) == -1)
		return -1;
	if (chmod(pc->listen, pc->listen_mode) == -1 ||
	    (geteuid() == 0 && chown(pc->listen, uid, gid) == -1)) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    pc->listen, strerror(errno));
		return -1;
	}
	return 0;
}

/* Apply the backlog, and a unix socket's permissions, to fd. */
static int
listener_setup(struct pool_conf *pc, int fd, char *err, size_t errlen)
{
	if (pc->listen[0] == '/' && unix_perms(pc, err, errlen) == -1)
		return -1;
	if (listen(fd, pc->backlog < 0 ? SOMAXCONN : pc->backlog) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    pc->listen, strerror(errno));
		return -1;
	}
	return 0;
}

static int
listen_tcp(struct pool_conf *pc, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	int		 fd, on = 1, e;

	strlcpy(host, pc->listen, sizeof(host));
	if (strchr(host, ':') == NULL) {
		strlcpy(host, "0.0.0.0:", sizeof(host));
		strlcat(host, pc->listen, sizeof(host));
	}
	port = strrchr(host, ':');
	*port++ = '\0';
	if (host[0] == '[') {
		host[strlen(host) - 1] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    pc->listen, gai_strerror(e));
		return -1;
	}
	if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (res->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    pc->listen, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * Open pc's listening socket, or take the one already open on the
 * same address, with pc's backlog and permissions.  On error, err says
 * what failed on which address.
 */
int
listener_open(struct pool_conf *pc, char *err, size_t errlen)
{
	struct listener	*l;
	int		 fd, r;

	if ((l = listener_find(pc->listen)) != NULL) {
		if (listener_setup(pc, l->fd, err, errlen) == -1)
			return -1;
		l->refs++;
		return 0;
	}
	fd = pc->listen[0] == '/' ? listen_unix(pc, err, errlen) :
	    listen_tcp(pc, err, errlen);
	if (fd == -1)
		return -1;
	if (ev_cloexec(fd, 1) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: fcntl: %s",
		    pc->name, pc->listen, strerror(errno));
		r = -1;
	} else
		r = listener_setup(pc, fd, err, errlen);
	if (r == -1) {
		if (pc->listen[0] == '/')
			unlink(pc->listen);
		close(fd);
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->addr = strdup(pc->listen)) == NULL)
		fatal("calloc");
	l->fd = fd;
	l->refs = 1;
	l->path = pc->listen[0] == '/' ? l->addr : NULL;
	TAILQ_INSERT_TAIL(&listeners, l, entry);
	return 0;
}

/* Let go of the listener on addr that listener_open() gave. */
void
listener_put(const char *addr)
{
	struct listener	*l;

	if ((l = listener_find(addr)) != NULL)
		listener_release(l);
}

static void
listener_release(struct listener *l)
{
	if (--l->refs > 0)
		return;
	ev_del(loop, l->fd);
	close(l->fd);
	if (l->path != NULL)
		unlink(l->path);
	TAILQ_REMOVE(&listeners, l, entry);
	free(l->addr);
	free(l);
}

static struct scoreboard *
scoreboard_new(const char *pool, int nslots, size_t *size)
{
	struct scoreboard	*sb;

	*size = sizeof(*sb) + (size_t)(nslots - 1) * sizeof(sb->slots[0]);
	sb = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON,
	    -1, 0);
	if (sb == MAP_FAILED)
		fatal("pool %s: mmap a scoreboard of %zu bytes", pool, *size);
	memset(sb, 0, *size);
	sb->started = time(NULL);
	sb->nslots = nslots;
	return sb;
}

static int
count_state(const struct pool *p, int state)
{
	int	 i, n = 0;

	for (i = 0; i < p->sb->nslots; i++)
		if (p->sb->slots[i].state == state)
			n++;
	return n;
}

/* Idle for spawning decisions: waiting in accept, or about to. */
static int
pool_idle(const struct pool *p)
{
	return count_state(p, SLOT_IDLE) + count_state(p, SLOT_STARTING);
}

static struct worker *
worker_find(pid_t pid)
{
	struct pool	*p;
	struct worker	*w;

	TAILQ_FOREACH(p, &pools, entry)
		TAILQ_FOREACH(w, &p->workers, entry)
			if (w->pid == pid)
				return w;
	return NULL;
}

static int
free_slot(const struct pool *p)
{
	int	 i;

	for (i = 0; i < p->sb->nslots; i++)
		if (p->sb->slots[i].state == SLOT_FREE)
			return i;
	return -1;
}

static void
slot_reset(struct slot *s)
{
	uint64_t	 accepted = s->accepted;

	memset(s, 0, sizeof(*s));
	s->accepted = accepted;
}

static int
pool_spawn(struct pool *p)
{
	struct worker	*w;
	struct slot	*s;
	sigset_t	 all, saved;
	pid_t		 pid;
	int		 i;

	if ((i = free_slot(p)) == -1)
		return -1;
	s = &p->sb->slots[i];
	slot_reset(s);
	s->state = SLOT_STARTING;
	s->started = time(NULL);
	s->since = ev_now();
	/* The child gets its handlers before any signal reaches it. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &saved);
	if ((pid = fork()) == 0)
		worker_main(p, i, loop, life[0], ready[1], logpipe[1]);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (pid == -1) {
		log_warn("pool %s: fork", p->pc->name);
		s->state = SLOT_FREE;
		return -1;
	}
	s->pid = pid;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("calloc");
	w->pool = p;
	w->pid = pid;
	w->slot = i;
	w->started = s->since;
	TAILQ_INSERT_TAIL(&p->workers, w, entry);
	p->nworkers++;
	p->nstarting++;
	log_debug("pool %s: worker %d started", p->pc->name, (int)pid);
	return 0;
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
				    pool_backoff(p));
			break;
		}
}

/* A CGI group a slot names dies with its worker; none is left behind. */
static void
slot_kill_cgi(const struct slot *s)
{
	pid_t	 pgid = s->cgi_pgid;

	if (pgid > 0)
		kill(-pgid, SIGKILL);
}

/* Ask a worker to leave: QUIT finishes its request first; KILL is final. */
static void
worker_signal(struct worker *w, int sig)
{
	if (sig == SIGKILL)
		slot_kill_cgi(&w->pool->sb->slots[w->slot]);
	else
		w->stopping = sig;
	if (kill(w->pid, sig) == -1 && errno != ESRCH)
		log_warn("pool %s: kill worker %d", w->pool->pc->name,
		    (int)w->pid);
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
	if (count_state(p, SLOT_IDLE) > 0) {
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
		log_warn("pool %s: watch %s", p->pc->name, p->lsn->addr);
		return;
	}
	p->lsn->watcher = p;
}

static void
pool_recheck(void *arg)
{
	pool_watch(arg);
}

/* dynamic: keep the idle workers between the spare bounds. */
static void
pool_dynamic(struct pool *p)
{
	struct worker	*w, *oldest = NULL;
	int		 idle = pool_idle(p), n;
	const struct slot *s;

	if (idle > p->pc->max_spare) {
		TAILQ_FOREACH(w, &p->workers, entry) {
			s = &p->sb->slots[w->slot];
			if (s->state == SLOT_IDLE && !w->stopping &&
			    (oldest == NULL ||
			    s->since < p->sb->slots[oldest->slot].since))
				oldest = w;
		}
		if (oldest != NULL)
			worker_signal(oldest, SIGQUIT);
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

/* Milliseconds to wait before replacing a worker that died at birth. */
static int64_t
pool_backoff(const struct pool *p)
{
	int64_t	 ms = 100;
	int	 i;

	for (i = 1; i < p->quick_deaths && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
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
		ev_timer_add(loop, &p->respawn, pool_backoff(p));
}

static void
pool_respawn(void *arg)
{
	struct pool	*p = arg;

	if (!stopping && !p->retired)
		pool_fill(p);
}

static const char *
exit_cause(const struct worker *w, int status, char *buf, size_t len)
{
	int	 code;

	if (WIFSIGNALED(status)) {
		snprintf(buf, len, "killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
		return buf;
	}
	switch (code = WEXITSTATUS(status)) {
	case WORKER_EXIT_MAXREQ:
		return "after pm.max_requests";
	case WORKER_EXIT_QUIT:
		if (w->stopping == SIGQUIT && !stopping)
			return "when asked to (idle, spare or reload)";
		return w->stopping ? "when asked to" : "as its master is gone";
	default:
		snprintf(buf, len, "with exit code %d", code);
		return buf;
	}
}

static int
death_is_quick(const struct worker *w, int status, int64_t lived)
{
	if (w->stopping || lived >= QUICK_DEATH_NS)
		return 0;
	return WIFSIGNALED(status) || (WEXITSTATUS(status) !=
	    WORKER_EXIT_QUIT && WEXITSTATUS(status) != WORKER_EXIT_MAXREQ);
}

static void
worker_gone(struct worker *w, int status)
{
	struct pool	*p = w->pool;
	struct slot	*s = &p->sb->slots[w->slot];
	int64_t		 lived = ev_now() - w->started;
	char		 buf[64];
	void		(*say)(const char *, ...);

	slot_kill_cgi(s);
	say = WIFSIGNALED(status) || death_is_quick(w, status, lived) ?
	    log_warnx : log_info;
	say("pool %s: worker %d exited %s after %.3fs, %llu requests",
	    p->pc->name, (int)w->pid, exit_cause(w, status, buf, sizeof(buf)),
	    lived / 1e9, (unsigned long long)s->requests);
	if (death_is_quick(w, status, lived)) {
		p->quick_deaths++;
		log_warnx("pool %s: worker died at birth; the next in "
		    "%.1fs", p->pc->name, pool_backoff(p) / 1e3);
	} else
		p->quick_deaths = 0;
	slot_reset(s);
	if (!w->ready)
		p->nstarting--;
	p->nworkers--;
	TAILQ_REMOVE(&p->workers, w, entry);
	free(w);
	if (p->retired && p->nworkers == 0) {
		log_info("pool %s: the old workers are gone", p->pc->name);
		pool_free(p);
	} else
		pool_refill(p);
}

/* SIGCHLD: reap every worker that has exited. */
void
pools_reap(void)
{
	struct worker	*w;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if ((w = worker_find(pid)) != NULL)
			worker_gone(w, status);
}

/* A worker says it is accepting; ondemand may watch again. */
static void
pool_ready(int fd, int events, void *arg)
{
	struct worker	*w;
	pid_t		 pids[64];
	ssize_t		 n;
	size_t		 i;

	(void)events;
	(void)arg;
	while ((n = read(fd, pids, sizeof(pids))) > 0)
		for (i = 0; i < (size_t)n / sizeof(pids[0]); i++) {
			if ((w = worker_find(pids[i])) == NULL || w->ready)
				continue;
			w->ready = 1;
			if (--w->pool->nstarting == 0)
				pool_watch(w->pool);
		}
}

/* The master is the backstop for request_terminate_timeout. */
static void
pool_terminate_stuck(struct pool *p, int64_t now)
{
	struct worker	*w;
	struct slot	*s;

	if (p->pc->terminate_timeout == 0)
		return;
	TAILQ_FOREACH(w, &p->workers, entry) {
		s = &p->sb->slots[w->slot];
		if (s->req_start == 0 || now - s->req_start <
		    p->pc->terminate_timeout * 1000000 + TERMINATE_GRACE_NS)
			continue;
		log_warnx("pool %s: worker %d still on %s %s after "
		    "request_terminate_timeout; killing it", p->pc->name,
		    (int)w->pid, s->method, s->uri);
		worker_signal(w, SIGKILL);
		s->req_start = 0;
	}
}

/* ondemand: stop every worker idle for longer than the timeout. */
static void
pool_reap_idle(struct pool *p, int64_t now)
{
	struct worker	*w;
	struct slot	*s;

	TAILQ_FOREACH(w, &p->workers, entry) {
		s = &p->sb->slots[w->slot];
		if (s->state == SLOT_IDLE && !w->stopping &&
		    now - s->since >= p->pc->idle_timeout * 1000000)
			worker_signal(w, SIGQUIT);
	}
}

static void
pool_tick(void *arg)
{
	struct pool	*p = arg;
	int64_t		 now = ev_now();
	unsigned int	 active, queue;

	ev_timer_add(loop, &p->tick, TICK_MS);
	active = (unsigned int)(p->nworkers - pool_idle(p));
	if (active > p->sb->max_active)
		p->sb->max_active = active;
	queue = status_listen_queue(p->lsn->fd, NULL);
	if (queue > p->sb->max_listen_queue)
		p->sb->max_listen_queue = queue;
	pool_terminate_stuck(p, now);
	if (stopping || p->retired)
		return;
	if (p->pc->pm == PM_ONDEMAND)
		pool_reap_idle(p, now);
	else if (p->pc->pm == PM_DYNAMIC && !ev_timer_pending(&p->respawn))
		pool_dynamic(p);
}

/* The master's half of the pipes every worker shares. */
void
pools_init(struct ev_loop *l, int file_log)
{
	loop = l;
	if (ev_pipe(life) == -1)
		fatal("the workers' life pipe");
	if (ev_pipe(ready) == -1 || ev_cloexec(ready[0], 1) == -1 ||
	    ev_add(loop, ready[0], EV_READ, pool_ready, NULL) == -1)
		fatal("the workers' ready pipe");
	if (!file_log)
		return;
	if (ev_pipe(logpipe) == -1 || ev_cloexec(logpipe[0], 1) == -1 ||
	    ev_add(loop, logpipe[0], EV_READ, log_relay, NULL) == -1)
		fatal("the workers' log pipe");
}

/*
 * A running pool for pc, on the listener listener_open() made.  The
 * pool owns pc from now on.
 */
struct pool *
pool_new(struct pool_conf *pc)
{
	struct pool	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("calloc");
	p->pc = pc;
	if ((p->lsn = listener_find(pc->listen)) == NULL)
		fatalx("pool %s: %s is not open", pc->name, pc->listen);
	p->sb = scoreboard_new(pc->name, pc->max_children, &p->sbsize);
	p->spawn_rate = 1;
	TAILQ_INIT(&p->workers);
	ev_timer_init(&p->tick, pool_tick, p);
	ev_timer_init(&p->respawn, pool_respawn, p);
	ev_timer_init(&p->recheck, pool_recheck, p);
	ev_timer_init(&p->drain, pool_drain_next, p);
	TAILQ_INSERT_TAIL(&pools, p, entry);
	return p;
}

void
pool_start(struct pool *p)
{
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
	ev_timer_add(loop, &p->tick, TICK_MS);
	log_info("pool %s: %s on %s, pm %s, max_children %d", p->pc->name,
	    p->pc->pm == PM_ONDEMAND ? "waiting" : "started", p->lsn->addr,
	    conf_pm_name(p->pc->pm), p->pc->max_children);
}

/* Free a pool whose workers are all gone, and its listener if unshared. */
void
pool_free(struct pool *p)
{
	pool_unwatch(p);
	ev_timer_del(loop, &p->tick);
	ev_timer_del(loop, &p->respawn);
	ev_timer_del(loop, &p->recheck);
	ev_timer_del(loop, &p->drain);
	TAILQ_REMOVE(&pools, p, entry);
	listener_release(p->lsn);
	munmap(p->sb, p->sbsize);
	conf_pool_free(p->pc);
	free(p);
}

/* The requests this pool has accepted, for its successor's page. */
uint64_t
pool_accepted(const struct pool *p)
{
	uint64_t	 n = p->sb->accepted_before;
	int		 i;

	for (i = 0; i < p->sb->nslots; i++)
		n += p->sb->slots[i].accepted;
	return n;
}

/* A draining pool's workers had their time: the next, harsher signal. */
static void
pool_drain_next(void *arg)
{
	struct pool	*p = arg;
	struct worker	*w;

	p->drain_sig = p->drain_sig == SIGQUIT ? SIGTERM : SIGKILL;
	log_warnx("pool %s: old workers still busy; sending %s", p->pc->name,
	    p->drain_sig == SIGTERM ? "TERM" : "KILL");
	TAILQ_FOREACH(w, &p->workers, entry)
		worker_signal(w, p->drain_sig);
	if (p->drain_sig == SIGTERM)
		ev_timer_add(loop, &p->drain, KILL_GRACE_MS);
}

/*
 * A reload replaced this pool, or removed it: its workers finish what
 * they hold and leave (the idle ones at once), with the stop ladder
 * after grace milliseconds.  The pool goes when its last worker does.
 */
void
pool_retire(struct pool *p, int64_t grace)
{
	struct worker	*w;

	p->retired = 1;
	pool_unwatch(p);
	ev_timer_del(loop, &p->respawn);
	ev_timer_del(loop, &p->recheck);
	if (p->nworkers == 0) {
		pool_free(p);
		return;
	}
	p->drain_sig = SIGQUIT;
	TAILQ_FOREACH(w, &p->workers, entry)
		worker_signal(w, SIGQUIT);
	ev_timer_add(loop, &p->drain, grace);
}

/*
 * Stopping: send sig to every worker; with SIGKILL, to every running
 * CGI group too.  From now on nothing is respawned.
 */
void
pools_signal(int sig)
{
	struct pool	*p;
	struct worker	*w;

	stopping = 1;
	TAILQ_FOREACH(p, &pools, entry) {
		pool_unwatch(p);
		TAILQ_FOREACH(w, &p->workers, entry)
			worker_signal(w, sig);
	}
}

int
pools_empty(void)
{
	struct pool	*p;

	TAILQ_FOREACH(p, &pools, entry)
		if (p->nworkers > 0)
			return 0;
	return 1;
}

/* Exiting: close the listeners and unlink the unix sockets. */
void
pools_close(void)
{
	struct pool	*p;

	while ((p = TAILQ_FIRST(&pools)) != NULL)
		pool_free(p);
}
