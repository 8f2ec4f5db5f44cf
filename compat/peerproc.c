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
 * The process at the other end of a unix stream connection, as the
 * kernel tells it, and a signal that reaches that process and no
 * other.  A worker of a shared application (app.c) connects to a
 * socket that many children accept on; the one that accepted is known
 * only by what it sends.  Linux attaches the sender's credentials to
 * what it sends once SO_PASSCRED is set (SCM_CREDENTIALS); FreeBSD 13
 * and later once LOCAL_CREDS_PERSISTENT is (SCM_CREDS2, struct
 * sockcred2).  Elsewhere peerproc_read() reads and says nothing, and
 * the caller does without.
 *
 * Before the child has sent anything, Linux can still say, where its
 * headers are at hand and /proc is mounted: sock_diag(7) names the
 * socket at the other end, and peerproc_find() looks for it among the
 * descriptors of the processes of the instance's group.  Elsewhere
 * peerproc_find() finds nothing.
 *
 * A pid may be reused once its process is reaped.  The child holds the
 * other end of the connection, its only holder, so while the
 * connection is not hung up the child is alive and the pid is its own.
 * peerproc_signal() looks at that, and on Linux first takes a pidfd,
 * which names the process and not the number, so that nothing can
 * come between the look and the signal.
 */

#include "../config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#if defined(__linux__)
#include <sys/stat.h>
#include <sys/syscall.h>
#endif

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"

#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/sock_diag.h>) && __has_include(<linux/unix_diag.h>)
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#define PEERPROC_DIAG	1
#endif
#endif

#if defined(__linux__) && defined(SO_PASSCRED) && defined(SCM_CREDENTIALS)
#define PEERPROC_LINUX	1
#elif defined(__FreeBSD__) && defined(LOCAL_CREDS_PERSISTENT) && \
    defined(SCM_CREDS2)
#define PEERPROC_FREEBSD	1
#endif

/* Ask the kernel to say who sends each byte read from fd: 0, or -1. */
int
peerproc_watch(int fd)
{
	int	 one = 1;

#if defined(PEERPROC_LINUX)
	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
#elif defined(PEERPROC_FREEBSD)
	return setsockopt(fd, SOL_LOCAL, LOCAL_CREDS_PERSISTENT, &one,
	    sizeof(one));
#else
	(void)fd;
	(void)one;
	errno = EOPNOTSUPP;
	return -1;
#endif
}

#if defined(PEERPROC_LINUX) || defined(PEERPROC_FREEBSD)
/* The sender's pid in one control message, or 0. */
static pid_t
peerproc_cmsg(struct cmsghdr *cm)
{
#if defined(PEERPROC_LINUX)
	struct ucred	 cred;

	if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_CREDENTIALS ||
	    cm->cmsg_len < CMSG_LEN(sizeof(cred)))
		return 0;
	memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
	return cred.pid;
#else
	struct sockcred2 cred;

	if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_CREDS2 ||
	    cm->cmsg_len < CMSG_LEN(sizeof(cred)))
		return 0;
	memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
	return cred.sc_pid;
#endif
}
#endif

/*
 * read(2) on fd, and in *pid the sender of what was read where the
 * kernel says (peerproc_watch() asked it to); *pid is left alone
 * otherwise.
 */
ssize_t
peerproc_read(int fd, void *buf, size_t len, pid_t *pid)
{
#if defined(PEERPROC_LINUX) || defined(PEERPROC_FREEBSD)
	union {
		struct cmsghdr	 hdr;
		char		 buf[512];
	}			 control;
	struct msghdr		 msg;
	struct cmsghdr		*cm;
	struct iovec		 iov;
	ssize_t			 n;
	pid_t			 p;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	if ((n = recvmsg(fd, &msg, 0)) <= 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if ((p = peerproc_cmsg(cm)) > 0)
			*pid = p;
	return n;
#else
	(void)pid;
	return read(fd, buf, len);
#endif
}

/* Is the connection on fd still whole, its other end still held? */
int
peerproc_connected(int fd)
{
	struct pollfd	 pfd;
	char		 c;

	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) == -1)
		return 0;
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
		return 0;
	if (!(pfd.revents & POLLIN))
		return 1;
	/* Readable: bytes, or the end of the stream. */
	return recv(fd, &c, 1, MSG_PEEK) == 1;
}

/*
 * Send sig to pid, the process that holds the other end of the
 * connection on fd, if it still does: 0, or -1 with ESRCH when it is
 * gone (or was never there).
 */
int
peerproc_signal(int fd, pid_t pid, int sig)
{
#if defined(__linux__) && defined(SYS_pidfd_open) && \
    defined(SYS_pidfd_send_signal)
	long	 pidfd;
	int	 r;

	if (pid <= 1)
		return -1;
	if ((pidfd = syscall(SYS_pidfd_open, pid, 0)) == -1) {
		if (errno != ENOSYS)
			return -1;
	} else {
		r = -1;
		if (peerproc_connected(fd))
			r = (int)syscall(SYS_pidfd_send_signal, (int)pidfd, sig,
			    NULL, 0);
		else
			errno = ESRCH;
		close((int)pidfd);
		return r;
	}
#endif
	if (pid <= 1 || !peerproc_connected(fd)) {
		errno = ESRCH;
		return -1;
	}
	return kill(pid, sig);
}

#if defined(PEERPROC_DIAG)
/* The inode of the socket at the other end of fd's, or 0. */
static ino_t
peerproc_peer_inode(int fd)
{
	struct {
		struct nlmsghdr		 nlh;
		struct unix_diag_req	 req;
	}			 q;
	union {
		struct nlmsghdr	 nlh;
		char		 buf[1024];
	}			 a;
	struct unix_diag_msg	*m;
	struct rtattr		*rta;
	struct stat		 st;
	ssize_t			 n;
	int			 nl, len;
	uint32_t		 peer = 0;

	if (fstat(fd, &st) == -1)
		return 0;
	memset(&q, 0, sizeof(q));
	q.nlh.nlmsg_len = sizeof(q);
	q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nlh.nlmsg_flags = NLM_F_REQUEST;
	q.req.sdiag_family = AF_UNIX;
	q.req.udiag_states = ~0U;
	q.req.udiag_ino = (uint32_t)st.st_ino;
	q.req.udiag_show = UDIAG_SHOW_PEER;
	q.req.udiag_cookie[0] = q.req.udiag_cookie[1] = ~0U;
	if ((nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return 0;
	n = send(nl, &q, sizeof(q), 0) == (ssize_t)sizeof(q) ?
	    recv(nl, &a, sizeof(a), 0) : -1;
	close(nl);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*m)) || !NLMSG_OK(&a.nlh,
	    (size_t)n) || a.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return 0;
	m = NLMSG_DATA(&a.nlh);
	len = (int)a.nlh.nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));
	for (rta = (struct rtattr *)(m + 1); RTA_OK(rta, len);
	    rta = RTA_NEXT(rta, len))
		if (rta->rta_type == UNIX_DIAG_PEER &&
		    RTA_PAYLOAD(rta) >= (int)sizeof(peer))
			memcpy(&peer, RTA_DATA(rta), sizeof(peer));
	return (ino_t)peer;
}

/* Is pid in process group pgid, as /proc/pid/stat says? */
static int
peerproc_in_group(const char *pid, pid_t pgid)
{
	long	 ppid, pgrp;

	return procgroup_stat(strtol(pid, NULL, 10), &ppid, &pgrp) &&
	    pgrp == (long)pgid;
}

/* Does pid hold the socket whose link text is want? */
static int
peerproc_holds(const char *pid, const char *want)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[PATH_MAX], link[64];
	ssize_t		 n;
	int		 found = 0;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || (size_t)snprintf(path,
		    sizeof(path), "/proc/%s/fd/%s", pid, de->d_name) >=
		    sizeof(path))
			continue;
		if ((n = readlink(path, link, sizeof(link) - 1)) > 0) {
			link[n] = '\0';
			found = strcmp(link, want) == 0;
		}
	}
	closedir(d);
	return found;
}
#endif

/*
 * The process of group pgid that holds the other end of the connection
 * on fd, where the system can tell without a byte from it, or 0.
 */
pid_t
peerproc_find(int fd, pid_t pgid)
{
#if defined(PEERPROC_DIAG)
	struct dirent	*de;
	DIR		*d;
	char		 want[64];
	ino_t		 peer;
	pid_t		 found = 0;

	if (pgid <= 1 || (peer = peerproc_peer_inode(fd)) == 0 ||
	    (d = opendir("/proc")) == NULL)
		return 0;
	snprintf(want, sizeof(want), "socket:[%llu]", (unsigned long long)peer);
	while (found == 0 && (de = readdir(d)) != NULL)
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
		    peerproc_in_group(de->d_name, pgid) &&
		    peerproc_holds(de->d_name, want))
			found = (pid_t)strtol(de->d_name, NULL, 10);
	closedir(d);
	return found;
#else
	(void)fd;
	(void)pgid;
	return 0;
#endif
}
