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
 * The scoreboard: one shared memory object per pool, one slot per
 * worker (fpmd.h says who may write what), mapped by the master and
 * by each worker after its exec.  The master, as root,
 * makes, resets and frees them; a worker writes its own slot's state;
 * both count from the slots.  The number of slots is always the
 * caller's own pm.max_children, never read from the mapping, which any
 * worker of the pool can write; and every figure computed from it goes
 * through the saturating helpers here (sb_add(), sb_sub()), so that no
 * value a worker writes, however extreme, makes a reader overflow.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpmd.h"

static size_t
sb_size(int nslots)
{
	return sizeof(struct scoreboard) +
	    (size_t)(nslots - 1) * sizeof(struct slot);
}

/*
 * A scoreboard of nslots slots, shared through a descriptor that a
 * worker maps after its exec; *fd gets it, unless fd is NULL.  Its
 * size is sealed where the system can: a worker that kept the
 * descriptor still could not shrink it under the master's reads.
 */
struct scoreboard *
sb_new(const char *pool, int nslots, int *fd)
{
	struct scoreboard	*sb;
	size_t			 size = sb_size(nslots);
	int			 shm;

	if ((shm = shm_anon()) == -1)
		fatal("pool %s: a shared memory object for its scoreboard",
		    pool);
	if (ftruncate(shm, (off_t)size) == -1)
		fatal("pool %s: a scoreboard of %zu bytes", pool, size);
	shm_anon_seal(shm, 0);
	sb = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
	if (sb == MAP_FAILED)
		fatal("pool %s: mmap a scoreboard of %zu bytes", pool, size);
	if (fd != NULL)
		*fd = shm;
	else
		close(shm);
	memset(sb, 0, size);
	sb->started_epoch = time(NULL);
	return sb;
}

/*
 * A worker: its pool's scoreboard of nslots slots, from the master's
 * descriptor; NULL if that is not one.
 */
struct scoreboard *
sb_map(int fd, int nslots)
{
	struct stat	 st;
	void		*sb;
	size_t		 size = sb_size(nslots);

	if (fstat(fd, &st) == -1 || st.st_size < 0 ||
	    (uintmax_t)st.st_size < size)
		return NULL;
	sb = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return sb == MAP_FAILED ? NULL : sb;
}

void
sb_free(struct scoreboard *sb, int nslots)
{
	munmap(sb, sb_size(nslots));
}

/* A slot no worker owns any more; its counts of requests survive. */
void
sb_slot_reset(struct slot *s)
{
	uint64_t	 accepted = s->accepted, slow = s->slow;

	memset(s, 0, sizeof(*s));
	s->accepted = accepted;
	s->slow = slow;
}

void
sb_slot_state(struct slot *s, int state)
{
	if (s == NULL)
		return;
	s->state = state;
	s->since_ns = ev_now();
}

/* a + b, at most UINT64_MAX: counts a worker wrote. */
uint64_t
sb_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* a - b, within int64_t: a time, less one a worker wrote. */
int64_t
sb_sub(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

int
sb_count(const struct scoreboard *sb, int nslots, int state)
{
	int	 i, n = 0;

	for (i = 0; i < nslots; i++)
		if (sb->slots[i].state == state)
			n++;
	return n;
}

/* The pool's accepted and slow requests, this generation and before. */
void
sb_totals(const struct scoreboard *sb, int nslots, uint64_t *accepted,
    uint64_t *slow)
{
	int	 i;

	*accepted = sb->accepted_before;
	*slow = sb->slow_before;
	for (i = 0; i < nslots; i++) {
		*accepted = sb_add(*accepted, sb->slots[i].accepted);
		*slow = sb_add(*slow, sb->slots[i].slow);
	}
}
