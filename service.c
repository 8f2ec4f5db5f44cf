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
 * What a service manager hands fpmd and hears from it.  It hands fpmd
 * listening sockets, systemd's socket activation (sd_listen_fds(3)):
 * when LISTEN_PID is fpmd's pid, LISTEN_FDS sockets from fd 3 on, named
 * in LISTEN_FDNAMES, which listener.c gives to the pools.  It hears
 * systemd's readiness protocol, sd_notify(3), spoken here without
 * libsystemd: when NOTIFY_SOCKET names a unix datagram socket, by path
 * or by an abstract name written "@name", the master sends READY=1 once
 * every pool listens, RELOADING=1 and READY=1 around each reload and
 * STOPPING=1 when it stops, with a STATUS= line; and every
 * systemd_interval a STATUS= line with the pools' figures, as php-fpm
 * sends, for systemctl status.  Without NOTIFY_SOCKET every call here
 * does nothing.
 *
 * The binary upgrade (USR2, upgrade.c) speaks the same protocol to the new
 * master: the old one hands it every socket the same way, adding
 * FPMD_UPGRADE_FD, where the new master says "ready", and
 * FPMD_UPGRADE_OWN, how many of the sockets are fpmd's own rather than
 * the service manager's; once it is ready, the old master tells the
 * manager the new main pid.
 *
 * Only the master runs this file, as root.  It takes every one of these
 * variables out of its environment at the start, so that no worker or
 * CGI program can see them or speak for fpmd.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "master.h"
#include "log.h"

static int			 notify_fd = -1;
static struct sockaddr_un	 notify_addr;
static socklen_t		 notify_len;
static char			 notify_name[sizeof(notify_addr.sun_path)];
/* systemd_interval's STATUS= lines */
static struct ev_loop		*heart_loop;
static struct ev_timer		 heart_timer;
static int64_t			 heart_interval_ms;
static uint64_t			 heart_requests;	/* at the last one */

/* Socket activation's variables, and the upgrade's. */
static const char *const service_vars[] = { "LISTEN_PID", "LISTEN_FDS",
    "LISTEN_FDNAMES", "FPMD_UPGRADE_FD", "FPMD_UPGRADE_OWN" };

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
		log_errorx("NOTIFY_SOCKET %s: neither a socket path nor an "
		    "@name; not notifying", name);
		unsetenv("NOTIFY_SOCKET");
		return;
	}
	unsetenv("NOTIFY_SOCKET");
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1) {
		log_error("NOTIFY_SOCKET %s: socket", notify_name);
		return;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		log_error("NOTIFY_SOCKET %s: fcntl", notify_name);
		close(fd);
		return;
	}
	notify_fd = fd;
	log_debug("notifying the service manager at %s", notify_name);
}

/* var as a number from 0 to max; -1 if it is unset or not one. */
static long
service_number(const char *var, long max)
{
	const char	*v;
	char		*end;
	long		 n;

	if ((v = getenv(var)) == NULL)
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (v[0] == '\0' || *end != '\0' || errno != 0 || n < 0 || n > max) {
		log_warnx("%s=%s: not a number from 0 to %ld; ignored", var, v,
		    max);
		return -1;
	}
	return n;
}

/* The next name of LISTEN_FDNAMES, which *names walks; NULL at the end. */
static char *
service_next_name(char **names)
{
	char	*name = *names, *colon;

	if (name == NULL)
		return NULL;
	if ((colon = strchr(name, ':')) != NULL) {
		*colon = '\0';
		*names = colon + 1;
	} else
		*names = NULL;
	return name;
}

/*
 * The sockets fpmd was handed, for listener.c, before any pool opens
 * its own: when LISTEN_PID is fpmd's, LISTEN_FDS of them from fd 3 on,
 * the first FPMD_UPGRADE_OWN the old master's own, the others the
 * service manager's.  Returns FPMD_UPGRADE_FD, where a new master of an
 * upgrade says it is ready, or -1.
 */
int
service_sockets(void)
{
	char	*names, *walk;
	long	 pid, n, own, ready, i;
	size_t	 v;

	pid = service_number("LISTEN_PID", LONG_MAX);
	if ((n = service_number("LISTEN_FDS", sysconf(_SC_OPEN_MAX) - 3)) ==
	    -1)
		n = 0;
	if ((own = service_number("FPMD_UPGRADE_OWN", n)) == -1)
		own = 0;
	ready = service_number("FPMD_UPGRADE_FD", INT_MAX);
	names = walk = getenv("LISTEN_FDNAMES") != NULL ?
	    xstrdup(getenv("LISTEN_FDNAMES")) : NULL;
	for (v = 0; v < sizeof(service_vars) / sizeof(*service_vars); v++)
		unsetenv(service_vars[v]);
	if (pid != (long)getpid()) {
		free(names);
		return -1;
	}
	for (i = 0; i < n; i++)
		listener_inherit(3 + i, service_next_name(&walk), i < own ?
		    LISTENER_UPGRADE : LISTENER_MANAGER);
	free(names);
	if (ready != -1 && ev_cloexec(ready) == -1) {
		log_error("FPMD_UPGRADE_FD %ld", ready);
		ready = -1;
	}
	return ready;
}

static int
service_setenv(const char *var, long n)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%ld", n);
	return setenv(var, buf, 1);
}

/*
 * In the child that becomes the new master of an upgrade: every socket
 * on fds from 3, ready after them, and in the environment what
 * service_sockets() reads there, with NOTIFY_SOCKET as the manager gave
 * it.  Returns where ready is now, or -1.
 */
int
service_hand_on(int ready)
{
	char	*names;
	int	 n, own;

	if ((n = listener_hand_on(&ready, &own, &names)) == -1)
		return -1;
	if (service_setenv("LISTEN_PID", (long)getpid()) == -1 ||
	    service_setenv("LISTEN_FDS", n) == -1 ||
	    setenv("LISTEN_FDNAMES", names, 1) == -1 ||
	    service_setenv("FPMD_UPGRADE_FD", ready) == -1 ||
	    service_setenv("FPMD_UPGRADE_OWN", own) == -1 ||
	    (notify_name[0] != '\0' &&
	    setenv("NOTIFY_SOCKET", notify_name, 1) == -1))
		ready = -1;
	free(names);
	return ready;
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
		log_error("NOTIFY_SOCKET %s: sendto", notify_name);
}

void
service_ready(int npools)
{
	char	 msg[64];

	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=serving %d pool%s\n",
	    npools, npools == 1 ? "" : "s");
	service_send(msg);
}

/*
 * php-fpm's heartbeat: the figures of every pool, and the requests a
 * second since the last.
 */
static void
service_beat(void *arg)
{
	char		 msg[192];
	uint64_t	 requests, slow, since;
	int		 active, idle;

	(void)arg;
	pools_figures(&active, &idle, &requests, &slow);
	/* A pool removed by a reload takes its requests with it. */
	since = requests >= heart_requests ? requests - heart_requests : 0;
	heart_requests = requests;
	snprintf(msg, sizeof(msg), "STATUS=Processes active: %d, idle: %d, "
	    "Requests: %llu, slow: %llu, Traffic: %.3greq/sec\n", active,
	    idle, (unsigned long long)requests, (unsigned long long)slow,
	    since * 1000.0 / heart_interval_ms);
	service_send(msg);
	ev_timer_add(heart_loop, &heart_timer, heart_interval_ms);
}

/*
 * systemd_interval, at the start and on each reload: the heartbeat
 * every interval_ms, or none for 0.
 */
void
service_heartbeat(struct ev_loop *loop, int64_t interval_ms)
{
	if (notify_fd == -1)
		return;
	if (heart_loop == NULL) {
		heart_loop = loop;
		ev_timer_init(&heart_timer, service_beat, NULL);
	}
	if (interval_ms == heart_interval_ms)
		return;
	heart_interval_ms = interval_ms;
	ev_timer_del(loop, &heart_timer);
	if (interval_ms > 0)
		ev_timer_add(loop, &heart_timer, interval_ms);
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
	if (heart_loop != NULL)
		ev_timer_del(heart_loop, &heart_timer);
	service_send("STOPPING=1\nSTATUS=stopping\n");
}

/*
 * The new master of an upgrade is ready, and the main process from now
 * on.  The old one says so, as the process the manager listens to
 * (NotifyAccess=main), and then nothing more.
 */
void
service_successor(pid_t pid)
{
	char	 msg[96];

	snprintf(msg, sizeof(msg), "MAINPID=%ld\nREADY=1\nSTATUS=upgraded, "
	    "new master %ld\n", (long)pid, (long)pid);
	service_send(msg);
	if (heart_loop != NULL)
		ev_timer_del(heart_loop, &heart_timer);
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
}
