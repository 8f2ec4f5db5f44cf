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
 * fcgi-app: a FastCGI application written with libfcgi, the way its
 * users write them, for tests/app_test: it accepts on fd 0 as the
 * specification says and answers by its QUERY_STRING.
 *
 *	(none)		"hello from fcgi-app PID"
 *	echo		the request body back
 *	env=NAME	the value of NAME in its own environment
 *	sleep=N		sleeps N seconds first
 *	die		exits with status 3 before it answers
 *	die-after	sends a line of the answer, then exits
 *	stderr		a line on its stderr, another as FCGI_STDERR
 *	escape		a line on its stderr with an ESC byte in it
 *	big=N		N bytes of 'x'
 *
 * usage: fcgi-app [crash | silent | exit-after N]
 *
 * crash aborts before it accepts anything, silent never accepts, and
 * exit-after N exits after N requests, as php-cgi does with
 * PHP_FCGI_MAX_REQUESTS.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

static void
echo(FCGX_Request *r)
{
	char	 buf[8192];
	int	 n;

	FCGX_FPrintF(r->out, "Content-Type: application/octet-stream\r\n\r\n");
	while ((n = FCGX_GetStr(buf, sizeof(buf), r->in)) > 0)
		FCGX_PutStr(buf, n, r->out);
}

static void
big(FCGX_Request *r, long n)
{
	char	 buf[8192];
	int	 k;

	memset(buf, 'x', sizeof(buf));
	FCGX_FPrintF(r->out, "Content-Type: text/plain\r\n\r\n");
	for (; n > 0; n -= k) {
		k = n < (long)sizeof(buf) ? (int)n : (int)sizeof(buf);
		FCGX_PutStr(buf, k, r->out);
	}
}

static void
answer(FCGX_Request *r)
{
	const char	*q = FCGX_GetParam("QUERY_STRING", r->envp), *v;

	if (q == NULL)
		q = "";
	if (strncmp(q, "sleep=", 6) == 0)
		sleep((unsigned int)atoi(q + 6));
	if (strcmp(q, "die") == 0)
		exit(3);
	if (strcmp(q, "echo") == 0) {
		echo(r);
		return;
	}
	if (strncmp(q, "big=", 4) == 0) {
		big(r, atol(q + 4));
		return;
	}
	FCGX_FPrintF(r->out, "Content-Type: text/plain\r\n\r\n");
	if (strcmp(q, "die-after") == 0) {
		FCGX_FPrintF(r->out, "a first line\n");
		FCGX_FFlush(r->out);
		exit(3);
	}
	if (strcmp(q, "stderr") == 0) {
		fprintf(stderr, "a line on stderr from %d\n", (int)getpid());
		FCGX_FPrintF(r->err, "a line as FCGI_STDERR\n");
	}
	if (strcmp(q, "escape") == 0)
		fprintf(stderr, "a line with \033[31m in it\n");
	if (strncmp(q, "env=", 4) == 0) {
		v = getenv(q + 4);
		FCGX_FPrintF(r->out, "%s=%s\n", q + 4, v != NULL ? v : "");
		return;
	}
	FCGX_FPrintF(r->out, "hello from fcgi-app %d\n", (int)getpid());
}

int
main(int argc, char *argv[])
{
	FCGX_Request	 r;
	long		 served = 0, max = 0;

	if (argc > 1 && strcmp(argv[1], "crash") == 0)
		abort();
	if (argc > 1 && strcmp(argv[1], "silent") == 0)
		for (;;)
			pause();
	if (argc > 2 && strcmp(argv[1], "exit-after") == 0)
		max = atol(argv[2]);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		answer(&r);
		FCGX_Finish_r(&r);
		if (max > 0 && ++served == max)
			return 0;
	}
	return 0;
}
