/* plan.c - decode and validate a plan (PLAN.md). Pure: no syscalls, so the
 * fuzzer exercises exactly what the helper runs. */
#include "plan.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const uint8_t *p;
	size_t left;
	char *err;
	size_t errlen;
};

static int fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	/* Messages quote plan bytes (a hostname, an ENV name, a mount path):
	 * keep the reason on one line, free of control characters. */
	for (char *c = r->err; r->errlen > 0 && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return -1;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

static const char *tag_name(unsigned tag)
{
	switch (tag) {
	case TSJ_TAG_NAMESPACES: return "NAMESPACES";
	case TSJ_TAG_FLAGS: return "FLAGS";
	case TSJ_TAG_HOSTNAME: return "HOSTNAME";
	case TSJ_TAG_PROGRAM: return "PROGRAM";
	case TSJ_TAG_ARGV: return "ARGV";
	case TSJ_TAG_ENV: return "ENV";
	case TSJ_TAG_CWD: return "CWD";
	case TSJ_TAG_CAPS_KEEP: return "CAPS_KEEP";
	case TSJ_TAG_SOURCE: return "SOURCE";
	case TSJ_TAG_MOUNT: return "MOUNT";
	case TSJ_TAG_ROOT: return "ROOT";
	case TSJ_TAG_CGROUP_FILE: return "CGROUP_FILE";
	case TSJ_TAG_CPU_QUOTA: return "CPU_QUOTA";
	case TSJ_TAG_MEMORY: return "MEMORY";
	case TSJ_TAG_PIDS_MAX: return "PIDS_MAX";
	case TSJ_TAG_CPUS: return "CPUS";
	case TSJ_TAG_RLIMIT: return "RLIMIT";
	case TSJ_TAG_NICE: return "NICE";
	case TSJ_TAG_TIMEOUT: return "TIMEOUT";
	case TSJ_TAG_SECCOMP_BPF: return "SECCOMP_BPF";
	case TSJ_TAG_SECCOMP_FLAGS: return "SECCOMP_FLAGS";
	case TSJ_TAG_SECCOMP_ACTION: return "SECCOMP_ACTION";
	case TSJ_TAG_SECCOMP_SYSCALL: return "SECCOMP_SYSCALL";
	case TSJ_TAG_SECCOMP_RULE: return "SECCOMP_RULE";
	case TSJ_TAG_PRIVS: return "PRIVS";
	case TSJ_TAG_NET_PARENT: return "NET_PARENT";
	case TSJ_TAG_NET_NAME: return "NET_NAME";
	case TSJ_TAG_NET_VETH: return "NET_VETH";
	case TSJ_TAG_NET_IP: return "NET_IP";
	case TSJ_TAG_NET_NETMASK: return "NET_NETMASK";
	case TSJ_TAG_NET_GATEWAY: return "NET_GATEWAY";
	case TSJ_TAG_NET_MAC: return "NET_MAC";
	case TSJ_TAG_NET_MTU: return "NET_MTU";
	case TSJ_TAG_NET_DNS: return "NET_DNS";
	case TSJ_TAG_NET_HOSTS: return "NET_HOSTS";
	default: return "unknown";
	}
}

/* A copy of v[0..n) as a C string; refuses NUL bytes and, unless
 * allow_empty, the empty string. */
static char *take_str(struct reader *r, unsigned tag, const uint8_t *v, size_t n,
		      size_t max, bool allow_empty)
{
	if (n > max) {
		fail(r, "plan: %s is %zu bytes, more than %zu", tag_name(tag), n, max);
		return NULL;
	}
	if (n == 0 && !allow_empty) {
		fail(r, "plan: %s is empty", tag_name(tag));
		return NULL;
	}
	if (n > 0 && memchr(v, 0, n) != NULL) {
		fail(r, "plan: %s contains a NUL byte", tag_name(tag));
		return NULL;
	}
	char *s = malloc(n + 1);
	if (s == NULL) {
		fail(r, "plan: out of memory");
		return NULL;
	}
	if (n > 0)
		memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

/* Absolute, normalised: no empty, "." or ".." component, no trailing '/'
 * except for "/" itself. */
static bool path_ok(const char *s)
{
	if (s[0] != '/')
		return false;
	if (s[1] == '\0')
		return true;
	const char *c = s + 1;
	for (;;) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (end == NULL)
			return true;
		c = end + 1;
	}
}

static char *take_path(struct reader *r, unsigned tag, const uint8_t *v, size_t n)
{
	char *s = take_str(r, tag, v, n, TSJ_MAX_PATH, false);
	if (s != NULL && !path_ok(s)) {
		fail(r, "plan: %s is not a normalised absolute path", tag_name(tag));
		free(s);
		return NULL;
	}
	return s;
}

/* Relative, normalised: no leading '/', no empty, "." or ".." component. */
static bool relpath_ok(const char *s)
{
	if (s[0] == '/' || s[0] == '\0')
		return false;
	char buf[TSJ_MAX_PATH + 2];
	int n = snprintf(buf, sizeof buf, "/%s", s);
	return n > 0 && (size_t)n < sizeof buf && path_ok(buf) && strcmp(buf, "/") != 0;
}

static const char *const mount_names[] = {
	NULL, "read-only", "read-write", "noexec", "tmpfs", "blacklist", "bind",
	"whitelist", "mkdir", "mkfile", "dev",
};

/* MOUNT: u8 kind, u8 flags, u16 mode, u16 npaths, npaths x (u16 len, bytes). */
static int mount_record(struct reader *r, struct tsj_plan *pl, const uint8_t *v, size_t n)
{
	if (n < 6)
		return fail(r, "plan: MOUNT is too short");
	if (pl->nmounts >= TSJ_MAX_MOUNTS)
		return fail(r, "plan: more than %u MOUNT records", TSJ_MAX_MOUNTS);
	if (pl->mounts == NULL) {
		pl->mounts = calloc(TSJ_MAX_MOUNTS, sizeof *pl->mounts);
		if (pl->mounts == NULL)
			return fail(r, "plan: out of memory");
	}
	unsigned kind = v[0], flags = v[1], mode = le16(v + 2), np = le16(v + 4);
	if (kind == 0 || kind > TSJ_MNT_KIND_MAX)
		return fail(r, "plan: unknown mount operation %u", kind);
	const char *name = mount_names[kind];
	static const uint32_t allowed_flags[] = {
		0, TSJ_MF_OPTIONAL, TSJ_MF_OPTIONAL, TSJ_MF_OPTIONAL,
		TSJ_MF_OPTIONAL | TSJ_MF_USER_OWNED, TSJ_MF_OPTIONAL,
		TSJ_MF_OPTIONAL | TSJ_MF_READ_ONLY, TSJ_MF_OPTIONAL | TSJ_MF_KEEP_CWD, 0, 0,
		TSJ_MF_SOUND | TSJ_MF_DRI,
	};
	if (flags & ~allowed_flags[kind])
		return fail(r, "plan: %s has unknown flags 0x%x", name, flags);
	if (mode > 07777 || (mode != 0 && kind != TSJ_MNT_TMPFS))
		return fail(r, "plan: %s has a bad mode %o", name, mode);
	size_t want_min = 1, want_max = 1;
	if (kind == TSJ_MNT_BIND)
		want_min = want_max = 2;
	else if (kind == TSJ_MNT_WHITELIST)
		want_max = TSJ_MAX_MOUNT_PATHS;
	else if (kind == TSJ_MNT_DEV)
		want_min = want_max = 0;
	if (np < want_min || np > want_max)
		return fail(r, "plan: %s with %u paths", name, np);

	struct tsj_mount *m = &pl->mounts[pl->nmounts++];
	m->kind = (enum tsj_mount_kind)kind;
	m->flags = flags;
	m->mode = mode;
	if (np > 0 && (m->paths = calloc(np, sizeof(char *))) == NULL)
		return fail(r, "plan: out of memory");
	const uint8_t *p = v + 6;
	size_t left = n - 6;
	for (unsigned i = 0; i < np; i++) {
		if (left < 2 || (size_t)le16(p) > left - 2)
			return fail(r, "plan: %s path %u overruns the record", name, i);
		size_t len = le16(p);
		char *path = take_str(r, TSJ_TAG_MOUNT, p + 2, len, TSJ_MAX_PATH, false);
		if (path == NULL)
			return -1;
		m->paths[m->npaths++] = path;
		bool rel = kind == TSJ_MNT_WHITELIST && i > 0;
		if (rel ? !relpath_ok(path) : !path_ok(path))
			return fail(r, "plan: %s path '%s' is not a normalised %s path", name, path,
				    rel ? "relative" : "absolute");
		if (!rel && strcmp(path, "/") == 0 && kind != TSJ_MNT_READ_ONLY &&
		    kind != TSJ_MNT_NOEXEC && !(kind == TSJ_MNT_BIND && i == 0))
			return fail(r, "plan: %s of / is not allowed", name);
		p += 2 + len;
		left -= 2 + len;
	}
	if (left != 0)
		return fail(r, "plan: %s has %zu trailing bytes", name, left);
	return 0;
}

/* ROOT: u8 flags, u8 nlowers, then u16-prefixed paths: base, upper and work
 * (overlay without tmpfs upper only), nlowers lowers. */
static int root_record(struct reader *r, struct tsj_plan *pl, const uint8_t *v, size_t n)
{
	if (n < 2)
		return fail(r, "plan: ROOT is too short");
	unsigned flags = v[0], nl = v[1];
	if (flags & ~(unsigned)TSJ_RF_ALL)
		return fail(r, "plan: ROOT has unknown flags 0x%x", flags);
	bool overlay = flags & TSJ_RF_OVERLAY;
	if (!overlay && (flags != 0 || nl != 0))
		return fail(r, "plan: ROOT layers without an overlay");
	if (nl > TSJ_MAX_LOWERS)
		return fail(r, "plan: ROOT has more than %u lower layers", TSJ_MAX_LOWERS);
	struct tsj_root *root = calloc(1, sizeof *root);
	if (root == NULL || (nl > 0 && (root->lowers = calloc(nl, sizeof(char *))) == NULL)) {
		free(root);
		return fail(r, "plan: out of memory");
	}
	pl->root = root;
	root->flags = flags;
	bool upper = overlay && !(flags & TSJ_RF_TMPFS_UPPER);
	size_t np = 1 + (upper ? 2 : 0) + nl;
	const uint8_t *p = v + 2;
	size_t left = n - 2;
	for (size_t i = 0; i < np; i++) {
		if (left < 2 || (size_t)le16(p) > left - 2)
			return fail(r, "plan: ROOT path %zu overruns the record", i);
		size_t len = le16(p);
		char *path = take_path(r, TSJ_TAG_ROOT, p + 2, len);
		if (path == NULL)
			return -1;
		if (i == 0)
			root->base = path;
		else if (upper && i == 1)
			root->upper = path;
		else if (upper && i == 2)
			root->work = path;
		else
			root->lowers[root->nlowers++] = path;
		p += 2 + len;
		left -= 2 + len;
	}
	if (left != 0)
		return fail(r, "plan: ROOT has %zu trailing bytes", left);
	if (!overlay && strcmp(root->base, "/") == 0)
		return fail(r, "plan: a chroot into / changes nothing");
	return 0;
}

static bool hostname_ok(const char *s)
{
	for (const char *c = s; *c; c++) {
		bool alnum = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			     (*c >= '0' && *c <= '9');
		if (!alnum && *c != '-' && *c != '.')
			return false;
	}
	return s[0] != '-' && s[0] != '.';
}

int tsj_env_name_denied(const char *name, size_t n)
{
	static const char *const denied[] = {
		"GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES",
		"LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE", "NIS_PATH", "NLSPATH",
		"RESOLV_HOST_CONF", "RES_OPTIONS", "TZDIR",
	};
	if (n >= 3 && memcmp(name, "LD_", 3) == 0)
		return 1;
	for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
		if (strlen(denied[i]) == n && memcmp(denied[i], name, n) == 0)
			return 1;
	return 0;
}

static bool env_ok(struct reader *r, const char *s)
{
	const char *eq = strchr(s, '=');
	if (eq == NULL || eq == s)
		return fail(r, "plan: ENV entry is not NAME=value"), false;
	for (const char *c = s; c < eq; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  *c == '_' || (c > s && *c >= '0' && *c <= '9');
		if (!ok)
			return fail(r, "plan: ENV name '%.*s' is not valid",
				    (int)(eq - s), s), false;
	}
	if (tsj_env_name_denied(s, (size_t)(eq - s)))
		return fail(r, "plan: ENV variable %.*s may not pass into a sandbox",
			    (int)(eq - s), s), false;
	return true;
}

/* Appends s to a NULL-terminated vector of capacity max. */
static int push(struct reader *r, char ***vec, size_t *count, size_t max,
		unsigned tag, char *s)
{
	if (*count >= max) {
		free(s);
		return fail(r, "plan: more than %zu %s records", max, tag_name(tag));
	}
	if (*vec == NULL) {
		*vec = calloc(max + 1, sizeof(char *));
		if (*vec == NULL) {
			free(s);
			return fail(r, "plan: out of memory");
		}
	}
	(*vec)[(*count)++] = s;
	return 0;
}

static int once(struct reader *r, unsigned tag, bool *seen)
{
	if (seen[tag])
		return fail(r, "plan: %s given twice", tag_name(tag));
	seen[tag] = true;
	return 0;
}

static int need_len(struct reader *r, unsigned tag, size_t n, size_t want)
{
	if (n != want)
		return fail(r, "plan: %s must be %zu bytes, not %zu", tag_name(tag), want, n);
	return 0;
}

static void json_str(FILE *out, const char *s);

/* Cgroups and resource limits: tags 0x40-0x4f (PLAN.md). */
static const char *const rlimit_names[TSJ_RLIM_COUNT] = {
	"as", "cpu", "fsize", "nofile", "nproc", "sigpending",
};

int tsj_resources_transient(const struct tsj_resources *res)
{
	return res->cpu_quota_us != 0 || res->memory_bytes != 0 || res->pids_max != 0;
}

static int resources_record(struct reader *r, struct tsj_resources *res, unsigned tag,
			    const uint8_t *v, size_t n, bool *seen)
{
	char *s;
	switch (tag) {
	case TSJ_TAG_CGROUP_FILE:
		if (res->ncgroup_files >= TSJ_MAX_CGROUP_FILES)
			return fail(r, "plan: more than %u CGROUP_FILE records", TSJ_MAX_CGROUP_FILES);
		if ((s = take_path(r, tag, v, n)) == NULL)
			return -1;
		res->cgroup_files[res->ncgroup_files++] = s;
		if (strncmp(s, TSJ_CGROUP_ROOT "/", sizeof TSJ_CGROUP_ROOT) != 0)
			return fail(r, "plan: CGROUP_FILE %s is not under " TSJ_CGROUP_ROOT, s);
		return 0;
	case TSJ_TAG_CPU_QUOTA:
		if (once(r, tag, seen) || need_len(r, tag, n, 8))
			return -1;
		res->cpu_quota_us = le32(v);
		res->cpu_period_us = le32(v + 4);
		if (res->cpu_period_us < 1000 || res->cpu_period_us > 1000000)
			return fail(r, "plan: CPU_QUOTA period %u is not 1000-1000000 us", res->cpu_period_us);
		if (res->cpu_quota_us < 1000 ||
		    (uint64_t)res->cpu_quota_us > (uint64_t)res->cpu_period_us * 1024)
			return fail(r, "plan: CPU_QUOTA quota %u is not 1000 us to 1024 periods", res->cpu_quota_us);
		return 0;
	case TSJ_TAG_MEMORY:
		if (once(r, tag, seen) || need_len(r, tag, n, 8))
			return -1;
		res->memory_bytes = le64(v);
		if (res->memory_bytes < TSJ_MIN_MEMORY || res->memory_bytes > TSJ_MAX_VALUE)
			return fail(r, "plan: MEMORY %llu is out of range",
				    (unsigned long long)res->memory_bytes);
		return 0;
	case TSJ_TAG_PIDS_MAX:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		res->pids_max = le32(v);
		if (res->pids_max < 1 || res->pids_max > TSJ_MAX_PIDS)
			return fail(r, "plan: PIDS_MAX %u is out of range", res->pids_max);
		return 0;
	case TSJ_TAG_CPUS:
		if (once(r, tag, seen))
			return -1;
		if (n == 0 || n > sizeof res->cpus)
			return fail(r, "plan: CPUS is %zu bytes, not 1-%zu", n, sizeof res->cpus);
		memcpy(res->cpus, v, n);
		for (size_t i = 0; i < n * 8; i++)
			res->ncpus += (res->cpus[i / 8] >> (i % 8)) & 1;
		if (res->ncpus == 0)
			return fail(r, "plan: CPUS names no CPU");
		return 0;
	case TSJ_TAG_RLIMIT: {
		if (need_len(r, tag, n, 12))
			return -1;
		uint32_t which = le32(v);
		if (which >= TSJ_RLIM_COUNT)
			return fail(r, "plan: RLIMIT %u is not a known limit", which);
		if (res->rlimits_set & (1u << which))
			return fail(r, "plan: RLIMIT %s given twice", rlimit_names[which]);
		res->rlimits_set |= 1u << which;
		res->rlimits[which] = le64(v + 4);
		if (res->rlimits[which] > TSJ_MAX_VALUE)
			return fail(r, "plan: RLIMIT %s is out of range", rlimit_names[which]);
		return 0;
	}
	case TSJ_TAG_NICE:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		res->nice = (int32_t)le32(v);
		res->has_nice = 1;
		if (res->nice < -20 || res->nice > 19)
			return fail(r, "plan: NICE %d is not -20 to 19", (int)res->nice);
		return 0;
	case TSJ_TAG_TIMEOUT:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		res->timeout_s = le32(v);
		if (res->timeout_s < 1 || res->timeout_s > TSJ_MAX_TIMEOUT)
			return fail(r, "plan: TIMEOUT %u is out of range", res->timeout_s);
		return 0;
	default:
		return fail(r, "plan: unknown record tag 0x%x", tag);
	}
}

static void resources_free(struct tsj_resources *res)
{
	for (size_t i = 0; i < res->ncgroup_files; i++)
		free(res->cgroup_files[i]);
}

static void json_u64_or_null(FILE *out, const char *sep, const char *key, int set, uint64_t v)
{
	fprintf(out, "%s\"%s\":", sep, key);
	if (set)
		fprintf(out, "%llu", (unsigned long long)v);
	else
		fputs("null", out);
}

static void resources_dump(const struct tsj_resources *res, FILE *out)
{
	fputs(",\"resources\":{\"cgroupFiles\":[", out);
	for (size_t i = 0; i < res->ncgroup_files; i++) {
		if (i)
			fputc(',', out);
		json_str(out, res->cgroup_files[i]);
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
	fputs(",\"pidsMax\":", out);
	if (res->pids_max)
		fprintf(out, "%u", res->pids_max);
	else
		fputs("null", out);
	fputs(",\"cpus\":[", out);
	for (unsigned c = 0, first = 1; c < TSJ_MAX_CPUS; c++)
		if ((res->cpus[c / 8] >> (c % 8)) & 1) {
			fprintf(out, "%s%u", first ? "" : ",", c);
			first = 0;
		}
	fputs("],\"rlimits\":{", out);
	for (unsigned i = 0; i < TSJ_RLIM_COUNT; i++)
		json_u64_or_null(out, i ? "," : "", rlimit_names[i], (res->rlimits_set >> i) & 1,
				 res->rlimits[i]);
	fputs("},\"nice\":", out);
	if (res->has_nice)
		fprintf(out, "%d", (int)res->nice);
	else
		fputs("null", out);
	fputs(",\"timeoutSeconds\":", out);
	if (res->timeout_s)
		fprintf(out, "%u", res->timeout_s);
	else
		fputs("null", out);
	fputc('}', out);
}

/* Seccomp and privileges (tags 0x20-0x2f). */

/* name or name:ACTION: [a-z_][a-z0-9_]*, then [A-Za-z0-9]+. */
static bool seccomp_syscall_ok(const char *s)
{
	const char *c = s;
	if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
		return false;
	while ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')
		c++;
	if (*c == '\0')
		return true;
	if (*c++ != ':' || *c == '\0')
		return false;
	for (; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			return false;
	return true;
}

static bool alnum_ok(const char *s)
{
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			return false;
	return true;
}

static bool printable_ok(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			return false;
	return true;
}

static int security_record(struct reader *r, struct tsj_plan *pl, unsigned tag,
			   const uint8_t *v, size_t n, bool *seen)
{
	struct tsj_seccomp *sc = &pl->seccomp;
	char *s;
	switch (tag) {
	case TSJ_TAG_SECCOMP_BPF:
		if (once(r, tag, seen))
			return -1;
		if (n == 0 || n % 8 != 0 || n / 8 > TSJ_MAX_BPF_INSNS)
			return fail(r, "plan: SECCOMP_BPF must be 1 to %u instructions of 8 bytes, not %zu bytes",
				    TSJ_MAX_BPF_INSNS, n);
		if ((sc->bpf = malloc(n)) == NULL)
			return fail(r, "plan: out of memory");
		memcpy(sc->bpf, v, n);
		sc->len = n;
		return 0;
	case TSJ_TAG_SECCOMP_FLAGS:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		sc->flags = le32(v);
		if (sc->flags & ~(uint32_t)TSJ_SF_ALL)
			return fail(r, "plan: unknown SECCOMP_FLAGS bits 0x%x", sc->flags);
		return 0;
	case TSJ_TAG_SECCOMP_ACTION:
		if (once(r, tag, seen))
			return -1;
		if ((sc->action = take_str(r, tag, v, n, 32, false)) == NULL)
			return -1;
		if (!alnum_ok(sc->action))
			return fail(r, "plan: SECCOMP_ACTION '%s' is not valid", sc->action);
		return 0;
	case TSJ_TAG_SECCOMP_SYSCALL:
		if ((s = take_str(r, tag, v, n, 64, false)) == NULL)
			return -1;
		if (!seccomp_syscall_ok(s)) {
			fail(r, "plan: SECCOMP_SYSCALL '%s' is not a syscall name", s);
			free(s);
			return -1;
		}
		return push(r, &sc->syscalls, &sc->nsyscalls, TSJ_MAX_SECCOMP_SYSCALLS, tag, s);
	case TSJ_TAG_SECCOMP_RULE:
		if ((s = take_str(r, tag, v, n, 256, false)) == NULL)
			return -1;
		if (!printable_ok(s)) {
			free(s);
			return fail(r, "plan: SECCOMP_RULE is not printable text");
		}
		return push(r, &sc->rules, &sc->nrules, TSJ_MAX_SECCOMP_RULES, tag, s);
	case TSJ_TAG_PRIVS:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		pl->privs = le32(v);
		if (pl->privs & ~(uint32_t)TSJ_PRIV_ALL)
			return fail(r, "plan: unknown PRIVS bits 0x%x", pl->privs);
		return 0;
	default:
		return fail(r, "plan: unknown record tag 0x%x", tag);
	}
}

/* The seccomp records go together, and a filter needs no_new_privs (the
 * kernel refuses one from a process without it and without CAP_SYS_ADMIN,
 * which the program no longer has when the filter is installed). */
static int security_check(struct reader *r, const struct tsj_plan *pl, const bool *seen)
{
	bool any = seen[TSJ_TAG_SECCOMP_FLAGS] || seen[TSJ_TAG_SECCOMP_ACTION] ||
		   pl->seccomp.nsyscalls > 0 || pl->seccomp.nrules > 0;
	if (any && !seen[TSJ_TAG_SECCOMP_BPF])
		return fail(r, "plan: SECCOMP records without SECCOMP_BPF");
	if (seen[TSJ_TAG_SECCOMP_BPF] && !(seen[TSJ_TAG_SECCOMP_FLAGS] && seen[TSJ_TAG_SECCOMP_ACTION]))
		return fail(r, "plan: SECCOMP_BPF needs SECCOMP_FLAGS and SECCOMP_ACTION");
	if (seen[TSJ_TAG_SECCOMP_BPF] && !(pl->flags & TSJ_FLAG_NO_NEW_PRIVS))
		return fail(r, "plan: a seccomp filter needs no_new_privs");
	return 0;
}

/* ---- Network records (0x30-0x3f) ---- */

/* A Linux interface name: 1-15 printable bytes, no '/', ':' or space, not
 * "." or "..". */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TSJ_MAX_IFNAME || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *c = s; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '/' || *c == ':')
			return false;
	return true;
}

int tsj_ifname_ok(const char *s)
{
	return ifname_ok(s);
}

/* Dotted-quad IPv4 in the form inet_ntop writes it. */
static bool ipv4_canonical(const char *s, struct in_addr *out)
{
	char back[INET_ADDRSTRLEN];
	struct in_addr a;
	if (strlen(s) >= sizeof back || inet_pton(AF_INET, s, &a) != 1)
		return false;
	if (inet_ntop(AF_INET, &a, back, sizeof back) == NULL || strcmp(back, s) != 0)
		return false;
	if (out)
		*out = a;
	return true;
}

/* A unicast host address: not 0/8, loopback, multicast or broadcast. */
static bool ipv4_host(const char *s)
{
	struct in_addr a;
	if (!ipv4_canonical(s, &a))
		return false;
	uint32_t h = ntohl(a.s_addr);
	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) < 14;
}

static bool netmask_ok(const char *s)
{
	struct in_addr a;
	if (!ipv4_canonical(s, &a))
		return false;
	uint32_t m = ntohl(a.s_addr);
	return m != 0 && (~m & (~m + 1)) == 0; /* ones, then zeros */
}

static bool mac_ok(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (strlen(s) != 17)
		return false;
	bool zero = true;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return false;
		} else if (s[i] == '\0' || strchr(hex, s[i]) == NULL) {
			return false;
		} else if (s[i] != '0') {
			zero = false;
		}
	}
	/* The low bit of the first octet marks multicast. */
	return !zero && (strchr(hex, s[1]) - hex) % 2 == 0;
}

static bool dns_ok(const char *s)
{
	unsigned char a6[16];
	if (strchr(s, ':') != NULL)
		return inet_pton(AF_INET6, s, a6) == 1;
	return ipv4_canonical(s, NULL);
}

/* Takes a once-only string record into *slot, checking it with ok(). */
static int net_str(struct reader *r, unsigned tag, const uint8_t *v, size_t n, size_t max,
		   bool *seen, char **slot, bool (*ok)(const char *), const char *what)
{
	if (once(r, tag, seen))
		return -1;
	if ((*slot = take_str(r, tag, v, n, max, false)) == NULL)
		return -1;
	if (!ok(*slot))
		return fail(r, "plan: %s '%s' is not %s", tag_name(tag), *slot, what);
	return 0;
}

static bool ip_ok(const char *s)
{
	return strcmp(s, "none") == 0 || ipv4_host(s);
}

static int net_record(struct reader *r, struct tsj_plan_net *net, unsigned tag,
		      const uint8_t *v, size_t n, bool *seen)
{
	char *s;
	net->present = true;
	switch (tag) {
	case TSJ_TAG_NET_PARENT:
		return net_str(r, tag, v, n, TSJ_MAX_IFNAME, seen, &net->parent, ifname_ok,
			       "an interface name");
	case TSJ_TAG_NET_NAME:
		return net_str(r, tag, v, n, TSJ_MAX_IFNAME, seen, &net->name, ifname_ok,
			       "an interface name");
	case TSJ_TAG_NET_VETH:
		return net_str(r, tag, v, n, TSJ_MAX_IFNAME, seen, &net->veth, ifname_ok,
			       "an interface name");
	case TSJ_TAG_NET_IP:
		return net_str(r, tag, v, n, TSJ_MAX_ADDR_TEXT, seen, &net->ip, ip_ok,
			       "\"none\" or a unicast IPv4 address");
	case TSJ_TAG_NET_NETMASK:
		return net_str(r, tag, v, n, TSJ_MAX_ADDR_TEXT, seen, &net->netmask, netmask_ok,
			       "an IPv4 network mask");
	case TSJ_TAG_NET_GATEWAY:
		return net_str(r, tag, v, n, TSJ_MAX_ADDR_TEXT, seen, &net->gateway, ipv4_host,
			       "a unicast IPv4 address");
	case TSJ_TAG_NET_MAC:
		return net_str(r, tag, v, n, 17, seen, &net->mac, mac_ok,
			       "a unicast MAC address (xx:xx:xx:xx:xx:xx, lower case)");
	case TSJ_TAG_NET_MTU:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		net->mtu = le32(v);
		if (net->mtu < TSJ_MTU_MIN || net->mtu > TSJ_MTU_MAX)
			return fail(r, "plan: NET_MTU %u is outside %u-%u", net->mtu,
				    TSJ_MTU_MIN, TSJ_MTU_MAX);
		return 0;
	case TSJ_TAG_NET_DNS:
		if (net->ndns >= TSJ_MAX_DNS)
			return fail(r, "plan: more than %u NET_DNS records", TSJ_MAX_DNS);
		if ((s = take_str(r, tag, v, n, TSJ_MAX_ADDR_TEXT, false)) == NULL)
			return -1;
		net->dns[net->ndns++] = s;
		if (!dns_ok(s))
			return fail(r, "plan: NET_DNS '%s' is not an IP address", s);
		return 0;
	case TSJ_TAG_NET_HOSTS:
		if (once(r, tag, seen))
			return -1;
		return (net->hosts = take_str(r, tag, v, n, TSJ_MAX_HOSTS, true)) == NULL ? -1 : 0;
	default:
		return fail(r, "plan: unknown record tag 0x%x", tag);
	}
}

/* Records that only make sense together. */
static int net_check(struct reader *r, const struct tsj_plan *pl)
{
	const struct tsj_plan_net *net = &pl->net;
	if (net->parent != NULL && !(pl->namespaces & TSJ_NS_NET))
		return fail(r, "plan: NET_PARENT needs the net namespace");
	if (net->parent == NULL && (net->name || net->veth || net->ip || net->netmask ||
				    net->gateway || net->mac || net->mtu))
		return fail(r, "plan: interface settings without NET_PARENT");
	if (net->gateway != NULL && net->ip != NULL && strcmp(net->ip, "none") == 0)
		return fail(r, "plan: NET_GATEWAY with NET_IP none");
	return 0;
}

static int record(struct reader *r, struct tsj_plan *pl, unsigned tag,
		  const uint8_t *v, size_t n, unsigned last_cap, bool *seen)
{
	char *s;
	switch (tag) {
	case TSJ_TAG_NAMESPACES:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		pl->namespaces = le32(v);
		if (pl->namespaces & ~(uint32_t)TSJ_NS_ALL)
			return fail(r, "plan: unknown namespace bits 0x%x", pl->namespaces);
		if ((pl->namespaces & (TSJ_NS_PID | TSJ_NS_MOUNT)) != (TSJ_NS_PID | TSJ_NS_MOUNT))
			return fail(r, "plan: the pid and mount namespaces are required");
		return 0;
	case TSJ_TAG_FLAGS:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		pl->flags = le32(v);
		if (pl->flags & ~(uint32_t)TSJ_FLAG_ALL)
			return fail(r, "plan: unknown flag bits 0x%x", pl->flags);
		return 0;
	case TSJ_TAG_HOSTNAME:
		if (once(r, tag, seen))
			return -1;
		if ((pl->hostname = take_str(r, tag, v, n, TSJ_MAX_HOSTNAME, false)) == NULL)
			return -1;
		if (!hostname_ok(pl->hostname))
			return fail(r, "plan: hostname '%s' is not valid", pl->hostname);
		return 0;
	case TSJ_TAG_PROGRAM:
		if (once(r, tag, seen))
			return -1;
		return (pl->program = take_path(r, tag, v, n)) == NULL ? -1 : 0;
	case TSJ_TAG_CWD:
		if (once(r, tag, seen))
			return -1;
		return (pl->cwd = take_path(r, tag, v, n)) == NULL ? -1 : 0;
	case TSJ_TAG_ARGV:
		if ((s = take_str(r, tag, v, n, TSJ_MAX_ARG_LEN, true)) == NULL)
			return -1;
		return push(r, &pl->argv, &pl->argc, TSJ_MAX_ARGV, tag, s);
	case TSJ_TAG_ENV:
		if ((s = take_str(r, tag, v, n, TSJ_MAX_ARG_LEN, false)) == NULL)
			return -1;
		if (!env_ok(r, s)) {
			free(s);
			return -1;
		}
		return push(r, &pl->envp, &pl->envc, TSJ_MAX_ENV, tag, s);
	case TSJ_TAG_CAPS_KEEP:
		if (once(r, tag, seen) || need_len(r, tag, n, 8))
			return -1;
		pl->caps_keep = le64(v);
		if (last_cap < 63 && (pl->caps_keep >> (last_cap + 1)) != 0)
			return fail(r, "plan: CAPS_KEEP names a capability above %u", last_cap);
		return 0;
	case TSJ_TAG_SOURCE: {
		if (n < 9)
			return fail(r, "plan: SOURCE is too short");
		if (pl->nsources >= TSJ_MAX_SOURCES)
			return fail(r, "plan: more than %u SOURCE records", TSJ_MAX_SOURCES);
		if (pl->sources == NULL) {
			pl->sources = calloc(TSJ_MAX_SOURCES, sizeof *pl->sources);
			if (pl->sources == NULL)
				return fail(r, "plan: out of memory");
		}
		if ((s = take_path(r, tag, v + 8, n - 8)) == NULL)
			return -1;
		pl->sources[pl->nsources].mtime_ns = le64(v);
		pl->sources[pl->nsources++].path = s;
		return 0;
	}
	case TSJ_TAG_MOUNT:
		return mount_record(r, pl, v, n);
	case TSJ_TAG_ROOT:
		if (once(r, tag, seen))
			return -1;
		return root_record(r, pl, v, n);
	case TSJ_TAG_SECCOMP_BPF:
	case TSJ_TAG_SECCOMP_FLAGS:
	case TSJ_TAG_SECCOMP_ACTION:
	case TSJ_TAG_SECCOMP_SYSCALL:
	case TSJ_TAG_SECCOMP_RULE:
	case TSJ_TAG_PRIVS:
		return security_record(r, pl, tag, v, n, seen);
	default:
		if (tag >= TSJ_TAG_CGROUP_FILE && tag <= 0x4f)
			return resources_record(r, &pl->res, tag, v, n, seen);
		if (tag >= TSJ_TAG_NET_PARENT && tag <= TSJ_TAG_NET_HOSTS)
			return net_record(r, &pl->net, tag, v, n, seen);
		return fail(r, "plan: unknown record tag 0x%x", tag);
	}
}

int tsj_plan_decode(const uint8_t *buf, size_t len, unsigned last_cap,
		    struct tsj_plan *plan, char *err, size_t errlen)
{
	struct reader r = { buf, len, err, errlen };
	memset(plan, 0, sizeof *plan);
	if (len > TSJ_PLAN_MAX)
		return fail(&r, "plan: %zu bytes, more than the limit of %u", len, TSJ_PLAN_MAX);
	if (len < TSJ_PLAN_HEADER)
		return fail(&r, "plan: truncated header (%zu bytes)", len);
	if (memcmp(buf, "TSJP", 4) != 0)
		return fail(&r, "plan: bad magic (not a tsjail plan)");
	if (le16(buf + 4) != TSJ_PLAN_VERSION)
		return fail(&r, "plan: version %u, this helper reads version %u",
			    le16(buf + 4), TSJ_PLAN_VERSION);
	if (le16(buf + 6) != 0)
		return fail(&r, "plan: reserved header field is not zero");
	size_t body = le32(buf + 8);
	if (body != len - TSJ_PLAN_HEADER)
		return fail(&r, "plan: header says %zu body bytes, got %zu (truncated or trailing data)",
			    body, len - TSJ_PLAN_HEADER);

	r.p = buf + TSJ_PLAN_HEADER;
	r.left = body;
	bool seen[TSJ_TAG_LIMIT] = { false };
	while (r.left > 0) {
		if (r.left < 6) {
			fail(&r, "plan: truncated record header");
			goto bad;
		}
		unsigned tag = le16(r.p);
		size_t n = le32(r.p + 2);
		if (tag >= TSJ_TAG_LIMIT) {
			fail(&r, "plan: unknown record tag 0x%x", tag);
			goto bad;
		}
		if (n > r.left - 6) {
			fail(&r, "plan: %s record overruns the plan", tag_name(tag));
			goto bad;
		}
		if (record(&r, plan, tag, r.p + 6, n, last_cap, seen) != 0)
			goto bad;
		r.p += 6 + n;
		r.left -= 6 + n;
	}
	if (!seen[TSJ_TAG_NAMESPACES] || !seen[TSJ_TAG_FLAGS] || !seen[TSJ_TAG_PROGRAM] ||
	    plan->argc == 0) {
		fail(&r, "plan: NAMESPACES, FLAGS, PROGRAM and ARGV are required");
		goto bad;
	}
	if (plan->hostname != NULL && !(plan->namespaces & TSJ_NS_UTS)) {
		fail(&r, "plan: a hostname needs the uts namespace");
		goto bad;
	}
	if (security_check(&r, plan, seen) != 0)
		goto bad;
	if (net_check(&r, plan) != 0)
		goto bad;
	return 0;
bad:
	tsj_plan_free(plan);
	return -1;
}

void tsj_plan_free(struct tsj_plan *pl)
{
	free(pl->hostname);
	free(pl->program);
	free(pl->cwd);
	for (size_t i = 0; i < pl->argc; i++)
		free(pl->argv[i]);
	free(pl->argv);
	for (size_t i = 0; i < pl->envc; i++)
		free(pl->envp[i]);
	free(pl->envp);
	for (size_t i = 0; i < pl->nsources; i++)
		free(pl->sources[i].path);
	free(pl->sources);
	for (size_t i = 0; i < pl->nmounts; i++) {
		for (size_t j = 0; j < pl->mounts[i].npaths; j++)
			free(pl->mounts[i].paths[j]);
		free(pl->mounts[i].paths);
	}
	free(pl->mounts);
	if (pl->root != NULL) {
		free(pl->root->base);
		free(pl->root->upper);
		free(pl->root->work);
		for (size_t i = 0; i < pl->root->nlowers; i++)
			free(pl->root->lowers[i]);
		free(pl->root->lowers);
		free(pl->root);
	}
	resources_free(&pl->res);
	free(pl->seccomp.bpf);
	free(pl->seccomp.action);
	for (size_t i = 0; i < pl->seccomp.nsyscalls; i++)
		free(pl->seccomp.syscalls[i]);
	free(pl->seccomp.syscalls);
	for (size_t i = 0; i < pl->seccomp.nrules; i++)
		free(pl->seccomp.rules[i]);
	free(pl->seccomp.rules);
	struct tsj_plan_net *net = &pl->net;
	free(net->parent);
	free(net->name);
	free(net->veth);
	free(net->ip);
	free(net->netmask);
	free(net->gateway);
	free(net->mac);
	for (size_t i = 0; i < net->ndns; i++)
		free(net->dns[i]);
	free(net->hosts);
	memset(pl, 0, sizeof *pl);
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(out, "\\u%04x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

static void json_list(FILE *out, const char *key, char *const *v, size_t n)
{
	fprintf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		json_str(out, v[i]);
	}
	fputc(']', out);
}

static void json_opt(FILE *out, const char *key, const char *v)
{
	fprintf(out, ",\"%s\":", key);
	if (v)
		json_str(out, v);
	else
		fputs("null", out);
}

/* capabilities(7), by number: the plan shows capsKeep by name. */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
	"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
	"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

static void json_base64(FILE *out, const uint8_t *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	fputc('"', out);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		fputc(tab[(v >> 18) & 63], out);
		fputc(tab[(v >> 12) & 63], out);
		fputc(i + 1 < n ? tab[(v >> 6) & 63] : '=', out);
		fputc(i + 2 < n ? tab[v & 63] : '=', out);
	}
	fputc('"', out);
}

static void dump_security(const struct tsj_plan *pl, FILE *out)
{
	const struct tsj_seccomp *sc = &pl->seccomp;
	fprintf(out, ",\"security\":{\"noRoot\":%s,\"memoryDenyWriteExecute\":%s,\"seccomp\":",
		(pl->privs & TSJ_PRIV_NOROOT) ? "true" : "false",
		(pl->privs & TSJ_PRIV_MDWE) ? "true" : "false");
	if (sc->bpf == NULL) {
		fputs("null}", out);
		return;
	}
	fputs("{\"action\":", out);
	json_str(out, sc->action);
	fprintf(out, ",\"allowlist\":%s,\"blockSecondary\":%s",
		(sc->flags & TSJ_SF_ALLOWLIST) ? "true" : "false",
		(sc->flags & TSJ_SF_BLOCK_SECONDARY) ? "true" : "false");
	json_list(out, "syscalls", sc->syscalls, sc->nsyscalls);
	json_list(out, "rules", sc->rules, sc->nrules);
	fputs(",\"bpf\":", out);
	json_base64(out, sc->bpf, sc->len);
	fputs("}}", out);
}

int tsj_plan_dump(const struct tsj_plan *pl, FILE *out)
{
	static const char *const ns_names[] = { "pid", "mount", "ipc", "uts", "net", "cgroup" };
	fprintf(out, "{\"version\":%d,\"namespaces\":[", TSJ_PLAN_VERSION);
	for (unsigned i = 0, first = 1; i < 6; i++)
		if (pl->namespaces & (1u << i)) {
			fprintf(out, "%s\"%s\"", first ? "" : ",", ns_names[i]);
			first = 0;
		}
	fprintf(out, "],\"noNewPrivs\":%s,\"log\":\"%s\"",
		(pl->flags & TSJ_FLAG_NO_NEW_PRIVS) ? "true" : "false",
		(pl->flags & TSJ_FLAG_DEBUG) ? "debug" : (pl->flags & TSJ_FLAG_QUIET) ? "quiet" : "normal");
	json_opt(out, "hostname", pl->hostname);
	json_opt(out, "program", pl->program);
	json_list(out, "argv", pl->argv, pl->argc);
	json_list(out, "env", pl->envp, pl->envc);
	json_opt(out, "cwd", pl->cwd);
	fputs(",\"capsKeep\":[", out);
	for (unsigned c = 0, first = 1; c < 64; c++)
		if (pl->caps_keep & (1ULL << c)) {
			if (c < sizeof cap_names / sizeof cap_names[0])
				fprintf(out, "%s\"cap_%s\"", first ? "" : ",", cap_names[c]);
			else
				fprintf(out, "%s\"cap_%u\"", first ? "" : ",", c);
			first = 0;
		}
	fputs("],\"sources\":[", out);
	for (size_t i = 0; i < pl->nsources; i++) {
		fprintf(out, "%s{\"path\":", i ? "," : "");
		json_str(out, pl->sources[i].path);
		fprintf(out, ",\"mtimeNs\":\"%llu\"}", (unsigned long long)pl->sources[i].mtime_ns);
	}
	fputs("],\"mounts\":[", out);
	for (size_t i = 0; i < pl->nmounts; i++) {
		const struct tsj_mount *m = &pl->mounts[i];
		fprintf(out, "%s{\"op\":\"%s\"", i ? "," : "", mount_names[m->kind]);
		if (m->kind == TSJ_MNT_DEV) {
			fprintf(out, ",\"sound\":%s,\"dri\":%s}",
				(m->flags & TSJ_MF_SOUND) ? "true" : "false",
				(m->flags & TSJ_MF_DRI) ? "true" : "false");
			continue;
		}
		if (m->kind == TSJ_MNT_BIND) {
			json_opt(out, "src", m->paths[0]);
			json_opt(out, "dst", m->paths[1]);
			fprintf(out, ",\"readOnly\":%s", (m->flags & TSJ_MF_READ_ONLY) ? "true" : "false");
		} else {
			json_opt(out, "path", m->paths[0]);
		}
		if (m->kind == TSJ_MNT_WHITELIST)
			json_list(out, "entries", m->paths + 1, m->npaths - 1);
		if (m->flags & TSJ_MF_KEEP_CWD)
			fputs(",\"keepCwd\":true", out);
		if (m->kind == TSJ_MNT_TMPFS)
			fprintf(out, ",\"mode\":%u,\"userOwned\":%s", m->mode,
				(m->flags & TSJ_MF_USER_OWNED) ? "true" : "false");
		if (m->kind != TSJ_MNT_MKDIR && m->kind != TSJ_MNT_MKFILE)
			fprintf(out, ",\"optional\":%s", (m->flags & TSJ_MF_OPTIONAL) ? "true" : "false");
		fputc('}', out);
	}
	fputs("],\"root\":", out);
	if (pl->root == NULL) {
		fputs("null", out);
	} else {
		const struct tsj_root *rt = pl->root;
		fputs("{\"base\":", out);
		json_str(out, rt->base);
		if (!(rt->flags & TSJ_RF_OVERLAY))
			fputs(",\"overlay\":null", out);
		else if (rt->flags & TSJ_RF_TMPFS_UPPER)
			fputs(",\"overlay\":\"tmpfs\"", out);
		else {
			fputs(",\"overlay\":{\"upper\":", out);
			json_str(out, rt->upper);
			fputs(",\"work\":", out);
			json_str(out, rt->work);
			fputc('}', out);
		}
		json_list(out, "lowers", rt->lowers, rt->nlowers);
		fputc('}', out);
	}
	resources_dump(&pl->res, out);
	dump_security(pl, out);
	const struct tsj_plan_net *net = &pl->net;
	if (!net->present) {
		fputs(",\"network\":null", out);
	} else {
		fputs(",\"network\":{\"parent\":", out);
		if (net->parent)
			json_str(out, net->parent);
		else
			fputs("null", out);
		json_opt(out, "name", net->name ? net->name : "eth0");
		json_opt(out, "vethName", net->veth);
		json_opt(out, "ip", net->ip);
		json_opt(out, "netmask", net->netmask);
		json_opt(out, "gateway", net->gateway);
		json_opt(out, "mac", net->mac);
		if (net->mtu)
			fprintf(out, ",\"mtu\":%u", net->mtu);
		else
			fputs(",\"mtu\":null", out);
		json_list(out, "dns", net->dns, net->ndns);
		json_opt(out, "hosts", net->hosts);
		fputc('}', out);
	}
	fputs("}\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
