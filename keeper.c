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
 * The keeper of an exec.mode = shared pool's application: one process
 * per pool, beside its workers, that runs the pool's one instance
 * (app.c, APP_KEEPER) and nothing else.  The master forks and executes
 * it as it does a worker (pool.c), with the pool's settings, its
 * scoreboard, its channel and the master's life pipe, and no socket;
 * it takes the pool's limits, chroot and user as a worker does, so the
 * instance it starts is the pool's, in a process group of its own.
 * Not the master: the application would be a child of root's, and its
 * failures would reach the master's loop.  Not a worker: the instance
 * would die with it, at every recycle or idle reaping, and take the
 * other workers' requests along.
 *
 * It starts the instance, and starts it again at once when it exits.
 * One that will not start, or dies twice in a row within a second of
 * its start, ends the keeper with WORKER_EXIT_APP, and the master
 * starts the next keeper after its back-off.  The instance's pid goes
 * in the scoreboard for the workers while it runs (app.c clears it when
 * it ends the instance).  QUIT is not for the keeper:
 * the master sends TERM once the pool's workers are gone, and TERM or
 * the master's end stops the instance (app_stop()) and the keeper.
 */

#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"

#define KEEPER_YOUNG_MS		1000	/* an instance that died so soon */

static volatile sig_atomic_t	 halt;

/*
 * TERM and INT: the instance's whole group gets KILL now (app.c's
 * app_end() says why); its exit wakes the loop.
 */
static void
keeper_on_signal(int sig)
{
	(void)sig;
	halt = 1;
	child_signal(SIGKILL);
}

static __dead void
keeper_exit(int code)
{
	app_stop();
	exit(code);
}

/*
 * Wait for the instance to write or exit, or for the master to go:
 * 1 while the keeper goes on, 0 once it must stop.
 */
static int
keeper_wait(void)
{
	struct pollfd	 pfd[3];
	int		 chld, out;

	app_fds(&chld, &out);
	pfd[0].fd = chld;
	pfd[1].fd = out;
	pfd[2].fd = WORKER_FD_LIFE;
	pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
	if (halt)
		return 0;
	if (poll(pfd, 3, -1) == -1 && errno != EINTR)
		fatal("pool: the application keeper's poll");
	app_output();
	return !halt && !(pfd[2].revents & (POLLIN | POLLHUP));
}

__dead void
keeper_run(const struct worker_ctx *ctx)
{
	const struct pool_conf	*pc = ctx->pc;
	struct scoreboard	*sb = ctx->sb;
	int64_t			 started_ns;
	int			 young, quick = 0;

	privdrop_signals(keeper_on_signal, 0);
	setproctitle("pool %s application", pc->name);
	app_init(pc, &halt, APP_KEEPER, ctx->app_id, &sb->app_pid);
	if (privdrop(ctx) == -1)
		exit(WORKER_EXIT_SETUP);
	/* A keeper killed before it could clear it left its pid. */
	sb->app_pid = 0;
	started_ns = ev_now();
	if (app_start() == -1)
		keeper_exit(halt ? WORKER_EXIT_QUIT : WORKER_EXIT_APP);
	while (keeper_wait()) {
		if (!child_exited())
			continue;
		young = ev_now() - started_ns < ev_ms_to_ns(KEEPER_YOUNG_MS);
		if (young && quick++ > 0) {
			app_lost(NULL, "its second death within a second of its "
			    "start: the keeper leaves");
			keeper_exit(WORKER_EXIT_APP);
		}
		if (!young)
			quick = 0;
		started_ns = ev_now();
		if (app_check() == -1)
			keeper_exit(halt ? WORKER_EXIT_QUIT :
			    WORKER_EXIT_APP);
	}
	keeper_exit(WORKER_EXIT_QUIT);
}
