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

#if defined(__FreeBSD__)

static int
sockacl_entry(acl_t *acl, acl_tag_t tag, id_t id)
{
	acl_entry_t	 e;
	acl_permset_t	 perms;
	uid_t		 uid = (uid_t)id;
	gid_t		 gid = (gid_t)id;

	if (acl_create_entry(acl, &e) == -1 ||
	    acl_set_tag_type(e, tag) == -1 ||
	    acl_set_qualifier(e, tag == ACL_USER ? (void *)&uid :
	    (void *)&gid) == -1 ||
	    acl_get_permset(e, &perms) == -1 ||
	    acl_clear_perms(perms) == -1 ||
	    acl_add_perm(perms, ACL_READ) == -1 ||
	    acl_add_perm(perms, ACL_WRITE) == -1 ||
	    acl_set_permset(e, perms) == -1)
		return -1;
	return 0;
}

int
sockacl_grant(const char *path, const id_t *uids, int nuids,
    const id_t *gids, int ngids)
{
	acl_t	 file, acl;
	int	 i, r = -1;

	/* The trivial ACL of the socket's mode, and the named entries. */
	if ((file = acl_get_file(path, ACL_TYPE_ACCESS)) == NULL)
		return -1;
	acl = acl_strip_np(file, 0);
	acl_free(file);
	if (acl == NULL)
		return -1;
	for (i = 0; i < nuids; i++)
		if (sockacl_entry(&acl, ACL_USER, uids[i]) == -1)
			goto done;
	for (i = 0; i < ngids; i++)
		if (sockacl_entry(&acl, ACL_GROUP, gids[i]) == -1)
			goto done;
	if (acl_calc_mask(&acl) == 0 && acl_valid(acl) == 0 &&
	    acl_set_file(path, ACL_TYPE_ACCESS, acl) == 0)
		r = 0;
done:
	acl_free(acl);
	return r;
}

#elif defined(__APPLE__)

static int
sockacl_entry(acl_t *acl, int user, id_t id)
{
	acl_entry_t	 e;
	acl_permset_t	 perms;
	uuid_t		 uu;

	if ((user ? mbr_uid_to_uuid((uid_t)id, uu) :
	    mbr_gid_to_uuid((gid_t)id, uu)) != 0) {
		errno = ENOENT;
		return -1;
	}
	if (acl_create_entry(acl, &e) == -1 ||
	    acl_set_tag_type(e, ACL_EXTENDED_ALLOW) == -1 ||
	    acl_set_qualifier(e, uu) == -1 ||
	    acl_get_permset(e, &perms) == -1 ||
	    acl_clear_perms(perms) == -1 ||
	    acl_add_perm(perms, ACL_READ_DATA) == -1 ||
	    acl_add_perm(perms, ACL_WRITE_DATA) == -1 ||
	    acl_set_permset(e, perms) == -1)
		return -1;
	return 0;
}

int
sockacl_grant(const char *path, const id_t *uids, int nuids,
    const id_t *gids, int ngids)
{
	acl_t	 acl;
	int	 i, r = -1;

	if ((acl = acl_init(nuids + ngids)) == NULL)
		return -1;
	for (i = 0; i < nuids; i++)
		if (sockacl_entry(&acl, 1, uids[i]) == -1)
			goto done;
	for (i = 0; i < ngids; i++)
		if (sockacl_entry(&acl, 0, gids[i]) == -1)
			goto done;
	if (acl_set_file(path, ACL_TYPE_EXTENDED, acl) == 0)
		r = 0;
done:
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
