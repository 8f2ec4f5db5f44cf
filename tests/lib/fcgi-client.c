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
 * fcgi-client: the FastCGI client of the test suite.  It talks to a
 * unix or TCP address the way a web server would: params, a request
 * body streamed from a file while the response is read, kept
 * connections, aborts, GET_VALUES, raw bytes, and a small load mode of
 * several processes that counts what failed.
 *
 * usage: fcgi-client [-kqV] [-A ms] [-b file] [-c procs] [-e text]
 *            [-i id] [-n count] [-p name=value] [-R role] [-r file]
 *            [-S file] [-T file] [-t seconds] [-w ms] address
 *        fcgi-client -L
 *
 * -L prints a TCP port that is free on 127.0.0.1 right now.
 *
 * -w stalls the body for ms; with -r, it is how long to wait for more
 * from the server (1000 ms by default), so that a test can hold a
 * connection open until the server closes it.
 *
 * The response body goes to stdout and FCGI_STDERR to stderr.  The exit
 * status is 0 when every request ended with FCGI_REQUEST_COMPLETE (and
 * its body held the -e text), 1 when any did not, 2 on a usage error and
 * 3 when the -t deadline passed.
 */

#include "../../config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../proto.h"

#define MAXPARAMS	256
#define CHUNK		(64 * 1024)
#define MATCH_MAX	(256 * 1024)

static const char	*address;
static const char	*params[MAXPARAMS];
static int		 nparams;
static const char	*body_path;
static const char	*expect_text;
static const char	*status_path;
static const char	*timing_path;
static int		 keep_conn, quiet, role = FCGI_RESPONDER;
static unsigned int	 request_id = 1;
static long		 abort_ms = -1, stall_ms;
static struct timespec	 deadline, started;

struct result {
	int		 ended;
	uint32_t	 app_status;
	int		 protocol_status;
	int		 matched;
	char		 why[128];
};

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr, "usage: fcgi-client [-kqV] [-A ms] [-b file] "
	    "[-c procs] [-e text] [-i id]\n"
	    "           [-n count] [-p name=value] [-R role] [-r file] "
	    "[-S file] [-T file]\n"
	    "           [-t seconds] [-w ms] address\n"
	    "       fcgi-client -L\n");
	exit(2);
}

static long
ms_since(const struct timespec *t)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Milliseconds left before the -t deadline; exit 3 when there are none. */
static int
ms_left(void)
{
	long	 left = -ms_since(&deadline);

	if (left <= 0) {
		fprintf(stderr, "fcgi-client: deadline passed\n");
		exit(3);
	}
	return left > 1000 ? 1000 : (int)left;
}

static int
connect_unix(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		errx(2, "%s: path too long", path);
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
connect_tcp(const char *addr)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[256], *port;
	int		 fd = -1, e;

	if (strlen(addr) >= sizeof(host))
		errx(2, "%s: address too long", addr);
	strncpy(host, addr, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	if ((port = strrchr(host, ':')) == NULL)
		errx(2, "%s: no port", addr);
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(2, "%s: %s", addr, gai_strerror(e));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
connect_to(void)
{
	int	 fd;

	fd = address[0] == '/' ? connect_unix(address) : connect_tcp(address);
	if (fd != -1)
		signal(SIGPIPE, SIG_IGN);
	return fd;
}

/* Write all of buf, waiting with poll(); -1 if the peer went away. */
static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	struct pollfd	 pfd;
	ssize_t		 n;

	while (len > 0) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, ms_left()) <= 0)
			continue;
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The BEGIN_REQUEST and PARAMS records of one request. */
static size_t
request_head(uint8_t *buf, size_t size, int keep)
{
	uint8_t		 nv[PROTO_DEFAULT_MAX_PARAMS_SIZE];
	size_t		 len = 0, off, n;
	const char	*eq;
	int		 i;

	off = proto_begin_request(buf, request_id, role,
	    keep ? FCGI_KEEP_CONN : 0);
	for (i = 0; i < nparams; i++) {
		if ((eq = strchr(params[i], '=')) == NULL)
			errx(2, "-p %s: no '='", params[i]);
		n = proto_nv_put(nv + len, sizeof(nv) - len, params[i],
		    eq - params[i], eq + 1, strlen(eq + 1));
		if (n == 0)
			errx(2, "too many params");
		len += n;
	}
	n = proto_stream(buf + off, size - off, FCGI_PARAMS, request_id, nv,
	    len);
	if (n == 0)
		errx(2, "params do not fit");
	off += n;
	if (len > 0)
		off += proto_stream(buf + off, size - off, FCGI_PARAMS,
		    request_id, NULL, 0);
	return off;
}

struct conversation {
	int		 fd;
	int		 body;		/* -1 once sent */
	uint8_t		 out[PROTO_RECORD_MAX + CHUNK];
	size_t		 outlen;
	int		 stdin_done;
	int		 aborted;
	struct timespec	 sent;		/* when the request was all sent */
	char		*match;
	size_t		 matchlen;
	FILE		*timing;
	struct proto_parser parser;
	struct result	*res;
};

/* Refill the output buffer with the next body chunk as records. */
static void
conversation_fill(struct conversation *c)
{
	uint8_t		 chunk[CHUNK];
	ssize_t		 n = 0;

	if (c->outlen > 0 || c->stdin_done)
		return;
	if (stall_ms > 0 && ms_since(&started) < stall_ms)
		return;
	if (c->body != -1 && (n = read(c->body, chunk, sizeof(chunk))) == -1)
		err(1, "%s", body_path);
	if (n > 0) {
		c->outlen = proto_stream(c->out, sizeof(c->out), FCGI_STDIN,
		    request_id, chunk, (size_t)n);
		return;
	}
	c->outlen = proto_stream(c->out, sizeof(c->out), FCGI_STDIN,
	    request_id, NULL, 0);
	c->stdin_done = 1;
	clock_gettime(CLOCK_MONOTONIC, &c->sent);
}

static void
conversation_output(struct conversation *c, const struct proto_event *ev)
{
	size_t	 n;

	if (ev->len == 0)
		return;
	if (c->timing != NULL)
		fprintf(c->timing, "%ld %zu\n", ms_since(&started), ev->len);
	if (ev->type == PROTO_STDERR) {
		fwrite(ev->data, 1, ev->len, stderr);
		return;
	}
	if (!quiet)
		fwrite(ev->data, 1, ev->len, stdout);
	if (expect_text == NULL)
		return;
	n = ev->len < MATCH_MAX - c->matchlen ? ev->len :
	    MATCH_MAX - c->matchlen;
	memcpy(c->match + c->matchlen, ev->data, n);
	c->matchlen += n;
	c->match[c->matchlen] = '\0';
}

/* Handle what came in; 1 once END_REQUEST has arrived. */
static int
conversation_input(struct conversation *c, const uint8_t *buf, size_t len)
{
	struct proto_event	 ev;
	size_t			 used = 0;

	while (used < len) {
		used += proto_feed(&c->parser, buf + used, len - used, &ev);
		switch (ev.type) {
		case PROTO_STDOUT:
		case PROTO_STDERR:
			conversation_output(c, &ev);
			break;
		case PROTO_END:
			c->res->ended = 1;
			c->res->app_status = ev.app_status;
			c->res->protocol_status = ev.protocol_status;
			return 1;
		case PROTO_ERROR:
			snprintf(c->res->why, sizeof(c->res->why),
			    "bad response: %s", proto_strerror(ev.error));
			return -1;
		default:
			break;
		}
	}
	return 0;
}

static void
conversation_abort(struct conversation *c)
{
	uint8_t	 rec[FCGI_HEADER_LEN];

	if (c->aborted || !c->stdin_done || c->outlen > 0 ||
	    ms_since(&c->sent) < abort_ms)
		return;
	proto_record(rec, FCGI_ABORT_REQUEST, request_id, NULL, 0);
	if (write_all(c->fd, rec, sizeof(rec)) == 0)
		c->aborted = 1;
}

/* Send one request on fd and read its response, both at once. */
static void
conversation(int fd, int keep, struct result *res)
{
	static struct conversation	 c;
	uint8_t				 in[CHUNK];
	struct pollfd			 pfd;
	ssize_t				 n;
	int				 done = 0;

	memset(&c, 0, sizeof(c));
	c.fd = fd;
	c.res = res;
	c.body = -1;
	if (expect_text != NULL && (c.match = malloc(MATCH_MAX + 1)) == NULL)
		err(1, NULL);
	if (timing_path != NULL && (c.timing = fopen(timing_path, "w")) == NULL)
		err(1, "%s", timing_path);
	if (body_path != NULL && (c.body = strcmp(body_path, "-") == 0 ?
	    dup(STDIN_FILENO) : open(body_path, O_RDONLY)) == -1)
		err(1, "%s", body_path);
	proto_init(&c.parser, PROTO_WEB);
	proto_expect(&c.parser, request_id);
	c.outlen = request_head(c.out, sizeof(c.out), keep);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (!done) {
		conversation_fill(&c);
		if (abort_ms >= 0)
			conversation_abort(&c);
		pfd.fd = fd;
		pfd.events = POLLIN | (c.outlen > 0 ? POLLOUT : 0);
		if (poll(&pfd, 1, stall_ms > 0 || abort_ms >= 0 ? 10 :
		    ms_left()) <= 0) {
			ms_left();
			continue;
		}
		if ((pfd.revents & POLLOUT) && c.outlen > 0) {
			if ((n = write(fd, c.out, c.outlen)) > 0) {
				memmove(c.out, c.out + n, c.outlen - n);
				c.outlen -= (size_t)n;
			} else if (errno != EAGAIN)
				c.stdin_done = 1, c.outlen = 0;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		if ((n = read(fd, in, sizeof(in))) == 0 ||
		    (n == -1 && errno != EAGAIN)) {
			snprintf(res->why, sizeof(res->why),
			    "connection closed before FCGI_END_REQUEST");
			break;
		}
		if (n > 0)
			done = conversation_input(&c, in, (size_t)n) != 0;
	}
	fcntl(fd, F_SETFL, 0);
	if (c.match != NULL)
		res->matched = strstr(c.match, expect_text) != NULL;
	free(c.match);
	if (c.timing != NULL)
		fclose(c.timing);
	if (c.body != -1)
		close(c.body);
}

static int
result_ok(struct result *res)
{
	if (!res->ended) {
		if (res->why[0] == '\0')
			snprintf(res->why, sizeof(res->why), "no response");
		return 0;
	}
	if (res->protocol_status != FCGI_REQUEST_COMPLETE) {
		snprintf(res->why, sizeof(res->why), "protocol_status %d",
		    res->protocol_status);
		return 0;
	}
	if (expect_text != NULL && !res->matched) {
		snprintf(res->why, sizeof(res->why), "body lacks \"%s\"",
		    expect_text);
		return 0;
	}
	return 1;
}

static void
write_status(const struct result *res)
{
	FILE	*f;

	if (status_path == NULL)
		return;
	if ((f = fopen(status_path, "w")) == NULL)
		err(1, "%s", status_path);
	if (res->ended)
		fprintf(f, "app_status=%u protocol_status=%d\n",
		    res->app_status, res->protocol_status);
	else
		fprintf(f, "no end: %s\n", res->why);
	fclose(f);
}

/* Send count requests; returns how many failed. */
static int
requests(int count)
{
	struct result	 res;
	int		 i, fd = -1, failed = 0;

	for (i = 0; i < count; i++) {
		memset(&res, 0, sizeof(res));
		clock_gettime(CLOCK_MONOTONIC, &started);
		if (fd == -1 && (fd = connect_to()) == -1)
			snprintf(res.why, sizeof(res.why), "connect %s: %s",
			    address, strerror(errno));
		else
			conversation(fd, keep_conn, &res);
		write_status(&res);
		if (!result_ok(&res)) {
			if (failed++ < 5)
				fprintf(stderr, "fcgi-client: request %d: "
				    "%s\n", i + 1, res.why);
			if (fd != -1)
				close(fd);
			fd = -1;
		} else if (!keep_conn) {
			close(fd);
			fd = -1;
		}
	}
	if (fd != -1)
		close(fd);
	return failed;
}

/* -c: procs processes of count requests each; prints a summary. */
static int
load(int procs, int count)
{
	pid_t	 pid;
	int	 i, st, failed = 0, crashed = 0;

	for (i = 0; i < procs; i++) {
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			failed = requests(count);
			_exit(failed > 255 ? 255 : failed);
		}
	}
	while ((pid = wait(&st)) > 0) {
		if (WIFEXITED(st) && WEXITSTATUS(st) < 255)
			failed += WEXITSTATUS(st);
		else
			crashed++;
	}
	printf("%d requests: %d ok, %d failed%s\n", procs * count,
	    procs * count - failed - crashed * count, failed,
	    crashed ? ", some clients died" : "");
	return failed == 0 && crashed == 0 ? 0 : 1;
}

/*
 * -r: send raw bytes, then describe every record that comes back, and
 * whether the server closed the connection or left it open (silent for
 * a second).
 */
static int
raw(const char *path)
{
	uint8_t		 buf[CHUNK], *in;
	size_t		 len = 0, off, clen, max = 16 * 1024 * 1024;
	ssize_t		 n;
	int		 fd, src, closed = 0;
	struct pollfd	 pfd;

	if ((src = strcmp(path, "-") == 0 ? STDIN_FILENO :
	    open(path, O_RDONLY)) == -1)
		err(1, "%s", path);
	if ((fd = connect_to()) == -1)
		err(1, "connect %s", address);
	/* No shutdown(SHUT_WR): to fpmd, as to any FastCGI application,
	 * a web server that stops sending has gone. */
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write_all(fd, buf, (size_t)n) == -1)
			break;
	if ((in = malloc(max)) == NULL)
		err(1, NULL);
	while (len < max) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		/* Replies come at once; -w waits longer, to be closed. */
		if (poll(&pfd, 1, stall_ms > 0 ? (int)stall_ms : 1000) <= 0)
			break;
		if ((n = read(fd, in + len, max - len)) <= 0) {
			closed = 1;
			break;
		}
		len += (size_t)n;
	}
	for (off = 0; off + FCGI_HEADER_LEN <= len;
	    off += FCGI_HEADER_LEN + clen + in[off + 6]) {
		clen = (size_t)in[off + 4] << 8 | in[off + 5];
		printf("type %d id %d length %zu", in[off + 1],
		    in[off + 2] << 8 | in[off + 3], clen);
		if (in[off + 1] == FCGI_END_REQUEST && clen == 8)
			printf(" app_status %u protocol_status %d",
			    (unsigned int)in[off + 8] << 24 | in[off + 9] << 16 |
			    in[off + 10] << 8 | in[off + 11], in[off + 12]);
		if (in[off + 1] == FCGI_UNKNOWN_TYPE && clen == 8)
			printf(" unknown %d", in[off + 8]);
		if (in[off + 1] == FCGI_GET_VALUES_RESULT ||
		    in[off + 1] == FCGI_STDOUT)
			printf(" \"%.*s\"", (int)clen, in + off + 8);
		printf("\n");
	}
	printf("%s\n", closed ? "closed" : "still open");
	free(in);
	close(fd);
	return 0;
}

/* -V: ask for the three FastCGI variables and print the answer. */
static int
values(void)
{
	static const char *const names[] = {
		FCGI_MAX_CONNS, FCGI_MAX_REQS, FCGI_MPXS_CONNS
	};
	uint8_t		 q[128], rec[256], in[1024];
	struct proto_parser p;
	struct proto_event ev;
	struct proto_nv	 nv;
	size_t		 qlen = 0, off, used;
	ssize_t		 n;
	int		 fd, i;

	for (i = 0; i < 3; i++)
		qlen += proto_nv_put(q + qlen, sizeof(q) - qlen, names[i],
		    strlen(names[i]), "", 0);
	if ((fd = connect_to()) == -1)
		err(1, "connect %s", address);
	if (write_all(fd, rec, proto_record(rec, FCGI_GET_VALUES, 0, q,
	    qlen)) == -1)
		err(1, "write");
	proto_init(&p, PROTO_WEB);
	while ((n = read(fd, in, sizeof(in))) > 0) {
		for (used = 0; used < (size_t)n; ) {
			used += proto_feed(&p, in + used, (size_t)n - used, &ev);
			if (ev.type == PROTO_ERROR)
				errx(1, "bad reply: %s",
				    proto_strerror(ev.error));
			if (ev.type != PROTO_VALUES)
				continue;
			for (off = 0; proto_nv_next(ev.data, ev.len, &off,
			    &nv) == 1; )
				printf("%.*s=%.*s\n", (int)nv.nlen, nv.name,
				    (int)nv.vlen, nv.value);
			close(fd);
			return 0;
		}
	}
	errx(1, "no FCGI_GET_VALUES_RESULT");
}

/* -L: a port the kernel picks on 127.0.0.1, closed again at once. */
static int
free_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "free port");
	printf("%d\n", ntohs(sin.sin_port));
	close(fd);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char	*raw_path = NULL;
	long		 seconds = 30;
	int		 ch, count = 1, procs = 0, get_values = 0, failed;

	if (argc == 2 && strcmp(argv[1], "-L") == 0)
		return free_port();
	while ((ch = getopt(argc, argv, "A:b:c:e:i:kn:p:qR:r:S:T:t:Vw:")) !=
	    -1) {
		switch (ch) {
		case 'A':
			abort_ms = strtol(optarg, NULL, 10);
			break;
		case 'b':
			body_path = optarg;
			break;
		case 'c':
			procs = (int)strtol(optarg, NULL, 10);
			break;
		case 'e':
			expect_text = optarg;
			break;
		case 'i':
			request_id = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'k':
			keep_conn = 1;
			break;
		case 'n':
			count = (int)strtol(optarg, NULL, 10);
			break;
		case 'p':
			if (nparams == MAXPARAMS)
				errx(2, "too many -p");
			params[nparams++] = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'R':
			role = (int)strtol(optarg, NULL, 10);
			break;
		case 'r':
			raw_path = optarg;
			break;
		case 'S':
			status_path = optarg;
			break;
		case 'T':
			timing_path = optarg;
			break;
		case 't':
			seconds = strtol(optarg, NULL, 10);
			break;
		case 'V':
			get_values = 1;
			break;
		case 'w':
			stall_ms = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || count < 1 || seconds < 1)
		usage();
	address = argv[optind];
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += seconds;
	clock_gettime(CLOCK_MONOTONIC, &started);
	if (raw_path != NULL)
		return raw(raw_path);
	if (get_values)
		return values();
	if (procs > 0)
		return load(procs, count);
	failed = requests(count);
	fflush(stdout);
	return failed == 0 ? 0 : 1;
}
