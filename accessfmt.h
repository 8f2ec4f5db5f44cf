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
 * accessfmt.c: php-fpm's access.format, read once for both processes:
 * which codes there are and the {modifiers} each takes, for the
 * master's check of a format, and the walk over a format that the
 * worker's access.c renders.  Pure.
 */

#ifndef ACCESSFMT_H
#define ACCESSFMT_H

#include <stddef.h>

/* One step of a format: text up to a code, and the code. */
struct accessfmt_step {
	const char	*text;		/* literal text before the code */
	size_t		 textlen;
	char		 code;		/* the code's letter; 0: none */
	const char	*mod;		/* its {modifier}, or NULL */
	size_t		 modlen;
};

/* What accessfmt_check() finds in a step. */
enum accessfmt_verdict {
	ACCESSFMT_OK,
	ACCESSFMT_UNCLOSED,	/* a '{' without '}' */
	ACCESSFMT_UNKNOWN,	/* not one of php-fpm's codes */
	ACCESSFMT_MODIFIER	/* a {modifier} the code does not take */
};

const char	*accessfmt_next(const char *, struct accessfmt_step *);
enum accessfmt_verdict accessfmt_check(const struct accessfmt_step *,
		    const char **);

#endif /* ACCESSFMT_H */
