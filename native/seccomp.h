/* seccomp.h - the program's last steps before execve (issue 3): the
 * seccomp filter and memory-deny-write-execute; and --noroot. */
#ifndef TSJ_SECCOMP_H
#define TSJ_SECCOMP_H

#include "creds.h"
#include "plan.h"

/* In the program's process, after creds_drop() and chdir(), immediately
 * before execve: prctl(PR_SET_MDWE) if asked, then the plan's one filter.
 * Returns the filter's listener when it notifies (tracelog), else -1. */
int seccomp_install(const struct tsj_plan *plan);

/* In main, before any check that depends on the caller's mode: with
 * --noroot a setuid helper gives up root for good and goes on rootless,
 * in a user namespace that maps only the caller. */
void privs_noroot(const struct tsj_plan *plan, struct tsj_creds *cr);

#endif
