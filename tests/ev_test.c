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
 * Unit tests for the event layer (compat/ev*.c).  Every case runs once
 * for each backend compiled in: on Linux, epoll and poll; on the BSDs,
 * kqueue and poll.
 */

#include "../config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../compat/compat.h"
#include "../compat/ev.h"

#define MAXFD	256

static struct ev_loop	*loop;
static char		 trace[256];
static int		 pipes[2][2];
static struct ev_timer	 guard;

static void
note(const char *s)
{
	size_t	 n = strlen(trace);

	ATF_REQUIRE(n + strlen(s) < sizeof(trace));
	memcpy(trace + n, s, strlen(s) + 1);
}

static void
guard_fired(void *arg)
{
	(void)arg;
	note("timeout ");
	ev_break(loop);
}

/* Every loop gets a guard so that a broken backend fails, not hangs. */
static void
setup(const char *backend)
{
	trace[0] = '\0';
	loop = ev_new(backend);
	ATF_REQUIRE_MSG(loop != NULL, "ev_new(%s): %s", backend,
	    strerror(errno));
	ATF_REQUIRE_STREQ(ev_name(loop), backend);
	ev_timer_init(&guard, guard_fired, NULL);
	ev_timer_add(loop, &guard, 3000);
}

static void
run(void)
{
	ATF_REQUIRE_EQ(ev_run(loop), 0);
}

static void
teardown(void)
{
	ev_free(loop);
	loop = NULL;
}

/* Record which fds are open, to compare before and after. */
static void
open_fds(char *set)
{
	int	 fd;

	for (fd = 0; fd < MAXFD; fd++)
		set[fd] = fcntl(fd, F_GETFD) != -1;
}

static void
on_write(int fd, int events, void *arg)
{
	(void)arg;
	ATF_REQUIRE_EQ(events, EV_WRITE);
	note("write ");
	ev_del(loop, fd);
	ATF_REQUIRE_EQ(write(fd, "x", 1), 1);
}

static void
on_read(int fd, int events, void *arg)
{
	char	 c;

	(void)arg;
	ATF_REQUIRE_EQ(events, EV_READ);
	ATF_REQUIRE_EQ(read(fd, &c, 1), 1);
	ATF_REQUIRE_EQ(c, 'x');
	note("read ");
	ev_break(loop);
}

static void
fds_report_read_and_write_readiness(const char *backend)
{
	setup(backend);
	ATF_REQUIRE(pipe(pipes[0]) == 0);
	ATF_REQUIRE(ev_add(loop, pipes[0][0], EV_READ, on_read, NULL) == 0);
	ATF_REQUIRE(ev_add(loop, pipes[0][1], EV_WRITE, on_write, NULL) == 0);
	run();
	ATF_REQUIRE_STREQ(trace, "write read ");
	ev_del(loop, pipes[0][0]);
	teardown();
}

/* EV_EXCLUSIVE changes who is woken among processes, not what fires. */
static void
an_exclusive_fd_reports_readiness(const char *backend)
{
	setup(backend);
	ATF_REQUIRE(pipe(pipes[0]) == 0);
	ATF_REQUIRE(ev_add(loop, pipes[0][0], EV_READ | EV_EXCLUSIVE, on_read,
	    NULL) == 0);
	ATF_REQUIRE(write(pipes[0][1], "x", 1) == 1);
	run();
	ATF_REQUIRE_STREQ(trace, "read ");
	ev_del(loop, pipes[0][0]);
	teardown();
}

struct fired {
	struct ev_timer	 t;
	int64_t		 armed_at;
	int64_t		 delay;		/* ms */
	const char	*name;
	int		 last;
};

static void
on_timer(void *arg)
{
	struct fired	*f = arg;
	int64_t		 now = ev_now();

	ATF_REQUIRE_MSG(now - f->armed_at >= f->delay * 1000000,
	    "timer %s fired %lld ns early", f->name,
	    (long long)(f->armed_at + f->delay * 1000000 - now));
	note(f->name);
	if (f->last)
		ev_break(loop);
}

static void
timers_fire_in_order_and_never_early(const char *backend)
{
	static struct fired	 f[] = {
		{ .delay = 30, .name = "30 ", .last = 1 },
		{ .delay = 10, .name = "10 " },
		{ .delay = 0, .name = "0 " },
		{ .delay = 20, .name = "20 " },
		{ .delay = 15, .name = "deleted " },
		{ .delay = 1, .name = "rearmed " },
	};
	size_t			 i;

	setup(backend);
	for (i = 0; i < sizeof(f) / sizeof(*f); i++) {
		ev_timer_init(&f[i].t, on_timer, &f[i]);
		f[i].armed_at = ev_now();
		ev_timer_add(loop, &f[i].t, f[i].delay);
	}
	ev_timer_del(loop, &f[4].t);
	/* Re-arming moves a timer; it fires once, at its new time. */
	f[5].delay = 25;
	f[5].armed_at = ev_now();
	ev_timer_add(loop, &f[5].t, 25);
	run();
	ATF_REQUIRE_STREQ(trace, "0 10 20 rearmed 30 ");
	teardown();
}

static void
on_signal(int signo, void *arg)
{
	(void)arg;
	note(signo == SIGUSR1 ? "usr1 " : signo == SIGCHLD ? "chld " : "? ");
	if (signo == SIGCHLD)
		ev_break(loop);
}

static void
send_usr1_and_fork(void *arg)
{
	pid_t	 pid;

	(void)arg;
	ATF_REQUIRE(kill(getpid(), SIGUSR1) == 0);
	if ((pid = fork()) == 0)
		_exit(7);
	ATF_REQUIRE(pid > 0);
}

static void
signals_arrive_as_loop_events(const char *backend)
{
	struct ev_timer	 t;
	int		 st;

	setup(backend);
	ATF_REQUIRE(ev_signal(loop, SIGUSR1, on_signal, NULL) == 0);
	ATF_REQUIRE(ev_signal(loop, SIGCHLD, on_signal, NULL) == 0);
	/* Sent before the loop runs: held, then delivered by the loop. */
	ATF_REQUIRE(kill(getpid(), SIGUSR1) == 0);
	ev_timer_init(&t, send_usr1_and_fork, NULL);
	ev_timer_add(loop, &t, 10);
	run();
	ATF_REQUIRE(wait(&st) > 0);
	ATF_REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	/* Two USR1 may coalesce into one, as signals do. */
	ATF_REQUIRE_MSG(strcmp(trace, "usr1 usr1 chld ") == 0 ||
	    strcmp(trace, "usr1 chld ") == 0, "trace: %s", trace);
	teardown();
}

static void
on_either(int fd, int events, void *arg)
{
	int	 other = *(int *)arg;

	(void)events;
	note(fd == pipes[0][0] ? "a " : "b ");
	ev_del(loop, other);
	ev_del(loop, fd);
	ev_break(loop);
}

static void
on_first_timer(void *arg)
{
	note("first ");
	ev_timer_del(loop, arg);
}

static void
on_second_timer(void *arg)
{
	(void)arg;
	note("second ");
}

static void
on_stop(void *arg)
{
	(void)arg;
	ev_break(loop);
}

static void
removal_inside_a_callback_is_safe(const char *backend)
{
	struct ev_timer	 t1, t2, stop;
	int		 a, b;

	setup(backend);
	ATF_REQUIRE(pipe(pipes[0]) == 0 && pipe(pipes[1]) == 0);
	ATF_REQUIRE(write(pipes[0][1], "x", 1) == 1);
	ATF_REQUIRE(write(pipes[1][1], "x", 1) == 1);
	a = pipes[0][0];
	b = pipes[1][0];
	/* Both are ready in one dispatch; whichever runs removes the other. */
	ATF_REQUIRE(ev_add(loop, a, EV_READ, on_either, &b) == 0);
	ATF_REQUIRE(ev_add(loop, b, EV_READ, on_either, &a) == 0);
	run();
	ATF_REQUIRE_MSG(strcmp(trace, "a ") == 0 || strcmp(trace, "b ") == 0,
	    "trace: %s", trace);

	/* Two timers due together; the first deletes the second. */
	trace[0] = '\0';
	ev_timer_init(&t1, on_first_timer, &t2);
	ev_timer_init(&t2, on_second_timer, NULL);
	ev_timer_init(&stop, on_stop, NULL);
	ev_timer_add(loop, &t1, 5);
	ev_timer_add(loop, &t2, 5);
	ev_timer_add(loop, &stop, 50);
	run();
	ATF_REQUIRE_STREQ(trace, "first ");
	teardown();
}

static void
internal_fds_are_close_on_exec(const char *backend)
{
	char	 before[MAXFD], after[MAXFD];
	int	 fd;

	open_fds(before);
	setup(backend);
	ATF_REQUIRE(ev_signal(loop, SIGUSR1, on_signal, NULL) == 0);
	open_fds(after);
	for (fd = 0; fd < MAXFD; fd++)
		if (after[fd] && !before[fd])
			ATF_REQUIRE_MSG(fcntl(fd, F_GETFD) & FD_CLOEXEC,
			    "fd %d is not close-on-exec", fd);
	teardown();
}

static volatile sig_atomic_t	 child_usr2;

static void
on_child_usr2(int sig)
{
	(void)sig;
	child_usr2 = 1;
}

/*
 * After ev_child() a forked child has default dispositions and none of
 * the loop's descriptors, except a handler it installed itself, which
 * is kept; its signal mask is untouched, so a signal sent while it was
 * blocked reaches that handler once the child unblocks.
 */
static void
a_forked_child_starts_clean(const char *backend)
{
	char			 before[MAXFD], after[MAXFD];
	struct sigaction	 sa;
	sigset_t		 mask, saved;
	pid_t			 pid;
	int			 st, fd;

	open_fds(before);
	setup(backend);
	ATF_REQUIRE(ev_signal(loop, SIGUSR1, on_signal, NULL) == 0);
	ATF_REQUIRE(ev_signal(loop, SIGCHLD, on_signal, NULL) == 0);
	ATF_REQUIRE(ev_signal(loop, SIGUSR2, on_signal, NULL) == 0);
	sigfillset(&mask);
	sigprocmask(SIG_BLOCK, &mask, &saved);
	if ((pid = fork()) == 0) {
		/* A handler of the child's own, set before: it stays, and
		 * gets the signal that was sent while all were blocked. */
		kill(getpid(), SIGUSR2);
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = on_child_usr2;
		sigaction(SIGUSR2, &sa, NULL);
		ev_child(loop);
		sigprocmask(SIG_SETMASK, NULL, &mask);
		if (!sigismember(&mask, SIGUSR1) || child_usr2)
			_exit(10);
		sigemptyset(&mask);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		if (!child_usr2)
			_exit(14);
		sigaction(SIGUSR1, NULL, &sa);
		if (sa.sa_handler != SIG_DFL)
			_exit(11);
		sigaction(SIGCHLD, NULL, &sa);
		if (sa.sa_handler != SIG_DFL)
			_exit(12);
		open_fds(after);
		for (fd = 0; fd < MAXFD; fd++)
			if (after[fd] != before[fd])
				_exit(13);
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	ATF_REQUIRE(pid > 0);
	ATF_REQUIRE(waitpid(pid, &st, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "child status %d (10 mask, 11-12 handlers, 13 fds, 14 own "
	    "handler)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	teardown();
}

ATF_TC_WITHOUT_HEAD(an_unknown_backend_is_refused);
ATF_TC_BODY(an_unknown_backend_is_refused, tc)
{
	ATF_REQUIRE(ev_new("select") == NULL);
	ATF_REQUIRE_EQ(errno, EINVAL);
	ATF_REQUIRE(ev_backend_name(0) != NULL);
	loop = ev_new(NULL);
	ATF_REQUIRE(loop != NULL);
	ATF_REQUIRE_STREQ(ev_name(loop), ev_backend_name(0));
	teardown();
}

#define EV_CASE(name, backend)						\
	ATF_TC_WITHOUT_HEAD(name##_##backend);				\
	ATF_TC_BODY(name##_##backend, tc) { name(#backend); }

#define EV_CASES(backend)						\
	EV_CASE(fds_report_read_and_write_readiness, backend)		\
	EV_CASE(an_exclusive_fd_reports_readiness, backend)		\
	EV_CASE(timers_fire_in_order_and_never_early, backend)		\
	EV_CASE(signals_arrive_as_loop_events, backend)			\
	EV_CASE(removal_inside_a_callback_is_safe, backend)		\
	EV_CASE(internal_fds_are_close_on_exec, backend)		\
	EV_CASE(a_forked_child_starts_clean, backend)

#define EV_ADD_CASES(tp, backend) do {					\
	ATF_TP_ADD_TC(tp, fds_report_read_and_write_readiness_##backend); \
	ATF_TP_ADD_TC(tp, an_exclusive_fd_reports_readiness_##backend);	\
	ATF_TP_ADD_TC(tp, timers_fire_in_order_and_never_early_##backend); \
	ATF_TP_ADD_TC(tp, signals_arrive_as_loop_events_##backend);	\
	ATF_TP_ADD_TC(tp, removal_inside_a_callback_is_safe_##backend);	\
	ATF_TP_ADD_TC(tp, internal_fds_are_close_on_exec_##backend);	\
	ATF_TP_ADD_TC(tp, a_forked_child_starts_clean_##backend);	\
} while (0)

#if HAVE_KQUEUE
EV_CASES(kqueue)
#endif
#if HAVE_EPOLL
EV_CASES(epoll)
#endif
#if HAVE_POLL
EV_CASES(poll)
#endif

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, an_unknown_backend_is_refused);
#if HAVE_KQUEUE
	EV_ADD_CASES(tp, kqueue);
#endif
#if HAVE_EPOLL
	EV_ADD_CASES(tp, epoll);
#endif
#if HAVE_POLL
	EV_ADD_CASES(tp, poll);
#endif
	return atf_no_error();
}
