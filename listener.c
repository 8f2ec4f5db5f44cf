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
 * never closed.  Workers inherit the one of their pool.
 *
 * A unix socket's directory may belong to a pool's user (Debian's
 * /run/php is www-data's), so root never changes anything there by
 * name: a socket gets its owner and mode once, in a directory of its
 * own that only root can enter, and is then renamed to its path.  A
 * socket fpmd keeps is never touched again; a pool that asks for other
 * permissions on the same path gets a new socket, which takes the path
 * once the reload can no longer fail.
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
#include <arpa/inet.h>

#include <ctype.h>
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
#include "master.h"

#include "log.h"

/* The most names listen.acl_users, or listen.acl_groups, may give. */
#define LISTENER_ACL_MAX	32
/* A unix socket's name in its private directory, before its rename. */
#define LISTENER_PRIVATE	"socket"
/* The private directory's name, for mkdtemp(3). */
#define LISTENER_TEMPLATE	"/.fpmd-XXXXXX"
/* Room for what listener_perms() writes. */
#define LISTENER_PERMS_MAX	2048

/*
 * A unix socket bound in a private directory, made next to its path:
 * both directories held open, so that no name above them matters.
 */
struct listener_bind {
	int	 dirfd;			/* the directory of the path */
	int	 privfd;		/* the private one, in it */
	char	 priv[PATH_MAX + sizeof(LISTENER_TEMPLATE)]; /* its path */
	char	*privname;		/* its name, in priv */
	char	*base;			/* the socket's name, in the path */
};

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

static void	listener_unbind(struct listener_bind *);

/*
 * Has l's path another listener, or one waiting to take it?  Then the
 * path is not l's to remove.
 */
static int
listener_shared(const struct listener *l)
{
	const struct listener	*o;

	TAILQ_FOREACH(o, &listeners, entry)
		if (o != l && !o->superseded && strcmp(o->addr, l->addr) == 0)
			return 1;
	return 0;
}

/* Close l, remove its unix socket if it is fpmd's, and forget it. */
static void
listener_close(struct listener *l)
{
	close(l->fd);
	if (l->path != NULL && !listener_shared(l))
		unlink(l->path);
	if (l->pending != NULL)
		listener_unbind(l->pending);
	TAILQ_REMOVE(&listeners, l, entry);
	free(l->addr);
	free(l->name);
	free(l->perms);
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
listener_unix_alive(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd, alive;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 0;
	alive = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
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
 * as php-fpm does.  The ACL calls take a name only: the socket's, in
 * the private directory that is the working directory meanwhile.
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
	if (sockacl_grant(LISTENER_PRIVATE, uids, nu, gids, ng) == -1) {
		snprintf(err, errlen, "pool %s: listen.acl_users and "
		    "listen.acl_groups: %s: %s", pc->name, addr,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The permissions a unix socket has, as one string to compare: its
 * mode, and its ACL or, where fpmd runs as root, its owner.
 */
static void
listener_perms(const struct pool_conf *pc, mode_t mode, uid_t uid,
    gid_t gid, char *buf, size_t len)
{
	if (pc->acl_users != NULL || pc->acl_groups != NULL)
		snprintf(buf, len, "mode %04o, ACL for users %s, groups %s",
		    (unsigned int)mode, pc->acl_users != NULL ?
		    pc->acl_users : "none", pc->acl_groups != NULL ?
		    pc->acl_groups : "none");
	else if (geteuid() == 0)
		snprintf(buf, len, "mode %04o, owner %lu:%lu",
		    (unsigned int)mode, (unsigned long)uid,
		    (unsigned long)gid);
	else
		snprintf(buf, len, "mode %04o", (unsigned int)mode);
}

/* The permissions pc asks for on a unix socket. */
static int
listener_want(struct pool_conf *pc, char *buf, size_t len, char *err,
    size_t errlen)
{
	uid_t	 uid = 0;
	gid_t	 gid = 0;

	if (pc->acl_users == NULL && pc->acl_groups == NULL &&
	    listener_unix_owner(pc, &uid, &gid, err, errlen) == -1)
		return -1;
	listener_perms(pc, pc->listen_mode, uid, gid, buf, len);
	return 0;
}

/*
 * Has l the permissions want?  A socket the old master of an upgrade
 * handed on has those its path shows, if a socket is there: they only
 * decide whether this master binds a new one, and an ACL, which
 * cannot be read back everywhere, is taken to be as want says.
 */
static int
listener_same(struct listener *l, const struct pool_conf *pc,
    const char *want)
{
	struct stat	 st;
	char		 have[LISTENER_PERMS_MAX];

	if (l->perms == NULL) {
		if (lstat(l->addr, &st) == 0 && S_ISSOCK(st.st_mode))
			listener_perms(pc, st.st_mode & 07777, st.st_uid,
			    st.st_gid, have, sizeof(have));
		else
			strlcpy(have, "no socket at its path", sizeof(have));
		l->perms = xstrdup(have);
	}
	return strcmp(l->perms, want) == 0;
}

/* Let go of b: its socket and private directory, if still there. */
static void
listener_unbind(struct listener_bind *b)
{
	if (b->privfd != -1) {
		unlinkat(b->privfd, LISTENER_PRIVATE, 0);
		close(b->privfd);
	}
	if (b->privname != NULL)
		unlinkat(b->dirfd, b->privname, AT_REMOVEDIR);
	if (b->dirfd != -1)
		close(b->dirfd);
	free(b->base);
	free(b);
}

/* Open the directory of addr, the one the socket will be named in. */
static int
listener_dir(struct listener_bind *b, const struct pool_conf *pc,
    const char *addr, char *err, size_t errlen)
{
	const char	*slash = strrchr(addr, '/');
	char		 dir[PATH_MAX];

	b->base = xstrdup(slash + 1);
	if (b->base[0] == '\0') {
		snprintf(err, errlen, "pool %s: listen: %s names no file",
		    pc->name, addr);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash == addr ? 1 :
	    (int)(slash - addr), addr);
	if ((b->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    dir, strerror(errno));
		return -1;
	}
	snprintf(b->priv, sizeof(b->priv), "%s" LISTENER_TEMPLATE,
	    slash == addr ? "" : dir);
	return 0;
}

/*
 * What is at the socket's path now: nothing, or a socket no server
 * accepts on, or, when a new socket of fpmd's replaces one of its own,
 * any socket.  A link or a file is refused, not replaced.
 */
static int
listener_target(struct listener_bind *b, const struct pool_conf *pc,
    const char *addr, int replacing, char *err, size_t errlen)
{
	struct stat	 st;

	if (fstatat(b->dirfd, b->base, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "pool %s: listen: %s: %s", pc->name,
		    addr, strerror(errno));
	} else if (S_ISLNK(st.st_mode))
		snprintf(err, errlen, "pool %s: listen: %s is a symbolic "
		    "link; refused", pc->name, addr);
	else if (!S_ISSOCK(st.st_mode))
		snprintf(err, errlen, "pool %s: listen: %s exists and is not "
		    "a socket", pc->name, addr);
	else if (!replacing && listener_unix_alive(addr))
		snprintf(err, errlen, "pool %s: listen: a server is already "
		    "accepting on %s", pc->name, addr);
	else
		return 0;
	return -1;
}

/*
 * A new directory next to the socket's path, for root alone.  Its
 * descriptor is checked to be that: another user can rename names in
 * the socket's directory, but cannot make a directory that is root's
 * and that no one else may enter.
 */
static int
listener_private(struct listener_bind *b, const struct pool_conf *pc,
    const char *addr, char *err, size_t errlen)
{
	struct stat	 st;

	if (mkdtemp(b->priv) == NULL) {
		snprintf(err, errlen, "pool %s: listen: %s: mkdtemp %s: %s",
		    pc->name, addr, b->priv, strerror(errno));
		return -1;
	}
	b->privname = strrchr(b->priv, '/') + 1;
	if ((b->privfd = openat(b->dirfd, b->privname, O_RDONLY |
	    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(b->privfd, &st) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: %s: %s", pc->name,
		    addr, b->priv, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "pool %s: listen: %s: %s was replaced "
		    "by another user", pc->name, addr, b->priv);
		return -1;
	}
	return 0;
}

/*
 * The socket's mode, and its owner and group or its ACL, in b's
 * private directory, where no one but root can have put a link.
 */
static int
listener_unix_perms(struct listener_bind *b, struct pool_conf *pc,
    const char *addr, char *err, size_t errlen)
{
	uid_t	 uid;
	gid_t	 gid;

	if (fchmodat(b->privfd, LISTENER_PRIVATE, pc->listen_mode, 0) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: chmod: %s",
		    pc->name, addr, strerror(errno));
		return -1;
	}
	if (pc->acl_users != NULL || pc->acl_groups != NULL)
		return listener_acl(pc, addr, err, errlen);
	if (listener_unix_owner(pc, &uid, &gid, err, errlen) == -1)
		return -1;
	if (geteuid() == 0 && fchownat(b->privfd, LISTENER_PRIVATE, uid, gid,
	    AT_SYMLINK_NOFOLLOW) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: chown: %s",
		    pc->name, addr, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Bind fd in b's private directory, with pc's permissions.  bind(2)
 * takes a name and no directory descriptor: the master works in the
 * private directory meanwhile, so that the name is resolved there and
 * nowhere else.
 */
static int
listener_bind_private(struct listener_bind *b, struct pool_conf *pc,
    const char *addr, int fd, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	int			 cwd, r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, LISTENER_PRIVATE, sizeof(sun.sun_path));
	if ((cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fchdir(b->privfd) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: into %s: %s",
		    pc->name, addr, b->priv, strerror(errno));
		if (cwd != -1)
			close(cwd);
		return -1;
	}
	if ((r = bind(fd, (struct sockaddr *)&sun, sizeof(sun))) == -1)
		snprintf(err, errlen, "pool %s: listen: bind %s: %s",
		    pc->name, addr, strerror(errno));
	else
		r = listener_unix_perms(b, pc, addr, err, errlen);
	if (fchdir(cwd) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: back from %s: %s",
		    pc->name, addr, b->priv, strerror(errno));
		r = -1;
	}
	close(cwd);
	return r;
}

/*
 * A unix socket for pc at addr, bound with its permissions in a
 * private directory, *bp: listener_place() gives it its path.
 *
 * No race remains.  What could be raced is a name: the socket's path,
 * or the private directory's.  The private directory is reached by its
 * descriptor only, checked to be root's and closed to others, so once
 * the socket is bound in it, nothing but root can reach it, and its
 * owner and mode are set there.  rename(2) replaces a link at the path
 * instead of following it.  Another user who can write the path's
 * directory can swap what is there between listener_target() and the
 * rename, but the rename then only replaces that user's own name in
 * that user's own directory; nothing else changes.  The path's
 * directory is opened once and then used by its descriptor: a user
 * who could swap a directory above it could choose only where a
 * socket of this name appears, never what root changes.
 */
static int
listener_unix(struct pool_conf *pc, const char *addr, int replacing,
    struct listener_bind **bp, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct listener_bind	*b;
	int			 fd = -1;

	if (strlen(addr) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "pool %s: listen: %.*s...: path too long "
		    "(%zu bytes, at most %zu)", pc->name,
		    (int)sizeof(sun.sun_path) / 2, addr, strlen(addr),
		    sizeof(sun.sun_path) - 1);
		return -1;
	}
	b = xcalloc(1, sizeof(*b));
	b->dirfd = b->privfd = -1;
	if (listener_dir(b, pc, addr, err, errlen) == 0 &&
	    listener_target(b, pc, addr, replacing, err, errlen) == 0 &&
	    listener_private(b, pc, addr, err, errlen) == 0) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			snprintf(err, errlen, "pool %s: socket: %s", pc->name,
			    strerror(errno));
		else if (listener_bind_private(b, pc, addr, fd, err,
		    errlen) == -1) {
			close(fd);
			fd = -1;
		}
	}
	if (fd == -1) {
		listener_unbind(b);
		return -1;
	}
	*bp = b;
	return fd;
}

/* The socket b bound goes to its path, and its private directory. */
static int
listener_place(struct listener_bind *b)
{
	int	 r, saved;

	r = renameat(b->privfd, LISTENER_PRIVATE, b->dirfd, b->base);
	saved = errno;
	listener_unbind(b);
	errno = saved;
	return r;
}

/* Apply pc's backlog to fd. */
static int
listener_backlog(struct pool_conf *pc, const char *addr, int fd, char *err,
    size_t errlen)
{
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
 * value or address is addr, and not one that a new socket replaces.
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
		if (!l->superseded && strcmp(l->addr, addr) == 0)
			return l;
	if (TAILQ_EMPTY(&listeners) ||
	    listener_canonical(pc, addr, canon, sizeof(canon)) == -1)
		return NULL;
	TAILQ_FOREACH(l, &listeners, entry)
		if (!l->superseded && listener_at(l, addr, canon))
			return l;
	return NULL;
}

/*
 * pc uses l too, with its own backlog; the owner and mode stay as l
 * got them.  A socket of the service manager's keeps the backlog,
 * owner and mode the manager gave it.
 */
static int
listener_take(struct listener *l, struct pool_conf *pc, const char *addr,
    char *err, size_t errlen)
{
	char	 named[300];

	if (l->origin != LISTENER_MANAGER) {
		if (listener_backlog(pc, addr, l->fd, err, errlen) == -1)
			return -1;
	} else if (l->refs == 0)
		log_info("pool %s: on socket %s%s from the service manager",
		    pc->name, l->addr, listener_named(l->name, named,
		    sizeof(named)));
	l->refs++;
	return 0;
}

/*
 * A new socket for pc on addr, listening with pc's backlog and, for a
 * unix one, at its path with want's permissions; or, when it replaces
 * the socket there, pending until listeners_place().
 */
static int
listener_new(struct pool_conf *pc, const char *addr, const char *want,
    int replacing, char *err, size_t errlen)
{
	struct listener_bind	*b = NULL;
	struct listener		*l;
	int			 fd;

	fd = addr[0] == '/' ? listener_unix(pc, addr, replacing, &b, err,
	    errlen) : listener_tcp(pc, addr, err, errlen);
	if (fd == -1)
		return -1;
	if (ev_cloexec(fd) == -1 || ev_nonblock(fd, 1) == -1) {
		snprintf(err, errlen, "pool %s: listen: %s: fcntl: %s",
		    pc->name, addr, strerror(errno));
		goto fail;
	}
	if (listener_backlog(pc, addr, fd, err, errlen) == -1)
		goto fail;
	if (b != NULL && !replacing && listener_place(b) == -1) {
		b = NULL;
		snprintf(err, errlen, "pool %s: listen: rename to %s: %s",
		    pc->name, addr, strerror(errno));
		goto fail;
	}
	l = listener_add(fd, addr, LISTENER_OPENED);
	l->refs = 1;
	if (want[0] != '\0')
		l->perms = xstrdup(want);
	if (replacing) {
		/* Found first, while the one it replaces keeps the path. */
		l->path = NULL;
		l->pending = b;
		TAILQ_REMOVE(&listeners, l, entry);
		TAILQ_INSERT_HEAD(&listeners, l, entry);
	}
	return 0;
fail:
	if (b != NULL)
		listener_unbind(b);
	close(fd);
	return -1;
}

/*
 * Open a listening socket of pc's on addr, its listen or its
 * pm.status_listen, or take the one already open (or handed to fpmd)
 * there, with pc's backlog.  A unix socket that fpmd has is never
 * given other permissions: if pc asks for others, a new socket
 * replaces it.  On error, err says what failed on which address.
 */
int
listener_open(struct pool_conf *pc, const char *addr, char *err,
    size_t errlen)
{
	struct listener	*l;
	char		 want[LISTENER_PERMS_MAX];

	l = listener_find(pc, addr);
	if (l != NULL && (l->origin == LISTENER_MANAGER || addr[0] != '/'))
		return listener_take(l, pc, addr, err, errlen);
	want[0] = '\0';
	if (addr[0] == '/' && listener_want(pc, want, sizeof(want), err,
	    errlen) == -1)
		return -1;
	if (l != NULL && listener_same(l, pc, want))
		return listener_take(l, pc, addr, err, errlen);
	return listener_new(pc, addr, want, l != NULL, err, errlen);
}

/*
 * The sockets a reload or an upgrade bound anew, to replace those with
 * other permissions on their paths, take the paths now that it can no
 * longer fail; the old ones stay open for the pools that drain on them.
 */
void
listeners_place(void)
{
	struct listener		*l, *old;
	struct listener_bind	*b;

	TAILQ_FOREACH(l, &listeners, entry) {
		if ((b = l->pending) == NULL)
			continue;
		l->pending = NULL;
		if (listener_place(b) == -1) {
			log_error("socket %s: moving the new socket there",
			    l->addr);
			continue;
		}
		l->path = l->addr;
		TAILQ_FOREACH(old, &listeners, entry) {
			if (old == l || old->superseded ||
			    strcmp(old->addr, l->addr) != 0)
				continue;
			log_info("socket %s: a new socket, %s, replaces the "
			    "one with %s", l->addr, l->perms, old->perms);
			old->superseded = 1;
			old->path = NULL;
		}
	}
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
 * The name under which a socket goes to the new master of an upgrade
 * (LISTEN_FDNAMES, where ':' separates names): the service manager's
 * name, or for a unix socket of fpmd's own its path, with '%' and ':'
 * escaped.  Its own address does not say the path: it was bound by a
 * name in its private directory.
 */
static void
listener_name_encode(const struct listener *l, char *buf, size_t len)
{
	const char	*p;
	size_t		 n = 0;

	if (l->origin == LISTENER_MANAGER || l->addr[0] != '/') {
		strlcpy(buf, l->name != NULL ? l->name : "unknown", len);
		return;
	}
	for (p = l->addr; *p != '\0' && n + 4 <= len; p++)
		if (*p == '%' || *p == ':')
			n += snprintf(buf + n, len - n, "%%%02X",
			    (unsigned char)*p);
		else
			buf[n++] = *p;
	buf[n] = '\0';
}

/* The path listener_name_encode() wrote as name. */
static void
listener_name_decode(const char *name, char *buf, size_t len)
{
	size_t		 n = 0;
	unsigned int	 c;

	for (; *name != '\0' && n + 1 < len; name++) {
		if (name[0] == '%' && isxdigit((unsigned char)name[1]) &&
		    isxdigit((unsigned char)name[2]) &&
		    sscanf(name + 1, "%2x", &c) == 1) {
			buf[n++] = (char)c;
			name += 2;
		} else
			buf[n++] = *name;
	}
	buf[n] = '\0';
}

/*
 * Take fd, a socket fpmd was handed (service.c): by the service
 * manager, which may have named it, or by the old master of an
 * upgrade, which named its own unix sockets by their paths.  What is
 * not a stream socket on a unix, IPv4 or IPv6 address is left alone,
 * and said so.
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
	if (origin == LISTENER_UPGRADE && ss.ss_family == AF_UNIX &&
	    name != NULL && name[0] == '/')
		listener_name_decode(name, addr, sizeof(addr));
	if (ev_cloexec(fd) == -1 || ev_nonblock(fd, 1) == -1) {
		log_error("%s: fcntl", addr);
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
		if (l->addr[0] == '/' && !l->superseded)
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
 * socket but those a new one replaced, on fds from 3 up, fpmd's own
 * first, then the service manager's, and *keep after them; nothing
 * else stays open above fd 2.  *own counts fpmd's own, *names gets
 * LISTEN_FDNAMES.  Returns the number of sockets, or -1.
 */
int
listener_hand_on(int *keep, int *own, char **names)
{
	struct listener	*l;
	int		*fds, n = 0, i = 0, manager, r;
	size_t		 len = 1;
	char		 name[3 * PATH_MAX];

	TAILQ_FOREACH(l, &listeners, entry) {
		if (l->superseded)
			continue;
		n++;
		listener_name_encode(l, name, sizeof(name));
		len += strlen(name) + 1;
	}
	fds = xcalloc(n + 1, sizeof(*fds));
	*names = xcalloc(1, len);
	*own = 0;
	for (manager = 0; manager < 2; manager++)
		TAILQ_FOREACH(l, &listeners, entry) {
			if ((l->origin == LISTENER_MANAGER) != manager ||
			    l->superseded)
				continue;
			fds[i++] = l->fd;
			if (i > 1)
				strlcat(*names, ":", len);
			listener_name_encode(l, name, sizeof(name));
			strlcat(*names, name, len);
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
