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
 * memscan: how many times a string occurs in a process's memory, for
 * tests/exec_test.  It reads every readable range that
 * /proc/PID/maps lists through /proc/PID/mem, in chunks that overlap
 * by the string's length less one, and skips what the kernel will not
 * let it read, and ranges over RANGE_MAX: a sanitizer's shadow memory,
 * terabytes reserved and never written, which would take hours.
 * Linux's /proc only; run as root, or as the process's user with
 * ptrace allowed.
 *
 * usage: memscan pid string
 *
 * It prints the count and exits 0, or exits 2 when it cannot read the
 * process at all.
 */

#include "../../config.h"

#include <sys/types.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK		(1024 * 1024)
#define RANGE_MAX	((uint64_t)1 << 32)

static size_t
count_in(const char *buf, size_t len, const char *s, size_t slen)
{
	const char	*p = buf, *end = buf + len;
	size_t		 n = 0;

	while ((size_t)(end - p) >= slen &&
	    (p = memchr(p, s[0], end - p - slen + 1)) != NULL) {
		if (memcmp(p, s, slen) == 0)
			n++;
		p++;
	}
	return n;
}

/* The occurrences in [from, to) of the memory mem reads. */
static size_t
scan_range(int mem, uint64_t from, uint64_t to, const char *s, size_t slen,
    char *buf)
{
	size_t	 n = 0, want;
	ssize_t	 got;

	while (from < to) {
		want = to - from < CHUNK ? (size_t)(to - from) : CHUNK;
		if ((got = pread(mem, buf, want, (off_t)from)) <= 0)
			break;
		n += count_in(buf, (size_t)got, s, slen);
		if ((size_t)got < slen || from + (size_t)got >= to)
			break;
		from += (size_t)got - (slen - 1);
	}
	return n;
}

int
main(int argc, char *argv[])
{
	char		 path[64], line[512], perms[8], *buf;
	uint64_t	 from, to;
	size_t		 n = 0, slen;
	FILE		*maps;
	int		 mem;

	if (argc != 3 || (slen = strlen(argv[2])) == 0) {
		fprintf(stderr, "usage: memscan pid string\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	if ((maps = fopen(path, "r")) == NULL) {
		perror(path);
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/mem", argv[1]);
	if ((mem = open(path, O_RDONLY)) == -1 ||
	    (buf = malloc(CHUNK)) == NULL) {
		perror(path);
		return 2;
	}
	while (fgets(line, sizeof(line), maps) != NULL)
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &from, &to,
		    perms) == 3 && perms[0] == 'r' && to - from <= RANGE_MAX)
			n += scan_range(mem, from, to, argv[2], slen, buf);
	free(buf);
	close(mem);
	fclose(maps);
	printf("%zu\n", n);
	return 0;
}
