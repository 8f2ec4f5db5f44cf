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
 * What an event backend sees of the loop.  A backend is a handful of
 * static functions behind one struct ev_backend: it changes the
 * kernel's interest set, waits, and reports what fired through
 * ev_ready() and ev_signal_ready().  Backends without a signal
 * primitive leave .signal NULL and ev.c uses its self-pipe.
 */

#ifndef EV_IMPL_H
#define EV_IMPL_H

#include <signal.h>

#ifndef NSIG
#define NSIG	65
#endif

struct ev_fd {
	int		 events;
	ev_fd_cb	 cb;
	void		*arg;
};

struct ev_sig {
	ev_signal_cb	 cb;
	void		*arg;
	void		(*handler)(int);	/* what the loop installed */
};

TAILQ_HEAD(ev_timers, ev_timer);

/*
 * done releases the backend and closes its kernel objects.  forget is
 * for a forked child: it releases the backend's memory and closes only
 * what fork(2) passed on.  A kqueue is not inherited, so closing its
 * number in the child would close whatever file has that number now.
 */
struct ev_backend {
	const char	*name;
	int		(*init)(struct ev_loop *);
	void		(*done)(struct ev_loop *);
	void		(*forget)(struct ev_loop *);
	int		(*watch)(struct ev_loop *, int, int, int);
	int		(*wait)(struct ev_loop *, int);
	int		(*signal)(struct ev_loop *, int, int);
};

struct ev_loop {
	const struct ev_backend	*be;
	void			*data;		/* the backend's own */
	struct ev_fd		*fds;		/* indexed by fd */
	int			 nfds;		/* size of fds[] */
	struct ev_sig		 sigs[NSIG];
	struct ev_timers	 timers;	/* sorted by when */
	int			 done;
};

void	*ev_grow(void *, size_t, size_t, size_t);
void	 ev_ready(struct ev_loop *, int, int);
void	 ev_signal_ready(struct ev_loop *, int);

extern const struct ev_backend	ev_kqueue;
extern const struct ev_backend	ev_epoll;
extern const struct ev_backend	ev_poll;

#endif /* EV_IMPL_H */
