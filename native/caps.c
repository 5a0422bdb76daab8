/* caps.c - the caller's identity and the program's privilege drop. */
#include "creds.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"

static unsigned read_last_cap(void)
{
	char buf[16] = { 0 };
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open /proc/sys/kernel/cap_last_cap");
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		die("cannot read /proc/sys/kernel/cap_last_cap");
	char *end;
	unsigned long v = strtoul(buf, &end, 10);
	if (end == buf || v > 63)
		die("unexpected /proc/sys/kernel/cap_last_cap: %s", buf);
	return (unsigned)v;
}

void creds_init(struct tsj_creds *cr)
{
	cr->uid = getuid();
	cr->gid = getgid();
	if (cr->uid == 0)
		cr->mode = TSJ_MODE_ROOT;
	else if (geteuid() == 0)
		cr->mode = TSJ_MODE_SETUID;
	else
		cr->mode = TSJ_MODE_ROOTLESS;
	int n = getgroups(0, NULL);
	if (n < 0 || n > TSJ_MAX_GROUPS)
		die_errno("getgroups");
	cr->groups = calloc((size_t)n + 1, sizeof(gid_t));
	if (cr->groups == NULL)
		die("out of memory");
	cr->ngroups = getgroups(n, cr->groups);
	if (cr->ngroups < 0)
		die_errno("getgroups");
	cr->last_cap = read_last_cap();
	cr->home = NULL;
	cr->nogroups = false;
	struct passwd *pw = getpwuid(cr->uid);
	if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' && strlen(pw->pw_dir) < 4096 &&
	    strstr(pw->pw_dir, "/.") == NULL && strstr(pw->pw_dir, "//") == NULL)
		cr->home = strdup(pw->pw_dir);
}

const char *creds_mode_name(enum tsj_mode mode)
{
	switch (mode) {
	case TSJ_MODE_ROOT: return "root";
	case TSJ_MODE_SETUID: return "setuid";
	default: return "rootless";
	}
}

static void caps_set(uint64_t eff_prm)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	data[0].effective = data[0].permitted = (uint32_t)eff_prm;
	data[1].effective = data[1].permitted = (uint32_t)(eff_prm >> 32);
	if (syscall(SYS_capset, &hdr, data) != 0)
		die_errno("capset");
}

static uint64_t caps_get(int which)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) != 0)
		die_errno("capget");
	uint32_t lo = which == 0 ? data[0].effective : which == 1 ? data[0].permitted : data[0].inheritable;
	uint32_t hi = which == 0 ? data[1].effective : which == 1 ? data[1].permitted : data[1].inheritable;
	return (uint64_t)lo | ((uint64_t)hi << 32);
}

void creds_check(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	if (cr->mode != TSJ_MODE_ROOT && plan->caps_keep != 0)
		die("only root may keep capabilities in a sandbox");
}

void creds_groups_check(const struct tsj_plan *plan, struct tsj_creds *cr)
{
	cr->nogroups = false;
	if (!(plan->privs & TSJ_PRIV_NOGROUPS))
		return;
	if (cr->mode == TSJ_MODE_ROOTLESS) {
		warn_msg("nogroups: the supplementary groups stay: a user namespace may not drop them "
			 "(the helper runs rootless)");
		return;
	}
	if (cr->mode == TSJ_MODE_SETUID) {
		const char *v = policy_value("user-nogroups", "yes");
		if (strcmp(v, "no") == 0) {
			warn_msg("nogroups: the supplementary groups stay (user-nogroups = no in %s)", policy_path());
			return;
		}
		if (strcmp(v, "yes") != 0)
			die("%s:%d: user-nogroups must be yes or no, not '%s'", policy_path(),
			    policy_line("user-nogroups"), v);
	}
	cr->nogroups = true;
	debug("nogroups: the program has no supplementary groups");
}

void creds_effective(bool on)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) != 0)
		die_errno("capget");
	for (int i = 0; i < 2; i++)
		data[i].effective = on ? data[i].permitted : 0;
	if (syscall(SYS_capset, &hdr, data) != 0)
		die_errno("capset");
}

/* Down to the caller: no_new_privs (nnp), the bounding set less keep
 * (bounding: a process without CAP_SETPCAP cannot), no ambient
 * capabilities, the caller's groups, gid and uid, then only keep in the
 * other sets; and a check that every step took: a half-dropped process
 * must not run anything. nogroups: no supplementary groups at all. */
static void drop_to_caller(const struct tsj_creds *cr, uint64_t keep, bool nnp, bool bounding, bool nogroups)
{
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die_errno("prctl(PR_SET_NO_NEW_PRIVS)");
	for (unsigned c = 0; bounding && c <= cr->last_cap; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
			die_errno("prctl(PR_CAPBSET_DROP, %u)", c);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		die_errno("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	if (cr->mode == TSJ_MODE_SETUID || nogroups) {
		if (setgroups(nogroups ? 0 : (size_t)cr->ngroups, cr->groups) != 0)
			die_errno("setgroups");
	}
	if (cr->mode != TSJ_MODE_ROOT) {
		if (setresgid(cr->gid, cr->gid, cr->gid) != 0)
			die_errno("setresgid(%u)", (unsigned)cr->gid);
		if (setresuid(cr->uid, cr->uid, cr->uid) != 0)
			die_errno("setresuid(%u)", (unsigned)cr->uid);
	}
	caps_set(keep);

	if (caps_get(0) != keep || caps_get(1) != keep || caps_get(2) != 0)
		die("capabilities were not dropped");
	for (unsigned c = 0; bounding && c <= cr->last_cap; c++) {
		int in = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
		if (in < 0)
			die_errno("prctl(PR_CAPBSET_READ, %u)", c);
		if (in && !(keep & (1ULL << c)))
			die("capability %u is still in the bounding set", c);
	}
	uid_t r, e, s;
	gid_t gr, ge, gs;
	if (getresuid(&r, &e, &s) != 0 || getresgid(&gr, &ge, &gs) != 0)
		die_errno("getresuid");
	if (r != cr->uid || e != cr->uid || s != cr->uid || gr != cr->gid || ge != cr->gid || gs != cr->gid)
		die("user and group ids were not dropped");
	if (cr->mode != TSJ_MODE_ROOT && setresuid(0, 0, 0) == 0)
		die("could regain uid 0 after dropping privileges");
	if (nnp && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		die("no_new_privs is not set");
	if (nogroups && getgroups(0, NULL) != 0)
		die("the supplementary groups were not dropped");
}

void creds_drop(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	/* The plan may only keep capabilities for a root caller. */
	uint64_t keep = cr->mode == TSJ_MODE_ROOT ? plan->caps_keep : 0;
	drop_to_caller(cr, keep, cr->mode != TSJ_MODE_ROOT || (plan->flags & TSJ_FLAG_NO_NEW_PRIVS), true, cr->nogroups);
}

void creds_become_caller(const struct tsj_creds *cr)
{
	/* Without privilege (rootless) there is nothing to give up but the
	 * capabilities this process might hold, which capset drops. The
	 * caller's groups stay: the program runs for the caller, with what the
	 * caller may reach (nogroups is the sandbox's). */
	drop_to_caller(cr, 0, true, cr->mode != TSJ_MODE_ROOTLESS, false);
}
