/* sandbox.h - the roles of the helper's processes. */
#ifndef TSJ_SANDBOX_H
#define TSJ_SANDBOX_H

#include <signal.h>
#include <sys/types.h>

#include "creds.h"
#include "plan.h"

/* ns.c: creates the namespaces and the sandbox's init. The host-side parent
 * returns the program's exit status (128+N for signal N). */
int ns_run(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* mount.c: mount_check runs before any namespace exists and refuses what a
 * non-root caller may not do; mount_setup runs in the child. */
void mount_check(const struct tsj_plan *plan, const struct tsj_creds *cr);
/* report: the pipe the placeholders made on the host are reported on;
 * journal: where they are written down first (-1: nowhere). */
void mount_setup(const struct tsj_plan *plan, const struct tsj_creds *cr, int report, int journal);
/* The parent, after the sandbox ended: removes a placeholder the child
 * reported on the report pipe ("DEV INO PATH"), as the caller, only if the
 * host's PATH is still that very, empty directory. */
void mount_remove_placeholder(const struct tsj_creds *cr, const char *record);

/* root.c: root_check runs before any namespace exists (the site's policy);
 * root_switch in the child, first of all mounts. */
void root_check(const struct tsj_plan *plan, const struct tsj_creds *cr);
void root_switch(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* init.c: PID 1 of the sandbox. Starts the program and reaps until it ends
 * (answering tracelog's notifications meanwhile); returns its exit status
 * (128+N for signal N). */
struct tsj_tracelog;
int init_run(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_tracelog *tl);

/* signals.c: the signals the helper forwards, and a clean slate for the
 * program. */
void signals_forwarded(sigset_t *set);
void signals_block(sigset_t *set);
void signals_reset(void);
/* Waits for a signal in set. Returns the signal number, or -1 on EINTR. */
int signals_wait(const sigset_t *set, siginfo_t *info);
int status_code(int wstatus);

#endif
