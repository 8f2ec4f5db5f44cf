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
 * The processes of a process group, each with its parent and command
 * line, for the slow log: a worker asks about its own CGI program's
 * group, whose processes run as its own user.  Linux reads /proc
 * (which a chroot may lack); the BSDs and macOS ask sysctl(3)
 * KERN_PROC.  Elsewhere, or when nothing can be read, procgroup_list()
 * fails and the caller says the pid alone.  A command line is its
 * arguments apart by spaces, raw: the caller escapes it.  On Linux,
 * procgroup_stat() is the one reader of /proc/PID/stat, which
 * reaper.c and peerproc.c use too.
 */

#include "../config.h"

#include <sys/types.h>
#if defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__) || \
    defined(__APPLE__)
#include <sys/param.h>
#include <sys/sysctl.h>
#endif
#if defined(__FreeBSD__)
#include <sys/user.h>
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <dirent.h>
#include <fcntl.h>
#endif

#include "compat.h"

/* The most bytes of arguments asked for, where the caller sizes it. */
#define PROCGROUP_ARGS_MAX	16384

#if !defined(__OpenBSD__)
/*
 * Arguments apart by NULs, len bytes of them, into one line in cmd.
 * OpenBSD hands out argv itself, so it has no use for this.
 */
static void
procgroup_args(char *cmd, size_t size, const char *args, size_t len)
{
	size_t	 i;

	if (len >= size)
		len = size - 1;
	memcpy(cmd, args, len);
	while (len > 0 && cmd[len - 1] == '\0')
		len--;
	for (i = 0; i < len; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	cmd[len] = '\0';
}
#endif

#if defined(__linux__)

/* The parent and group of pid, from its stat line: after the last ')'. */
int
procgroup_stat(long pid, long *ppid, long *pgrp)
{
	char	 path[64], line[1024], *p;
	FILE	*f;
	int	 ok = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL &&
	    (p = strrchr(line, ')')) != NULL &&
	    sscanf(p + 1, " %*c %ld %ld", ppid, pgrp) == 2)
		ok = 1;
	fclose(f);
	return ok;
}

static void
procgroup_cmdline(long pid, char *cmd, size_t size)
{
	char	 path[64], args[PROCGROUP_CMD_MAX];
	ssize_t	 n = -1;
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, args, sizeof(args));
		close(fd);
	}
	procgroup_args(cmd, size, args, n > 0 ? (size_t)n : 0);
}

int
procgroup_list(pid_t pgid, struct procinfo *pi, int max)
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
		if (*end != '\0' || pid <= 0 ||
		    !procgroup_stat(pid, &ppid, &pgrp) || pgrp != (long)pgid)
			continue;
		pi[n].pid = (pid_t)pid;
		pi[n].ppid = (pid_t)ppid;
		procgroup_cmdline(pid, pi[n].cmd, sizeof(pi[n].cmd));
		n++;
	}
	closedir(d);
	return n;
}

#elif defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__) || \
    defined(__APPLE__)

#if defined(__FreeBSD__)
typedef struct kinfo_proc	kinfo_t;
#define KP_PID(k)	((k)->ki_pid)
#define KP_PPID(k)	((k)->ki_ppid)
#define KP_COMM(k)	((k)->ki_comm)
#elif defined(__OpenBSD__)
typedef struct kinfo_proc	kinfo_t;
#define KP_PID(k)	((k)->p_pid)
#define KP_PPID(k)	((k)->p_ppid)
#define KP_COMM(k)	((k)->p_comm)
#elif defined(__NetBSD__)
typedef struct kinfo_proc2	kinfo_t;
#define KP_PID(k)	((k)->p_pid)
#define KP_PPID(k)	((k)->p_ppid)
#define KP_COMM(k)	((k)->p_comm)
#else
typedef struct kinfo_proc	kinfo_t;
#define KP_PID(k)	((k)->kp_proc.p_pid)
#define KP_PPID(k)	((k)->kp_eproc.e_ppid)
#define KP_COMM(k)	((k)->kp_proc.p_comm)
#endif

/*
 * The group's processes: *len bytes of kinfo_t in a new buffer.  The
 * name with its count of entries (OpenBSD, NetBSD) asks for room for a
 * few more than there were a moment ago.
 */
static kinfo_t *
procgroup_sysctl(pid_t pgid, size_t *len)
{
#if defined(__OpenBSD__)
	int	 mib[6] = { CTL_KERN, KERN_PROC, KERN_PROC_PGRP, (int)pgid,
	    sizeof(kinfo_t), 0 };
	u_int	 miblen = 6;
#elif defined(__NetBSD__)
	int	 mib[6] = { CTL_KERN, KERN_PROC2, KERN_PROC_PGRP, (int)pgid,
	    sizeof(kinfo_t), 0 };
	u_int	 miblen = 6;
#else
	int	 mib[6] = { CTL_KERN, KERN_PROC, KERN_PROC_PGRP, (int)pgid,
	    0, 0 };
	u_int	 miblen = 4;
#endif
	kinfo_t	*kp;

	if (sysctl(mib, miblen, NULL, len, NULL, 0) == -1)
		return NULL;
	*len += 8 * sizeof(kinfo_t);
	if (miblen == 6)
		mib[5] = (int)(*len / sizeof(kinfo_t));
	if ((kp = malloc(*len)) == NULL)
		return NULL;
	if (sysctl(mib, miblen, kp, len, NULL, 0) == -1) {
		free(kp);
		return NULL;
	}
	return kp;
}

#if defined(__OpenBSD__)
/* KERN_PROC_ARGV: pointers into the buffer, then their strings. */
static int
procgroup_argv(pid_t pid, char *cmd, size_t size)
{
	int	 mib[4] = { CTL_KERN, KERN_PROC_ARGS, (int)pid,
	    KERN_PROC_ARGV };
	char	*argv[PROCGROUP_ARGS_MAX / sizeof(char *)];
	size_t	 len = sizeof(argv);
	int	 i;

	if (sysctl(mib, 4, argv, &len, NULL, 0) == -1)
		return -1;
	cmd[0] = '\0';
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			strlcat(cmd, " ", size);
		strlcat(cmd, argv[i], size);
	}
	return 0;
}
#elif defined(__APPLE__)
/*
 * KERN_PROCARGS2, into a buffer of kern.argmax bytes as it wants: argc,
 * the executable's path, NULs, then the arguments.
 */
static int
procgroup_argv(pid_t pid, char *cmd, size_t size)
{
	int	 mib[3] = { CTL_KERN, KERN_ARGMAX, 0 }, argmax, argc, r = -1;
	char	*buf, *p, *args, *end;
	size_t	 len = sizeof(argmax);

	if (sysctl(mib, 2, &argmax, &len, NULL, 0) == -1 ||
	    (buf = malloc(argmax)) == NULL)
		return -1;
	mib[1] = KERN_PROCARGS2;
	mib[2] = (int)pid;
	len = (size_t)argmax;
	if (sysctl(mib, 3, buf, &len, NULL, 0) == 0 && len >= sizeof(argc)) {
		memcpy(&argc, buf, sizeof(argc));
		end = buf + len;
		p = buf + sizeof(argc);
		p += strnlen(p, end - p);
		while (p < end && *p == '\0')
			p++;
		for (args = p; p < end && argc > 0; argc--)
			p += strnlen(p, end - p) + 1;
		procgroup_args(cmd, size, args, (p < end ? p : end) - args);
		r = 0;
	}
	free(buf);
	return r;
}
#else
/* KERN_PROC_ARGS: the arguments apart by NULs. */
static int
procgroup_argv(pid_t pid, char *cmd, size_t size)
{
#if defined(__NetBSD__)
	int	 mib[4] = { CTL_KERN, KERN_PROC_ARGS, (int)pid,
	    KERN_PROC_ARGV };
#else
	int	 mib[4] = { CTL_KERN, KERN_PROC, KERN_PROC_ARGS, (int)pid };
#endif
	char	 buf[PROCGROUP_ARGS_MAX];
	size_t	 len = sizeof(buf);

	if (sysctl(mib, 4, buf, &len, NULL, 0) == -1)
		return -1;
	procgroup_args(cmd, size, buf, len);
	return 0;
}
#endif

int
procgroup_list(pid_t pgid, struct procinfo *pi, int max)
{
	kinfo_t	*kp;
	size_t	 len = 0, i;
	int	 n = 0;

	if ((kp = procgroup_sysctl(pgid, &len)) == NULL)
		return -1;
	for (i = 0; i < len / sizeof(kinfo_t) && n < max; i++, n++) {
		pi[n].pid = KP_PID(&kp[i]);
		pi[n].ppid = KP_PPID(&kp[i]);
		if (procgroup_argv(pi[n].pid, pi[n].cmd, sizeof(pi[n].cmd)) ==
		    -1 || pi[n].cmd[0] == '\0')
			strlcpy(pi[n].cmd, KP_COMM(&kp[i]), sizeof(pi[n].cmd));
	}
	free(kp);
	return n;
}

#else

int
procgroup_list(pid_t pgid, struct procinfo *pi, int max)
{
	(void)pgid;
	(void)pi;
	(void)max;
	errno = ENOSYS;
	return -1;
}

#endif
