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
 * The logging API (log.c), after OpenBSD relayd's with php-fpm's levels
 * (log_error for ERROR, log_warn for WARNING, log_info for NOTICE).
 * Every line goes through escape.h's escaping of untrusted bytes.
 */

#ifndef LOG_H
#define LOG_H

#include <sys/types.h>

#if !defined(__dead)
#define __dead		__attribute__((__noreturn__))
#endif

/*
 * A worker's channel to its master (pool.c): datagrams, one a message,
 * each a tag and then what it carries.  The master knows which worker
 * holds which channel; nothing in a message names a pool or a worker.
 */
#define CHAN_READY	'R'	/* accepting now */
#define CHAN_LOG	'L'	/* a priority digit, then an error_log line */
#define CHAN_ACCESS	'A'	/* an access.log line */
#define CHAN_SLOW	'S'	/* a slow log entry's lines, its header not */
#define CHAN_MSG_MAX	4096	/* a message's bytes, its tag among them */

int	 log_level(const char *);
void	 log_setlevel(int);
const char *log_level_name(int);
void	 log_init(int, const char *, int);
int	 log_init_file(const char *, char *, size_t);
int	 log_file_open(const char *, int, mode_t, char *, size_t);
int	 log_getlevel(void);
void	 log_child(int);
void	 log_reopen(void);
void	 log_relay(const char *, const char *, size_t);
const char *log_waitstatus(int, char *, size_t);
void	 log_error(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_errorx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_warn(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_warnx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_info(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	 log_debug(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
__dead void fatal(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
__dead void fatalx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));

#endif /* LOG_H */
