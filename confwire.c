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
 * What a worker is told when it starts: its pool's settings and the
 * few global ones it needs, as bytes that cross the exec(2) of a new
 * worker (pool.c writes them, worker.c reads them).  Pure: no I/O, and
 * no allocation but the decoded settings.
 *
 * The bytes are records: a one-byte tag, a four-byte big-endian
 * length, and the value: a string without its NUL, or a number as
 * eight big-endian bytes.  A tag that names a list (env[], the
 * supplementary groups, ...) may repeat and adds one entry each time;
 * any other may appear once.  The first record is the build's
 * identity, and a worker refuses settings from any other build: where
 * the system cannot execute the master's own file, it executes the
 * path the master was started from, which may hold another binary by
 * now.  Every length is checked against what is left, every number
 * against its field's type, and anything unknown or out of place is
 * refused with the reason.
 */

#include "config.h"

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpmd.h"

#define CW_ID_MAX	128

#define CW_HEADER	5	/* tag and length */
#define CW_NUMBER	8
#define CW_ACL		18	/* family, prefix length, address */

enum cw_type {
	CW_STR,		/* char * */
	CW_STRS,	/* char **, with a size_t count */
	CW_INT,		/* int */
	CW_LONG,	/* long */
	CW_I64,		/* int64_t */
	CW_SIZE,	/* size_t */
	CW_RLIM,	/* rlim_t */
	CW_UID,		/* uid_t */
	CW_GID,		/* gid_t */
	CW_GIDS,	/* gid_t *, with an int count */
	CW_ACLS,	/* struct acl *, with a size_t count */
	CW_PM		/* enum pm_style */
};

/* In struct worker_conf, or in the struct pool_conf it points to. */
enum cw_in { CW_W, CW_P };

struct cw_field {
	uint8_t		 tag;
	enum cw_type	 type;
	enum cw_in	 in;
	size_t		 off;
	size_t		 count_off;	/* lists: their length */
	const char	*name;		/* for the reasons */
};

#define W(f)		CW_W, offsetof(struct worker_conf, f), 0, #f
#define P(f)		CW_P, offsetof(struct pool_conf, f), 0, #f
#define PL(f, n)	CW_P, offsetof(struct pool_conf, f), \
			    offsetof(struct pool_conf, n), #f

/* Every setting a worker uses, and no other; tag 1 is the identity. */
static const struct cw_field cw_fields[] = {
	{ 2, CW_STR, W(events) },
	{ 3, CW_INT, W(log_level) },
	{ 4, CW_STR, W(app_id) },
	{ 10, CW_STR, P(name) },
	{ 11, CW_STR, P(listen) },
	{ 12, CW_INT, P(backlog) },
	{ 13, CW_ACLS, PL(acl, nacl) },
	{ 14, CW_STR, P(user) },
	{ 15, CW_UID, P(uid) },
	{ 16, CW_GID, P(gid) },
	{ 17, CW_INT, P(setuser) },
	{ 18, CW_GIDS, PL(groups, ngroups) },
	{ 19, CW_STR, P(chroot) },
	{ 20, CW_STR, P(chdir) },
	{ 21, CW_INT, P(clear_env) },
	{ 22, CW_STRS, PL(env, nenv) },
	{ 23, CW_RLIM, P(rlimit_files) },
	{ 24, CW_RLIM, P(rlimit_core) },
	{ 25, CW_INT, P(set_rlimit_core) },
	{ 26, CW_INT, P(priority) },
	{ 27, CW_INT, P(dumpable) },
	{ 28, CW_PM, P(pm) },
	{ 29, CW_INT, P(max_children) },
	{ 30, CW_LONG, P(max_requests) },
	{ 31, CW_STR, P(status_path) },
	{ 32, CW_STR, P(ping_path) },
	{ 33, CW_STR, P(ping_response) },
	{ 34, CW_I64, P(terminate_timeout_ms) },
	{ 35, CW_INT, P(terminate_track_finished) },
	{ 36, CW_STR, P(access_log) },
	{ 37, CW_STR, P(access_format) },
	{ 38, CW_STRS, PL(suppress_paths, nsuppress_paths) },
	{ 39, CW_I64, P(slowlog_timeout_ms) },
	{ 40, CW_INT, P(slowlog_trace_depth) },
	{ 41, CW_I64, P(read_timeout_ms) },
	{ 42, CW_I64, P(keep_conn_timeout_ms) },
	{ 43, CW_I64, P(begin_timeout_ms) },
	{ 44, CW_SIZE, P(max_params_size) },
	{ 45, CW_SIZE, P(max_params) },
	{ 46, CW_STR, P(exec) },
	{ 47, CW_STR, P(cgi_root) },
	{ 48, CW_SIZE, P(max_body_bytes) },
	{ 49, CW_STR, P(body_temp_dir) },
	{ 50, CW_STRS, PL(extensions, nextensions) },
	{ 51, CW_INT, P(catch_output) },
	{ 52, CW_STRS, PL(allowed_params, nallowed_params) },
	{ 53, CW_STRS, PL(php_args, nphp_args) },
	{ 54, CW_INT, P(decorate_output) },
	{ 55, CW_INT, P(exec_shared) }
};

#define CW_NFIELDS	(sizeof(cw_fields) / sizeof(cw_fields[0]))
#define CW_TAG_ID	1

/*
 * Which build: the version, a hash of the field table and of the
 * structs' layout, so that a binary whose codec differs is told apart
 * even where a reproducible build pins __DATE__ and __TIME__, and the
 * build's time.
 */
static const char *
cw_id(void)
{
	static char	 id[CW_ID_MAX];
	uint32_t	 h = 2166136261U;
	size_t		 i, v[5];
	unsigned int	 j;

	if (id[0] != '\0')
		return id;
	for (i = 0; i < CW_NFIELDS; i++) {
		v[0] = cw_fields[i].tag;
		v[1] = cw_fields[i].type;
		v[2] = cw_fields[i].in;
		v[3] = cw_fields[i].off;
		v[4] = cw_fields[i].count_off;
		for (j = 0; j < sizeof(v) / sizeof(v[0]); j++)
			h = (h ^ (uint32_t)v[j]) * 16777619U;
	}
	h = (h ^ (uint32_t)sizeof(struct pool_conf)) * 16777619U;
	snprintf(id, sizeof(id), "fpmd %s codec %08x built %s %s",
	    FPMD_VERSION, (unsigned int)h, __DATE__, __TIME__);
	return id;
}

struct cw_buf {
	uint8_t		*data;
	size_t		 len;
	size_t		 size;
};

static void *
cw_at(const struct worker_conf *wc, const struct cw_field *f, size_t off)
{
	if (f->in == CW_W)
		return (char *)wc + off;
	return (char *)wc->pc + off;
}

static void
cw_put(struct cw_buf *b, uint8_t tag, const void *value, size_t len)
{
	while (b->size - b->len < CW_HEADER + len) {
		b->size = b->size == 0 ? 1024 : b->size * 2;
		b->data = xreallocarray(b->data, b->size, 1);
	}
	b->data[b->len++] = tag;
	b->data[b->len++] = (uint8_t)(len >> 24);
	b->data[b->len++] = (uint8_t)(len >> 16);
	b->data[b->len++] = (uint8_t)(len >> 8);
	b->data[b->len++] = (uint8_t)len;
	memcpy(b->data + b->len, value, len);
	b->len += len;
}

static void
cw_put_number(struct cw_buf *b, uint8_t tag, uint64_t v)
{
	uint8_t	 n[CW_NUMBER];
	int	 i;

	for (i = CW_NUMBER - 1; i >= 0; i--) {
		n[i] = (uint8_t)v;
		v >>= 8;
	}
	cw_put(b, tag, n, sizeof(n));
}

static void
cw_put_acl(struct cw_buf *b, uint8_t tag, const struct acl *a)
{
	uint8_t	 v[CW_ACL];

	v[0] = a->family == AF_INET6 ? 6 : 4;
	v[1] = (uint8_t)a->bits;
	memcpy(v + 2, a->addr, sizeof(a->addr));
	cw_put(b, tag, v, sizeof(v));
}

/* A list field: its entries, each a record of the same tag. */
static void
cw_put_list(struct cw_buf *b, const struct cw_field *f, void *p,
    const void *count)
{
	size_t	 i, n;

	n = f->type == CW_GIDS ? (size_t)*(const int *)count :
	    *(const size_t *)count;
	for (i = 0; i < n; i++)
		if (f->type == CW_STRS)
			cw_put(b, f->tag, (*(char ***)p)[i],
			    strlen((*(char ***)p)[i]));
		else if (f->type == CW_GIDS)
			cw_put_number(b, f->tag, (*(gid_t **)p)[i]);
		else
			cw_put_acl(b, f->tag, &(*(struct acl **)p)[i]);
}

static void
cw_put_field(struct cw_buf *b, const struct worker_conf *wc,
    const struct cw_field *f)
{
	void	*p = cw_at(wc, f, f->off);

	switch (f->type) {
	case CW_STR:
		if (*(char **)p != NULL)
			cw_put(b, f->tag, *(char **)p, strlen(*(char **)p));
		break;
	case CW_STRS:
	case CW_GIDS:
	case CW_ACLS:
		cw_put_list(b, f, p, cw_at(wc, f, f->count_off));
		break;
	case CW_INT:
	case CW_PM:
		cw_put_number(b, f->tag, (uint64_t)(int64_t)*(int *)p);
		break;
	case CW_LONG:
		cw_put_number(b, f->tag, (uint64_t)(int64_t)*(long *)p);
		break;
	case CW_I64:
		cw_put_number(b, f->tag, (uint64_t)*(int64_t *)p);
		break;
	case CW_SIZE:
		cw_put_number(b, f->tag, *(size_t *)p);
		break;
	case CW_RLIM:
		cw_put_number(b, f->tag, (uint64_t)*(rlim_t *)p);
		break;
	case CW_UID:
		cw_put_number(b, f->tag, (uint64_t)*(uid_t *)p);
		break;
	case CW_GID:
		cw_put_number(b, f->tag, (uint64_t)*(gid_t *)p);
		break;
	}
}

/* wc as bytes, in *data (the caller frees it) and *len. */
void
confwire_encode(const struct worker_conf *wc, uint8_t **data, size_t *len)
{
	struct cw_buf	 b = { NULL, 0, 0 };
	size_t		 i;

	cw_put(&b, CW_TAG_ID, cw_id(), strlen(cw_id()));
	for (i = 0; i < CW_NFIELDS; i++)
		cw_put_field(&b, wc, &cw_fields[i]);
	*data = b.data;
	*len = b.len;
}

/* Decoding: the bytes, how far it got, and why it stopped. */
struct cw_in_state {
	const uint8_t	*data;
	size_t		 len;
	size_t		 off;
	uint8_t		 seen[256];	/* tags of single values seen */
	char		*why;
	size_t		 whylen;
};

static int
cw_refuse(struct cw_in_state *s, const char *what, const char *name)
{
	snprintf(s->why, s->whylen, "%s%s%s at byte %zu", what,
	    name != NULL ? " in " : "", name != NULL ? name : "", s->off);
	return -1;
}

static uint64_t
cw_number(const uint8_t *v)
{
	uint64_t	 n = 0;
	int		 i;

	for (i = 0; i < CW_NUMBER; i++)
		n = (n << 8) | v[i];
	return n;
}

/* A string without a NUL in it, as a C string. */
static char *
cw_string(const uint8_t *v, size_t len)
{
	char	*s;

	if (memchr(v, '\0', len) != NULL)
		return NULL;
	s = xcalloc(1, len + 1);
	memcpy(s, v, len);
	return s;
}

/* A signed number into an int, if it fits. */
static int
cw_int(uint64_t u, int *out)
{
	int64_t	 v = (int64_t)u;

	if (v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int
cw_acl(const uint8_t *v, size_t len, struct acl *a)
{
	if (len != CW_ACL || (v[0] != 4 && v[0] != 6) ||
	    v[1] > (v[0] == 4 ? 32 : 128))
		return -1;
	a->family = v[0] == 4 ? AF_INET : AF_INET6;
	a->bits = v[1];
	memcpy(a->addr, v + 2, sizeof(a->addr));
	return 0;
}

/* One more entry of a list field. */
static int
cw_get_entry(const struct cw_field *f, void *p, void *count,
    const uint8_t *v, size_t len)
{
	struct acl	 a;
	char		*str;
	size_t		*n = count;
	int		*ni = count;
	gid_t		 g;

	switch (f->type) {
	case CW_STRS:
		if ((str = cw_string(v, len)) == NULL)
			return -1;
		strlist_add(p, n, str);
		explicit_bzero(str, len);
		free(str);
		return 0;
	case CW_GIDS:
		if (len != CW_NUMBER || *ni == INT_MAX ||
		    (uint64_t)(g = (gid_t)cw_number(v)) != cw_number(v))
			return -1;
		*(gid_t **)p = xreallocarray(*(gid_t **)p, *ni + 1,
		    sizeof(gid_t));
		(*(gid_t **)p)[(*ni)++] = g;
		return 0;
	default:
		if (cw_acl(v, len, &a) == -1)
			return -1;
		*(struct acl **)p = xreallocarray(*(struct acl **)p, *n + 1,
		    sizeof(struct acl));
		(*(struct acl **)p)[(*n)++] = a;
		return 0;
	}
}

/* A number into a field of f's type, if it fits there. */
static int
cw_get_number(const struct cw_field *f, void *p, uint64_t u)
{
	int	 i;

	switch (f->type) {
	case CW_INT:
		return cw_int(u, p);
	case CW_PM:
		if (cw_int(u, &i) == -1 || (i != PM_STATIC &&
		    i != PM_ONDEMAND && i != PM_DYNAMIC))
			return -1;
		*(enum pm_style *)p = (enum pm_style)i;
		return 0;
	case CW_LONG:
		if ((int64_t)u < LONG_MIN || (int64_t)u > LONG_MAX)
			return -1;
		*(long *)p = (long)(int64_t)u;
		return 0;
	case CW_I64:
		*(int64_t *)p = (int64_t)u;
		return 0;
	case CW_SIZE:
		*(size_t *)p = (size_t)u;
		return (uint64_t)*(size_t *)p == u ? 0 : -1;
	case CW_RLIM:
		*(rlim_t *)p = (rlim_t)u;
		return (uint64_t)*(rlim_t *)p == u ? 0 : -1;
	case CW_UID:
		*(uid_t *)p = (uid_t)u;
		return (uint64_t)*(uid_t *)p == u ? 0 : -1;
	default:
		*(gid_t *)p = (gid_t)u;
		return (uint64_t)*(gid_t *)p == u ? 0 : -1;
	}
}

/* The value of one record of field f. */
static int
cw_get_field(struct cw_in_state *s, struct worker_conf *wc,
    const struct cw_field *f, const uint8_t *v, size_t len)
{
	void	*p = cw_at(wc, f, f->off);

	if (f->type == CW_STRS || f->type == CW_GIDS || f->type == CW_ACLS) {
		if (cw_get_entry(f, p, cw_at(wc, f, f->count_off), v,
		    len) == -1)
			return cw_refuse(s, "a bad entry", f->name);
		return 0;
	}
	if (s->seen[f->tag]++)
		return cw_refuse(s, "a second value", f->name);
	if (f->type == CW_STR) {
		if ((*(char **)p = cw_string(v, len)) == NULL)
			return cw_refuse(s, "a NUL", f->name);
		return 0;
	}
	if (len != CW_NUMBER || cw_get_number(f, p, cw_number(v)) == -1)
		return cw_refuse(s, "a number out of range", f->name);
	return 0;
}

static const struct cw_field *
cw_field(uint8_t tag)
{
	size_t	 i;

	for (i = 0; i < CW_NFIELDS; i++)
		if (cw_fields[i].tag == tag)
			return &cw_fields[i];
	return NULL;
}

/* The next record: its tag, value and length; -1 if it is cut short. */
static int
cw_next(struct cw_in_state *s, uint8_t *tag, const uint8_t **v,
    size_t *len)
{
	const uint8_t	*h = s->data + s->off;
	size_t		 left = s->len - s->off;

	if (left < CW_HEADER)
		return cw_refuse(s, "a record cut short", NULL);
	*tag = h[0];
	*len = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 |
	    h[4];
	if (*len > left - CW_HEADER)
		return cw_refuse(s, "a length beyond the end", NULL);
	*v = h + CW_HEADER;
	return 0;
}

/* What every worker needs, and no decoder can default. */
static int
cw_complete(struct cw_in_state *s, const struct worker_conf *wc)
{
	size_t	 i;

	if (wc->events == NULL || wc->pc->name == NULL ||
	    wc->pc->listen == NULL)
		return cw_refuse(s, "a missing name, listen or events", NULL);
	if (wc->pc->max_children < 1 || wc->pc->max_params_size == 0)
		return cw_refuse(s, "no pm.max_children or params size",
		    NULL);
	/* Numbers are always written: one missing, a user's, say, is no 0. */
	for (i = 0; i < CW_NFIELDS; i++)
		if (cw_fields[i].type != CW_STR &&
		    cw_fields[i].type != CW_STRS &&
		    cw_fields[i].type != CW_GIDS &&
		    cw_fields[i].type != CW_ACLS && !s->seen[cw_fields[i].tag])
			return cw_refuse(s, "no value", cw_fields[i].name);
	return 0;
}

static int
cw_decode(struct cw_in_state *s, struct worker_conf *wc)
{
	const struct cw_field	*f;
	const uint8_t		*v;
	size_t			 len;
	uint8_t			 tag;

	if (cw_next(s, &tag, &v, &len) == -1)
		return -1;
	if (tag != CW_TAG_ID || len != strlen(cw_id()) ||
	    memcmp(v, cw_id(), len) != 0) {
		snprintf(s->why, s->whylen, "settings from another build "
		    "(this binary is %s)", cw_id());
		return CONFWIRE_BUILD;
	}
	for (s->off += CW_HEADER + len; s->off < s->len;
	    s->off += CW_HEADER + len) {
		if (cw_next(s, &tag, &v, &len) == -1)
			return -1;
		if ((f = cw_field(tag)) == NULL)
			return cw_refuse(s, "an unknown tag", NULL);
		if (cw_get_field(s, wc, f, v, len) == -1)
			return -1;
	}
	return cw_complete(s, wc);
}

/*
 * Settings from len bytes at data into *wc, which the caller frees
 * with confwire_free() whatever the outcome; -1 if they are refused,
 * with the reason in why.
 */
int
confwire_decode(const uint8_t *data, size_t len, struct worker_conf *wc,
    char *why, size_t whylen)
{
	struct cw_in_state	*s;
	int			 r;

	memset(wc, 0, sizeof(*wc));
	wc->pc = xcalloc(1, sizeof(*wc->pc));
	s = xcalloc(1, sizeof(*s));
	s->data = data;
	s->len = len;
	s->why = why;
	s->whylen = whylen;
	r = cw_decode(s, wc);
	free(s);
	return r;
}

/* What confwire_decode() made, its env[] values wiped. */
void
confwire_free(struct worker_conf *wc)
{
	if (wc->pc != NULL)
		conf_pool_free(wc->pc);
	free(wc->events);
	free(wc->app_id);
	memset(wc, 0, sizeof(*wc));
}

/*
 * Free a pool's settings.  env[] values are often secrets: they are
 * wiped first, so that a worker keeps nothing of another pool's.
 */
void
conf_pool_free(struct pool_conf *pc)
{
	size_t	 i;

	for (i = 0; i < pc->nenv; i++)
		explicit_bzero(pc->env[i], strlen(pc->env[i]));
	free(pc->name);
	free(pc->file);
	free(pc->set_at);
	free(pc->prefix);
	free(pc->listen);
	free(pc->listen_owner);
	free(pc->listen_group);
	free(pc->allowed_clients);
	free(pc->acl);
	free(pc->acl_users);
	free(pc->acl_groups);
	free(pc->status_listen);
	free(pc->user);
	free(pc->group);
	free(pc->groups);
	free(pc->chroot);
	free(pc->chdir);
	strlist_free(pc->env, pc->nenv);
	free(pc->status_path);
	free(pc->ping_path);
	free(pc->ping_response);
	free(pc->access_log);
	free(pc->access_format);
	strlist_free(pc->suppress_paths, pc->nsuppress_paths);
	free(pc->slowlog);
	free(pc->exec);
	free(pc->exec_mode);
	strlist_free(pc->php_args, pc->nphp_args);
	free(pc->cgi_root);
	free(pc->body_temp_dir);
	strlist_free(pc->extensions, pc->nextensions);
	strlist_free(pc->allowed_params, pc->nallowed_params);
	free(pc);
}
