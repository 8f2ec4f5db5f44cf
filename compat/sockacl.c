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
 * listen.acl_users and listen.acl_groups: read and write access to a
 * unix socket for each user and group by an ACL, with the ACL functions
 * of libc, where it has them (fpmd.h's CONF_LISTEN_ACL).  FreeBSD has
 * POSIX.1e access ACLs, which the entries join, in place of any named
 * ones an earlier call gave; macOS has extended ACLs only, which the
 * entries replace.  The master runs it, as root, on a socket it has
 * just bound or is reloading.  Elsewhere it fails with ENOSYS.
 */

#include "../config.h"

#include <sys/types.h>
#if defined(__FreeBSD__) || defined(__APPLE__)
#include <sys/acl.h>
#endif
#if defined(__APPLE__)
#include <membership.h>
#endif

#include <errno.h>

#include "compat.h"

#if defined(__FreeBSD__) || defined(__APPLE__)

/* One more entry in acl: tag, for qualifier, with read and write. */
static int
sockacl_entry(acl_t *acl, acl_tag_t tag, void *qualifier, acl_perm_t rd,
    acl_perm_t wr)
{
	acl_entry_t	 e;
	acl_permset_t	 perms;

	if (acl_create_entry(acl, &e) == -1 ||
	    acl_set_tag_type(e, tag) == -1 ||
	    acl_set_qualifier(e, qualifier) == -1 ||
	    acl_get_permset(e, &perms) == -1 ||
	    acl_clear_perms(perms) == -1 ||
	    acl_add_perm(perms, rd) == -1 ||
	    acl_add_perm(perms, wr) == -1 ||
	    acl_set_permset(e, perms) == -1)
		return -1;
	return 0;
}

static int	sockacl_id(acl_t *, int, id_t);

/* An entry for each user, then for each group. */
static int
sockacl_ids(acl_t *acl, const id_t *uids, int nuids, const id_t *gids,
    int ngids)
{
	int	 i;

	for (i = 0; i < nuids; i++)
		if (sockacl_id(acl, 1, uids[i]) == -1)
			return -1;
	for (i = 0; i < ngids; i++)
		if (sockacl_id(acl, 0, gids[i]) == -1)
			return -1;
	return 0;
}

#endif

#if defined(__FreeBSD__)

/* POSIX.1e: a user's or a group's entry, by its id. */
static int
sockacl_id(acl_t *acl, int user, id_t id)
{
	uid_t	 uid = (uid_t)id;
	gid_t	 gid = (gid_t)id;

	return sockacl_entry(acl, user ? ACL_USER : ACL_GROUP,
	    user ? (void *)&uid : (void *)&gid, ACL_READ, ACL_WRITE);
}

int
sockacl_grant(const char *path, const id_t *uids, int nuids,
    const id_t *gids, int ngids)
{
	acl_t	 file, acl;
	int	 r = -1;

	/* The trivial ACL of the socket's mode, and the named entries. */
	if ((file = acl_get_file(path, ACL_TYPE_ACCESS)) == NULL)
		return -1;
	acl = acl_strip_np(file, 0);
	acl_free(file);
	if (acl == NULL)
		return -1;
	if (sockacl_ids(&acl, uids, nuids, gids, ngids) == 0 &&
	    acl_calc_mask(&acl) == 0 && acl_valid(acl) == 0 &&
	    acl_set_file(path, ACL_TYPE_ACCESS, acl) == 0)
		r = 0;
	acl_free(acl);
	return r;
}

#elif defined(__APPLE__)

/* Extended: an entry that allows a user or a group, by its UUID. */
static int
sockacl_id(acl_t *acl, int user, id_t id)
{
	uuid_t	 uu;

	if ((user ? mbr_uid_to_uuid((uid_t)id, uu) :
	    mbr_gid_to_uuid((gid_t)id, uu)) != 0) {
		errno = ENOENT;
		return -1;
	}
	return sockacl_entry(acl, ACL_EXTENDED_ALLOW, uu, ACL_READ_DATA,
	    ACL_WRITE_DATA);
}

int
sockacl_grant(const char *path, const id_t *uids, int nuids,
    const id_t *gids, int ngids)
{
	acl_t	 acl;
	int	 r = -1;

	if ((acl = acl_init(nuids + ngids)) == NULL)
		return -1;
	if (sockacl_ids(&acl, uids, nuids, gids, ngids) == 0 &&
	    acl_set_file(path, ACL_TYPE_EXTENDED, acl) == 0)
		r = 0;
	acl_free(acl);
	return r;
}

#else

int
sockacl_grant(const char *path, const id_t *uids, int nuids,
    const id_t *gids, int ngids)
{
	(void)path;
	(void)uids;
	(void)nuids;
	(void)gids;
	(void)ngids;
	errno = ENOSYS;
	return -1;
}

#endif
