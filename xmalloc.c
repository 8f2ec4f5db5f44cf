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
 * Allocations that cannot fail: out of memory, the process logs and
 * exits (the master at start, a worker at any time; the master then
 * replaces the worker).  And counted lists of strings, such as a pool's
 * env[] or a CGI program's environment.  Both processes use them.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fpmd.h"

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		fatal("calloc %zu x %zu bytes", n, size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if ((p = reallocarray(old, n, size)) == NULL)
		fatal("reallocarray %zu x %zu bytes", n, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*d;

	if ((d = strdup(s)) == NULL)
		fatal("strdup");
	return d;
}

/*
 * Append a copy of s to the list of *n strings, which stays
 * NULL-terminated, so that it may serve as an argv or an environ.
 */
void
strlist_add(char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 2, sizeof(**list));
	(*list)[(*n)++] = xstrdup(s);
	(*list)[*n] = NULL;
}

/* "name=value" from a counted name and value, in a fresh allocation. */
char *
xenvvar(const char *name, size_t nlen, const char *value, size_t vlen)
{
	char	*e;

	e = xcalloc(1, nlen + vlen + 2);
	memcpy(e, name, nlen);
	e[nlen] = '=';
	memcpy(e + nlen + 1, value, vlen);
	return e;
}

/*
 * Where the list of n "name=value" strings has the variable of this
 * name (nlen bytes, no '='): its index, or n if it has none.
 */
size_t
strlist_var(char *const *list, size_t n, const char *name, size_t nlen)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strncmp(list[i], name, nlen) == 0 && list[i][nlen] == '=')
			break;
	return i;
}

void
strlist_free(char **list, size_t n)
{
	while (n > 0)
		free(list[--n]);
	free(list);
}
