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
 * libFuzzer harness of the configuration parser: the input is a
 * configuration file, which conf_parse() reads from a temporary
 * directory of its own.  The parser runs alone, as conf.c alone is
 * linked: the checks against the system (confcheck.c) are not.  It
 * must give either a configuration that holds what conf.c promises (a
 * pool, each with listen, pm and its limits in order) or errors, and
 * every error or warning reported starts with file:line (file: for the
 * whole file), and never crash; libFuzzer's -malloc_limit_mb
 * (tests/fuzz/run) bounds the memory it takes.  An include that could reach outside the directory
 * (a '/' or a '$' on the line) is skipped, so that the parser reads
 * only the input, the directory and its parent, never /dev/zero or the
 * host's files.
 */

#include "../../config.h"

#include <sys/types.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "../../fpmd.h"
#include "../../master.h"
#include "fuzz.h"

int	LLVMFuzzerInitialize(int *, char ***);

static char	 conf_dir[PATH_MAX];
static char	 conf_path[PATH_MAX];

static void
conf_cleanup(void)
{
	unlink(conf_path);
	rmdir(conf_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(conf_dir, sizeof(conf_dir), "%s/fpmd-fuzz.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(conf_dir) == NULL)
		fuzz_fail(__FILE__, __LINE__, "mkdtemp");
	snprintf(conf_path, sizeof(conf_path), "%s/fpmd.conf", conf_dir);
	atexit(conf_cleanup);
	/* What the parser might log is no finding: its reports are. */
	log_setlevel(LOG_EMERG);
	return 0;
}

/* Does a line start with include and name a path outside conf_dir? */
static int
conf_escapes(const uint8_t *data, size_t size)
{
	const uint8_t	*line = data, *end = data + size, *nl;

	for (; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		while (line < nl && (*line == ' ' || *line == '\t'))
			line++;
		if ((size_t)(nl - line) < 7 || memcmp(line, "include", 7) != 0)
			continue;
		if (memchr(line, '/', (size_t)(nl - line)) != NULL ||
		    memchr(line, '$', (size_t)(nl - line)) != NULL)
			return 1;
	}
	return 0;
}

static void
conf_write(const uint8_t *data, size_t size)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(conf_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		fuzz_fail(__FILE__, __LINE__, "open");
	for (; size > 0; data += n, size -= (size_t)n)
		if ((n = write(fd, data, size)) <= 0)
			fuzz_fail(__FILE__, __LINE__, "write");
	close(fd);
}

/* What conf_parse() promises of a configuration it gives. */
static void
conf_check(const struct conf *conf)
{
	const struct pool_conf	*pc, *o;

	FUZZ_CHECK(strcmp(conf->file, conf_path) == 0);
	FUZZ_CHECK(!TAILQ_EMPTY(&conf->pools));
	TAILQ_FOREACH(pc, &conf->pools, entry) {
		FUZZ_CHECK(pc->name[0] != '\0' && pc->listen != NULL);
		FUZZ_CHECK(pc->max_children >= 1);
		FUZZ_CHECK(pc->pm == PM_STATIC || pc->pm == PM_ONDEMAND ||
		    pc->pm == PM_DYNAMIC);
		FUZZ_CHECK(pc->pm != PM_DYNAMIC || (pc->min_spare >= 1 &&
		    pc->min_spare <= pc->start_servers &&
		    pc->start_servers <= pc->max_spare &&
		    pc->max_spare <= pc->max_children));
		FUZZ_CHECK(pc->ping_response[0] != '\0');
		for (o = TAILQ_FIRST(&conf->pools); o != pc;
		    o = TAILQ_NEXT(o, entry))
			FUZZ_CHECK(strcmp(o->listen, pc->listen) != 0 &&
			    strcmp(o->name, pc->name) != 0);
	}
}

static int	 conf_reports;

/*
 * What conf_parse() reports names a file in conf_dir and, unless it is
 * about the whole file (no pool, too many errors), a line.
 */
static void
conf_report(const char *msg)
{
	size_t	 n = strlen(conf_dir);

	conf_reports++;
	FUZZ_CHECK(strncmp(msg, conf_dir, n) == 0 && msg[n] == '/');
	msg += n + strcspn(msg + n, ":");
	FUZZ_CHECK(msg[0] == ':');
	if (msg[1] >= '0' && msg[1] <= '9')
		msg += 1 + strspn(msg + 1, "0123456789");
	FUZZ_CHECK(msg[0] == ':' && msg[1] == ' ');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	*conf;

	if (conf_escapes(data, size))
		return -1;
	conf_write(data, size);
	conf_reports = 0;
	if ((conf = conf_parse_end(conf_parse(conf_path, NULL,
	    conf_report))) != NULL) {
		conf_check(conf);
		conf_free(conf);
	} else
		FUZZ_CHECK(conf_reports > 0);
	return 0;
}
