/* creds.h - who called the helper, decided once from the kernel's view of
 * this process (never from the plan), and how the program drops privilege. */
#ifndef TSJ_CREDS_H
#define TSJ_CREDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "plan.h"

enum tsj_mode {
	TSJ_MODE_ROOT,     /* real uid 0 */
	TSJ_MODE_SETUID,   /* effective uid 0, real uid not: installed setuid */
	TSJ_MODE_ROOTLESS, /* no privilege: a user namespace does the work */
};

#define TSJ_MAX_GROUPS 65536

struct tsj_creds {
	enum tsj_mode mode;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	unsigned last_cap;
	char *home;        /* the caller's home from the password database, or NULL */
	bool nogroups;     /* the program has no supplementary groups (creds_groups_check) */
};

void creds_init(struct tsj_creds *cr);
const char *creds_mode_name(enum tsj_mode mode);

/* Before any namespace (policy.c): only root may keep capabilities. */
void creds_check(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* In policy_check, after --noroot: nogroups as the mode and tsjail.conf's
 * user-nogroups allow (a rootless helper cannot drop groups: one notice
 * line, the groups stay; likewise with user-nogroups = no). */
void creds_groups_check(const struct tsj_plan *plan, struct tsj_creds *cr);

/* In the program's process, just before execve: supplementary groups, gid,
 * uid, capability sets (bounding, ambient, inheritable, permitted,
 * effective) and no_new_privs, then a check that all of it took. */
void creds_drop(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* Every permitted capability in the effective set (on), or none (off):
 * the sandbox's init acts with no capability while it reads the programs'
 * memory for tracelog (tracelog.c). */
void creds_effective(bool on);
/* A host-side process that runs a program for the caller (dbus.c's proxy):
 * the caller's groups, gid and uid, no capability in any set (a root caller
 * too), no_new_privs; then a check that all of it took. */
void creds_become_caller(const struct tsj_creds *cr);

#endif
