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
 * What a service manager hands fpmd and hears from it.  It hears
 * systemd's readiness protocol, sd_notify(3), spoken here without
 * libsystemd: when NOTIFY_SOCKET names a unix datagram socket, by path
 * or by an abstract name written "@name", the master sends READY=1 once
 * every pool listens, RELOADING=1 and READY=1 around each reload and
 * STOPPING=1 when it stops, with a STATUS= line.  Without NOTIFY_SOCKET
 * every call here does nothing.  Only the master runs this file, as
 * root.  It takes NOTIFY_SOCKET out of its environment at the start, so
 * that no worker or CGI program can speak for fpmd.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "log.h"

static int			 notify_fd = -1;
static struct sockaddr_un	 notify_addr;
static socklen_t		 notify_len;
static char			 notify_name[sizeof(notify_addr.sun_path)];

/* The address NOTIFY_SOCKET names; -1 if it names no unix socket. */
static int
service_address(const char *name)
{
	size_t	 len;

	len = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || len < 2 ||
	    len >= sizeof(notify_addr.sun_path))
		return -1;
	strlcpy(notify_name, name, sizeof(notify_name));
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, name, len);
	/* An abstract name starts with a NUL and has no terminating one. */
	if (name[0] == '@')
		notify_addr.sun_path[0] = '\0';
	notify_len = offsetof(struct sockaddr_un, sun_path) + len;
	return 0;
}

/* Read and forget NOTIFY_SOCKET; open the socket to send on. */
void
service_init(void)
{
	const char	*name;
	int		 fd;

	if ((name = getenv("NOTIFY_SOCKET")) == NULL)
		return;
	if (service_address(name) == -1) {
		log_warnx("NOTIFY_SOCKET %s: neither a socket path nor an "
		    "@name; not notifying", name);
		unsetenv("NOTIFY_SOCKET");
		return;
	}
	unsetenv("NOTIFY_SOCKET");
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1) {
		log_warn("NOTIFY_SOCKET %s: socket", notify_name);
		return;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		log_warn("NOTIFY_SOCKET %s: fcntl", notify_name);
		close(fd);
		return;
	}
	notify_fd = fd;
	log_debug("notifying the service manager at %s", notify_name);
}

/*
 * One datagram, never waited for: a manager that stopped reading must
 * not stall the master.
 */
static void
service_send(const char *msg)
{
	if (notify_fd == -1)
		return;
	if (sendto(notify_fd, msg, strlen(msg), 0,
	    (struct sockaddr *)&notify_addr, notify_len) == -1)
		log_warn("NOTIFY_SOCKET %s: sendto", notify_name);
}

void
service_ready(int npools)
{
	char	 msg[64];

	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=serving %d pool%s\n",
	    npools, npools == 1 ? "" : "s");
	service_send(msg);
}

/* MONOTONIC_USEC lets systemd's Type=notify-reload match the reload. */
void
service_reloading(void)
{
	char	 msg[64];

	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%lld\n",
	    (long long)(ev_now() / 1000));
	service_send(msg);
}

void
service_stopping(void)
{
	service_send("STOPPING=1\nSTATUS=stopping\n");
}
