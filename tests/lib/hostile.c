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
 * A compromised worker, for tests/boundary_test: tests/lib/fpmd-hostile
 * is fpmd linked with this file in place of privdrop.c.  The file is
 * privdrop.c itself, its privdrop() renamed, and a privdrop() that
 * calls that one and then, in a worker, attacks the master: a worker
 * taken over once it has become its pool's.  The keeper is left alone.
 *
 * With $FPMD_HOSTILE_BUSY, a worker marks every other slot of its pool
 * busy and goes on as a worker: the test checks that the pool still
 * gets its next worker.  With $FPMD_HOSTILE_PID, a worker writes that
 * pid over every slot of
 * its pool, as a busy request started long ago, and dies by SIGABRT,
 * which sanitizers leave alone: the test checks that the master
 * signals nothing but its own children for it.  With
 * $FPMD_HOSTILE_VICTIM, the name of another pool, a worker of any
 * other pool writes extreme values into every field of every slot of
 * its pool and the header, sends garbage on its channel, lines in the
 * victim's name among it, and the same on every descriptor number it
 * has, then goes on as a worker: the test checks that the master
 * survives, and that the victim's logs and workers are untouched.
 */

#include "../../config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* privdrop.c as it is, but for the name of privdrop(). */
#define privdrop	privdrop_real
#include "../../privdrop.c"
#undef privdrop

int		 privdrop(const struct worker_ctx *);

static void
hostile_slot(struct slot *s, int i)
{
	int64_t	 v = i % 2 ? INT64_MAX : INT64_MIN + 1;

	s->state = i % 9 - 1;
	s->started_epoch = (time_t)v;
	s->since_ns = v;
	s->req_start_ns = v;
	s->req_duration_ns = -v;
	s->requests = s->accepted = s->slow = UINT64_MAX - (uint64_t)i;
	s->last_cpu_ns = v;
	s->last_memory_bytes = s->content_length = UINT64_MAX;
	s->app_pid = -1;
	memset(s->method, 'M', sizeof(s->method));
	memset(s->uri, '\n', sizeof(s->uri));
	memset(s->query, 0x7f, sizeof(s->query));
	memset(s->script, 'S', sizeof(s->script));
	memset(s->user, 0xff, sizeof(s->user));
}

static void
hostile_scoreboard(const struct worker_ctx *ctx)
{
	struct scoreboard	*sb = ctx->sb;
	int			 i;

	sb->started_epoch = (time_t)(INT64_MIN + 1);
	sb->accepted_before = sb->slow_before = UINT64_MAX;
	sb->max_children_reached = UINT64_MAX;
	sb->max_active = sb->max_listen_queue = UINT_MAX;
	sb->app_pid = 1;
	for (i = 0; i < ctx->pc->max_children; i++)
		hostile_slot(&sb->slots[i], i);
}

/* "Busy" over every slot of its pool but its own; then on as a worker. */
static void
hostile_busy(const struct worker_ctx *ctx)
{
	int	 i;

	for (i = 0; i < ctx->pc->max_children; i++)
		if (i != ctx->slot)
			ctx->sb->slots[i].state = SLOT_RUNNING;
}

/* Every message it can think of, on fd, whatever fd is: a pipe too. */
static void
hostile_send(int fd, const char *victim)
{
	static char	 huge[2 * CHAN_MSG_MAX];
	char		 msg[512];
	const char	 tags[] = { CHAN_READY, CHAN_LOG, CHAN_ACCESS,
	    CHAN_SLOW, 'X', 0 };
	size_t		 i;
	int		 n;

	if (ev_nonblock(fd, 1) == -1)
		return;
	for (i = 0; i < sizeof(tags); i++) {
		n = snprintf(msg, sizeof(msg), "%c3forged\n[pool %s] forged "
		    "line\nNOTICE: [pool %s] forged line\n\n[06-Dec-2026 "
		    "00:00:00]  [pool %s] pid 1\nforged entry", tags[i],
		    victim, victim, victim);
		(void)write(fd, msg, (size_t)n);
		(void)write(fd, msg, 1);
		(void)send(fd, msg, 0, 0);
		memset(huge, 'H', sizeof(huge));
		huge[0] = tags[i];
		(void)write(fd, huge, CHAN_MSG_MAX);
		(void)write(fd, huge, sizeof(huge));
	}
}

/* A stranger's pid over every slot, as a busy request; then death. */
static __dead void
hostile_pid(const struct worker_ctx *ctx, const char *pid)
{
	int	 i;

	for (i = 0; i < ctx->pc->max_children; i++) {
		ctx->sb->slots[i].pid = (pid_t)strtol(pid, NULL, 10);
		ctx->sb->slots[i].state = SLOT_RUNNING;
		ctx->sb->slots[i].req_start_ns = 1;
	}
	abort();
}

int
privdrop(const struct worker_ctx *ctx)
{
	const char	*v;
	int		 fd;

	if (privdrop_real(ctx) == -1)
		return -1;
	if (ctx->slot == SLOT_KEEPER)
		return 0;
	if ((v = getenv("FPMD_HOSTILE_VICTIM")) != NULL) {
		if (strcmp(v, ctx->pc->name) == 0)
			return 0;
		hostile_scoreboard(ctx);
		for (fd = 0; fd < 1024; fd++)
			if (fd != STDIN_FILENO && fd != STDOUT_FILENO &&
			    fd != STDERR_FILENO)
				hostile_send(fd, v);
		return 0;
	}
	if ((v = getenv("FPMD_HOSTILE_PID")) != NULL)
		hostile_pid(ctx, v);
	if (getenv("FPMD_HOSTILE_BUSY") != NULL)
		hostile_busy(ctx);
	return 0;
}
