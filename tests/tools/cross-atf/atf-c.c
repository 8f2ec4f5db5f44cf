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
 * The main() of a test program built with tests/tools/cross-atf/atf-c.h.
 *
 *   prog -l                     list the cases, as atf-test-program(1)
 *   prog [-r file] case[:body]  run one case here; its result ("passed"
 *                               or "failed: reason") goes to file, or
 *                               stdout
 *   prog                        run every case in a child process of
 *                               its own, with a time limit, print
 *                               "case -> result" for each and end with
 *                               "N passed, N failed"; exit 1 if any
 *                               did not pass
 *
 * -s dir and -v var=value are accepted and ignored, so that Kyua can
 * run it; the cases it serves use neither.
 */

/* It uses POSIX only, and -std=c99 hides POSIX on Linux. */
#define _POSIX_C_SOURCE	200809L

#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atf-c.h"

#define CASE_TIMEOUT_S	300	/* Kyua's default for a case */

struct atf_tp {
	atf_tc_t	*first;
	atf_tc_t	**last;
};

static int	 result_fd = STDOUT_FILENO;

void
atf_tp_add_tc(atf_tp_t *tp, atf_tc_t *tc)
{
	tc->next = NULL;
	*tp->last = tc;
	tp->last = &tc->next;
}

atf_error_t
atf_no_error(void)
{
	return NULL;
}

static void
result(const char *line)
{
	size_t	 len = strlen(line);

	if (write(result_fd, line, len) != (ssize_t)len)
		_exit(2);
}

void
atf_tc_fail_requirement(const char *file, int line, const char *fmt, ...)
{
	char	 msg[1024];
	size_t	 len;
	int	 n;
	va_list	 ap;

	/* Room is kept for the newline. */
	n = snprintf(msg, sizeof(msg) - 1, "failed: %s:%d: ", file, line);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(msg) - 1)
		vsnprintf(msg + n, sizeof(msg) - 1 - n, fmt, ap);
	va_end(ap);
	len = strlen(msg);
	msg[len] = '\n';
	msg[len + 1] = '\0';
	result(msg);
	exit(1);
}

static atf_tc_t *
find_case(const atf_tp_t *tp, const char *name)
{
	atf_tc_t	*tc;
	size_t		 len = strcspn(name, ":");

	for (tc = tp->first; tc != NULL; tc = tc->next)
		if (strlen(tc->ident) == len &&
		    strncmp(tc->ident, name, len) == 0)
			return tc;
	fprintf(stderr, "unknown test case: %s\n", name);
	exit(2);
}

static void
list_cases(const atf_tp_t *tp)
{
	const atf_tc_t	*tc;

	printf("Content-Type: application/X-atf-tp; version=\"1\"\n");
	for (tc = tp->first; tc != NULL; tc = tc->next)
		printf("\nident: %s\n", tc->ident);
}

/* One case, in this process, as atf-test-program(1) runs it. */
static int
run_one(const atf_tp_t *tp, const char *name, const char *resfile)
{
	atf_tc_t	*tc = find_case(tp, name);
	const char	*part = strchr(name, ':');

	if (resfile != NULL && (result_fd = open(resfile,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1) {
		perror(resfile);
		return 2;
	}
	if (part == NULL || strcmp(part, ":body") == 0)
		tc->body(tc);
	result("passed\n");
	return 0;
}

/* Run tc in a child; print its result and say whether it passed. */
static int
run_child(const atf_tc_t *tc)
{
	char	 line[1100];
	ssize_t	 n;
	size_t	 len = 0;
	pid_t	 pid;
	int	 p[2], st;

	fflush(stdout);
	if (pipe(p) == -1 || (pid = fork()) == -1) {
		perror("run_child");
		exit(2);
	}
	if (pid == 0) {
		close(p[0]);
		result_fd = p[1];
		alarm(CASE_TIMEOUT_S);
		tc->body(tc);
		result("passed\n");
		_exit(0);
	}
	close(p[1]);
	while (len < sizeof(line) - 1 &&
	    (n = read(p[0], line + len, sizeof(line) - 1 - len)) > 0)
		len += (size_t)n;
	line[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1)
		;
	if (len == 0 && WIFSIGNALED(st))
		snprintf(line, sizeof(line), "broken: killed by signal %d%s\n",
		    WTERMSIG(st), WTERMSIG(st) == SIGALRM ? " (timeout)" : "");
	else if (len == 0)
		snprintf(line, sizeof(line), "broken: no result, status %d\n",
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("%s -> %s", tc->ident, line);
	return strcmp(line, "passed\n") == 0;
}

static int
run_all(const atf_tp_t *tp)
{
	const atf_tc_t	*tc;
	int		 passed = 0, failed = 0;

	for (tc = tp->first; tc != NULL; tc = tc->next) {
		if (run_child(tc))
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	atf_tp_t	 tp;
	const char	*resfile = NULL;
	int		 ch, list = 0;

	tp.first = NULL;
	tp.last = &tp.first;
	while ((ch = getopt(argc, argv, "lr:s:v:")) != -1) {
		switch (ch) {
		case 'l':
			list = 1;
			break;
		case 'r':
			resfile = optarg;
			break;
		case 's':
		case 'v':
			break;
		default:
			fprintf(stderr, "usage: %s [-l] [-r resfile] "
			    "[-s srcdir] [-v var=value] [case[:body]]\n",
			    argv[0]);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	atfu_tp_add_tcs(&tp);
	if (list) {
		list_cases(&tp);
		return 0;
	}
	if (argc == 1)
		return run_one(&tp, argv[0], resfile);
	return run_all(&tp);
}
