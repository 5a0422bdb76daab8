/* resources.h - cgroup placement, the transient cgroup with limits
 * (cgroup.c), and rlimits, nice, CPU affinity and the timeout (rlimit.c).
 *
 * Order of calls (policy.c, ns.c, init.c):
 *   main               resources_check     with the other checks of the caller (policy.c)
 *   host-side parent   resources_prepare   before clone(): opens, creates
 *   sandbox init       resources_child     after the parent's go
 *   host-side parent   resources_place     before the go: writes the init's pid
 *   host-side parent   resources_timeout   on SIGALRM
 *   host-side parent   resources_finish    after the init has ended
 *   program            resources_exec      before the privilege drop
 */
#ifndef TSJ_RESOURCES_H
#define TSJ_RESOURCES_H

#include <signal.h>
#include <sys/types.h>

#include "creds.h"
#include "plan.h"


/* Dies unless a non-root caller's rlimits and nice are within the caller's
 * own: no rlimit above the hard limit, no nice value below the current. */
void resources_check(const struct tsj_plan *plan, const struct tsj_creds *cr);
void resources_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr);
void resources_child(const struct tsj_plan *plan);
/* Also adds SIGALRM to set (and blocks it) for the timeout. */
void resources_place(const struct tsj_plan *plan, pid_t pid, sigset_t *set);
void resources_timeout(pid_t pid);
/* Reports what the limits did, removes the transient cgroup; returns the
 * exit status tsjail should end with. */
int resources_finish(int status);
void resources_exec(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* cgroup.c */
void cgroup_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr);
void cgroup_child_close(void);
void cgroup_place(pid_t pid);
void cgroup_finish(void);

#endif
