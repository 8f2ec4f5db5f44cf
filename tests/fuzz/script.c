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
 * libFuzzer harness of script resolution (script.c) on a small tree of
 * its own under /tmp: programs, a file that is not one, a directory, a
 * link out of the tree and a link loop.  The input picks how the names
 * come (SCRIPT_FILENAME, Apache's proxy:fcgi:// form, or DOCUMENT_ROOT
 * and SCRIPT_NAME), builds them from pieces of the tree's names and its
 * own bytes, and whether .cgi is the only allowed extension.  A program
 * that resolves must lie under cgi.root, be an executable regular file
 * with an allowed extension, and run in its own directory; after a
 * split, PATH_INFO must be the tail of the name the request gave.
 */

#include "../../config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../compat/compat.h"
#include "../../script.h"
#include "fuzz.h"

static char	 root[PATH_MAX];	/* the tree, its real path */

static void
make_file(const char *name, mode_t mode)
{
	char	 path[PATH_MAX];
	int	 fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	if ((fd = open(path, O_WRONLY | O_CREAT, mode)) == -1)
		fuzz_fail(__FILE__, __LINE__, path);
	close(fd);
}

static void
make_link(const char *target, const char *name)
{
	char	 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (symlink(target, path) == -1)
		fuzz_fail(__FILE__, __LINE__, path);
}

/* The tree goes when the fuzzer exits. */
static void
remove_tree(void)
{
	static const char *const names[] = { "a.cgi", "b.txt", "x.sh",
	    "sub/c.cgi", "out", "loop", "to-c.cgi", "sub", "" };
	char	 path[PATH_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		if (unlink(path) == -1)
			rmdir(path);
	}
}

static void
make_tree(void)
{
	char	 dir[] = "/tmp/fpmd-fuzz-script.XXXXXX", path[PATH_MAX];

	if (mkdtemp(dir) == NULL || realpath(dir, root) == NULL)
		fuzz_fail(__FILE__, __LINE__, "mkdtemp");
	atexit(remove_tree);
	make_file("a.cgi", 0755);
	make_file("b.txt", 0644);
	make_file("x.sh", 0755);
	snprintf(path, sizeof(path), "%s/sub", root);
	if (mkdir(path, 0755) == -1)
		fuzz_fail(__FILE__, __LINE__, path);
	make_file("sub/c.cgi", 0755);
	make_link("/etc", "out");
	make_link("loop", "loop");
	make_link("sub/c.cgi", "to-c.cgi");
}

/* A name of up to 8 pieces of the tree's names, or of input bytes. */
static void
make_name(struct fuzz_input *in, char *buf, size_t size, int rooted)
{
	static const char *const pieces[] = { "/", "a.cgi", "b.txt", "x.sh",
	    "sub", "c.cgi", "out", "loop", "to-c.cgi", "..", ".", "passwd",
	    "?q=1", "//", "info" };
	const uint8_t	*raw;
	size_t		 n, i, len;
	unsigned int	 c;

	buf[0] = '\0';
	if (rooted)
		strlcpy(buf, root, size);
	for (i = 0; i < 8 && in->len > 0; i++) {
		c = fuzz_byte(in);
		if (c < 200) {
			strlcat(buf, "/", size);
			strlcat(buf, pieces[c % (sizeof(pieces) /
			    sizeof(pieces[0]))], size);
			continue;
		}
		n = c - 200;
		raw = fuzz_bytes(in, &n);
		if ((len = strlen(buf)) + n < size) {
			memcpy(buf + len, raw, n);
			buf[len + n] = '\0';
		}
	}
}

/* What a program that resolves must be. */
static void
check_ok(const struct script *s, size_t next)
{
	struct stat	 st;
	size_t		 n = strlen(root);

	FUZZ_CHECK(strncmp(s->path, root, n) == 0 && s->path[n] == '/');
	FUZZ_CHECK(stat(s->path, &st) == 0 && S_ISREG(st.st_mode));
	FUZZ_CHECK(access(s->path, X_OK) == 0);
	FUZZ_CHECK(next == 0 ||
	    strcmp(s->path + strlen(s->path) - 4, ".cgi") == 0);
	FUZZ_CHECK(strncmp(s->path, s->dir, strlen(s->dir)) == 0 &&
	    strrchr(s->path, '/') == s->path + strlen(s->dir));
	if (s->split) {
		FUZZ_CHECK(s->info[0] == '/');
		FUZZ_CHECK(strlen(s->named) > strlen(s->info) &&
		    strcmp(s->named + strlen(s->named) - strlen(s->info),
		    s->info) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		*cgi[] = { ".cgi" };
	struct fuzz_input	 in = { data, size };
	struct script_names	 n = { NULL, NULL, NULL };
	struct script		 s;
	char			 a[PATH_MAX], b[PATH_MAX];
	unsigned int		 how;
	size_t			 next = 0;

	if (root[0] == '\0')
		make_tree();
	how = fuzz_byte(&in);
	if (how & 4)
		next = 1;
	switch (how % 4) {
	case 0:
		make_name(&in, a, sizeof(a), 1);
		n.filename = a;
		break;
	case 1:
		strlcpy(a, "proxy:fcgi://127.0.0.1:9000", sizeof(a));
		make_name(&in, a + strlen(a), sizeof(a) - strlen(a), 1);
		n.filename = a;
		break;
	case 2:
		strlcpy(a, root, sizeof(a));
		make_name(&in, b, sizeof(b), 0);
		n.docroot = a;
		n.name = b;
		break;
	default:
		make_name(&in, a, sizeof(a), how & 8);
		n.filename = a;
		n.name = a + strlen(a) / 2;
		break;
	}
	if (script_resolve(&s, &n, cgi, next, root) == SCRIPT_OK)
		check_ok(&s, next);
	return 0;
}
