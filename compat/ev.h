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
 * The master's event loop: file descriptors with read and/or write
 * interest, one-shot timers the caller owns, and signals delivered as
 * loop events, never in async context.  One API over kqueue, epoll or
 * poll, chosen at build time and overridable by name at run time.
 *
 * It builds on its own, from a plain copy of compat/ev* and queue.h
 * (README, "Vendoring"); ev_config.h says which backends.
 *
 * Rules for callers: every callback must tolerate a spurious wake-up
 * (fds are non-blocking); take an fd out with ev_del() before close(),
 * since a forked child may keep the file open; removing an fd or a
 * timer from inside any callback is safe, and a removed one is not
 * called again.
 */

#ifndef EV_H
#define EV_H

#include "ev_config.h"

#include <stdint.h>

#include "queue.h"

#define EV_READ		0x01
#define EV_WRITE	0x02
/*
 * Of the processes whose loops watch one fd, wake only one when it is
 * ready (EPOLLEXCLUSIVE); other backends wake all, which is still
 * correct.  The kernel then wakes no other, so a process woken this
 * way must take what is ready before it leaves.
 */
#define EV_EXCLUSIVE	0x04

struct ev_loop;

/*
 * The loop's clock, ev_now(), is CLOCK_MONOTONIC in nanoseconds;
 * timeouts are given in milliseconds.  ev_ms_to_ns() and ev_ns_to_ms()
 * are the one place the two meet.
 */
struct ev_timer {
	TAILQ_ENTRY(ev_timer)	 entry;
	int64_t			 when;		/* ev_now() */
	void			(*cb)(void *);
	void			*arg;
	int			 armed;
};

typedef void	(*ev_fd_cb)(int, int, void *);
typedef void	(*ev_signal_cb)(int, void *);

struct ev_loop	*ev_new(const char *);
void		 ev_free(struct ev_loop *);
const char	*ev_name(const struct ev_loop *);
const char	*ev_backend_name(int);
int		 ev_add(struct ev_loop *, int, int, ev_fd_cb, void *);
void		 ev_del(struct ev_loop *, int);
void		 ev_timer_init(struct ev_timer *, void (*)(void *), void *);
void		 ev_timer_add(struct ev_loop *, struct ev_timer *, int64_t);
void		 ev_timer_del(struct ev_loop *, struct ev_timer *);
int		 ev_timer_pending(const struct ev_timer *);
int		 ev_signal(struct ev_loop *, int, ev_signal_cb, void *);
int		 ev_run(struct ev_loop *);
void		 ev_break(struct ev_loop *);
void		 ev_child(struct ev_loop *);
int64_t		 ev_now(void);
int64_t		 ev_ms_to_ns(int64_t);
int		 ev_ns_to_ms(int64_t);
int		 ev_cloexec(int);
int		 ev_nonblock(int, int);
int		 ev_pipe(int [2]);

#endif /* EV_H */
