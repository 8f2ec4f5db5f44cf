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
 * Running one CGI program for one FastCGI request (RFC 3875).
 *
 * The program is SCRIPT_FILENAME, or DOCUMENT_ROOT + SCRIPT_NAME; when
 * that does not exist but a leading part of it is a file, that part
 * runs and the rest is PATH_INFO.  It must resolve inside cgi.root and
 * end in one of security.limit_extensions when they are set.  Errors
 * are HTTP statuses: 404 no such script, 403 not a runnable file or
 * outside cgi.root, 502 exec failure or no output, 504 a timeout
 * before any output.
 *
 * The program's environment is the pool's env[] (and fpmd's own with
 * clear_env = no) and those of the request's params that an allow-list
 * lets in, so that no request can set LD_PRELOAD, PATH or HTTP_PROXY
 * for it.  It starts as child.c starts a worker's child, in its own
 * process group, here with its directory as cwd and pipes as stdout
 * and stderr; every other fd is close-on-exec.  It is started with
 * posix_spawn (no page tables copied) where libc can set its directory
 * (posix_spawn_file_actions_addchdir_np), with fork and exec
 * elsewhere.
 *
 * The whole request body is received before the program starts:
 * nginx sends no more of a body once it has a response header, so a
 * program that writes before it reads would wait for the rest until a
 * timeout.  Up to 64 KiB stays in memory and reaches the program
 * through a pipe; a larger body goes to a nameless file, which is its
 * stdin; without a body, stdin is /dev/null.  The file is anonymous
 * where the system has such a file (memfd_create(2) on Linux,
 * shm_open(SHM_ANON) on FreeBSD), which needs no directory and so works
 * in any chroot and on a read-only root; otherwise, or when the pool
 * names cgi.body_temp_dir, it is made in that directory (inside the
 * chroot) and unlinked at once: O_TMPFILE where Linux has it,
 * mkstemp(3) elsewhere.  One poll loop
 * then writes what is in memory and moves the output out, a record at
 * a time, once cgiheader.c has passed its header block (anything else
 * gets fpmd's own 502), so memory stays bounded and neither side can
 * deadlock the other.  When the request ends for any reason (exit,
 * abort, hang-up, timeout, worker shutdown) the whole group is killed
 * and the program reaped, in that order (child.c): SIGCHLD only says,
 * through a self-pipe, that the program exited, and its zombie keeps
 * the group's id while the group is killed, so the kill never reaches
 * a stranger.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpmd.h"
#include "worker.h"
#include "log.h"
#include "cgiheader.h"
#include "script.h"

/*
 * A program whose output has closed and that has not exited in this
 * long runs on after its response.
 */
#define CGI_FINISH_GRACE_MS	200
#define CGI_BODY_MEM_BYTES	(64 * 1024)	/* larger bodies: a file */
#define CGI_HEADER_MAX		(16 * 1024)
#define CGI_LOG_BYTES		64	/* of bad output, in a log line */
#define CGI_SPOOL_DIR		"/tmp"	/* without cgi.body_temp_dir */

static char			 root[PATH_MAX];	/* cgi.root, resolved */
static volatile int64_t		*dropped_said_ns; /* the pool's, shared */
static uint8_t			 body_mem[CGI_BODY_MEM_BYTES];

struct cgi {
	struct conn	*c;
	struct script	 s;			/* the program */
	pid_t		 pid;
	struct rusage	 ru;			/* its usage, once reaped */
	int		 reaped;
	int		 http_status;		/* what was answered */
	int		 in, out, err;		/* pipes; -1 when closed */
	int		 spool;			/* the body's file, or -1 */
	uint64_t	 body_bytes;		/* received */
	char		 length[24];		/* a CONTENT_LENGTH, or "" */
	const uint8_t	*body;			/* in memory, not yet written */
	size_t		 bodylen;
	struct cgiheader hdr;			/* the output's header block */
	size_t		 hdrlen;
	int		 hdr_done;
	int		 bad;			/* its output was refused */
	size_t		 recoff, reclen;
	uint64_t	 sent;			/* stdout bytes forwarded */
	int		 status;
	int		 aborted;
	int		 timed_out;
	int		 finished;		/* responded; it runs on */
	int64_t		 stall_ns;		/* last I/O progress */
	/* last, as they are not cleared for each request: */
	char		 hdrbuf[CGI_HEADER_MAX];
	uint8_t		 rec[PROTO_RECORD_MAX];
};

/*
 * Once per worker, before chroot: what its programs need of child.c.
 * cgi.root is resolved on first use, inside the chroot.
 */
void
cgi_init(const struct pool_conf *pc, volatile int64_t *said_ns)
{
	child_init(pc);
	root[0] = '\0';
	dropped_said_ns = said_ns;
}

static int
cgi_root(const struct pool_conf *pc)
{
	if (pc->cgi_root == NULL || root[0] != '\0')
		return 0;
	if (realpath(pc->cgi_root, root) == NULL) {
		log_error("pool %s: cgi.root %s", pc->name, pc->cgi_root);
		return -1;
	}
	return 0;
}

/* A response of fpmd's own: an HTTP status and a one-line body. */
static void
cgi_error(struct cgi *g, const char *status)
{
	g->http_status = (int)strtol(status, NULL, 10);
	conn_status(g->c, status);
}

/* A param, or NULL where the web server sent none or one too long. */
static const char *
cgi_param(struct cgi *g, const char *name, char *buf, size_t len)
{
	return conn_param(g->c, name, buf, len) ? buf : NULL;
}

/*
 * Which program runs (script.c): NULL, or the HTTP status that answers
 * instead, said in the log with the peer.
 */
static const char *
cgi_resolve(struct cgi *g)
{
	const struct pool_conf	*pc = g->c->pc;
	struct script_names	 n;
	char			 file[PATH_MAX], docroot[PATH_MAX];
	char			 name[PATH_MAX];
	const char		*peer = g->c->peer;

	n.filename = cgi_param(g, "SCRIPT_FILENAME", file, sizeof(file));
	n.docroot = cgi_param(g, "DOCUMENT_ROOT", docroot, sizeof(docroot));
	n.name = cgi_param(g, "SCRIPT_NAME", name, sizeof(name));
	switch (script_resolve(&g->s, &n, pc->extensions, pc->nextensions,
	    pc->cgi_root != NULL ? root : NULL)) {
	case SCRIPT_OK:
		return NULL;
	case SCRIPT_UNNAMED:
		log_warnx("pool %s: %s: no SCRIPT_FILENAME, or DOCUMENT_ROOT "
		    "and SCRIPT_NAME", pc->name, peer);
		return "404 Not Found";
	case SCRIPT_MISSING:
		log_warnx("pool %s: %s: no script %s", pc->name, peer,
		    g->s.named);
		return "404 Not Found";
	case SCRIPT_UNREAL:
		log_warn("pool %s: %s: realpath %s", pc->name, peer,
		    g->s.named);
		return "404 Not Found";
	case SCRIPT_OUTSIDE:
		log_warnx("pool %s: %s: %s is outside cgi.root %s", pc->name,
		    peer, g->s.path, pc->cgi_root);
		return "403 Forbidden";
	default:
		log_warnx("pool %s: %s: %s is not an executable file%s",
		    pc->name, peer, g->s.path, pc->nextensions > 0 ?
		    " with an allowed extension" : "");
		return "403 Forbidden";
	}
}

/*
 * The params a request may turn into a CGI program's environment, as
 * Apache's suexec keeps them: RFC 3875's meta-variables, the HTTP_*
 * headers, and what nginx's fastcgi_params, lighttpd and Apache's
 * mod_proxy_fcgi send besides.  A name ending in '*' stands for every
 * name it begins.  Not SSL_*, which suexec allows, as OpenSSL reads
 * SSL_CERT_FILE and SSL_CERT_DIR; nor TZ, which can name a file for
 * libc to parse.  cgi.allowed_params adds to it; fpmd.conf.5 has it.
 */
static const char *const cgi_allowed[] = {
	"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE",
	"PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",
	"REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
	"SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
	"SERVER_SOFTWARE",
	"HTTP_*",
	"CONTEXT_DOCUMENT_ROOT", "CONTEXT_PREFIX", "DOCUMENT_ROOT",
	"DOCUMENT_URI", "HTTPS", "REDIRECT_ERROR_NOTES", "REDIRECT_HANDLER",
	"REDIRECT_QUERY_STRING", "REDIRECT_REMOTE_USER",
	"REDIRECT_SCRIPT_FILENAME", "REDIRECT_STATUS", "REDIRECT_URI",
	"REDIRECT_URL", "REMOTE_PORT", "REQUEST_SCHEME", "REQUEST_URI",
	"SCRIPT_FILENAME", "SCRIPT_URI", "SCRIPT_URL", "SERVER_ADDR",
	"SERVER_ADMIN", "SERVER_SIGNATURE", "UNIQUE_ID"
};

/* The Proxy: header, which HTTP clients take for their proxy (httpoxy). */
#define CGI_HTTPOXY		"HTTP_PROXY"
/* How often a worker says which params it dropped, at most. */
#define CGI_DROPPED_LOG_MS	(60 * 1000)
#define CGI_DROPPED_MAX		256	/* bytes of their names in a line */

/* Does a name, or a prefix ending in '*', match a param's name? */
static int
cgi_name_matches(const char *pattern, const uint8_t *name, size_t nlen)
{
	size_t	 plen;

	plen = strlen(pattern);
	if (plen > 0 && pattern[plen - 1] == '*')
		return nlen >= plen - 1 && memcmp(pattern, name, plen - 1) == 0;
	return nlen == plen && memcmp(pattern, name, plen) == 0;
}

/* Does one of n names or prefixes match a param's name? */
static int
cgi_names_match(const char *const *patterns, size_t n, const uint8_t *name,
    size_t nlen)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (cgi_name_matches(patterns[i], name, nlen))
			return 1;
	return 0;
}

/*
 * May a request's param of this name reach the program's environment?
 * HTTP_PROXY only where cgi.allowed_params names it whole, not by a
 * prefix such as HTTP_*.
 */
static int
cgi_param_allowed(const struct pool_conf *pc, const uint8_t *name,
    size_t nlen)
{
	size_t	 i;

	if (cgi_name_matches(CGI_HTTPOXY, name, nlen)) {
		for (i = 0; i < pc->nallowed_params; i++)
			if (strcmp(pc->allowed_params[i], CGI_HTTPOXY) == 0)
				return 1;
		return 0;
	}
	return cgi_names_match(cgi_allowed, sizeof(cgi_allowed) /
	    sizeof(cgi_allowed[0]), name, nlen) ||
	    cgi_names_match((const char *const *)pc->allowed_params,
	    pc->nallowed_params, name, nlen);
}

/* A param's name, up to a NUL, at the end of the list of those dropped. */
static void
cgi_dropped_add(char *list, size_t size, const struct proto_nv *nv)
{
	const uint8_t	*nul;
	size_t		 len;

	nul = memchr(nv->name, '\0', nv->nlen);
	len = strlen(list);
	snprintf(list + len, size - len, "%s%.*s", len > 0 ? " " : "",
	    (int)(nul != NULL ? (size_t)(nul - nv->name) : nv->nlen),
	    (const char *)nv->name);
}

/*
 * Say which params a request had dropped, at most once a minute for
 * the whole pool: a web server that sends one for every request must
 * not fill the log.  The time it was last said is in the scoreboard,
 * which every worker of the pool maps; two workers that say it at once
 * say it twice, and no harm done.
 */
static void
cgi_dropped_log(const struct conn *c, const char *list)
{
	int64_t		 now_ns, said_ns;

	now_ns = ev_now();
	said_ns = *dropped_said_ns;
	if (list[0] == '\0' || (said_ns != 0 &&
	    now_ns - said_ns < ev_ms_to_ns(CGI_DROPPED_LOG_MS)))
		return;
	*dropped_said_ns = now_ns;
	log_warnx("pool %s: %s: dropped params that may not enter a CGI "
	    "program's environment: %s (said at most once a minute)",
	    c->pc->name, c->peer, list);
}

/*
 * The request's params that may enter the environment, in env; every
 * other one is named in dropped, unless env has its name already from
 * env[] or fpmd (as Apache's PATH with env[PATH]).  A name or value
 * with '=' or NUL in it cannot be one at all.
 */
static void
cgi_env_params(struct conn *c, struct child_env *env, char *dropped,
    size_t size)
{
	struct proto_nv		 nv;
	size_t			 off = 0;

	while (proto_param_next(&c->parser, &off, &nv) == 1) {
		if (nv.nlen == 0 || memchr(nv.name, '=', nv.nlen) != NULL ||
		    memchr(nv.name, '\0', nv.nlen) != NULL ||
		    memchr(nv.value, '\0', nv.vlen) != NULL)
			cgi_dropped_add(dropped, size, &nv);
		else if (cgi_param_allowed(c->pc, nv.name, nv.nlen))
			child_env_set(env, (const char *)nv.name, nv.nlen,
			    (const char *)nv.value, nv.vlen);
		else if (!child_env_has(env, (const char *)nv.name, nv.nlen))
			cgi_dropped_add(dropped, size, &nv);
	}
}

/*
 * The program's environment (child.c), most binding first: what the
 * split of the path decided, the pool's env[], the request's params
 * that the allow-list lets in, then fpmd's own and a PATH.
 */
static void
cgi_env(struct cgi *g, struct child_env *env)
{
	struct conn	*c = g->c;
	char		 dropped[CGI_DROPPED_MAX] = "";

	child_env_set(env, "SCRIPT_FILENAME", 15, g->s.path,
	    strlen(g->s.path));
	if (g->length[0] != '\0')
		child_env_set(env, "CONTENT_LENGTH", 14, g->length,
		    strlen(g->length));
	if (g->s.split) {
		child_env_set(env, "PATH_INFO", 9, g->s.info,
		    strlen(g->s.info));
		child_env_set(env, "SCRIPT_NAME", 11, g->s.name,
		    strlen(g->s.name));
	}
	child_env_conf(env, c->pc);
	cgi_env_params(c, env, dropped, sizeof(dropped));
	cgi_dropped_log(c, dropped);
	child_env_inherit(env, c->pc);
}

static void
cgi_close(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/*
 * The program's standard input: /dev/null without a body, the spool
 * file rewound, or a pipe that the loop fills from memory.
 */
static int
cgi_stdin(struct cgi *g, int *fd)
{
	int	 p[2];

	if (g->body_bytes == 0) {
		*fd = child_null();
		return 0;
	}
	if (g->spool != -1) {
		*fd = g->spool;
		return lseek(g->spool, 0, SEEK_SET) == -1 ? -1 : 0;
	}
	if (ev_pipe(p) == -1)
		return -1;
	if (ev_nonblock(p[1], 1) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	*fd = p[0];
	g->in = p[1];
	g->body = body_mem;
	g->bodylen = g->body_bytes;
	return 0;
}

/* A pipe for the program's output: our end non-blocking, its not. */
static int
cgi_output_pipe(int *ours, int *theirs)
{
	int	 p[2];

	if (ev_pipe(p) == -1)
		return -1;
	if (ev_nonblock(p[0], 1) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	*ours = p[0];
	*theirs = p[1];
	return 0;
}

/* Start the program, its output and errors on pipes. */
static int
cgi_spawn(struct cgi *g)
{
	struct child_spec	 cs;
	struct child_env	 env = { NULL, 0 };
	char			*argv[2] = { g->s.path, NULL };
	int			 e;

	memset(&cs, 0, sizeof(cs));
	cs.fds[0] = cs.fds[1] = cs.fds[2] = -1;
	if (cgi_stdin(g, &cs.fds[0]) == 0 &&
	    cgi_output_pipe(&g->out, &cs.fds[1]) == 0 &&
	    cgi_output_pipe(&g->err, &cs.fds[2]) == 0) {
		cgi_env(g, &env);
		cs.path = g->s.path;
		cs.argv = argv;
		cs.env = env.vars;
		cs.dir = g->s.dir;
		g->pid = child_spawn(&cs);
		child_env_free(&env);
	}
	e = errno;
	if (cs.fds[0] != -1 && cs.fds[0] != child_null() &&
	    cs.fds[0] != g->spool)
		close(cs.fds[0]);
	if (cs.fds[1] != -1)
		close(cs.fds[1]);
	if (cs.fds[2] != -1)
		close(cs.fds[2]);
	if (g->pid <= 0) {
		g->pid = 0;
		cgi_close(&g->in);
		cgi_close(&g->out);
		cgi_close(&g->err);
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * The request is over: nothing of the program's group survives it
 * (child_reap()), and what it wrote on stderr last, without a newline,
 * is logged all the same.
 */
static void
cgi_reap(struct cgi *g)
{
	g->reaped = child_reap(&g->status, &g->ru) == 0;
	child_output_end();
	cgi_close(&g->in);
	cgi_close(&g->out);
	cgi_close(&g->err);
}

/*
 * Stop the program early, saying why unless why is NULL: TERM to its
 * group, a grace, then cgi_reap()'s KILL.
 */
static void
cgi_kill(struct cgi *g, const char *why)
{
	if (why != NULL)
		log_warnx("pool %s: %s: %s; killing %s (pid %d)",
		    g->c->pc->name, g->c->peer, why, g->s.path, (int)g->pid);
	child_stop(SIGTERM);
	g->aborted = 1;
}

/*
 * The program's output is refused: kill it, answer 502 (cgi_respond),
 * and say in one line what was wrong, and where, in its own bytes.
 */
static void
cgi_refuse(struct cgi *g, const char *why, size_t at)
{
	size_t	 n = g->hdrlen - at;

	log_warnx("pool %s: %s: %s (pid %d): %s at byte %zu of its output: "
	    "\"%.*s\"; answering 502", g->c->pc->name, g->c->peer, g->s.path,
	    (int)g->pid, why, at, (int)(n < CGI_LOG_BYTES ? n : CGI_LOG_BYTES),
	    g->hdrbuf + at);
	g->bad = 1;
	cgi_kill(g, NULL);
}

/*
 * The header block is whole and good: it goes out unchanged, with what
 * followed it so far, after a Status: 302 when it names a Location: and
 * no Status:, as servers do for CGI (RFC 3875 section 6.2.3).
 */
static void
cgi_send_header(struct cgi *g)
{
	static const char	 redirect[] = "Status: 302 Found\r\n";
	uint8_t			*p = g->rec + FCGI_HEADER_LEN;
	size_t			 n = 0;

	if (g->hdr.location && g->hdr.status == 0) {
		memcpy(p, redirect, sizeof(redirect) - 1);
		n = sizeof(redirect) - 1;
	}
	memcpy(p + n, g->hdrbuf, g->hdrlen);
	n += g->hdrlen;
	g->reclen = proto_record(g->rec, FCGI_STDOUT, g->c->id, p, n);
	g->recoff = 0;
	g->sent += n;
	g->hdr_done = 1;
	g->http_status = g->hdr.status != 0 ? g->hdr.status :
	    g->hdr.location ? 302 : 200;
}

/* Read the program's output until its header block is whole. */
static void
cgi_read_header(struct cgi *g)
{
	ssize_t	 n;

	n = read(g->out, g->hdrbuf + g->hdrlen, sizeof(g->hdrbuf) - g->hdrlen);
	if (n > 0) {
		g->hdrlen += (size_t)n;
		switch (cgiheader_parse(&g->hdr, g->hdrbuf, g->hdrlen,
		    sizeof(g->hdrbuf))) {
		case CGIHEADER_OK:
			cgi_send_header(g);
			break;
		case CGIHEADER_BAD:
			cgi_refuse(g, g->hdr.error, g->hdr.error_at);
			break;
		}
		return;
	}
	if (n == 0 || (n == -1 && ((errno != EAGAIN && errno != EINTR) ||
	    child_exited()))) {
		if (g->hdrlen > 0)
			cgi_refuse(g, "no blank line after the header block",
			    g->hdr.off);
		cgi_close(&g->out);
	}
}

/* Read the program's stdout or stderr into the next record. */
static void
cgi_read_output(struct cgi *g, int *fd, int type)
{
	char	 buf[512];
	ssize_t	 n;

	if (type == FCGI_STDERR && g->c->pc->catch_output) {
		if ((n = read(*fd, buf, sizeof(buf))) > 0)
			child_output(buf, (size_t)n);
	} else if ((n = read(*fd, g->rec + FCGI_HEADER_LEN,
	    PROTO_CHUNK_MAX)) > 0) {
		g->reclen = proto_record(g->rec, type, g->c->id,
		    g->rec + FCGI_HEADER_LEN, (size_t)n);
		g->recoff = 0;
		if (type == FCGI_STDOUT)
			g->sent += (uint64_t)n;
	}
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR) ||
	    (n == -1 && child_exited())) {
		if (type == FCGI_STDERR)
			child_output_end();
		cgi_close(fd);
	}
}

static void
cgi_write_record(struct cgi *g)
{
	ssize_t	 n;

	n = write(g->c->fd, g->rec + g->recoff, g->reclen - g->recoff);
	if (n > 0) {
		g->recoff += (size_t)n;
		g->stall_ns = ev_now();
		if (g->recoff == g->reclen)
			g->recoff = g->reclen = 0;
	} else if (n == -1 && errno != EAGAIN && errno != EINTR) {
		g->c->failed = 1;
		g->c->eof = 1;
		cgi_kill(g, "the web server hung up");
	}
}

/* Feed a body kept in memory to the program, as it reads. */
static void
cgi_write_stdin(struct cgi *g)
{
	ssize_t	 n;

	if ((n = write(g->in, g->body, g->bodylen)) > 0) {
		g->body += n;
		g->bodylen -= (size_t)n;
	} else if (n == -1 && errno != EAGAIN && errno != EINTR)
		g->bodylen = 0;		/* it closed stdin: drop the rest */
	if (g->bodylen > 0)
		return;
	g->body = NULL;
	cgi_close(&g->in);
}

/*
 * Take what the web server sent while the program runs: its body is
 * whole already, so only an abort, or records conn.c answers itself.
 */
static void
cgi_input(struct cgi *g)
{
	struct proto_event	 ev;
	int			 r;

	while (g->recoff == 0 && !g->aborted &&
	    (r = conn_event(g->c, &ev)) != 0) {
		if (r == -1) {
			cgi_kill(g, "protocol error");
			return;
		}
		if (ev.type == PROTO_ABORT) {
			cgi_kill(g, "the web server aborted the request");
			return;
		}
	}
}

static void
cgi_hung_up(struct cgi *g)
{
	g->c->eof = 1;
	g->c->failed = 1;
	cgi_kill(g, "the web server hung up");
}

static void
cgi_read_conn(struct cgi *g)
{
	int	 n;

	if ((n = conn_read(g->c)) == 0 ||
	    (n == -1 && errno != EAGAIN && errno != EINTR)) {
		cgi_hung_up(g);
		return;
	}
	cgi_input(g);
}

static void	cgi_finish(struct cgi *);

/*
 * Time left before a timeout, in ms for poll(); -1 for none.  Once the
 * response is over, request_terminate_timeout applies only with
 * request_terminate_timeout_track_finished, and the request is no
 * longer one to call slow, as in php-fpm.
 */
static int
cgi_timeout(struct cgi *g)
{
	struct conn	*c = g->c;
	int64_t		 now_ns = ev_now(), left_ns = -1, t_ns;

	if (c->pc->terminate_timeout_ms > 0 &&
	    (!g->finished || c->pc->terminate_track_finished)) {
		left_ns = c->req_start_ns +
		    ev_ms_to_ns(c->pc->terminate_timeout_ms) - now_ns;
		if (left_ns <= 0) {
			cgi_kill(g, "request_terminate_timeout reached");
			g->timed_out = 1;
			return 0;
		}
	}
	if (!g->finished && (t_ns = slowlog_check(c, g->pid, NULL)) > 0 &&
	    (left_ns == -1 || t_ns < left_ns))
		left_ns = t_ns;
	/* Waiting for the web server to take output. */
	if (g->reclen > 0) {
		t_ns = g->stall_ns + c->timeout_ns - now_ns;
		if (t_ns <= 0) {
			c->failed = 1;
			cgi_kill(g, "the web server stalled");
			return 0;
		}
		if (left_ns == -1 || t_ns < left_ns)
			left_ns = t_ns;
	}
	return left_ns == -1 ? -1 : ev_ns_to_ms(left_ns);
}

/* Move data until the program is done, or the request is killed. */
static void
cgi_loop(struct cgi *g)
{
	struct conn	*c = g->c;
	struct pollfd	 pfd[5];
	int		 timeout;

	g->stall_ns = ev_now();
	cgi_input(g);
	while (!g->aborted && (!child_exited() || g->out != -1 ||
	    g->err != -1 || g->reclen > 0)) {
		if (*c->halt) {
			cgi_kill(g, "fpmd is stopping");
			break;
		}
		if (!g->finished && g->out == -1 && g->err == -1 &&
		    g->reclen == 0 && !child_exited())
			cgi_finish(g);
		if ((timeout = cgi_timeout(g)) == 0)
			break;
		/* After the response, the connection waits for the next. */
		pfd[0].fd = g->finished ? -1 : c->fd;
		/* Replies to management records must not split a record. */
		pfd[0].events = (g->recoff == 0 && !c->eof ? POLLIN : 0) |
		    (g->reclen > 0 ? POLLOUT : 0);
		pfd[1].fd = g->body != NULL ? g->in : -1;
		pfd[1].events = POLLOUT;
		pfd[2].fd = g->reclen == 0 ? g->out : -1;
		pfd[2].events = POLLIN;
		pfd[3].fd = g->reclen == 0 ? g->err : -1;
		pfd[3].events = POLLIN;
		/* The program's exit, which child_exited() takes in. */
		pfd[4].fd = child_exit_fd();
		pfd[4].events = POLLIN;
		if (poll(pfd, 5, child_exited() && g->reclen == 0 ? 0 :
		    timeout) == -1) {
			if (errno != EINTR)
				cgi_kill(g, "poll failed");
			continue;
		}
		if (pfd[0].revents & POLLOUT)
			cgi_write_record(g);
		else if (pfd[0].revents & POLLIN)
			cgi_read_conn(g);
		else if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			cgi_hung_up(g);
		if (pfd[1].revents && g->body != NULL)
			cgi_write_stdin(g);
		if (g->reclen == 0 && g->out != -1 &&
		    (pfd[2].revents || child_exited())) {
			if (g->hdr_done)
				cgi_read_output(g, &g->out, FCGI_STDOUT);
			else
				cgi_read_header(g);
		}
		if (g->reclen == 0 && g->err != -1 &&
		    (pfd[3].revents || child_exited()))
			cgi_read_output(g, &g->err, FCGI_STDERR);
	}
}

/* The end of the response, by how the program ended. */
static void
cgi_respond(struct cgi *g)
{
	struct conn	*c = g->c;
	uint32_t	 status = 0;

	if (g->timed_out && g->sent == 0) {
		cgi_error(g, "504 Gateway Timeout");
		return;
	}
	if (g->bad) {
		cgi_error(g, "502 Bad Gateway");
		return;
	}
	if (WIFEXITED(g->status))
		status = WEXITSTATUS(g->status);
	else if (WIFSIGNALED(g->status))
		status = 128 + WTERMSIG(g->status);
	if (g->sent == 0 && !g->aborted) {
		log_warnx("pool %s: %s: %s (pid %d) sent no output (exit "
		    "status %u); answering 502", c->pc->name, c->peer,
		    g->s.path, (int)g->pid, status);
		cgi_error(g, "502 Bad Gateway");
		return;
	}
	if (c->eof || c->failed)
		return;
	if (g->reclen > 0 && conn_write(c, g->rec + g->recoff,
	    g->reclen - g->recoff) == -1)
		return;
	conn_end(c, status, 1);
	if (g->aborted)
		c->failed = 1;
}

static int
cgi_spool_anonymous(void)
{
#if HAVE_MEMFD_CREATE
	return memfd_create("fpmd-body", MFD_CLOEXEC);
#elif defined(SHM_ANON)
	return shm_open(SHM_ANON, O_RDWR | O_CLOEXEC, 0600);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int
cgi_spool_in(const char *dir)
{
	char	 path[1024];
	int	 fd;

#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1 ||
	    (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
#endif
	if ((size_t)snprintf(path, sizeof(path), "%s/fpmd-body.XXXXXXXXXX",
	    dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(path)) == -1)
		return -1;
	unlink(path);
	if (ev_cloexec(fd) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A new, empty, nameless file for a body too large to keep in memory: anonymous unless dir is set,
 * then in dir; -1 with errno if there is none.
 */
static int
cgi_spool_open(const char *dir)
{
	int	 fd;

	if (dir == NULL && (fd = cgi_spool_anonymous()) != -1)
		return fd;
	return cgi_spool_in(dir != NULL ? dir : CGI_SPOOL_DIR);
}

/*
 * The program has closed its output but runs on, as a PHP script does
 * after fastcgi_finish_request().  Unless it exits in a moment, its
 * response ends now, with an appStatus of 0, and the request waits for
 * it as a finished one.
 */
static void
cgi_finish(struct cgi *g)
{
	if (child_wait(CGI_FINISH_GRACE_MS))
		return;
	cgi_respond(g);
	g->finished = 1;
}

/* Write all of buf to the spool file. */
static int
cgi_spool_write(struct cgi *g, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(g->spool, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Keep len more bytes of the body: in memory while it fits, then a file. */
static int
cgi_keep(struct cgi *g, const uint8_t *data, size_t len)
{
	if (g->spool == -1 && g->body_bytes + len <= sizeof(body_mem)) {
		memcpy(body_mem + g->body_bytes, data, len);
		return 0;
	}
	if (g->spool == -1 &&
	    ((g->spool = cgi_spool_open(g->c->pc->body_temp_dir)) == -1 ||
	    cgi_spool_write(g, body_mem, g->body_bytes) == -1))
		return -1;
	return cgi_spool_write(g, data, len);
}

/*
 * CONTENT_LENGTH for the program: the size received, wherever the web
 * server sent none (nginx with fastcgi_request_buffering off and a
 * chunked upload) or another.
 */
static void
cgi_length(struct cgi *g)
{
	char	 said[32];

	conn_param(g->c, "CONTENT_LENGTH", said, sizeof(said));
	if (said[0] == '\0' ? g->body_bytes == 0 :
	    strtoull(said, NULL, 10) == g->body_bytes)
		return;
	if (said[0] != '\0')
		log_warnx("pool %s: %s: CONTENT_LENGTH %s, but the body has "
		    "%llu bytes; the program gets those", g->c->pc->name,
		    g->c->peer, said, (unsigned long long)g->body_bytes);
	snprintf(g->length, sizeof(g->length), "%llu",
	    (unsigned long long)g->body_bytes);
}

/*
 * Receive the whole body before the program starts: nginx stops sending
 * a body once it has a response header, so a program that writes before
 * it has read all of its body would wait forever for the rest.  0 when
 * the body is here; -1 when the connection is done for; 1 with *status
 * to answer instead, the body read and dropped.
 */
static int
cgi_receive(struct cgi *g, const char **status)
{
	const struct pool_conf	*pc = g->c->pc;
	const uint8_t		*data;
	size_t			 len;
	char			 said[32];
	int			 r, over = 0, lost = 0;

	conn_param(g->c, "CONTENT_LENGTH", said, sizeof(said));
	if (pc->max_body_bytes > 0 &&
	    strtoull(said, NULL, 10) > pc->max_body_bytes)
		over = 1;
	while ((r = conn_body(g->c, &data, &len)) == 1) {
		if (over || lost)
			continue;
		if (pc->max_body_bytes > 0 &&
		    g->body_bytes + len > pc->max_body_bytes)
			over = 1;
		else if (cgi_keep(g, data, len) == -1) {
			log_error("pool %s: %s: a file for the body of %s",
			    pc->name, g->c->peer, g->s.path);
			lost = 1;
		} else
			g->body_bytes += len;
	}
	if (r == -1)
		return -1;
	if (over) {
		log_warnx("pool %s: %s: a body over cgi.max_body_size (%zu "
		    "bytes) for %s; answering 413", pc->name, g->c->peer,
		    pc->max_body_bytes, g->s.path);
		*status = "413 Request Entity Too Large";
		return 1;
	}
	if (lost) {
		*status = "500 Internal Server Error";
		return 1;
	}
	cgi_length(g);
	return 0;
}

/* Resolve, receive, run, respond. */
static void
cgi_request(struct cgi *g)
{
	struct conn	*c = g->c;
	const char	*status;
	int		 r;

	if (cgi_root(c->pc) == -1) {
		cgi_error(g, "403 Forbidden");
		return;
	}
	if ((status = cgi_resolve(g)) != NULL) {
		cgi_error(g, status);
		return;
	}
	if ((r = cgi_receive(g, &status)) != 0) {
		if (r == 1)
			cgi_error(g, status);
		return;
	}
	if (cgi_spawn(g) == -1) {
		log_error("pool %s: %s: cannot run %s", c->pc->name, c->peer,
		    g->s.path);
		cgi_error(g, "502 Bad Gateway");
		return;
	}
	cgi_loop(g);
	cgi_reap(g);
	if (!g->finished)
		cgi_respond(g);
}

/* Answer the request on c with a CGI program, and say how in *o. */
void
cgi_run(struct conn *c, struct outcome *o)
{
	static struct cgi	 g;

	memset(&g, 0, offsetof(struct cgi, hdrbuf));
	g.c = c;
	g.in = g.out = g.err = g.spool = -1;
	cgi_request(&g);
	cgi_close(&g.spool);
	outcome_set(o, g.http_status, g.s.script[0] != '\0' ? g.s.script :
	    NULL, g.hdr_done ? g.hdrbuf : NULL, g.hdr.len, g.reaped ? &g.ru :
	    NULL);
}
