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
 * Declarations of the libc functions that compat/ supplies where the
 * system lacks them, and the BSD queue macros.  configure decides
 * which; each compat/NAME.c compiles to nothing where libc has NAME.
 */

#ifndef COMPAT_H
#define COMPAT_H

#include <sys/types.h>

#include "queue.h"

#include <stddef.h>

#if !HAVE_STRLCPY
size_t	 strlcpy(char *, const char *, size_t);
#endif
#if !HAVE_STRLCAT
size_t	 strlcat(char *, const char *, size_t);
#endif
#if !HAVE_STRTONUM
long long strtonum(const char *, long long, long long, const char **);
#endif
#if !HAVE_REALLOCARRAY
void	*reallocarray(void *, size_t, size_t);
#endif
#if !HAVE_EXPLICIT_BZERO
void	 explicit_bzero(void *, size_t);
#endif
#if !HAVE_CLOSEFROM
void	 closefrom(int);
#endif
#if !HAVE_SETRESUID
int	 setresuid(uid_t, uid_t, uid_t);
int	 setresgid(gid_t, gid_t, gid_t);
#endif
#if !HAVE_SETPROCTITLE
void	 setproctitle(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
#endif
/* macOS alone declares getgrouplist(3) with int for gid_t. */
#ifdef __APPLE__
#define getgrouplist(name, base, groups, n)				\
	getgrouplist((name), (int)(base), (int *)(groups), (n))
#endif

/*
 * compat/reaper.c: the master as a subreaper, and an application tied
 * to its worker's life, where the system can.
 */
int	 reaper_acquire(void);
int	 reaper_children(pid_t *, int);
int	 reaper_ended(pid_t);
int	 reaper_tie(void);

/* compat/procgroup.c: the processes of a group, for the slow log. */
#define PROCGROUP_CMD_MAX	256
struct procinfo {
	pid_t	 pid;
	pid_t	 ppid;
	char	 cmd[PROCGROUP_CMD_MAX];	/* its command line, or "" */
};
int	 procgroup_list(pid_t, struct procinfo *, int);
#if defined(__linux__)
int	 procgroup_stat(long, long *, long *);
#endif

/* compat/peerproc.c: the process at the other end of a connection. */
int	 peerproc_watch(int);
ssize_t	 peerproc_read(int, void *, size_t, pid_t *);
int	 peerproc_signal(int, pid_t, int);
int	 peerproc_connected(int);
pid_t	 peerproc_find(int, pid_t);

/* compat/listenqueue.c: a listening socket's queue, and its limit. */
unsigned int listen_queue(int, unsigned int *);

/* compat/sockacl.c: listen.acl_users and listen.acl_groups. */
int	 sockacl_grant(const char *, const id_t *, int, const id_t *, int);

/* compat/shmanon.c: shared memory that a worker maps after its exec. */
int	 shm_anon(void);
void	 shm_anon_seal(int, int);

/* compat/selfexec.c: the master's own binary, executed as a worker. */
int	 selfexec_init(const char *);
int	 selfexec_fd(void);
void	 selfexec_run(int, char *const [], char *const []);
void	 selfexec_name(const char *);

/* Where setproctitle(3) overwrites argv, it must first move environ. */
void	 compat_init_setproctitle(int, char **);

#endif /* COMPAT_H */
