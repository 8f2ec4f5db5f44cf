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
 * script.c: which program a CGI request names, under cgi.root and
 * security.limit_extensions.  It looks at the file system and nothing
 * else.
 */

#ifndef SCRIPT_H
#define SCRIPT_H

#include <limits.h>
#include <stddef.h>

/*
 * The program a CGI request names (script.c), and what the web server
 * sent to name it: each NULL where it sent nothing.
 */
enum script_error {
	SCRIPT_OK,
	SCRIPT_UNNAMED,		/* no SCRIPT_FILENAME, or root and name */
	SCRIPT_MISSING,		/* no such file */
	SCRIPT_UNREAL,		/* realpath() failed, with errno */
	SCRIPT_OUTSIDE,		/* its real path leaves cgi.root */
	SCRIPT_NOT_RUNNABLE	/* not an executable file, or extension */
};

struct script {
	char		 named[PATH_MAX];	/* what the request said */
	char		 script[PATH_MAX];	/* the program, as named */
	char		 path[PATH_MAX];	/* the program's real path */
	char		 dir[PATH_MAX];		/* its directory */
	char		 info[PATH_MAX];	/* PATH_INFO, after a split */
	char		 name[PATH_MAX];	/* SCRIPT_NAME, after a split */
	int		 split;
};

struct script_names {
	const char	*filename;	/* SCRIPT_FILENAME */
	const char	*docroot;	/* DOCUMENT_ROOT */
	const char	*name;		/* SCRIPT_NAME */
};

/* script.c: a worker */
enum script_error script_resolve(struct script *,
		    const struct script_names *, char *const *, size_t,
		    const char *);

#endif /* SCRIPT_H */
