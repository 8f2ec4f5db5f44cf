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
 * setproctitle(3) for systems without it.  Written for fpmd from the
 * interface in OpenBSD's setproctitle(3).  ps(1) on Linux and macOS
 * reads a process's title from its argument area, so the title is
 * written over argv[] and the environment strings that follow it,
 * after both have been copied to the heap.  Where that area cannot be
 * found, titles are silently not shown.
 */

#include "../config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

#if !HAVE_SETPROCTITLE

extern char	**environ;

static char	*title_base;
static size_t	 title_size;
static const char *title_prog;
/*
 * Every copy of the environment's strings: unsetenv(3) takes one out of
 * environ without freeing it, and it must not be lost.
 */
static char	**title_env;

/* Returns the end of the argv and environ strings that lie end to end. */
static char *
title_area_end(int argc, char **argv)
{
	char	*end;
	int	 i;

	end = argv[0];
	for (i = 0; i < argc; i++) {
		if (argv[i] != end)
			return end;
		end = argv[i] + strlen(argv[i]) + 1;
	}
	for (i = 0; environ[i] != NULL; i++) {
		if (environ[i] != end)
			return end;
		end = environ[i] + strlen(environ[i]) + 1;
	}
	return end;
}

void
compat_init_setproctitle(int argc, char **argv)
{
	char	**env, *end;
	size_t	 n, i;

	if (argc < 1 || argv[0] == NULL)
		return;
	end = title_area_end(argc, argv);
	for (n = 0; environ[n] != NULL; n++)
		;
	if ((env = calloc(n + 1, sizeof(*env))) == NULL ||
	    (title_env = calloc(n + 1, sizeof(*title_env))) == NULL)
		return;
	for (i = 0; i < n; i++)
		if ((title_env[i] = env[i] = strdup(environ[i])) == NULL)
			return;
	environ = env;
	if ((title_prog = strrchr(argv[0], '/')) != NULL)
		title_prog++;
	else
		title_prog = argv[0];
	if ((title_prog = strdup(title_prog)) == NULL)
		return;
	/* argv[] keeps working, from copies; the originals become the title. */
	title_base = argv[0];
	title_size = end - argv[0];
	for (i = 0; i < (size_t)argc; i++)
		if ((argv[i] = strdup(argv[i])) == NULL)
			return;
}

void
setproctitle(const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (title_base == NULL || title_size < 2)
		return;
	memset(title_base, '\0', title_size);
	n = snprintf(title_base, title_size, "%s: ", title_prog);
	if (n < 0 || (size_t)n >= title_size)
		return;
	va_start(ap, fmt);
	vsnprintf(title_base + n, title_size - n, fmt, ap);
	va_end(ap);
}

#else /* HAVE_SETPROCTITLE */

void
compat_init_setproctitle(int argc, char **argv)
{
	(void)argc;
	(void)argv;
}

#endif /* !HAVE_SETPROCTITLE */
