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
 * The poll(2) backend: POSIX, so it works everywhere, and it is what
 * the other backends are tested against.  The pollfd array is rebuilt
 * from the loop's fd table only when the interest set has changed, and
 * never during dispatch.  Signals use the self-pipe in ev.c.
 */

#include "ev_config.h"

#if HAVE_POLL

#include <sys/types.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "ev_impl.h"

struct poll_state {
	struct pollfd	*pfds;
	int		 npfds;		/* in use */
	int		 size;		/* allocated */
	int		 dirty;
};

static int
poll_init(struct ev_loop *loop)
{
	struct poll_state	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	loop->data = d;
	return 0;
}

static void
poll_done(struct ev_loop *loop)
{
	struct poll_state	*d = loop->data;

	free(d->pfds);
	free(d);
	loop->data = NULL;
}

static int
poll_watch(struct ev_loop *loop, int fd, int old, int new)
{
	struct poll_state	*d = loop->data;
	struct pollfd		*p;

	(void)fd;
	(void)old;
	if (new != 0 && d->size < loop->nfds) {
		p = ev_grow(d->pfds, d->size, loop->nfds, sizeof(*p));
		if (p == NULL)
			return -1;
		d->pfds = p;
		d->size = loop->nfds;
	}
	d->dirty = 1;
	return 0;
}

static void
poll_rebuild(struct ev_loop *loop)
{
	struct poll_state	*d = loop->data;
	struct pollfd		*p;
	int			 fd;

	d->npfds = 0;
	for (fd = 0; fd < loop->nfds; fd++) {
		if (loop->fds[fd].events == 0)
			continue;
		p = &d->pfds[d->npfds++];
		p->fd = fd;
		p->events = 0;
		if (loop->fds[fd].events & EV_READ)
			p->events |= POLLIN;
		if (loop->fds[fd].events & EV_WRITE)
			p->events |= POLLOUT;
	}
	d->dirty = 0;
}

static int
poll_wait(struct ev_loop *loop, int timeout)
{
	struct poll_state	*d = loop->data;
	int			 i, n, events;
	short			 r;

	if (d->dirty)
		poll_rebuild(loop);
	if ((n = poll(d->pfds, d->npfds, timeout)) == -1)
		return -1;
	for (i = 0; i < d->npfds && n > 0; i++) {
		if ((r = d->pfds[i].revents) == 0)
			continue;
		n--;
		events = 0;
		if (r & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
			events |= EV_READ;
		if (r & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
			events |= EV_WRITE;
		ev_ready(loop, d->pfds[i].fd, events);
	}
	return 0;
}

const struct ev_backend ev_poll = {
	"poll",
	poll_init,
	poll_done,
	poll_done,
	poll_watch,
	poll_wait,
	NULL
};

#endif /* HAVE_POLL */
