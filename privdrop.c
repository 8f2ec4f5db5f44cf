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
 * The one place where a process of a pool, a worker or the keeper,
 * becomes the pool's: its limits, its priority, its chroot and
 * directory, then its groups and user, all three ids, for good; on
 * OpenBSD, what it may still do (pledge(2)).  It runs once, as root,
 * after the process has read its settings and before it takes any
 * request or starts any program, which inherits what it set.  Before
 * that, privdrop_signals() puts in the process's handlers.
 */

#include "config.h"

#include <sys/types.h>
#ifdef __linux__
#include <sys/prctl.h>		/* CONF_DUMPABLE */
#endif
#include <sys/resource.h>

#include <grp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"

static int
privdrop_rlimit(const struct pool_conf *pc, int resource, rlim_t value,
    const char *key)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = value;
	if (setrlimit(resource, &rl) == 0)
		return 0;
	log_error("pool %s: %s", pc->name, key);
	return -1;
}

/*
 * The pool's limits, chroot, directory and user, for a worker or the
 * keeper, given its context, before it takes any request: 0, or -1
 * after a log line.
 */
int
privdrop(const struct worker_ctx *ctx)
{
	const struct pool_conf	*pc = ctx->pc;

	if (pc->rlimit_files != 0 && privdrop_rlimit(pc, RLIMIT_NOFILE,
	    pc->rlimit_files, "rlimit_files") == -1)
		return -1;
	if (pc->set_rlimit_core && privdrop_rlimit(pc, RLIMIT_CORE,
	    pc->rlimit_core, "rlimit_core") == -1)
		return -1;
	if (pc->setuser && setgroups(pc->ngroups, pc->groups) == -1) {
		log_error("pool %s: setgroups for %s", pc->name, pc->user);
		return -1;
	}
	if (pc->priority != CONF_PRIORITY_UNSET &&
	    setpriority(PRIO_PROCESS, 0, pc->priority) == -1) {
		log_error("pool %s: process.priority %d", pc->name,
		    pc->priority);
		return -1;
	}
	if (pc->chroot != NULL && (chroot(pc->chroot) == -1 ||
	    chdir("/") == -1)) {
		log_error("pool %s: chroot %s", pc->name, pc->chroot);
		return -1;
	}
	if (pc->chdir != NULL && chdir(pc->chdir) == -1) {
		log_error("pool %s: chdir %s", pc->name, pc->chdir);
		return -1;
	}
	if (pc->setuser && (setresgid(pc->gid, pc->gid, pc->gid) == -1 ||
	    setresuid(pc->uid, pc->uid, pc->uid) == -1)) {
		log_error("pool %s: cannot become %s", pc->name, pc->user);
		return -1;
	}
#if CONF_DUMPABLE
	/* A change of user cleared it; php-fpm only logs a failure. */
	if (pc->dumpable && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == -1)
		log_error("pool %s: process.dumpable", pc->name);
#endif
#ifdef __OpenBSD__
	/*
	 * wpath cpath: a large body's file, an application's directory
	 * and socket.  ps: the slow log lists a request's processes.
	 */
	if (pledge(pc->slowlog_timeout_ms > 0 ?
	    "stdio rpath wpath cpath proc exec unix inet ps" :
	    "stdio rpath wpath cpath proc exec unix inet", NULL) == -1) {
		log_error("pool %s: pledge", pc->name);
		return -1;
	}
#endif
	return 0;
}

/*
 * A pool process's handlers: stop for TERM and INT, and for QUIT too
 * if quit, else QUIT ignored; PIPE, HUP, USR1 and USR2 ignored.  Then
 * the signals the master blocked before the fork may come: a signal
 * sent at once is not lost.
 */
void
privdrop_signals(void (*stop)(int), int quit)
{
	struct sigaction	 sa;
	sigset_t		 none;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!quit)
		sa.sa_handler = SIG_IGN;
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
