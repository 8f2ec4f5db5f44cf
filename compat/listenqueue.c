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
 * A listening socket's queue, as the kernel tells it: Linux through
 * TCP_INFO, the BSDs that have it through SO_LISTENQLEN and
 * SO_LISTENQLIMIT.  Elsewhere, and on a Linux unix socket, it says 0.
 * Both processes ask: the master (pool.c) keeps the queue's high-water
 * mark, and a worker (status.c) shows the queue and its limit on the
 * status page, from its copy of its pool's socket.
 */

#include "../config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stddef.h>
#include <string.h>

#include "compat.h"

/*
 * The connections waiting now on fd, and its limit in *limit (if not
 * NULL) where the kernel says; 0 where it cannot tell.  A kernel, or an
 * emulator such as qemu-user, may fill less of struct tcp_info than its
 * size: only the fields it wrote are read.
 */
unsigned int
listen_queue(int fd, unsigned int *limit)
{
	unsigned int	 queue = 0;
#if HAVE_TCP_INFO
	struct tcp_info	 ti;
	socklen_t	 len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    len >= offsetof(struct tcp_info, tcpi_sacked) +
	    sizeof(ti.tcpi_sacked)) {
		queue = ti.tcpi_unacked;
		if (limit != NULL)
			*limit = ti.tcpi_sacked;
	}
#elif HAVE_SO_LISTENQLEN
	int		 q;
	socklen_t	 len = sizeof(q);

	if (getsockopt(fd, SOL_SOCKET, SO_LISTENQLEN, &q, &len) == 0)
		queue = (unsigned int)q;
	if (limit != NULL && getsockopt(fd, SOL_SOCKET, SO_LISTENQLIMIT,
	    &q, &len) == 0)
		*limit = (unsigned int)q;
#else
	(void)fd;
	(void)limit;
#endif
	return queue;
}
