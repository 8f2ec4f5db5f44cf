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
 * for each backend compiled in: on Linux, epoll and poll, and kqueue
 * too with libkqueue (tests/tools/cross); on the BSDs, kqueue and
 * poll.  A few cases test what only kqueue(2) promises.  The cases
 * check what the interfaces promise, not what one implementation
 * happens to do.
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

#if HAVE_KQUEUE
#include <sys/event.h>
#include <sys/time.h>

#include <dlfcn.h>
#endif

#include <atf-c.h>

#include "../compat/compat.h"
#include "../compat/ev.h"

#define MAXFD	256

static struct ev_loop	*loop;
static char		 trace[256];
static int		 pipes[2][2];
static struct ev_timer	 guard;
static int		 running;	/* inside ev_run() */

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
	running = 1;
	ATF_REQUIRE_EQ(ev_run(loop), 0);
	running = 0;
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
	int		 seq;		/* the order it was last armed in */
};

static int	 timers_left;

static void
on_timer(void *arg)
{
	struct fired	*f = arg;
	int64_t		 now = ev_now();

	ATF_REQUIRE_MSG(now - f->armed_at >= f->delay * 1000000,
	    "timer %s fired %lld ns early", f->name,
	    (long long)(f->armed_at + f->delay * 1000000 - now));
	note(f->name);
	if (--timers_left == 0)
		ev_break(loop);
}

static void
arm(struct fired *f, int64_t delay, int seq)
{
	f->delay = delay;
	f->seq = seq;
	f->armed_at = ev_now();
	ev_timer_add(loop, &f->t, delay);
}

/*
 * The order the armed timers must fire in: by the time each is due, as
 * ev_timer_add() set it, the first armed first among equals.  Not by
 * delay alone: on a busy machine, or under qemu, arming the six takes
 * long enough to reorder them.
 */
static void
due_order(struct fired *f, size_t n, char *buf, size_t len)
{
	struct fired	*next;
	size_t		 i, done;

	buf[0] = '\0';
	for (done = 0; done < n; done++) {
		next = NULL;
		for (i = 0; i < n; i++)
			if (ev_timer_pending(&f[i].t) && f[i].seq >= 0 &&
			    (next == NULL || f[i].t.when < next->t.when ||
			    (f[i].t.when == next->t.when &&
			    f[i].seq < next->seq)))
				next = &f[i];
		if (next == NULL)
			break;
		ATF_REQUIRE(strlen(buf) + strlen(next->name) < len);
		memcpy(buf + strlen(buf), next->name, strlen(next->name) + 1);
		next->seq = -1;
	}
}

static void
timers_fire_in_order_and_never_early(const char *backend)
{
	static struct fired	 f[] = {
		{ .delay = 30, .name = "30 " },
		{ .delay = 10, .name = "10 " },
		{ .delay = 0, .name = "0 " },
		{ .delay = 20, .name = "20 " },
		{ .delay = 15, .name = "deleted " },
		{ .delay = 1, .name = "rearmed " },
	};
	char			 order[64];
	size_t			 i, n = sizeof(f) / sizeof(*f);

	setup(backend);
	for (i = 0; i < n; i++) {
		ev_timer_init(&f[i].t, on_timer, &f[i]);
		arm(&f[i], f[i].delay, (int)i);
	}
	ev_timer_del(loop, &f[4].t);
	/* Re-arming moves a timer; it fires once, at its new time. */
	arm(&f[5], 25, (int)n);
	due_order(f, n, order, sizeof(order));
	timers_left = (int)n - 1;
	run();
	ATF_REQUIRE_STREQ(trace, order);
	teardown();
}

/* A signal must come from the loop, never from a handler. */
static void
on_signal(int signo, void *arg)
{
	(void)arg;
	ATF_REQUIRE_MSG(running, "signal %d delivered outside ev_run()",
	    signo);
	note(signo == SIGUSR1 ? "usr1 " : signo == SIGCHLD ? "chld " : "? ");
	ev_break(loop);
}

static void
send_usr1(void *arg)
{
	(void)arg;
	ATF_REQUIRE(kill(getpid(), SIGUSR1) == 0);
}

static void
fork_a_child_that_exits(void *arg)
{
	pid_t	 pid;

	(void)arg;
	if ((pid = fork()) == 0)
		_exit(7);
	ATF_REQUIRE(pid > 0);
}

/*
 * A signal sent before the loop runs is held and delivered by the
 * loop; so is one sent while it runs, and a child's exit.  One signal
 * at a time: libkqueue 2.7.0 can leave a signal that arrives while it
 * delivers another unreported until the next one comes (its copyout
 * lowers the filter's eventfd after letting the dispatcher thread
 * in).  That is a fault of libkqueue's, which kqueue(2) does not
 * allow, and this case tests the loop, not libkqueue.
 */
static void
signals_arrive_as_loop_events(const char *backend)
{
	struct ev_timer	 t;
	int		 st;

	setup(backend);
	ATF_REQUIRE(ev_signal(loop, SIGUSR1, on_signal, NULL) == 0);
	ATF_REQUIRE(ev_signal(loop, SIGCHLD, on_signal, NULL) == 0);
	ATF_REQUIRE(kill(getpid(), SIGUSR1) == 0);
	run();
	ATF_REQUIRE_STREQ(trace, "usr1 ");
	ev_timer_init(&t, send_usr1, NULL);
	ev_timer_add(loop, &t, 10);
	run();
	ATF_REQUIRE_STREQ(trace, "usr1 usr1 ");
	ev_timer_init(&t, fork_a_child_that_exits, NULL);
	ev_timer_add(loop, &t, 10);
	run();
	ATF_REQUIRE_STREQ(trace, "usr1 usr1 chld ");
	ATF_REQUIRE(wait(&st) > 0);
	ATF_REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 7);
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
 * An fd a forked child has and its parent did not have before the
 * loop: allowed only for kqueue, and only if it is no kqueue and
 * cannot outlive an exec.  kqueue(2) promises that the queue is not
 * inherited, no more: libkqueue keeps one of its eventfds open in a
 * child forked without exec (its BUGS.md), close-on-exec.
 */
static int
a_harmless_leftover(const char *backend, int fd)
{
#if HAVE_KQUEUE
	struct timespec	 zero = { 0, 0 };

	return strcmp(backend, "kqueue") == 0 &&
	    (fcntl(fd, F_GETFD) & FD_CLOEXEC) &&
	    kevent(fd, NULL, 0, NULL, 0, &zero) == -1;
#else
	(void)backend;
	(void)fd;
	return 0;
#endif
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
			if (after[fd] != before[fd] &&
			    (before[fd] || !a_harmless_leftover(backend, fd)))
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

#if HAVE_KQUEUE
/*
 * kevent(2) as compat/ev_kqueue.c calls it in this program: this
 * definition takes the place of the C library's (or libkqueue's) and
 * passes every call on to it, except that the test can make it refuse
 * to add EVFILT_WRITE.  It keeps the last kqueue it was called on.
 */
static int	 kevent_refuse_write;
static int	 kevent_last_kq = -1;

int
kevent(int kq, const struct kevent *changes, int nchanges,
    struct kevent *events, int nevents, const struct timespec *timeout)
{
	static int	(*next)(int, const struct kevent *, int,
			    struct kevent *, int, const struct timespec *);
	int		 i;

	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "kevent");
	ATF_REQUIRE(next != NULL);
	kevent_last_kq = kq;
	for (i = 0; i < nchanges; i++)
		if (kevent_refuse_write && changes[i].filter == EVFILT_WRITE &&
		    (changes[i].flags & EV_ADD)) {
			errno = EINVAL;
			return -1;
		}
	return next(kq, changes, nchanges, events, nevents, timeout);
}

/* A watch that fails half way leaves nothing in the kernel. */
ATF_TC_WITHOUT_HEAD(a_failed_watch_leaves_no_registration_kqueue);
ATF_TC_BODY(a_failed_watch_leaves_no_registration_kqueue, tc)
{
	struct timespec	 zero = { 0, 0 };
	struct kevent	 ev;

	setup("kqueue");
	ATF_REQUIRE(pipe(pipes[0]) == 0);
	ATF_REQUIRE(write(pipes[0][1], "x", 1) == 1);
	kevent_refuse_write = 1;
	ATF_REQUIRE(ev_add(loop, pipes[0][0], EV_READ | EV_WRITE, on_read,
	    NULL) == -1);
	ATF_REQUIRE_EQ(errno, EINVAL);
	kevent_refuse_write = 0;
	/* The fd is readable: a READ left registered would fire. */
	ATF_REQUIRE_EQ_MSG(kevent(kevent_last_kq, NULL, 0, &ev, 1, &zero), 0,
	    "fd %d is still registered, filter %d", (int)ev.ident,
	    (int)ev.filter);
	teardown();
}

/*
 * kqueue(2): "the queue is not inherited by a child created with
 * fork(2)".  Its number is free in the child, so a file the child
 * opens may take it, and ev_child() must not close that file.
 */
ATF_TC_WITHOUT_HEAD(a_child_keeps_a_file_that_took_the_kqueue_number);
ATF_TC_BODY(a_child_keeps_a_file_that_took_the_kqueue_number, tc)
{
	char	 before[MAXFD], after[MAXFD];
	pid_t	 pid;
	int	 st, fd, taken;

	open_fds(before);
	setup("kqueue");
	open_fds(after);
	if ((pid = fork()) == 0) {
		taken = 0;
		for (fd = 0; fd < MAXFD; fd++)
			if (after[fd] && !before[fd] &&
			    fcntl(fd, F_GETFD) == -1 && dup2(2, fd) == fd) {
				after[fd] = 2;
				taken++;
			}
		if (taken == 0)
			_exit(10);
		ev_child(loop);
		for (fd = 0; fd < MAXFD; fd++)
			if (after[fd] == 2 && fcntl(fd, F_GETFD) == -1)
				_exit(11);
		_exit(0);
	}
	ATF_REQUIRE(pid > 0);
	ATF_REQUIRE(waitpid(pid, &st, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "child status %d (10 the kqueue was inherited, 11 ev_child "
	    "closed a file of the child's)", WIFEXITED(st) ?
	    WEXITSTATUS(st) : -1);
	teardown();
}
#endif

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
	ATF_TP_ADD_TC(tp, a_failed_watch_leaves_no_registration_kqueue);
	ATF_TP_ADD_TC(tp, a_child_keeps_a_file_that_took_the_kqueue_number);
#endif
#if HAVE_EPOLL
	EV_ADD_CASES(tp, epoll);
#endif
#if HAVE_POLL
	EV_ADD_CASES(tp, poll);
#endif
	return atf_no_error();
}
