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
 * The epoll(7) backend, the default on Linux.  Signals arrive through a
 * signalfd(2) where the kernel has one, which needs them blocked; the
 * self-pipe in ev.c serves otherwise.
 */

#include "ev_config.h"

#if HAVE_EPOLL

#include <sys/types.h>
#include <sys/epoll.h>
#if HAVE_SIGNALFD
#include <sys/signalfd.h>
#endif

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "ev_impl.h"

#define EPOLL_BATCH	64

struct epoll_state {
	int			 epfd;
	int			 sigfd;		/* -1 until a signal is added */
	sigset_t		 sigmask;
	struct epoll_event	 events[EPOLL_BATCH];
};

static int
epoll_init(struct ev_loop *loop)
{
	struct epoll_state	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	if ((d->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(d);
		return -1;
	}
	d->sigfd = -1;
	sigemptyset(&d->sigmask);
	loop->data = d;
	return 0;
}

static void
epoll_done(struct ev_loop *loop)
{
	struct epoll_state	*d = loop->data;

	if (d->sigfd != -1)
		close(d->sigfd);
	close(d->epfd);
	free(d);
	loop->data = NULL;
}

static int
epoll_watch(struct ev_loop *loop, int fd, int old, int new)
{
	struct epoll_state	*d = loop->data;
	struct epoll_event	 ev;
	int			 op;

	memset(&ev, 0, sizeof(ev));
	ev.data.fd = fd;
	if (new & EV_READ)
		ev.events |= EPOLLIN;
	if (new & EV_WRITE)
		ev.events |= EPOLLOUT;
	if (new == 0)
		op = EPOLL_CTL_DEL;
	else if (old == 0)
		op = EPOLL_CTL_ADD;
	else
		op = EPOLL_CTL_MOD;
#ifdef EPOLLEXCLUSIVE
	/* Linux 4.5 and later; before, and for a change, wake them all. */
	if ((new & EV_EXCLUSIVE) && op == EPOLL_CTL_ADD) {
		ev.events |= EPOLLEXCLUSIVE;
		if (epoll_ctl(d->epfd, op, fd, &ev) == 0)
			return 0;
		ev.events &= ~EPOLLEXCLUSIVE;
	}
#endif
	if (epoll_ctl(d->epfd, op, fd, &ev) == -1 && op != EPOLL_CTL_DEL)
		return -1;
	return 0;
}

#if HAVE_SIGNALFD
static void
epoll_signalfd_read(struct ev_loop *loop, int sigfd)
{
	struct signalfd_siginfo	 si[16];
	ssize_t			 n;
	size_t			 i;

	while ((n = read(sigfd, si, sizeof(si))) > 0)
		for (i = 0; i < (size_t)n / sizeof(si[0]); i++)
			ev_signal_ready(loop, (int)si[i].ssi_signo);
}
#endif

static int
epoll_wait_events(struct ev_loop *loop, int timeout)
{
	struct epoll_state	*d = loop->data;
	int			 i, n, fd, events;
	uint32_t		 e;

	if ((n = epoll_wait(d->epfd, d->events, EPOLL_BATCH, timeout)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		fd = d->events[i].data.fd;
		e = d->events[i].events;
#if HAVE_SIGNALFD
		if (fd == d->sigfd) {
			epoll_signalfd_read(loop, fd);
			continue;
		}
#endif
		events = 0;
		if (e & (EPOLLIN | EPOLLHUP | EPOLLERR))
			events |= EV_READ;
		if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			events |= EV_WRITE;
		ev_ready(loop, fd, events);
	}
	return 0;
}

#if HAVE_SIGNALFD
static int
epoll_signal(struct ev_loop *loop, int signo, int on)
{
	struct epoll_state	*d = loop->data;
	struct epoll_event	 ev;
	sigset_t		 one;
	int			 fd;

	sigemptyset(&one);
	sigaddset(&one, signo);
	if (on)
		sigaddset(&d->sigmask, signo);
	else
		sigdelset(&d->sigmask, signo);
	if (sigprocmask(on ? SIG_BLOCK : SIG_UNBLOCK, &one, NULL) == -1)
		return -1;
	if ((fd = signalfd(d->sigfd, &d->sigmask,
	    SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		return -1;
	if (d->sigfd == -1) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
			close(fd);
			return -1;
		}
		d->sigfd = fd;
	}
	return 0;
}
#endif

const struct ev_backend ev_epoll = {
	"epoll",
	epoll_init,
	epoll_done,
	epoll_done,		/* a child inherits the epoll and signalfd */
	epoll_watch,
	epoll_wait_events,
#if HAVE_SIGNALFD
	epoll_signal
#else
	NULL
#endif
};

#endif /* HAVE_EPOLL */
