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
 * What the unit tests of conn.c and status.c share: building the bytes
 * a web server sends, and reading back, record by record, what fpmd
 * answered on the test's end of a socketpair.
 */

#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>
#include <stdint.h>

struct wire {
	uint8_t	 b[256 * 1024];
	size_t	 len;
};

void	 wire_record(struct wire *, int, unsigned int, const void *, size_t);
void	 wire_begin(struct wire *, unsigned int, int, int);
void	 wire_param(struct wire *, unsigned int, const char *, const char *);
void	 wire_request(struct wire *, unsigned int, int, const char *);
void	 wire_send(int, const struct wire *);
void	 wire_replies(int, char *, size_t, char *, size_t);

#endif /* WIRE_H */
