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
 * cgiheader.c: a CGI program's header block checked as RFC 3875 says.
 * Pure: bytes in, a verdict out.
 */

#ifndef CGIHEADER_H
#define CGIHEADER_H

#include <stddef.h>

/*
 * A CGI program's header block being checked (cgiheader.c).  Zero it
 * for each response.
 */
enum { CGIHEADER_MORE, CGIHEADER_OK, CGIHEADER_BAD };

struct cgiheader {
	size_t		 off;		/* lines before this are checked */
	size_t		 len;		/* OK: the block, blank line included */
	int		 status;	/* its Status: code, or 0 */
	int		 location;	/* it has a Location: */
	const char	*error;		/* BAD: what is wrong */
	size_t		 error_at;	/* BAD: where */
};

/* cgiheader.c: a worker */
int		 cgiheader_parse(struct cgiheader *, const char *, size_t,
		    size_t);

#endif /* CGIHEADER_H */
