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
 * Which program a CGI request names, in a worker, as its pool's user:
 * SCRIPT_FILENAME (Apache's mod_proxy_fcgi sends it as
 * proxy:fcgi://host:port/path), or DOCUMENT_ROOT and SCRIPT_NAME; the
 * split into a program and PATH_INFO when the path goes on past a
 * file; and the checks against cgi.root and security.limit_extensions.
 * It reads the file system (stat, realpath, access) and nothing else:
 * no connection, no log, so that a fuzzer drives it on its own
 * (tests/fuzz/script.c).
 */

#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"
#include "script.h"

/* The path the request names, before any check: 0, or -1 if none. */
static int
script_named(struct script *s, const struct script_names *n)
{
	const char	*p;

	if (n->filename != NULL) {
		strlcpy(s->path, n->filename, sizeof(s->path));
		if (strncmp(s->path, "proxy:", 6) == 0 &&
		    (p = strstr(s->path, "://")) != NULL) {
			p = strchr(p + 3, '/');
			memmove(s->path, p != NULL ? p : "", p != NULL ?
			    strlen(p) + 1 : 1);
		}
		s->path[strcspn(s->path, "?")] = '\0';
	} else if (n->docroot == NULL || n->name == NULL ||
	    (size_t)snprintf(s->path, sizeof(s->path), "%s%s", n->docroot,
	    n->name) >= sizeof(s->path))
		return -1;
	return s->path[0] == '/' ? 0 : -1;
}

/*
 * When the path does not exist, find the longest leading part that is
 * a file: that runs, the rest is PATH_INFO, and SCRIPT_NAME loses the
 * same tail.  Returns 0 with st filled.
 */
static int
script_split(struct script *s, const struct script_names *n,
    struct stat *st)
{
	char	 full[PATH_MAX], *slash;
	size_t	 ilen;

	strlcpy(full, s->path, sizeof(full));
	while ((slash = strrchr(s->path, '/')) != NULL && slash != s->path) {
		*slash = '\0';
		if (stat(s->path, st) == -1)
			continue;
		if (!S_ISREG(st->st_mode))
			return -1;
		strlcpy(s->info, full + (slash - s->path), sizeof(s->info));
		s->split = 1;
		ilen = strlen(s->info);
		if (n->name != NULL &&
		    strlcpy(s->name, n->name, sizeof(s->name)) <
		    sizeof(s->name) && strlen(s->name) > ilen &&
		    strcmp(s->name + strlen(s->name) - ilen, s->info) == 0)
			s->name[strlen(s->name) - ilen] = '\0';
		return 0;
	}
	return -1;
}

/* Is real, a real path, under root, a real directory? */
static int
script_within(const char *real, const char *root)
{
	size_t	 n = strlen(root);

	return strncmp(real, root, n) == 0 && (real[n] == '/' || n == 1);
}

/* Does path end in one of the extensions, or are there none? */
static int
script_extension_ok(char *const *ext, size_t next, const char *path)
{
	size_t	 i, n, len = strlen(path);

	if (next == 0)
		return 1;
	for (i = 0; i < next; i++) {
		n = strlen(ext[i]);
		if (len > n && strcmp(path + len - n, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Resolve the program names n give, under root, the real cgi.root (NULL
 * for none), with the next extensions ext of security.limit_extensions
 * (none: any).  SCRIPT_OK with s->script (the program as
 * named), s->path (its real path), s->dir and, after a split, s->info
 * and s->name; otherwise what is wrong, with s->named
 * (and s->path, the real path, once there is one) to say it with.
 */
enum script_error
script_resolve(struct script *s, const struct script_names *n,
    char *const *ext, size_t next, const char *root)
{
	struct stat	 st;
	char		 real[PATH_MAX];

	memset(s, 0, sizeof(*s));
	if (script_named(s, n) == -1)
		return SCRIPT_UNNAMED;
	strlcpy(s->named, s->path, sizeof(s->named));
	if (stat(s->path, &st) == -1 && script_split(s, n, &st) == -1)
		return SCRIPT_MISSING;
	strlcpy(s->script, s->path, sizeof(s->script));
	if (realpath(s->path, real) == NULL)
		return SCRIPT_UNREAL;
	strlcpy(s->path, real, sizeof(s->path));
	if (root != NULL && !script_within(real, root))
		return SCRIPT_OUTSIDE;
	if (!S_ISREG(st.st_mode) || access(real, X_OK) == -1 ||
	    !script_extension_ok(ext, next, real))
		return SCRIPT_NOT_RUNNABLE;
	strlcpy(s->dir, real, sizeof(s->dir));
	*strrchr(s->dir, '/') = '\0';
	if (s->dir[0] == '\0')
		strlcpy(s->dir, "/", sizeof(s->dir));
	return SCRIPT_OK;
}
