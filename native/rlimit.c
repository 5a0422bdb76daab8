/* rlimit.c - rlimits, nice, CPU affinity and the timeout; the resources_*
 * entry points (resources.h). A non-root caller gets nothing the kernel
 * would not give them without tsjail: no rlimit above their own hard limit,
 * no nice value below their own. */
#include "resources.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"

/* After SIGTERM, how long the sandbox has before SIGKILL. */
#define TIMEOUT_GRACE_S 3

static const struct {
	const char *name;
	int resource;
} rlimits[TSJ_RLIM_COUNT] = {
	[TSJ_RLIM_AS] = { "as", RLIMIT_AS },
	[TSJ_RLIM_CPU] = { "cpu", RLIMIT_CPU },
	[TSJ_RLIM_FSIZE] = { "fsize", RLIMIT_FSIZE },
	[TSJ_RLIM_NOFILE] = { "nofile", RLIMIT_NOFILE },
	[TSJ_RLIM_NPROC] = { "nproc", RLIMIT_NPROC },
	[TSJ_RLIM_SIGPENDING] = { "sigpending", RLIMIT_SIGPENDING },
};

static struct {
	uint32_t timeout_s;
	int timeouts; /* SIGALRMs taken: 1 = SIGTERM sent, 2 = SIGKILL sent */
} tm;

static unsigned long long read_nr_open(void)
{
	char buf[32] = { 0 };
	int fd = open("/proc/sys/fs/nr_open", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open /proc/sys/fs/nr_open");
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		die("cannot read /proc/sys/fs/nr_open");
	return strtoull(buf, NULL, 10);
}

void resources_check(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	const struct tsj_resources *res = &plan->res;
	for (unsigned i = 0; i < TSJ_RLIM_COUNT; i++) {
		if (!(res->rlimits_set & (1u << i)))
			continue;
		unsigned long long v = res->rlimits[i];
		struct rlimit cur;
		if (getrlimit(rlimits[i].resource, &cur) != 0)
			die_errno("getrlimit(%s)", rlimits[i].name);
		if (cr->mode != TSJ_MODE_ROOT && cur.rlim_max != RLIM_INFINITY && v > cur.rlim_max)
			die("--rlimit-%s=%llu is above your hard limit of %llu", rlimits[i].name, v,
			    (unsigned long long)cur.rlim_max);
		if (i == TSJ_RLIM_NOFILE) {
			unsigned long long nr_open = read_nr_open();
			if (v > nr_open)
				die("--rlimit-nofile=%llu is above the system's limit of %llu "
				    "(/proc/sys/fs/nr_open)", v, nr_open);
		}
	}
	if (res->has_nice && cr->mode != TSJ_MODE_ROOT) {
		if (res->nice < 0)
			die("--nice=%d: only root may give a negative nice value", (int)res->nice);
		errno = 0;
		int now = getpriority(PRIO_PROCESS, 0);
		if (now == -1 && errno != 0)
			die_errno("getpriority");
		if (res->nice < now)
			die("--nice=%d is below your current nice value of %d", (int)res->nice, now);
	}
}

void resources_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	cgroup_prepare(plan, cr);
}

void resources_child(const struct tsj_plan *plan)
{
	const struct tsj_resources *res = &plan->res;
	cgroup_child_close();
	if (res->ncpus == 0)
		return;
	size_t size = CPU_ALLOC_SIZE(TSJ_MAX_CPUS);
	cpu_set_t *want = CPU_ALLOC(TSJ_MAX_CPUS), *got = CPU_ALLOC(TSJ_MAX_CPUS);
	if (want == NULL || got == NULL)
		die("out of memory");
	CPU_ZERO_S(size, want);
	for (unsigned c = 0; c < TSJ_MAX_CPUS; c++)
		if ((res->cpus[c / 8] >> (c % 8)) & 1)
			CPU_SET_S(c, size, want);
	if (sched_setaffinity(0, size, want) != 0) {
		if (errno == EINVAL)
			die("--cpus: none of the CPUs asked for is online and allowed to you");
		die_errno("sched_setaffinity");
	}
	if (sched_getaffinity(0, size, got) != 0)
		die_errno("sched_getaffinity");
	if (!CPU_EQUAL_S(size, want, got))
		warn_msg("--cpus: some of the CPUs asked for are not available; the sandbox runs on the others");
	debug("CPU affinity set: %d CPUs", CPU_COUNT_S(size, got));
	CPU_FREE(want);
	CPU_FREE(got);
}

void resources_place(const struct tsj_plan *plan, pid_t pid, sigset_t *set)
{
	cgroup_place(pid);
	/* Always taken by the parent, so a stray SIGALRM cannot kill it. */
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigaddset(set, SIGALRM);
	if (sigprocmask(SIG_BLOCK, &alrm, NULL) != 0)
		die_errno("sigprocmask");
	tm.timeout_s = plan->res.timeout_s;
	if (tm.timeout_s) {
		alarm(tm.timeout_s);
		debug("timeout in %u seconds", tm.timeout_s);
	}
}

void resources_timeout(pid_t pid)
{
	if (tm.timeout_s == 0 || tm.timeouts >= 2)
		return;
	if (tm.timeouts++ == 0) {
		unsigned t = tm.timeout_s;
		warn_msg("--timeout=%02u:%02u:%02u reached: ending the sandbox", t / 3600, t / 60 % 60, t % 60);
		if (kill(pid, SIGTERM) != 0 && errno != ESRCH)
			die_errno("kill(%d, SIGTERM)", (int)pid);
		alarm(TIMEOUT_GRACE_S);
	} else {
		debug("the sandbox outlived SIGTERM by %d s: SIGKILL", TIMEOUT_GRACE_S);
		if (kill(pid, SIGKILL) != 0 && errno != ESRCH)
			die_errno("kill(%d, SIGKILL)", (int)pid);
	}
}

int resources_finish(int status)
{
	alarm(0);
	cgroup_finish();
	/* As firejail: a sandbox ended by its timeout exits 1. */
	return tm.timeouts ? 1 : status;
}

void resources_exec(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	const struct tsj_resources *res = &plan->res;
	(void)cr; /* checked against the caller before any namespace, in resources_check */
	for (unsigned i = 0; i < TSJ_RLIM_COUNT; i++) {
		if (!(res->rlimits_set & (1u << i)))
			continue;
		struct rlimit rl = { (rlim_t)res->rlimits[i], (rlim_t)res->rlimits[i] };
		if (setrlimit(rlimits[i].resource, &rl) != 0)
			die_errno("setrlimit(%s, %llu)", rlimits[i].name, (unsigned long long)res->rlimits[i]);
	}
	if (res->has_nice && setpriority(PRIO_PROCESS, 0, res->nice) != 0)
		die_errno("setpriority(%d)", (int)res->nice);
}
