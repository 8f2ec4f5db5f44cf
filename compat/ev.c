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
 * The backend-independent half of the event loop: the fd table, the
 * timer list, signal bookkeeping with a self-pipe for backends that
 * have no signal primitive of their own, and dispatch.  The model is
 * redis' ae.c: a tiny backend contract and a loop whose callbacks do
 * the work.
 */

#include "ev_config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ev.h"
#include "ev_impl.h"

/* The default comes first. */
static const struct ev_backend *const ev_backends[] = {
#if HAVE_KQUEUE
	&ev_kqueue,
#endif
#if HAVE_EPOLL
	&ev_epoll,
#endif
#if HAVE_POLL
	&ev_poll,
#endif
	NULL
};

/*
 * The self-pipe.  There is one per process, as there is one set of
 * signal handlers; ev_sig_pending[] lets a full pipe lose bytes, not
 * signals.
 */
static int			 ev_sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t	 ev_sig_pending[NSIG];

int64_t
ev_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Milliseconds, as timeouts are given, on the loop's clock. */
int64_t
ev_ms_to_ns(int64_t ms)
{
	return ms * 1000000;
}

/* What is left of a span, for poll(2): rounded up, 0 when past. */
int
ev_ns_to_ms(int64_t ns)
{
	if (ns <= 0)
		return 0;
	if (ns / 1000000 >= INT_MAX)
		return INT_MAX;
	return (int)((ns + 999999) / 1000000);
}

int
ev_cloexec(int fd)
{
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
ev_nonblock(int fd, int on)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

int
ev_pipe(int p[2])
{
#if HAVE_PIPE2
	return pipe2(p, O_CLOEXEC);
#else
	if (pipe(p) == -1)
		return -1;
	if (ev_cloexec(p[0]) == -1 || ev_cloexec(p[1]) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return 0;
#endif
}

/*
 * Grow an array from have to want elements of size bytes, zeroing the
 * new ones.  The event layer keeps this to itself rather than use
 * compat/reallocarray.c, so that it builds from a plain copy.
 */
void *
ev_grow(void *p, size_t have, size_t want, size_t size)
{
	unsigned char	*q;

	if (size != 0 && want > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if ((q = realloc(p, want * size)) == NULL)
		return NULL;
	memset(q + have * size, 0, (want - have) * size);
	return q;
}

const char *
ev_backend_name(int i)
{
	if (i < 0 || i >= (int)(sizeof(ev_backends) / sizeof(*ev_backends)) ||
	    ev_backends[i] == NULL)
		return NULL;
	return ev_backends[i]->name;
}

struct ev_loop *
ev_new(const char *name)
{
	struct ev_loop	*loop;
	int		 i;

	for (i = 0; ev_backends[i] != NULL; i++)
		if (name == NULL || strcmp(name, ev_backends[i]->name) == 0)
			break;
	if (ev_backends[i] == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((loop = calloc(1, sizeof(*loop))) == NULL)
		return NULL;
	loop->be = ev_backends[i];
	TAILQ_INIT(&loop->timers);
	if (loop->be->init(loop) == -1) {
		free(loop);
		return NULL;
	}
	return loop;
}

const char *
ev_name(const struct ev_loop *loop)
{
	return loop->be->name;
}

int
ev_add(struct ev_loop *loop, int fd, int events, ev_fd_cb cb, void *arg)
{
	struct ev_fd	*t;
	int		 n;

	if (fd < 0 || (events & ~(EV_READ | EV_WRITE | EV_EXCLUSIVE)) != 0 ||
	    (events & (EV_READ | EV_WRITE)) == 0) {
		errno = EINVAL;
		return -1;
	}
	if (fd >= loop->nfds) {
		n = fd < 64 ? 64 : fd < INT_MAX / 2 ? fd * 2 : INT_MAX;
		if ((t = ev_grow(loop->fds, loop->nfds, n, sizeof(*t))) == NULL)
			return -1;
		loop->fds = t;
		loop->nfds = n;
	}
	if (loop->be->watch(loop, fd, loop->fds[fd].events, events) == -1)
		return -1;
	loop->fds[fd].events = events;
	loop->fds[fd].cb = cb;
	loop->fds[fd].arg = arg;
	return 0;
}

void
ev_del(struct ev_loop *loop, int fd)
{
	if (fd < 0 || fd >= loop->nfds || loop->fds[fd].events == 0)
		return;
	loop->be->watch(loop, fd, loop->fds[fd].events, 0);
	memset(&loop->fds[fd], 0, sizeof(loop->fds[fd]));
}

/* Backends call this for each fd that fired. */
void
ev_ready(struct ev_loop *loop, int fd, int events)
{
	struct ev_fd	*e;

	if (fd < 0 || fd >= loop->nfds)
		return;
	e = &loop->fds[fd];
	if ((events &= e->events) != 0)
		e->cb(fd, events, e->arg);
}

void
ev_timer_init(struct ev_timer *t, void (*cb)(void *), void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

/* Arm (or re-arm) t to fire once, msec milliseconds from now. */
void
ev_timer_add(struct ev_loop *loop, struct ev_timer *t, int64_t msec)
{
	struct ev_timer	*n;

	ev_timer_del(loop, t);
	t->when = ev_now() + ev_ms_to_ns(msec < 0 ? 0 : msec);
	t->armed = 1;
	TAILQ_FOREACH(n, &loop->timers, entry)
		if (n->when > t->when)
			break;
	if (n != NULL)
		TAILQ_INSERT_BEFORE(n, t, entry);
	else
		TAILQ_INSERT_TAIL(&loop->timers, t, entry);
}

void
ev_timer_del(struct ev_loop *loop, struct ev_timer *t)
{
	if (!t->armed)
		return;
	TAILQ_REMOVE(&loop->timers, t, entry);
	t->armed = 0;
}

int
ev_timer_pending(const struct ev_timer *t)
{
	return t->armed;
}

/*
 * Fire the timers that are due now, in order.  A callback may add or
 * delete timers; counting the due ones first means a timer re-armed
 * for 0 ms waits for the next turn instead of spinning here.
 */
static void
ev_timers_fire(struct ev_loop *loop)
{
	struct ev_timer	*t;
	int64_t		 now;
	int		 due;

	now = ev_now();
	due = 0;
	TAILQ_FOREACH(t, &loop->timers, entry) {
		if (t->when > now)
			break;
		due++;
	}
	while (due-- > 0 && (t = TAILQ_FIRST(&loop->timers)) != NULL &&
	    t->when <= now) {
		ev_timer_del(loop, t);
		t->cb(t->arg);
	}
}

/* Milliseconds until the first timer, rounded up; -1 for none. */
static int
ev_timers_wait(struct ev_loop *loop)
{
	struct ev_timer	*t;

	if ((t = TAILQ_FIRST(&loop->timers)) == NULL)
		return -1;
	return ev_ns_to_ms(t->when - ev_now());
}

static void
ev_sigpipe_handler(int signo)
{
	int		 saved = errno;
	unsigned char	 c = (unsigned char)signo;

	ev_sig_pending[signo] = 1;
	(void)write(ev_sigpipe[1], &c, 1);
	errno = saved;
}

static void
ev_sigpipe_read(int fd, int events, void *arg)
{
	struct ev_loop	*loop = arg;
	unsigned char	 buf[64];
	int		 signo;

	(void)events;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	for (signo = 1; signo < NSIG; signo++) {
		if (!ev_sig_pending[signo])
			continue;
		ev_sig_pending[signo] = 0;
		ev_signal_ready(loop, signo);
	}
}

static int
ev_sigpipe_open(struct ev_loop *loop)
{
	if (ev_sigpipe[0] != -1)
		return 0;
	if (ev_pipe(ev_sigpipe) == -1)
		return -1;
	if (ev_nonblock(ev_sigpipe[0], 1) == -1 ||
	    ev_nonblock(ev_sigpipe[1], 1) == -1 ||
	    ev_add(loop, ev_sigpipe[0], EV_READ, ev_sigpipe_read, loop) == -1) {
		close(ev_sigpipe[0]);
		close(ev_sigpipe[1]);
		ev_sigpipe[0] = ev_sigpipe[1] = -1;
		return -1;
	}
	return 0;
}

static void
ev_sigpipe_close(struct ev_loop *loop)
{
	if (ev_sigpipe[0] == -1)
		return;
	if (loop != NULL)
		ev_del(loop, ev_sigpipe[0]);
	close(ev_sigpipe[0]);
	close(ev_sigpipe[1]);
	ev_sigpipe[0] = ev_sigpipe[1] = -1;
}

static int
ev_sigpipe_signal(struct ev_loop *loop, int signo, int on)
{
	struct sigaction	 sa;

	if (on && ev_sigpipe_open(loop) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on ? ev_sigpipe_handler : SIG_DFL;
	return sigaction(signo, &sa, NULL);
}

/* Backends call this for each signal that arrived. */
void
ev_signal_ready(struct ev_loop *loop, int signo)
{
	if (signo > 0 && signo < NSIG && loop->sigs[signo].cb != NULL)
		loop->sigs[signo].cb(signo, loop->sigs[signo].arg);
}

/* Deliver signo to cb as a loop event; a NULL cb restores SIG_DFL. */
int
ev_signal(struct ev_loop *loop, int signo, ev_signal_cb cb, void *arg)
{
	struct sigaction	 sa;
	int			 rv;

	if (signo <= 0 || signo >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	if (loop->be->signal != NULL)
		rv = loop->be->signal(loop, signo, cb != NULL);
	else
		rv = ev_sigpipe_signal(loop, signo, cb != NULL);
	if (rv == -1)
		return -1;
	loop->sigs[signo].cb = cb;
	loop->sigs[signo].arg = arg;
	if (sigaction(signo, NULL, &sa) == 0)
		loop->sigs[signo].handler = sa.sa_handler;
	return 0;
}

int
ev_run(struct ev_loop *loop)
{
	loop->done = 0;
	while (!loop->done) {
		if (loop->be->wait(loop, ev_timers_wait(loop)) == -1 &&
		    errno != EINTR)
			return -1;
		ev_timers_fire(loop);
	}
	return 0;
}

void
ev_break(struct ev_loop *loop)
{
	loop->done = 1;
}

/*
 * Make a freshly forked child clean: default dispositions for the
 * loop's signals and none of the loop's descriptors.  The signal mask
 * stays as the caller has it: a child forked with every signal blocked
 * installs its own handlers, then unblocks, and loses no signal sent
 * meanwhile; a handler it installed before this call is kept.  The loop
 * is gone afterwards; the child must not use it.
 */
void
ev_child(struct ev_loop *loop)
{
	struct sigaction	 sa, cur;
	int			 signo;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (signo = 1; signo < NSIG; signo++)
		if (loop->sigs[signo].cb != NULL &&
		    sigaction(signo, NULL, &cur) == 0 &&
		    cur.sa_handler == loop->sigs[signo].handler)
			sigaction(signo, &sa, NULL);
	ev_sigpipe_close(NULL);
	loop->be->forget(loop);
	free(loop->fds);
	free(loop);
}

void
ev_free(struct ev_loop *loop)
{
	int	 signo;

	if (loop == NULL)
		return;
	for (signo = 1; signo < NSIG; signo++)
		if (loop->sigs[signo].cb != NULL)
			ev_signal(loop, signo, NULL, NULL);
	ev_sigpipe_close(loop);
	loop->be->done(loop);
	free(loop->fds);
	free(loop);
}
