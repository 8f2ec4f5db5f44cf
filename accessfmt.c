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
 * php-fpm's access.format: the one list of its codes and of the
 * {modifiers} each takes, and the walk over a format.  conf.c checks a
 * format with it when it reads one, so that access.c, which renders
 * the line for each request in a worker, finds only what the list
 * allows.  Pure: no I/O, no allocation.
 */

#include "config.h"

#include <string.h>
#include <strings.h>

#include "accessfmt.h"

/*
 * The codes and the {modifiers} each takes: NULL none, "*" any or
 * none, "" any but one is needed, or a list of words.
 */
static const struct {
	char		 code;
	const char	*mods;
} codes[] = {
	{ '%', NULL }, { 'C', "total user system" },
	{ 'd', "seconds mili miliseconds milli milliseconds micro "
	    "microseconds" },
	{ 'e', "" }, { 'f', NULL }, { 'l', NULL }, { 'm', NULL },
	{ 'M', "bytes kilo kilobytes mega megabytes" }, { 'n', NULL },
	{ 'o', "" }, { 'p', NULL }, { 'P', NULL }, { 'q', NULL },
	{ 'Q', NULL }, { 'r', NULL }, { 'R', NULL }, { 's', NULL },
	{ 't', "*" }, { 'T', "*" }, { 'u', NULL },
};

/*
 * The next step of the format at s into *st: NULL once the format is
 * over.  A '%' at the end, or a '{' without its '}', ends it, with the
 * step's code 0, or '{' for the latter.
 */
const char *
accessfmt_next(const char *s, struct accessfmt_step *st)
{
	const char	*end;

	if (*s == '\0')
		return NULL;
	memset(st, 0, sizeof(*st));
	st->text = s;
	st->textlen = strcspn(s, "%");
	s += st->textlen;
	if (*s == '\0')
		return s;
	if (s[1] == '{') {
		if ((end = strchr(s + 2, '}')) == NULL) {
			st->code = '{';
			return s + strlen(s);
		}
		st->mod = s + 2;
		st->modlen = end - st->mod;
		s = end;
	}
	if ((st->code = s[1]) == '\0')
		return s + 1;
	return s + 2;
}

/* Is the word of len bytes one of the space-separated list? */
static int
word_in(const char *list, const char *word, size_t len)
{
	size_t	 n;

	for (; *list != '\0'; list += n + (list[n] == ' ')) {
		n = strcspn(list, " ");
		if (n == len && strncasecmp(list, word, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Is the step one that php-fpm takes?  For ACCESSFMT_MODIFIER, *why
 * says what is wrong with the {modifier}, as php-fpm says it.
 */
enum accessfmt_verdict
accessfmt_check(const struct accessfmt_step *st, const char **why)
{
	const char	*mods;
	size_t		 i;

	if (st->code == '{')
		return ACCESSFMT_UNCLOSED;
	if (st->code == 0)
		return st->text[st->textlen] == '%' ? ACCESSFMT_UNKNOWN :
		    ACCESSFMT_OK;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == st->code)
			break;
	if (i == sizeof(codes) / sizeof(codes[0]))
		return ACCESSFMT_UNKNOWN;
	*why = NULL;
	if ((mods = codes[i].mods) == NULL)
		*why = st->mod == NULL ? NULL : "this code takes no {modifier}";
	else if (mods[0] == '\0')
		*why = st->modlen > 0 ? NULL : "this code needs a {name}";
	else if (st->mod != NULL && strcmp(mods, "*") != 0 &&
	    !word_in(mods, st->mod, st->modlen))
		*why = "php-fpm knows no such modifier for this code";
	return *why == NULL ? ACCESSFMT_OK : ACCESSFMT_MODIFIER;
}
