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
 *
 * A socket can also come ready-made (service.c reads which): from the
 * service manager (socket activation), which fpmd never closes nor
 * removes, since the manager holds it and may hand it on again; or
 * from the old master of a binary upgrade, which becomes this master's
 * own once it has told the old one that it is ready.  A pool takes such
 * a socket when the manager named it after the pool, or when it has the
 * address the pool's listen names; otherwise it binds its own.
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
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"

/* The most names listen.acl_users, or listen.acl_groups, may give. */
#define LISTENER_ACL_MAX	32
#include "log.h"

static TAILQ_HEAD(, listener)	 listeners =
				    TAILQ_HEAD_INITIALIZER(listeners);

static struct listener *
listener_add(int fd, const char *addr, enum listener_origin origin)
{
	struct listener	*l;

	l = xcalloc(1, sizeof(*l));
	l->fd = fd;
	l->addr = xstrdup(addr);
	l->origin = origin;
	if (origin == LISTENER_OPENED && addr[0] == '/')
		l->path = l->addr;
	TAILQ_INSERT_TAIL(&listeners, l, entry);
	return l;
}

/* Close l, remove its unix socket if it is fpmd's, and forget it. */
static void
listener_close(struct listener *l)
{
	close(l->fd);
	if (l->path != NULL)
		unlink(l->path);
	TAILQ_REMOVE(&listeners, l, entry);
	free(l->addr);
	free(l->name);
	free(l);
}

/* " (named NAME)" when the manager named the socket, or "". */
static const char *
listener_named(const char *name, char *buf, size_t len)
{
	if (name == NULL)
		return "";
	snprintf(buf, len, " (named %s)", name);
	return buf;
}

/*
 * A socket's address as a listen value writes it: a unix socket's path
 * (an abstract one's name after '@'), address:port, or [address]:port
 * for IPv6.
 */
static int
listener_format(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t buflen)
{
	const struct sockaddr_un	*sun = (const struct sockaddr_un *)sa;
	size_t				 n;
	char				 host[128], serv[16];

	if (sa->sa_family == AF_UNIX) {
		n = offsetof(struct sockaddr_un, sun_path);
		if (len <= n)
			return -1;	/* unnamed */
		n = len - n;
		if (sun->sun_path[0] == '\0')
			snprintf(buf, buflen, "@%.*s", (int)n - 1,
			    sun->sun_path + 1);
		else
			snprintf(buf, buflen, "%.*s",
			    (int)strnlen(sun->sun_path, n), sun->sun_path);
		return 0;
	}
	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return -1;
	snprintf(buf, buflen, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
	    host, serv);
	return 0;
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
	if (addr[0] == '/' && listener_unix_perms(pc, addr, err, errlen) == -1)
		return -1;
	/* -1, php-fpm's default, is the system's limit wherever fpmd runs. */
	if (listen(fd, pc->backlog) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    addr, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The address a TCP listen value names, as bind(2) gets it: a port
 * alone is every IPv4 address.  On error, err (if any) says why.
 */
static struct addrinfo *
listener_resolve(const struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	int		 e;

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
		return NULL;
	}
	return res;
}

static int
listener_tcp(struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	struct addrinfo	*res;
	int		 fd, on = 1;

	if ((res = listener_resolve(pc, addr, err, errlen)) == NULL)
		return -1;
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

/* pc's listen as listener_format() writes the address it names. */
static int
listener_canonical(const struct pool_conf *pc, const char *addr, char *buf,
    size_t len)
{
	struct addrinfo	*res;
	int		 r;

	if (addr[0] == '/') {
		strlcpy(buf, addr, len);
		return 0;
	}
	if ((res = listener_resolve(pc, addr, NULL, 0)) == NULL)
		return -1;
	r = listener_format(res->ai_addr, res->ai_addrlen, buf, len);
	freeaddrinfo(res);
	return r;
}

/*
 * Is l on the address canon, pc's listen written as l's address is?  A
 * port alone, which fpmd binds on every IPv4 address, also takes a
 * socket on every IPv6 address, as a service manager's ListenStream=port
 * makes it.
 */
static int
listener_at(const struct listener *l, const char *addr,
    const char *canon)
{
	char	 any[64];

	if (strcmp(l->addr, canon) == 0)
		return 1;
	if (strspn(addr, "0123456789") != strlen(addr))
		return 0;
	snprintf(any, sizeof(any), "[::]:%s", addr);
	return strcmp(l->addr, any) == 0;
}

/*
 * The listener pool pc uses on addr, its listen or its
 * pm.status_listen, if one is open: for its listen, a socket from the
 * service manager named after the pool; else the one whose listen
 * value or address is addr.
 */
struct listener *
listener_find(const struct pool_conf *pc, const char *addr)
{
	struct listener	*l;
	char		 canon[PATH_MAX];

	if (strcmp(addr, pc->listen) == 0)
		TAILQ_FOREACH(l, &listeners, entry)
			if (l->name != NULL && strcmp(l->name, pc->name) == 0)
				return l;
	TAILQ_FOREACH(l, &listeners, entry)
		if (strcmp(l->addr, addr) == 0)
			return l;
	if (TAILQ_EMPTY(&listeners) ||
	    listener_canonical(pc, addr, canon, sizeof(canon)) == -1)
		return NULL;
	TAILQ_FOREACH(l, &listeners, entry)
		if (listener_at(l, addr, canon))
			return l;
	return NULL;
}

/*
 * pc uses l too.  A socket of the service manager's keeps the backlog,
 * owner and mode the manager gave it.
 */
static int
listener_take(struct listener *l, struct pool_conf *pc, const char *addr,
    char *err, size_t errlen)
{
	char	 named[300];

	if (l->origin != LISTENER_MANAGER) {
		if (listener_setup(pc, addr, l->fd, err, errlen) == -1)
			return -1;
	} else if (l->refs == 0)
		log_info("pool %s: on socket %s%s from the service manager",
		    pc->name, l->addr, listener_named(l->name, named,
		    sizeof(named)));
	l->refs++;
	return 0;
}

/*
 * Open a listening socket of pc's on addr, its listen or its
 * pm.status_listen, or take the one already open (or handed to fpmd)
 * there, with pc's backlog and permissions.  On error, err says what
 * failed on which address.
 */
int
listener_open(struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	struct listener	*l;
	int		 fd, r;

	if ((l = listener_find(pc, addr)) != NULL)
		return listener_take(l, pc, addr, err, errlen);
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
	listener_add(fd, addr, LISTENER_OPENED)->refs = 1;
	return 0;
}

/* Let go of the listener that listener_open() gave pc. */
void
listener_put(const struct pool_conf *pc, const char *addr)
{
	struct listener	*l;

	if ((l = listener_find(pc, addr)) != NULL)
		listener_release(l);
}

/*
 * Let go of l; the last user closes it, and unlinks a unix socket.  A
 * socket fpmd was handed stays open for a later pool, as it came: then
 * 1.  Whoever watched its fd has stopped watching by now.
 */
int
listener_release(struct listener *l)
{
	if (--l->refs > 0)
		return 0;
	if (l->origin != LISTENER_OPENED)
		return 1;
	listener_close(l);
	return 0;
}

/*
 * Take fd, a socket fpmd was handed (service.c): by the service
 * manager, which may have named it, or by the old master of an
 * upgrade.  What is not a stream socket on a unix, IPv4 or IPv6
 * address is left alone, and said so.
 */
void
listener_inherit(int fd, const char *name, enum listener_origin origin)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss), typelen;
	struct listener		*l;
	char			 addr[PATH_MAX], named[300];
	int			 type;

	typelen = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &typelen) == -1 ||
	    type != SOCK_STREAM ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    listener_format((struct sockaddr *)&ss, len, addr,
	    sizeof(addr)) == -1) {
		log_warnx("fd %d%s: not a stream socket with an address; "
		    "left alone", fd, listener_named(name, named,
		    sizeof(named)));
		return;
	}
	if (ev_cloexec(fd) == -1 || ev_nonblock(fd, 1) == -1) {
		log_warn("%s: fcntl", addr);
		return;
	}
	l = listener_add(fd, addr, origin);
	if (origin == LISTENER_MANAGER && name != NULL && name[0] != '\0')
		l->name = xstrdup(name);
}

/* Say which of the service manager's sockets no pool uses. */
void
listener_report(void)
{
	struct listener	*l;
	char		 named[300];

	TAILQ_FOREACH(l, &listeners, entry)
		if (l->origin == LISTENER_MANAGER && l->refs == 0)
			log_warnx("socket %s%s from the service manager: no "
			    "pool has its name or address; kept open, unused",
			    l->addr, listener_named(l->name, named,
			    sizeof(named)));
}

/*
 * This master of an upgrade is ready: the old master's sockets are its
 * own now, and those no pool uses are closed and removed.
 */
void
listener_take_over(void)
{
	struct listener	*l, *next;

	TAILQ_FOREACH_SAFE(l, &listeners, entry, next) {
		if (l->origin != LISTENER_UPGRADE)
			continue;
		l->origin = LISTENER_OPENED;
		if (l->addr[0] == '/')
			l->path = l->addr;
		if (l->refs == 0) {
			log_info("socket %s: no pool uses it now; closed",
			    l->addr);
			listener_close(l);
		}
	}
}

/*
 * The new master of an upgrade has every socket now: this one closes
 * its copies when its pools are done, and removes none.
 */
void
listener_hand_over(void)
{
	struct listener	*l;

	TAILQ_FOREACH(l, &listeners, entry)
		l->path = NULL;
}

/* Move fds[i] to fd 3 + i, and close every fd above them. */
static int
listener_renumber(int *fds, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if ((fds[i] = fcntl(fds[i], F_DUPFD, 3 + n)) == -1)
			return -1;
	for (i = 0; i < n; i++)
		if (dup2(fds[i], 3 + i) == -1)
			return -1;
	closefrom(3 + n);
	return 0;
}

/*
 * In the child that becomes the new master of an upgrade: every
 * socket on fds from 3 up, fpmd's own first, then the service
 * manager's, and *keep after them; nothing else stays open above fd
 * 2.  *own counts fpmd's own, *names gets LISTEN_FDNAMES.  Returns the
 * number of sockets, or -1.
 */
int
listener_hand_on(int *keep, int *own, char **names)
{
	struct listener	*l;
	int		*fds, n = 0, i = 0, manager, r;
	size_t		 len = 1;

	TAILQ_FOREACH(l, &listeners, entry) {
		n++;
		len += strlen(l->name != NULL ? l->name : "unknown") + 1;
	}
	fds = xcalloc(n + 1, sizeof(*fds));
	*names = xcalloc(1, len);
	*own = 0;
	for (manager = 0; manager < 2; manager++)
		TAILQ_FOREACH(l, &listeners, entry) {
			if ((l->origin == LISTENER_MANAGER) != manager)
				continue;
			fds[i++] = l->fd;
			if (i > 1)
				strlcat(*names, ":", len);
			strlcat(*names, l->name != NULL ? l->name : "unknown",
			    len);
			if (!manager)
				(*own)++;
		}
	fds[n] = *keep;
	r = listener_renumber(fds, n + 1);
	free(fds);
	if (r == -1) {
		free(*names);
		return -1;
	}
	*keep = 3 + n;
	return n;
}

/*
 * The listen socket's queue: connections waiting now, and its limit
 * where the kernel says (Linux TCP_INFO, BSD SO_LISTENQLEN); 0 where
 * it cannot tell, as on a Linux unix socket.  A kernel, or an emulator
 * such as qemu-user, may fill less of struct tcp_info than its size:
 * only the fields it wrote are read.  The master keeps the queue's
 * high-water mark; a worker shows both on the status page.
 */
unsigned int
listener_queue(int fd, unsigned int *limit)
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
