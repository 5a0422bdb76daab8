/* plan_fuzz.c - libFuzzer harness for the plan decoder (plan.c).
 *
 * Feeds arbitrary bytes to tsj_plan_decode() and checks, with an independent
 * reimplementation of the rules in PLAN.md, that:
 *   - on failure, err is a NUL-terminated "plan: ..." line and the plan is
 *     left empty;
 *   - on success, every field obeys the wire format's rules (a decoder that
 *     accepts something it should refuse traps here);
 *   - the plan dumps as JSON without error, and a canonical re-encoding of
 *     the decoded plan decodes again to the same dump;
 *   - tsj_plan_free() leaves the plan empty and may be called twice.
 * ASan and UBSan catch memory and arithmetic errors; libFuzzer's leak check
 * catches anything the decoder forgets to free. A violated invariant calls
 * __builtin_trap(). */
#include "plan.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAST_CAP 40u

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "plan_fuzz: invariant failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);                     \
			__builtin_trap();                                       \
		}                                                               \
	} while (0)

static FILE *devnull;

/* ---- independent checks of PLAN.md's rules ---- */

static bool str_ok(const char *s, size_t max, bool allow_empty)
{
	if (s == NULL)
		return false;
	size_t n = strnlen(s, max + 1);
	return n <= max && (allow_empty || n > 0);
}

/* No empty, "." or ".." component in s[0..n), components separated by '/'. */
static bool components_ok(const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '/')
			continue;
		size_t len = i - start;
		if (len == 0 || (len == 1 && s[start] == '.') ||
		    (len == 2 && s[start] == '.' && s[start + 1] == '.'))
			return false;
		start = i + 1;
	}
	return true;
}

/* Absolute, at most 4095 bytes, normalised ("/" itself, or "/a/b" with no
 * empty, "." or ".." component, so no "//" and no trailing '/'). */
static bool abs_path_ok(const char *s)
{
	if (!str_ok(s, TSJ_MAX_PATH, false) || s[0] != '/')
		return false;
	return s[1] == '\0' || components_ok(s + 1, strlen(s + 1));
}

/* Whitelist entries: relative, at most 4095 bytes, same component rules. */
static bool rel_path_ok(const char *s)
{
	return str_ok(s, TSJ_MAX_PATH, false) && s[0] != '/' &&
	       components_ok(s, strlen(s));
}

static bool hostname_ok(const char *s)
{
	if (!str_ok(s, TSJ_MAX_HOSTNAME, false) || s[0] == '-' || s[0] == '.')
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
			return false;
	return true;
}

static bool env_ok(const char *s)
{
	static const char *const loader[] = {
		"GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES",
		"LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE", "NIS_PATH", "NLSPATH",
		"RESOLV_HOST_CONF", "RES_OPTIONS", "TZDIR",
	};
	if (!str_ok(s, TSJ_MAX_ARG_LEN, false))
		return false;
	const char *eq = strchr(s, '=');
	if (eq == NULL || eq == s)
		return false;
	size_t n = (size_t)(eq - s);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		      (i > 0 && c >= '0' && c <= '9')))
			return false;
	}
	if (n >= 3 && memcmp(s, "LD_", 3) == 0)
		return false;
	for (size_t i = 0; i < sizeof loader / sizeof loader[0]; i++)
		if (strlen(loader[i]) == n && memcmp(loader[i], s, n) == 0)
			return false;
	return true;
}

static void check_mount(const struct tsj_mount *m)
{
	static const uint32_t allowed[] = {
		[TSJ_MNT_READ_ONLY] = TSJ_MF_OPTIONAL,
		[TSJ_MNT_READ_WRITE] = TSJ_MF_OPTIONAL,
		[TSJ_MNT_NOEXEC] = TSJ_MF_OPTIONAL,
		[TSJ_MNT_TMPFS] = TSJ_MF_OPTIONAL | TSJ_MF_USER_OWNED,
		[TSJ_MNT_BLACKLIST] = TSJ_MF_OPTIONAL,
		[TSJ_MNT_BIND] = TSJ_MF_OPTIONAL | TSJ_MF_READ_ONLY,
		[TSJ_MNT_WHITELIST] = TSJ_MF_OPTIONAL | TSJ_MF_KEEP_CWD,
		[TSJ_MNT_MKDIR] = 0,
		[TSJ_MNT_MKFILE] = 0,
		[TSJ_MNT_DEV] = TSJ_MF_SOUND | TSJ_MF_DRI,
	};
	CHECK(m->kind >= 1 && m->kind <= TSJ_MNT_KIND_MAX);
	CHECK((m->flags & ~allowed[m->kind]) == 0);
	CHECK(m->mode <= 07777);
	CHECK(m->kind == TSJ_MNT_TMPFS || m->mode == 0);
	switch (m->kind) {
	case TSJ_MNT_DEV:
		CHECK(m->npaths == 0);
		break;
	case TSJ_MNT_BIND:
		CHECK(m->npaths == 2);
		break;
	case TSJ_MNT_WHITELIST:
		CHECK(m->npaths >= 1 && m->npaths <= TSJ_MAX_MOUNT_PATHS);
		break;
	default:
		CHECK(m->npaths == 1);
	}
	CHECK(m->npaths == 0 || m->paths != NULL);
	for (size_t i = 0; i < m->npaths; i++) {
		bool rel = m->kind == TSJ_MNT_WHITELIST && i > 0;
		CHECK(rel ? rel_path_ok(m->paths[i]) : abs_path_ok(m->paths[i]));
		/* Only read-only, noexec and a bind's source may name "/". */
		if (!rel && strcmp(m->paths[i], "/") == 0)
			CHECK(m->kind == TSJ_MNT_READ_ONLY || m->kind == TSJ_MNT_NOEXEC ||
			      (m->kind == TSJ_MNT_BIND && i == 0));
	}
}

static void check_root(const struct tsj_root *rt)
{
	CHECK((rt->flags & ~(uint32_t)TSJ_RF_ALL) == 0);
	bool overlay = rt->flags & TSJ_RF_OVERLAY;
	bool upper = overlay && !(rt->flags & TSJ_RF_TMPFS_UPPER);
	CHECK(overlay || rt->flags == 0);
	CHECK(abs_path_ok(rt->base));
	CHECK(overlay || strcmp(rt->base, "/") != 0);
	CHECK(upper ? abs_path_ok(rt->upper) && abs_path_ok(rt->work)
		    : rt->upper == NULL && rt->work == NULL);
	CHECK(rt->nlowers <= TSJ_MAX_LOWERS);
	CHECK(overlay || rt->nlowers == 0);
	CHECK(rt->nlowers == 0 || rt->lowers != NULL);
	for (size_t i = 0; i < rt->nlowers; i++)
		CHECK(abs_path_ok(rt->lowers[i]));
}

/* Seccomp and privileges (tags 0x20-0x2f). */
static bool chars_ok(const char *s, const char *extra, bool lower_only)
{
	for (const char *c = s; *c; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			  (!lower_only && *c >= 'A' && *c <= 'Z') || (extra && strchr(extra, *c));
		if (!ok)
			return false;
	}
	return true;
}

static void check_security(const struct tsj_plan *pl)
{
	const struct tsj_seccomp *sc = &pl->seccomp;
	CHECK((pl->privs & ~(uint32_t)TSJ_PRIV_ALL) == 0);
	if (sc->bpf == NULL) {
		CHECK(sc->len == 0 && sc->flags == 0 && sc->action == NULL);
		CHECK(sc->nsyscalls == 0 && sc->nrules == 0);
		return;
	}
	CHECK(pl->flags & TSJ_FLAG_NO_NEW_PRIVS);
	CHECK(sc->len >= 8 && sc->len % 8 == 0 && sc->len / 8 <= TSJ_MAX_BPF_INSNS);
	CHECK((sc->flags & ~(uint32_t)TSJ_SF_ALL) == 0);
	CHECK(str_ok(sc->action, 32, false) && chars_ok(sc->action, NULL, false));
	CHECK(sc->nsyscalls <= TSJ_MAX_SECCOMP_SYSCALLS && sc->nrules <= TSJ_MAX_SECCOMP_RULES);
	for (size_t i = 0; i < sc->nsyscalls; i++) {
		const char *n = sc->syscalls[i], *colon = strchr(n, ':');
		CHECK(str_ok(n, 64, false));
		CHECK(n[0] == '_' || (n[0] >= 'a' && n[0] <= 'z'));
		if (colon) {
			CHECK(colon[1] != '\0' && chars_ok(colon + 1, NULL, false));
			char name[65];
			memcpy(name, n, (size_t)(colon - n));
			name[colon - n] = '\0';
			CHECK(chars_ok(name, "_", true));
		} else {
			CHECK(chars_ok(n, "_", true));
		}
	}
	for (size_t i = 0; i < sc->nrules; i++) {
		CHECK(str_ok(sc->rules[i], 256, false));
		for (const unsigned char *c = (const unsigned char *)sc->rules[i]; *c; c++)
			CHECK(*c >= 0x20 && *c <= 0x7e);
	}
}

static void check_valid(const struct tsj_plan *pl)
{
	const uint32_t req = TSJ_NS_PID | TSJ_NS_MOUNT;
	CHECK((pl->namespaces & ~(uint32_t)TSJ_NS_ALL) == 0);
	CHECK((pl->namespaces & req) == req);
	CHECK((pl->flags & ~(uint32_t)TSJ_FLAG_ALL) == 0);

	CHECK(pl->hostname == NULL || hostname_ok(pl->hostname));
	CHECK(pl->hostname == NULL || (pl->namespaces & TSJ_NS_UTS));

	CHECK(pl->program != NULL && pl->program[0] == '/');
	CHECK(abs_path_ok(pl->program));

	CHECK(pl->argc >= 1 && pl->argc <= TSJ_MAX_ARGV);
	CHECK(pl->argv != NULL && pl->argv[pl->argc] == NULL);
	for (size_t i = 0; i < pl->argc; i++)
		CHECK(str_ok(pl->argv[i], TSJ_MAX_ARG_LEN, true));

	CHECK(pl->envc <= TSJ_MAX_ENV);
	if (pl->envc > 0)
		CHECK(pl->envp != NULL && pl->envp[pl->envc] == NULL);
	for (size_t i = 0; i < pl->envc; i++)
		CHECK(env_ok(pl->envp[i]));

	CHECK(pl->cwd == NULL || abs_path_ok(pl->cwd));
	CHECK((pl->caps_keep >> (LAST_CAP + 1)) == 0);

	CHECK(pl->nsources <= TSJ_MAX_SOURCES);
	CHECK(pl->nsources == 0 || pl->sources != NULL);
	for (size_t i = 0; i < pl->nsources; i++)
		CHECK(abs_path_ok(pl->sources[i].path));

	CHECK(pl->nmounts <= TSJ_MAX_MOUNTS);
	CHECK(pl->nmounts == 0 || pl->mounts != NULL);
	for (size_t i = 0; i < pl->nmounts; i++)
		check_mount(&pl->mounts[i]);

	if (pl->root != NULL)
		check_root(pl->root);
	check_security(pl);
}

static bool plan_empty(const struct tsj_plan *pl)
{
	return pl->namespaces == 0 && pl->flags == 0 && pl->hostname == NULL &&
	       pl->program == NULL && pl->argv == NULL && pl->argc == 0 &&
	       pl->envp == NULL && pl->envc == 0 && pl->cwd == NULL &&
	       pl->caps_keep == 0 && pl->sources == NULL && pl->nsources == 0 &&
	       pl->mounts == NULL && pl->nmounts == 0 && pl->root == NULL &&
	       pl->seccomp.bpf == NULL && pl->seccomp.len == 0 && pl->seccomp.flags == 0 &&
	       pl->seccomp.action == NULL && pl->seccomp.syscalls == NULL &&
	       pl->seccomp.nsyscalls == 0 && pl->seccomp.rules == NULL &&
	       pl->seccomp.nrules == 0 && pl->privs == 0;
}

/* ---- canonical re-encoding (same order as src/plan/encode.ts) ---- */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *v, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		CHECK(p != NULL);
		b->p = p;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, v, n);
	b->len += n;
}

static void put_le(struct buf *b, uint64_t v, size_t n)
{
	uint8_t x[8];
	for (size_t i = 0; i < n; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	put(b, x, n);
}

static void put_rec(struct buf *b, unsigned tag, const void *v, size_t n)
{
	put_le(b, tag, 2);
	put_le(b, n, 4);
	put(b, v, n);
}

static void put_str(struct buf *b, unsigned tag, const char *s)
{
	put_rec(b, tag, s, strlen(s));
}

static void put_prefixed(struct buf *b, const char *s)
{
	put_le(b, strlen(s), 2);
	put(b, s, strlen(s));
}

static void encode(const struct tsj_plan *pl, struct buf *out)
{
	struct buf body = { 0 }, v = { 0 };
	put_le(&v, pl->namespaces, 4);
	put_rec(&body, TSJ_TAG_NAMESPACES, v.p, v.len);
	v.len = 0;
	put_le(&v, pl->flags, 4);
	put_rec(&body, TSJ_TAG_FLAGS, v.p, v.len);
	if (pl->hostname)
		put_str(&body, TSJ_TAG_HOSTNAME, pl->hostname);
	put_str(&body, TSJ_TAG_PROGRAM, pl->program);
	for (size_t i = 0; i < pl->argc; i++)
		put_str(&body, TSJ_TAG_ARGV, pl->argv[i]);
	for (size_t i = 0; i < pl->envc; i++)
		put_str(&body, TSJ_TAG_ENV, pl->envp[i]);
	if (pl->cwd)
		put_str(&body, TSJ_TAG_CWD, pl->cwd);
	if (pl->caps_keep) {
		v.len = 0;
		put_le(&v, pl->caps_keep, 8);
		put_rec(&body, TSJ_TAG_CAPS_KEEP, v.p, v.len);
	}
	for (size_t i = 0; i < pl->nsources; i++) {
		v.len = 0;
		put_le(&v, pl->sources[i].mtime_ns, 8);
		put(&v, pl->sources[i].path, strlen(pl->sources[i].path));
		put_rec(&body, TSJ_TAG_SOURCE, v.p, v.len);
	}
	for (size_t i = 0; i < pl->nmounts; i++) {
		const struct tsj_mount *m = &pl->mounts[i];
		v.len = 0;
		put_le(&v, m->kind, 1);
		put_le(&v, m->flags, 1);
		put_le(&v, m->mode, 2);
		put_le(&v, m->npaths, 2);
		for (size_t j = 0; j < m->npaths; j++)
			put_prefixed(&v, m->paths[j]);
		put_rec(&body, TSJ_TAG_MOUNT, v.p, v.len);
	}
	if (pl->root) {
		const struct tsj_root *rt = pl->root;
		v.len = 0;
		put_le(&v, rt->flags, 1);
		put_le(&v, rt->nlowers, 1);
		put_prefixed(&v, rt->base);
		if (rt->upper) {
			put_prefixed(&v, rt->upper);
			put_prefixed(&v, rt->work);
		}
		for (size_t j = 0; j < rt->nlowers; j++)
			put_prefixed(&v, rt->lowers[j]);
		put_rec(&body, TSJ_TAG_ROOT, v.p, v.len);
	}
	if (pl->privs) {
		v.len = 0;
		put_le(&v, pl->privs, 4);
		put_rec(&body, TSJ_TAG_PRIVS, v.p, v.len);
	}
	if (pl->seccomp.bpf) {
		const struct tsj_seccomp *sc = &pl->seccomp;
		put_rec(&body, TSJ_TAG_SECCOMP_BPF, sc->bpf, sc->len);
		v.len = 0;
		put_le(&v, sc->flags, 4);
		put_rec(&body, TSJ_TAG_SECCOMP_FLAGS, v.p, v.len);
		put_str(&body, TSJ_TAG_SECCOMP_ACTION, sc->action);
		for (size_t i = 0; i < sc->nsyscalls; i++)
			put_str(&body, TSJ_TAG_SECCOMP_SYSCALL, sc->syscalls[i]);
		for (size_t i = 0; i < sc->nrules; i++)
			put_str(&body, TSJ_TAG_SECCOMP_RULE, sc->rules[i]);
	}
	const struct tsj_resources *res = &pl->res;
	for (size_t i = 0; i < res->ncgroup_files; i++)
		put_str(&body, TSJ_TAG_CGROUP_FILE, res->cgroup_files[i]);
	if (res->cpu_quota_us) {
		v.len = 0;
		put_le(&v, res->cpu_quota_us, 4);
		put_le(&v, res->cpu_period_us, 4);
		put_rec(&body, TSJ_TAG_CPU_QUOTA, v.p, v.len);
	}
	if (res->memory_bytes) {
		v.len = 0;
		put_le(&v, res->memory_bytes, 8);
		put_rec(&body, TSJ_TAG_MEMORY, v.p, v.len);
	}
	if (res->pids_max) {
		v.len = 0;
		put_le(&v, res->pids_max, 4);
		put_rec(&body, TSJ_TAG_PIDS_MAX, v.p, v.len);
	}
	size_t ncpu = sizeof res->cpus;
	while (ncpu > 0 && res->cpus[ncpu - 1] == 0)
		ncpu--;
	if (ncpu > 0)
		put_rec(&body, TSJ_TAG_CPUS, res->cpus, ncpu);
	for (unsigned i = 0; i < TSJ_RLIM_COUNT; i++)
		if ((res->rlimits_set >> i) & 1) {
			v.len = 0;
			put_le(&v, i, 4);
			put_le(&v, res->rlimits[i], 8);
			put_rec(&body, TSJ_TAG_RLIMIT, v.p, v.len);
		}
	if (res->has_nice) {
		v.len = 0;
		put_le(&v, (uint32_t)res->nice, 4);
		put_rec(&body, TSJ_TAG_NICE, v.p, v.len);
	}
	if (res->timeout_s) {
		v.len = 0;
		put_le(&v, res->timeout_s, 4);
		put_rec(&body, TSJ_TAG_TIMEOUT, v.p, v.len);
	}
	const struct tsj_plan_net *net = &pl->net;
	if (net->parent) {
		put_str(&body, TSJ_TAG_NET_PARENT, net->parent);
		if (net->name)
			put_str(&body, TSJ_TAG_NET_NAME, net->name);
		if (net->veth)
			put_str(&body, TSJ_TAG_NET_VETH, net->veth);
		if (net->ip)
			put_str(&body, TSJ_TAG_NET_IP, net->ip);
		if (net->netmask)
			put_str(&body, TSJ_TAG_NET_NETMASK, net->netmask);
		if (net->gateway)
			put_str(&body, TSJ_TAG_NET_GATEWAY, net->gateway);
		if (net->mac)
			put_str(&body, TSJ_TAG_NET_MAC, net->mac);
		if (net->mtu) {
			v.len = 0;
			put_le(&v, net->mtu, 4);
			put_rec(&body, TSJ_TAG_NET_MTU, v.p, v.len);
		}
	}
	for (size_t i = 0; i < net->ndns; i++)
		put_str(&body, TSJ_TAG_NET_DNS, net->dns[i]);
	if (net->hosts)
		put_rec(&body, TSJ_TAG_NET_HOSTS, net->hosts, strlen(net->hosts));
	out->len = 0;
	put(out, "TSJP", 4);
	put_le(out, TSJ_PLAN_VERSION, 2);
	put_le(out, 0, 2);
	put_le(out, body.len, 4);
	put(out, body.p, body.len);
	free(body.p);
	free(v.p);
}

/* The dump as a malloc'd string. */
static char *dump_str(const struct tsj_plan *pl)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	CHECK(f != NULL);
	CHECK(tsj_plan_dump(pl, f) == 0);
	CHECK(fclose(f) == 0);
	return s;
}

/* ---- entry point ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsj_plan plan;
	char err[256];

	if (devnull == NULL) {
		devnull = fopen("/dev/null", "w");
		CHECK(devnull != NULL);
	}

	/* Garbage in both, so that "left empty" and "NUL-terminated" mean
	 * something. */
	memset(&plan, 0xa5, sizeof plan);
	memset(err, 'X', sizeof err);

	if (tsj_plan_decode(data, size, LAST_CAP, &plan, err, sizeof err) != 0) {
		CHECK(memchr(err, '\0', sizeof err) != NULL);
		CHECK(strncmp(err, "plan: ", 6) == 0);
		for (const char *c = err; *c; c++) /* one line, no control bytes */
			CHECK((unsigned char)*c >= 0x20 && *c != 0x7f);
		CHECK(plan_empty(&plan));
		return 0;
	}

	/* Accepted input is at least a header plus the four required
	 * records, and never above the limit. */
	CHECK(size >= TSJ_PLAN_HEADER && size <= TSJ_PLAN_MAX);
	check_valid(&plan);
	CHECK(tsj_plan_dump(&plan, devnull) == 0);

	/* Round trip: the canonical encoding of what was decoded is accepted
	 * too, and means the same thing. */
	struct buf re = { 0 };
	encode(&plan, &re);
	struct tsj_plan again;
	if (tsj_plan_decode(re.p, re.len, LAST_CAP, &again, err, sizeof err) != 0) {
		fprintf(stderr, "plan_fuzz: re-encoded plan refused: %s\n", err);
		__builtin_trap();
	}
	char *d1 = dump_str(&plan), *d2 = dump_str(&again);
	CHECK(strcmp(d1, d2) == 0);
	free(d1);
	free(d2);
	free(re.p);
	tsj_plan_free(&again);

	tsj_plan_free(&plan);
	CHECK(plan_empty(&plan));
	tsj_plan_free(&plan); /* idempotent on an empty plan */
	return 0;
}
