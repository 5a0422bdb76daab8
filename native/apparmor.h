/* apparmor.h - the apparmor directive: the program confined by an AppArmor
 * profile from its execve, where the kernel has AppArmor. */
#ifndef TSJ_APPARMOR_H
#define TSJ_APPARMOR_H

#include "plan.h"

/* Before any namespace: whether this kernel has AppArmor. Without it, a
 * plan that asks for a profile gets one notice line (not under --quiet) and
 * the sandbox runs without it. */
void apparmor_check(const struct tsj_plan *plan);

/* In the program's process, after the privilege drop, before the seccomp
 * filter: asks AppArmor to confine the program from its execve (dies with
 * one line when AppArmor refuses). Nothing when the plan asks for nothing or
 * the kernel has no AppArmor. */
void apparmor_exec(const struct tsj_plan *plan);

/* Writes "exec PROFILE" to attr/apparmor/exec beneath the directory attr
 * (a process's /proc/PID/attr), or to attr/exec on kernels without the
 * apparmor subdirectory (before 5.8). 0, or -1 with errno set. */
int apparmor_request(int attr, const char *profile);

#endif
