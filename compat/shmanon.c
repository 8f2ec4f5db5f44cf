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
 * A nameless shared memory object, for what a worker maps across its
 * exec: its pool's scoreboard and its settings.  An anonymous mapping
 * does not survive exec(2), a descriptor does.  Linux and FreeBSD 13
 * have memfd_create(2), older FreeBSD shm_open(SHM_ANON); elsewhere a POSIX
 * shared memory object is created under a fresh name, exclusively and
 * readable by root alone, and unlinked at once, so that it lives only
 * as long as its descriptors and mappings.
 * Run by the master, as root; the descriptor is close-on-exec.
 */

#include "../config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"

#if HAVE_MEMFD_CREATE

int
shm_anon(void)
{
	return memfd_create("fpmd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

#elif HAVE_SHM_ANON

int
shm_anon(void)
{
	return shm_open(SHM_ANON, O_RDWR | O_CLOEXEC, 0600);
}

#else

/* Enough tries that a name taken by someone else cannot stop fpmd. */
#define SHM_ANON_TRIES	64

int
shm_anon(void)
{
	struct timespec	 ts;
	char		 name[32];
	int		 fd, i;

	for (i = 0; i < SHM_ANON_TRIES; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		/* 31 characters at most: macOS's PSHMNAMLEN. */
		snprintf(name, sizeof(name), "/fpmd.%ld.%lx",
		    (long)getpid() % 100000,
		    (unsigned long)(ts.tv_nsec ^ (ts.tv_sec << 20)) + i);
		if ((fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL,
		    0600)) == -1) {
			if (errno == EEXIST)
				continue;
			return -1;
		}
		shm_unlink(name);
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
			close(fd);
			return -1;
		}
		return fd;
	}
	errno = EEXIST;
	return -1;
}

#endif

/*
 * Where the system can say so (the file seals of memfd_create), fd's
 * size is final, and with frozen, so are its contents: whoever holds
 * it may not change them, not even the master.
 */
void
shm_anon_seal(int fd, int frozen)
{
#if HAVE_MEMFD_CREATE && defined(F_ADD_SEALS)
	(void)fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    (frozen ? F_SEAL_WRITE : 0) | F_SEAL_SEAL);
#else
	(void)fd;
	(void)frozen;
#endif
}
