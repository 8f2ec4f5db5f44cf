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
 * What the event layer may use.  In fpmd's build (HAVE_CONFIG_H, as
 * the Makefile defines it) configure's config.h says; in a plain copy
 * in someone else's tree, each HAVE_ macro not defined on the command
 * line is taken from the compiler's predefined macros: kqueue on the
 * BSDs and macOS, epoll and signalfd on Linux, poll everywhere.  It is
 * the first thing each compat/ev*.c includes, so config.h's feature
 * macros come before any system header.
 */

#ifndef EV_CONFIG_H
#define EV_CONFIG_H

#ifdef HAVE_CONFIG_H
#include "../config.h"
#endif

/* A plain copy built with -std=c99 on Linux still needs POSIX. */
#if !defined(HAVE_CONFIG_H) && defined(__linux__) && \
    defined(__STRICT_ANSI__) && !defined(_POSIX_C_SOURCE) && \
    !defined(_XOPEN_SOURCE) && !defined(_GNU_SOURCE) && \
    !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE	200809L
#endif

#if defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
#define EV_BSD		1
#else
#define EV_BSD		0
#endif
#ifdef __linux__
#define EV_LINUX	1
#else
#define EV_LINUX	0
#endif

#ifndef HAVE_KQUEUE
#define HAVE_KQUEUE	EV_BSD
#endif
#ifndef HAVE_EPOLL
#define HAVE_EPOLL	EV_LINUX
#endif
#ifndef HAVE_SIGNALFD
#define HAVE_SIGNALFD	EV_LINUX
#endif
#ifndef HAVE_POLL
#define HAVE_POLL	1
#endif
/* The BSDs' <sys/queue.h> has the _SAFE iterators; glibc's lacks them. */
#ifndef HAVE_SYS_QUEUE
#define HAVE_SYS_QUEUE	EV_BSD
#endif
/* Declared by default on the BSDs but macOS, on Linux with _GNU_SOURCE. */
#ifndef HAVE_PIPE2
#if (EV_BSD && !defined(__APPLE__)) || (EV_LINUX && defined(_GNU_SOURCE))
#define HAVE_PIPE2	1
#else
#define HAVE_PIPE2	0
#endif
#endif

#endif /* EV_CONFIG_H */
