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
 * floor: a bare FastCGI responder, the floor of the benchmark.  It
 * listens on a unix path or on IPv4 host:port, forks procs processes
 * that each block in accept() and serve one connection at a time, and
 * answers every request with the same response in one write().  It
 * decodes with fpmd's own codec, so it is a correct peer (kept
 * connections, aborts, other roles, GET_VALUES), but it does nothing
 * a process manager does: no scoreboard, no timeouts.  What fpmd
 * takes beyond it is fpmd's own cost.
 *
 * With -c program, the floor of running a CGI program instead: each
 * request posix_spawn()s program with an empty environment, /dev/null
 * as stdin and stdout on a pipe, reads all of its output, waits for it
 * and sends the output as the response: no path resolution, no
 * environment, no header check, no limits.
 *
 * usage: floor [-n procs] [-c program] address
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

#define FLOOR_BACKLOG	511	/* fpmd's and php-fpm's listen.backlog */

static const char	 floor_body[] = "Content-Type: text/plain\r\n\r\npong";
static volatile sig_atomic_t	 floor_quit;
static const char	*floor_program;	/* -c */

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr, "usage: floor [-n procs] [-c program] address\n");
	exit(2);
}

static int
floor_listen_unix(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		errx(2, "%s: path too long", path);
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (unlink(path) == -1 && errno != ENOENT)
		err(1, "unlink %s", path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "bind %s", path);
	return fd;
}

static int
floor_listen_tcp(const char *addr)
{
	struct sockaddr_in	 sin;
	char			 host[INET_ADDRSTRLEN];
	const char		*port;
	int			 fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if ((port = strrchr(addr, ':')) == NULL ||
	    (size_t)(port - addr) >= sizeof(host))
		errx(2, "%s: not host:port", addr);
	memcpy(host, addr, port - addr);
	host[port - addr] = '\0';
	sin.sin_port = htons((unsigned short)strtoul(port + 1, NULL, 10));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", addr);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		err(1, "setsockopt %s", addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind %s", addr);
	return fd;
}

static int
floor_listen(const char *addr)
{
	int	 fd;

	fd = addr[0] == '/' ? floor_listen_unix(addr) : floor_listen_tcp(addr);
	if (listen(fd, FLOOR_BACKLOG) == -1)
		err(1, "listen %s", addr);
	return fd;
}

/* Write all of buf; -1 if the web server went away. */
static int
floor_write(int fd, const uint8_t *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The whole response to request id: STDOUT, its end, END_REQUEST. */
static size_t
floor_response(uint8_t *buf, size_t size, unsigned int id)
{
	size_t	 n;

	n = proto_stream(buf, size, FCGI_STDOUT, id, floor_body,
	    sizeof(floor_body) - 1);
	n += proto_stream(buf + n, size - n, FCGI_STDOUT, id, NULL, 0);
	return n + proto_end_request(buf + n, id, 0, FCGI_REQUEST_COMPLETE);
}

/*
 * -c: run the program for request id, and send its output as the
 * response, in records of up to 64 KB; -1 if the web server went away.
 */
static int
floor_cgi(int fd, unsigned int id)
{
	static uint8_t			 out[PROTO_RECORD_MAX];
	static char			*argv[2], *envp[1];
	posix_spawn_file_actions_t	 fa;
	ssize_t				 n;
	pid_t				 pid;
	int				 p[2], r = 0;

	argv[0] = (char *)floor_program;
	if (pipe(p) == -1)
		err(1, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	if ((errno = posix_spawn(&pid, floor_program, &fa, NULL, argv,
	    envp)) != 0)
		err(1, "%s", floor_program);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	while ((n = read(p[0], out + FCGI_HEADER_LEN, PROTO_CHUNK_MAX))
	    > 0 && r == 0)
		r = floor_write(fd, out, proto_record(out, FCGI_STDOUT, id,
		    out + FCGI_HEADER_LEN, (size_t)n));
	close(p[0]);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		continue;
	if (r == 0) {
		n = proto_stream(out, sizeof(out), FCGI_STDOUT, id, NULL, 0);
		n += proto_end_request(out + n, id, 0, FCGI_REQUEST_COMPLETE);
		r = floor_write(fd, out, (size_t)n);
	}
	return r;
}

/*
 * What to send for one parser event, into out; 0 if nothing.  *done is
 * set when the event ends a request.
 */
static size_t
floor_answer(const struct proto_event *ev, uint8_t *out, size_t size,
    int *done)
{
	static const char *const vars[] = { FCGI_MPXS_CONNS, "0", NULL };

	*done = 0;
	switch (ev->type) {
	case PROTO_BEGIN:
		if (ev->role == FCGI_RESPONDER)
			return 0;
		*done = 1;
		return proto_end_request(out, ev->id, 0, FCGI_UNKNOWN_ROLE);
	case PROTO_STDIN:
		if (ev->len > 0)
			return 0;
		*done = 1;
		return floor_response(out, size, ev->id);
	case PROTO_ABORT:
		*done = 1;
		return proto_end_request(out, ev->id, 0,
		    FCGI_REQUEST_COMPLETE);
	case PROTO_CANT_MPX:
		return proto_end_request(out, ev->id, 0, FCGI_CANT_MPX_CONN);
	case PROTO_UNKNOWN_TYPE:
		return proto_unknown_type(out, ev->rtype);
	case PROTO_GET_VALUES:
		return proto_values_result(out, ev->data, ev->len, vars);
	default:
		return 0;
	}
}

/*
 * Serve one connection until the web server closes it, or until a
 * request without FCGI_KEEP_CONN has been answered.
 */
static void
floor_serve(int fd, struct proto_parser *p)
{
	struct proto_event	 ev;
	static uint8_t		 in[16384], out[PROTO_MGMT_RECORD_MAX];
	ssize_t			 n;
	size_t			 off, len;
	int			 keep = 0, done;

	proto_init(p, PROTO_APP);
	while ((n = read(fd, in, sizeof(in))) > 0)
		for (off = 0; off < (size_t)n; ) {
			off += proto_feed(p, in + off, (size_t)n - off, &ev);
			if (ev.type == PROTO_ERROR)
				return;
			if (ev.type == PROTO_BEGIN)
				keep = ev.flags & FCGI_KEEP_CONN;
			if (floor_program != NULL && ev.type == PROTO_STDIN &&
			    ev.len == 0) {
				if (floor_cgi(fd, ev.id) == -1 || !keep)
					return;
				proto_request_done(p);
				continue;
			}
			len = floor_answer(&ev, out, sizeof(out), &done);
			if (len > 0 && floor_write(fd, out, len) == -1)
				return;
			if (done && !keep)
				return;
			if (done)
				proto_request_done(p);
		}
}

static __attribute__((__noreturn__)) void
floor_child(int lsn)
{
	static uint8_t		 params[PROTO_DEFAULT_MAX_PARAMS_SIZE];
	struct proto_parser	 p;
	int			 fd;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	p.params = params;
	p.max_params_size = sizeof(params);
	p.max_params = PROTO_DEFAULT_MAX_PARAMS;
	for (;;) {
		if ((fd = accept(lsn, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err(1, "accept");
		}
		floor_serve(fd, &p);
		close(fd);
	}
}

static void
floor_on_signal(int sig)
{
	floor_quit = sig;
}

int
main(int argc, char *argv[])
{
	struct sigaction	 sa;
	pid_t			*pids;
	int			 ch, i, lsn, procs = 4;

	while ((ch = getopt(argc, argv, "c:n:")) != -1) {
		switch (ch) {
		case 'c':
			floor_program = optarg;
			break;
		case 'n':
			if ((procs = atoi(optarg)) < 1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	lsn = floor_listen(argv[optind]);
	if ((pids = calloc(procs, sizeof(*pids))) == NULL)
		err(1, NULL);

	/* No SA_RESTART: TERM and INT must interrupt wait() below. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = floor_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < procs && (pids[i] = fork()) != -1; i++)
		if (pids[i] == 0)
			floor_child(lsn);

	/* A child gone, or a signal: the floor is not a floor any more. */
	if (i < procs)
		warn("fork");
	else
		while (wait(NULL) == -1 && errno == EINTR && !floor_quit)
			continue;
	while (i-- > 0)
		kill(pids[i], SIGTERM);
	while (wait(NULL) != -1 || errno == EINTR)
		continue;
	return floor_quit ? 0 : 1;
}
