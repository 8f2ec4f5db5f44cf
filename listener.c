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
 * Listening sockets.  The master, as root, opens them before it
 * daemonizes and on reload, with their backlog, owner and mode; a
 * listener outlives the pool that opened it for as long as another
 * pool (a reload's) uses the same address, so an unchanged address is
 * never closed.  Workers inherit the one of their pool.  Both the
 * master and a worker ask a socket for its queue.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"

/* The most names listen.acl_users, or listen.acl_groups, may give. */
#define LISTENER_ACL_MAX	32

static TAILQ_HEAD(, listener)	 listeners =
				    TAILQ_HEAD_INITIALIZER(listeners);

struct listener *
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
listener_unix_alive(const struct sockaddr_un *sun)
{
	int	 fd, alive;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 0;
	alive = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return alive;
}

static int
listener_unix_owner(struct pool_conf *pc, uid_t *uid, gid_t *gid, char *err,
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
listener_unix(struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, addr, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		snprintf(err, errlen, "pool %s: listen: %s: path too long",
		    pc->name, addr);
		return -1;
	}
	if (lstat(addr, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "pool %s: listen: %s exists and "
			    "is not a socket", pc->name, addr);
			return -1;
		}
		if (listener_unix_alive(&sun)) {
			snprintf(err, errlen, "pool %s: listen: a server is "
			    "already accepting on %s", pc->name, addr);
			return -1;
		}
		unlink(addr);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		snprintf(err, errlen, "pool %s: socket: %s", pc->name,
		    strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "pool %s: listen: bind %s: %s", pc->name,
		    addr, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The ids of the users of listen.acl_users, or the groups of
 * listen.acl_groups: how many, or -1 with err saying which is unknown.
 */
static int
listener_acl_ids(struct pool_conf *pc, int users, id_t *ids, char *err,
    size_t errlen)
{
	const char	*key = users ? "listen.acl_users" : "listen.acl_groups";
	const char	*list = users ? pc->acl_users : pc->acl_groups;
	struct passwd	*pw;
	struct group	*gr;
	char		*copy, *name, *last;
	int		 n = 0;

	if (list == NULL)
		return 0;
	copy = xstrdup(list);
	for (name = strtok_r(copy, ", \t", &last); name != NULL && n != -1;
	    name = strtok_r(NULL, ", \t", &last)) {
		if (n == LISTENER_ACL_MAX) {
			snprintf(err, errlen, "pool %s: %s: more than %d names",
			    pc->name, key, LISTENER_ACL_MAX);
			n = -1;
		} else if (users && (pw = getpwnam(name)) != NULL)
			ids[n++] = pw->pw_uid;
		else if (!users && (gr = getgrnam(name)) != NULL)
			ids[n++] = gr->gr_gid;
		else {
			snprintf(err, errlen, "pool %s: %s: no %s '%s'",
			    pc->name, key, users ? "user" : "group", name);
			n = -1;
		}
	}
	free(copy);
	return n;
}

/*
 * listen.acl_users and listen.acl_groups: read and write on the socket
 * for each, by an ACL, where the owner and group are left as they are,
 * as php-fpm does.
 */
static int
listener_acl(struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	id_t	 uids[LISTENER_ACL_MAX], gids[LISTENER_ACL_MAX];
	int	 nu, ng;

	if ((nu = listener_acl_ids(pc, 1, uids, err, errlen)) == -1 ||
	    (ng = listener_acl_ids(pc, 0, gids, err, errlen)) == -1)
		return -1;
	if (sockacl_grant(addr, uids, nu, gids, ng) == -1) {
		snprintf(err, errlen, "pool %s: listen.acl_users and "
		    "listen.acl_groups: %s: %s", pc->name, addr,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A unix socket's mode, and its owner and group or its ACL, when bound
 * or reloaded.
 */
static int
listener_unix_perms(struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	uid_t	 uid;
	gid_t	 gid;

	if (chmod(addr, pc->listen_mode) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    addr, strerror(errno));
		return -1;
	}
	if (pc->acl_users != NULL || pc->acl_groups != NULL)
		return listener_acl(pc, addr, err, errlen);
	if (listener_unix_owner(pc, &uid, &gid, err, errlen) == -1)
		return -1;
	if (geteuid() == 0 && chown(addr, uid, gid) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    addr, strerror(errno));
		return -1;
	}
	return 0;
}

/* Apply the backlog, and a unix socket's permissions, to fd. */
static int
listener_setup(struct pool_conf *pc, const char *addr, int fd, char *err,
    size_t errlen)
{
	if (addr[0] == '/' && listener_unix_perms(pc, addr, err, errlen) ==
	    -1)
		return -1;
	/* -1, php-fpm's default, is the system's limit wherever fpmd runs. */
	if (listen(fd, pc->backlog) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    addr, strerror(errno));
		return -1;
	}
	return 0;
}

static int
listener_tcp(struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	int		 fd, on = 1, e;

	strlcpy(host, addr, sizeof(host));
	if (strchr(host, ':') == NULL) {
		strlcpy(host, "0.0.0.0:", sizeof(host));
		strlcat(host, addr, sizeof(host));
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
		    addr, gai_strerror(e));
		return -1;
	}
	if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (res->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    addr, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * Open a listening socket of pc's on addr, its listen or its
 * pm.status_listen, or take the one already open there, with pc's
 * backlog and permissions.  On error, err says what failed on which
 * address.
 */
int
listener_open(struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	struct listener	*l;
	int		 fd, r;

	if ((l = listener_find(addr)) != NULL) {
		if (listener_setup(pc, addr, l->fd, err, errlen) == -1)
			return -1;
		l->refs++;
		return 0;
	}
	fd = addr[0] == '/' ? listener_unix(pc, addr, err, errlen) :
	    listener_tcp(pc, addr, err, errlen);
	if (fd == -1)
		return -1;
	if (ev_cloexec(fd) == -1 || ev_nonblock(fd, 1) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: fcntl: %s",
		    pc->name, addr, strerror(errno));
		r = -1;
	} else
		r = listener_setup(pc, addr, fd, err, errlen);
	if (r == -1) {
		if (addr[0] == '/')
			unlink(addr);
		close(fd);
		return -1;
	}
	l = xcalloc(1, sizeof(*l));
	l->addr = xstrdup(addr);
	l->fd = fd;
	l->refs = 1;
	l->path = addr[0] == '/' ? l->addr : NULL;
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

/*
 * Let go of l; the last user closes it, and unlinks a unix socket.
 * Whoever watched its fd has stopped watching by now.
 */
void
listener_release(struct listener *l)
{
	if (--l->refs > 0)
		return;
	close(l->fd);
	if (l->path != NULL)
		unlink(l->path);
	TAILQ_REMOVE(&listeners, l, entry);
	free(l->addr);
	free(l);
}

/*
 * The listen socket's queue: connections waiting now, and its limit
 * where the kernel says (Linux TCP_INFO, BSD SO_LISTENQLEN); 0 where
 * it cannot tell, as on a Linux unix socket.  The master keeps its
 * high-water mark; a worker shows both on the status page.
 */
unsigned int
listener_queue(int fd, unsigned int *limit)
{
	unsigned int	 queue = 0;
#if HAVE_TCP_INFO
	struct tcp_info	 ti;
	socklen_t	 len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
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
