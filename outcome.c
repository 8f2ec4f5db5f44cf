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
 * The outcome of one request, as the code that answered it reports it
 * to the worker (struct outcome in fpmd.h), and the figures php-fpm
 * derives from it: the share of one CPU the request's program used,
 * and its peak memory in bytes.  A worker runs it: cgi.c, and any
 * other request runner, fills the outcome with outcome_set(); worker.c
 * puts the figures in its slot and the access log line; status.c
 * shows them.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/time.h>
#include <sys/resource.h>

#include <string.h>

#include "fpmd.h"

/* ru_maxrss is in bytes on macOS, in kilobytes everywhere else. */
#ifdef __APPLE__
#define RU_MAXRSS_BYTES	1
#else
#define RU_MAXRSS_BYTES	1024
#endif

static int64_t
outcome_tv_ns(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec * 1000;
}

/*
 * The one call a request runner makes when it is done: the HTTP status
 * it answered (0 if no response went out), the program it ran as the
 * request named it (NULL if none), the response's header block (NULL if
 * none; it must stay valid until the runner's next request), and the
 * program's resource usage as wait4(2) gave it (NULL if unknown).
 */
void
outcome_set(struct outcome *o, int status, const char *script,
    const char *headers, size_t headers_len, const struct rusage *ru)
{
	memset(o, 0, sizeof(*o));
	o->status = status;
	o->script = script;
	o->headers = headers;
	o->headers_len = headers != NULL ? headers_len : 0;
	if (ru == NULL)
		return;
	o->user_ns = outcome_tv_ns(&ru->ru_utime);
	o->system_ns = outcome_tv_ns(&ru->ru_stime);
	o->memory_bytes = (uint64_t)ru->ru_maxrss * RU_MAXRSS_BYTES;
}

/*
 * php-fpm's "last request cpu" and %C: CPU time over the request's
 * wall-clock time, as a percentage of one CPU.
 */
double
outcome_cpu_pct(int64_t cpu_ns, int64_t wall_ns)
{
	if (wall_ns <= 0 || cpu_ns <= 0)
		return 0.0;
	return (double)cpu_ns * 100.0 / (double)wall_ns;
}
