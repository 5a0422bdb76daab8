/* rlimit.c - the resource records (tags 0x40-0x4f: decoded, dumped); rlimits,
 * nice, CPU affinity and the timeout; the resources_* entry points
 * (resources.h). A non-root caller gets nothing the kernel
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

/* plan.def's RLIMIT which values: name and resource. */
static const struct {
	const char *name;
	int resource;
} rlimits[TSJ_RLIM_COUNT] = {
#define RLIMIT_(name, value, key, resource) [name] = { #key, resource },
	TSJ_RLIMITS(RLIMIT_)
#undef RLIMIT_
};

/* ---- the records (PLAN.md, tags 0x40-0x4f): decoded, dumped and freed
 * here (tsj_records_resources); pure, so fuzzed ---- */

int tsj_resources_transient(const struct tsj_resources *res)
{
	return res->cpu_quota_us != 0 || res->memory_bytes != 0 || res->pids_max != 0;
}

static int decode(struct tsj_reader *r, struct tsj_plan *pl, struct tsj_value *v)
{
	struct tsj_resources *res = &pl->res;
	switch (v->tag) {
	case TSJ_TAG_CGROUP_FILE: {
		const char *s = res->cgroup_files[res->ncgroup_files++] = tsj_take(v);
		if (strncmp(s, TSJ_CGROUP_ROOT "/", sizeof TSJ_CGROUP_ROOT) != 0)
			return tsj_fail(r, "plan: CGROUP_FILE %s is not under " TSJ_CGROUP_ROOT, s);
		return 0;
	}
	case TSJ_TAG_CPU_QUOTA:
		res->cpu_quota_us = tsj_le32(v->p);
		res->cpu_period_us = tsj_le32(v->p + 4);
		if (res->cpu_period_us < 1000 || res->cpu_period_us > 1000000)
			return tsj_fail(r, "plan: CPU_QUOTA period %u is not 1000-1000000 us", res->cpu_period_us);
		if (res->cpu_quota_us < 1000 ||
		    (uint64_t)res->cpu_quota_us > (uint64_t)res->cpu_period_us * 1024)
			return tsj_fail(r, "plan: CPU_QUOTA quota %u is not 1000 us to 1024 periods", res->cpu_quota_us);
		return 0;
	case TSJ_TAG_MEMORY:
		res->memory_bytes = v->u64;
		if (res->memory_bytes < TSJ_MIN_MEMORY || res->memory_bytes > TSJ_MAX_VALUE)
			return tsj_fail(r, "plan: MEMORY %llu is out of range", (unsigned long long)res->memory_bytes);
		return 0;
	case TSJ_TAG_PIDS_MAX:
		res->pids_max = v->u32;
		if (res->pids_max < 1 || res->pids_max > TSJ_MAX_PIDS)
			return tsj_fail(r, "plan: PIDS_MAX %u is out of range", res->pids_max);
		return 0;
	case TSJ_TAG_CPUS:
		if (v->n == 0 || v->n > sizeof res->cpus)
			return tsj_fail(r, "plan: CPUS is %zu bytes, not 1-%zu", v->n, sizeof res->cpus);
		memcpy(res->cpus, v->p, v->n);
		for (size_t i = 0; i < v->n * 8; i++)
			res->ncpus += (res->cpus[i / 8] >> (i % 8)) & 1;
		if (res->ncpus == 0)
			return tsj_fail(r, "plan: CPUS names no CPU");
		return 0;
	case TSJ_TAG_RLIMIT: {
		uint32_t which = tsj_le32(v->p);
		if (which >= TSJ_RLIM_COUNT)
			return tsj_fail(r, "plan: RLIMIT %u is not a known limit", which);
		if (res->rlimits_set & (1u << which))
			return tsj_fail(r, "plan: RLIMIT %s given twice", rlimits[which].name);
		res->rlimits_set |= 1u << which;
		res->rlimits[which] = tsj_le64(v->p + 4);
		if (res->rlimits[which] > TSJ_MAX_VALUE)
			return tsj_fail(r, "plan: RLIMIT %s is out of range", rlimits[which].name);
		return 0;
	}
	case TSJ_TAG_NICE:
		res->nice = (int32_t)v->u32;
		res->has_nice = 1;
		if (res->nice < -20 || res->nice > 19)
			return tsj_fail(r, "plan: NICE %d is not -20 to 19", (int)res->nice);
		return 0;
	case TSJ_TAG_TIMEOUT:
		res->timeout_s = v->u32;
		if (res->timeout_s < 1 || res->timeout_s > TSJ_MAX_TIMEOUT)
			return tsj_fail(r, "plan: TIMEOUT %u is out of range", res->timeout_s);
		return 0;
	default:
		return tsj_fail(r, "plan: unknown record tag 0x%x", v->tag);
	}
}

static void json_u32_or_null(FILE *out, const char *key, uint32_t v)
{
	if (v)
		fprintf(out, ",\"%s\":%u", key, v);
	else
		fprintf(out, ",\"%s\":null", key);
}

/* As src/resources/plan.ts: absent ones as null or []. */
static void dump(const struct tsj_plan *pl, FILE *out)
{
	const struct tsj_resources *res = &pl->res;
	fputs(",\"resources\":{\"cgroupFiles\":[", out);
	for (size_t i = 0; i < res->ncgroup_files; i++) {
		if (i)
			fputc(',', out);
		tsj_json_str(out, res->cgroup_files[i]);
	}
	fputs("],\"cpuQuota\":", out);
	if (res->cpu_quota_us)
		fprintf(out, "{\"quotaUs\":%u,\"periodUs\":%u}", res->cpu_quota_us, res->cpu_period_us);
	else
		fputs("null", out);
	fputs(",\"memoryBytes\":", out);
	if (res->memory_bytes)
		fprintf(out, "%llu", (unsigned long long)res->memory_bytes);
	else
		fputs("null", out);
	json_u32_or_null(out, "pidsMax", res->pids_max);
	fputs(",\"cpus\":[", out);
	for (unsigned c = 0, first = 1; c < TSJ_MAX_CPUS; c++)
		if ((res->cpus[c / 8] >> (c % 8)) & 1) {
			fprintf(out, "%s%u", first ? "" : ",", c);
			first = 0;
		}
	fputs("],\"rlimits\":{", out);
	for (unsigned i = 0; i < TSJ_RLIM_COUNT; i++) {
		fprintf(out, "%s\"%s\":", i ? "," : "", rlimits[i].name);
		if ((res->rlimits_set >> i) & 1)
			fprintf(out, "%llu", (unsigned long long)res->rlimits[i]);
		else
			fputs("null", out);
	}
	fputs("},\"nice\":", out);
	if (res->has_nice)
		fprintf(out, "%d", (int)res->nice);
	else
		fputs("null", out);
	json_u32_or_null(out, "timeoutSeconds", res->timeout_s);
	fputc('}', out);
}

static void free_resources(struct tsj_plan *pl)
{
	for (size_t i = 0; i < pl->res.ncgroup_files; i++)
		free(pl->res.cgroup_files[i]);
}

const struct tsj_records tsj_records_resources = { decode, NULL, dump, free_resources };

/* ---- what the caller may ask for, and the acts ---- */

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
