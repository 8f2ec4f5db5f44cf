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
 * The kqueue(2) backend, the default on the BSDs and macOS.  Signals
 * use EVFILT_SIGNAL.  kqueue records a signal even when its handler
 * runs, so each one gets a handler that does nothing: that keeps the
 * default action (death, or reaping for SIGCHLD) from happening, and
 * ev_child() restores SIG_DFL.
 */

#include "ev_config.h"

#if HAVE_KQUEUE

#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "ev_impl.h"

#define KQUEUE_BATCH	64

struct kqueue_state {
	int		 kq;
	struct kevent	 events[KQUEUE_BATCH];
};

static int
kqueue_init(struct ev_loop *loop)
{
	struct kqueue_state	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	if ((d->kq = kqueue()) == -1 || ev_cloexec(d->kq) == -1) {
		if (d->kq != -1)
			close(d->kq);
		free(d);
		return -1;
	}
	loop->data = d;
	return 0;
}

static void
kqueue_done(struct ev_loop *loop)
{
	struct kqueue_state	*d = loop->data;

	close(d->kq);
	free(d);
	loop->data = NULL;
}

/* In a forked child: the kqueue was not inherited, so only free. */
static void
kqueue_forget(struct ev_loop *loop)
{
	free(loop->data);
	loop->data = NULL;
}

static int
kqueue_change(struct kqueue_state *d, int ident, int filter, int flags)
{
	struct kevent	 kev;

	EV_SET(&kev, ident, filter, flags, 0, 0, NULL);
	return kevent(d->kq, &kev, 1, NULL, 0, NULL);
}

static int
kqueue_watch(struct ev_loop *loop, int fd, int old, int new)
{
	struct kqueue_state	*d = loop->data;
	int			 add_read, saved;

	add_read = (new & EV_READ) && !(old & EV_READ);
	if (add_read && kqueue_change(d, fd, EVFILT_READ, EV_ADD) == -1)
		return -1;
	if ((new & EV_WRITE) && !(old & EV_WRITE) &&
	    kqueue_change(d, fd, EVFILT_WRITE, EV_ADD) == -1) {
		/* A failed watch leaves the kernel as it found it. */
		saved = errno;
		if (add_read)
			kqueue_change(d, fd, EVFILT_READ, EV_DELETE);
		errno = saved;
		return -1;
	}
	/* A delete fails harmlessly when the fd is already closed. */
	if ((old & EV_READ) && !(new & EV_READ))
		kqueue_change(d, fd, EVFILT_READ, EV_DELETE);
	if ((old & EV_WRITE) && !(new & EV_WRITE))
		kqueue_change(d, fd, EVFILT_WRITE, EV_DELETE);
	return 0;
}

static int
kqueue_wait(struct ev_loop *loop, int timeout)
{
	struct kqueue_state	*d = loop->data;
	struct timespec		 ts, *tsp = NULL;
	struct kevent		*k;
	int			 i, n;

	if (timeout >= 0) {
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (timeout % 1000) * 1000000L;
		tsp = &ts;
	}
	if ((n = kevent(d->kq, NULL, 0, d->events, KQUEUE_BATCH, tsp)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		k = &d->events[i];
		if (k->filter == EVFILT_SIGNAL)
			ev_signal_ready(loop, (int)k->ident);
		else if (k->filter == EVFILT_READ)
			ev_ready(loop, (int)k->ident, EV_READ);
		else if (k->filter == EVFILT_WRITE)
			ev_ready(loop, (int)k->ident, EV_WRITE);
	}
	return 0;
}

static void
kqueue_sig_ignore(int signo)
{
	(void)signo;
}

static int
kqueue_signal(struct ev_loop *loop, int signo, int on)
{
	struct kqueue_state	*d = loop->data;
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on ? kqueue_sig_ignore : SIG_DFL;
	if (on && kqueue_change(d, signo, EVFILT_SIGNAL, EV_ADD) == -1)
		return -1;
	if (!on)
		kqueue_change(d, signo, EVFILT_SIGNAL, EV_DELETE);
	return sigaction(signo, &sa, NULL);
}

const struct ev_backend ev_kqueue = {
	"kqueue",
	kqueue_init,
	kqueue_done,
	kqueue_forget,
	kqueue_watch,
	kqueue_wait,
	kqueue_signal
};

#endif /* HAVE_KQUEUE */
