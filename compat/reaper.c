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
 * The master as a subreaper, where the system has one: Linux's
 * PR_SET_CHILD_SUBREAPER and FreeBSD's PROC_REAP_ACQUIRE.  A process
 * whose parent exits is then re-parented to the master instead of
 * init, so whatever a dead worker or CGI program leaves behind becomes
 * the master's own child: a process the master can prove is its
 * descendant, and so may signal.  reaper_children() lists the master's
 * children as the kernel knows them, and reaper_ended() says whether
 * one has ended already and waits to be reaped (waitid(2) with
 * WNOWAIT, which OpenBSD 6.6 lacks: it has no subreaper either).
 * reaper_tie(), in a worker's FastCGI application before it executes,
 * has the kernel kill it when its worker dies, by whatever death, even
 * one that takes the master with it: Linux's PR_SET_PDEATHSIG,
 * FreeBSD's PROC_PDEATHSIG_CTL.  Elsewhere the three fail with ENOSYS,
 * and reaper_ended() says no.
 */

#include "../config.h"

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/wait.h>

#include <dirent.h>
#elif defined(__FreeBSD__)
#include <sys/procctl.h>
#include <sys/wait.h>
#endif

#include "compat.h"

#if defined(__linux__)

int
reaper_acquire(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* The children of the calling thread, as Linux 3.5 and later list them. */
static int
reaper_children_file(pid_t *pids, int max)
{
	char	 path[64];
	FILE	*f;
	long	 pid;
	int	 n = 0;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children",
	    (long)getpid(), (long)getpid());
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (n < max && fscanf(f, "%ld", &pid) == 1)
		pids[n++] = (pid_t)pid;
	fclose(f);
	return n;
}

/* Without CONFIG_PROC_CHILDREN: every process's parent, from its stat. */
static int
reaper_children_scan(pid_t *pids, int max)
{
	DIR		*d;
	struct dirent	*e;
	char		*end;
	long		 pid, ppid, pgrp;
	int		 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while (n < max && (e = readdir(d)) != NULL) {
		pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		if (procgroup_stat(pid, &ppid, &pgrp) && ppid == (long)getpid())
			pids[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

int
reaper_children(pid_t *pids, int max)
{
	int	 n;

	if ((n = reaper_children_file(pids, max)) == -1)
		n = reaper_children_scan(pids, max);
	return n;
}

int
reaper_tie(void)
{
	return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}

#elif defined(__FreeBSD__)

int
reaper_acquire(void)
{
	return procctl(P_PID, getpid(), PROC_REAP_ACQUIRE, NULL);
}

int
reaper_children(pid_t *pids, int max)
{
	struct procctl_reaper_status	 rs;
	struct procctl_reaper_pids	 rp;
	struct procctl_reaper_pidinfo	*pi;
	u_int				 i;
	int				 n = 0;

	if (procctl(P_PID, getpid(), PROC_REAP_STATUS, &rs) == -1)
		return -1;
	if (rs.rs_descendants == 0)
		return 0;
	if ((pi = calloc(rs.rs_descendants, sizeof(*pi))) == NULL)
		return -1;
	rp.rp_count = rs.rs_descendants;
	rp.rp_pids = pi;
	if (procctl(P_PID, getpid(), PROC_REAP_GETPIDS, &rp) == -1) {
		free(pi);
		return -1;
	}
	for (i = 0; i < rs.rs_descendants && n < max; i++)
		if ((pi[i].pi_flags & REAPER_PIDINFO_VALID) &&
		    (pi[i].pi_flags & REAPER_PIDINFO_CHILD))
			pids[n++] = pi[i].pi_pid;
	free(pi);
	return n;
}

int
reaper_tie(void)
{
#ifdef PROC_PDEATHSIG_CTL
	int	 sig = SIGKILL;

	return procctl(P_PID, 0, PROC_PDEATHSIG_CTL, &sig);
#else
	errno = ENOSYS;
	return -1;
#endif
}

#else

int
reaper_acquire(void)
{
	errno = ENOSYS;
	return -1;
}

int
reaper_children(pid_t *pids, int max)
{
	(void)pids;
	(void)max;
	errno = ENOSYS;
	return -1;
}

int
reaper_tie(void)
{
	errno = ENOSYS;
	return -1;
}

#endif

#if defined(__linux__) || defined(__FreeBSD__)

int
reaper_ended(pid_t pid)
{
	siginfo_t	 si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    0 && si.si_pid == pid;
}

#else

int
reaper_ended(pid_t pid)
{
	(void)pid;
	return 0;
}

#endif
