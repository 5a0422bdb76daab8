/* seccomp.c - install the seccomp filter the plan carries (compiled by the
 * TypeScript side through libseccomp; the kernel checks the program), set
 * memory-deny-write-execute, and --noroot. */
#include "seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1UL
#endif

void seccomp_install(const struct tsj_plan *plan)
{
	if (plan->privs & TSJ_PRIV_MDWE) {
		/* Inherited across fork and execve. */
		if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) != 0)
			die_errno("prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN)");
		debug("memory-deny-write-execute set");
	}
	const struct tsj_seccomp *sc = &plan->seccomp;
	if (sc->bpf == NULL)
		return;
	/* The plan reader checked the size; no_new_privs is already set (the
	 * reader refuses a filter without it, creds_drop() set it). */
	struct sock_fprog prog = {
		.len = (unsigned short)(sc->len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)sc->bpf,
	};
	debug("installing the seccomp filter: %u instructions, %zu syscalls %s, action %s",
	      (unsigned)prog.len, sc->nsyscalls,
	      (sc->flags & TSJ_SF_ALLOWLIST) ? "allowed" : "blocked", sc->action);
	/* No flags: one filter for the one thread; no SPEC_ALLOW, so the
	 * kernel keeps its speculation mitigations for the program. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0U, &prog) != 0)
		die_errno("seccomp(SECCOMP_SET_MODE_FILTER, %u instructions)", (unsigned)prog.len);
}

void privs_noroot(const struct tsj_plan *plan, struct tsj_creds *cr)
{
	if (!(plan->privs & TSJ_PRIV_NOROOT))
		return;
	if (cr->mode == TSJ_MODE_ROOT)
		die("--noroot is for users other than root");
	if (cr->mode == TSJ_MODE_SETUID) {
		if (setresgid(cr->gid, cr->gid, cr->gid) != 0)
			die_errno("setresgid(%u)", (unsigned)cr->gid);
		if (setresuid(cr->uid, cr->uid, cr->uid) != 0)
			die_errno("setresuid(%u)", (unsigned)cr->uid);
		if (setresuid(0, 0, 0) == 0)
			die("could regain uid 0 after giving it up for --noroot");
		/* Changing ids made the process undumpable, so the caller could
		 * not write the id maps of the sandbox's user namespace. Nothing
		 * in it is secret now that it runs as the caller. */
		if (prctl(PR_SET_DUMPABLE, 1L, 0L, 0L, 0L) != 0)
			die_errno("prctl(PR_SET_DUMPABLE, 1)");
		cr->mode = TSJ_MODE_ROOTLESS;
	}
	debug("--noroot: rootless, a user namespace that maps only uid %u and gid %u",
	      (unsigned)cr->uid, (unsigned)cr->gid);
}
