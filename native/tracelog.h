/* tracelog.h - tracelog: every access the program makes to a blacklisted
 * path is logged to syslog. The seccomp filter notifies the path-taking
 * calls (SECCOMP_RET_USER_NOTIF); the sandbox's init reads each path,
 * logs a blacklisted one, and lets every call go on unchanged
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE): logging only, the blacklist mounts
 * are what deny. */
#ifndef TSJ_TRACELOG_H
#define TSJ_TRACELOG_H

#include <stdbool.h>
#include <sys/types.h>

#include "creds.h"
#include "plan.h"

struct tsj_tracelog {
	bool on;            /* the plan's filter notifies */
	int pass[2];        /* app -> init: the listener's fd */
	int log;            /* connected to the host's /dev/log; -1: none */
	long host_pid;      /* the sandbox's init as the host sees it */
	char **paths;       /* the plan's TRACE_PATHs, sorted */
	size_t npaths;
	void *req, *resp;   /* buffers of the kernel's sizes */
	size_t req_size, resp_size;
};

/* In the sandbox's init before the mounts (the host's /dev/log and /proc
 * are still there): connects to syslog, notes the host PID, makes the
 * socket pair the program hands its listener over. */
void tracelog_open(const struct tsj_plan *plan, struct tsj_tracelog *tl);

/* In the program's process, right after the filter is installed with its
 * listener: hands the listener to init and closes it, so that only init
 * holds it (if init were gone, the kernel fails notified calls with
 * ENOSYS rather than leave them waiting). */
void tracelog_send(struct tsj_tracelog *tl, int listener);

/* In init after the fork: the listener, or -1 (no tracelog, or the
 * program ended before handing it over). Lowers init's privilege to the
 * caller's for reading the programs' memory and /proc links
 * (tracelog_done raises it again). */
int tracelog_receive(struct tsj_tracelog *tl, const struct tsj_creds *cr);

/* In init's loop when the listener is readable: takes one notification,
 * logs it if it names a blacklisted path, lets the call go on. */
void tracelog_answer(const struct tsj_plan *plan, struct tsj_tracelog *tl, int listener);

/* Init's privilege back, once the sandbox's programs have ended. */
void tracelog_done(struct tsj_tracelog *tl, const struct tsj_creds *cr);

/* Exposed for tests of the message: src (untrusted bytes) into dst with
 * every byte but printable ASCII (below 0x20, 0x7f and above: also UTF-8,
 * whose C1 controls, NEL and line or paragraph separators some readers of
 * logs take as line breaks, and whose bidirectional overrides reorder what
 * is shown), and '\', as \xNN; always NUL-terminated. */
void tracelog_escape(const char *src, char *dst, size_t dstlen);

#endif
