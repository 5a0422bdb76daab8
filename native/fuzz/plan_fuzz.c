/* plan_fuzz.c - libFuzzer harness for the plan decoder (plan.c).
 *
 * Feeds arbitrary bytes to tsj_plan_decode() and checks, with an independent
 * reimplementation of the rules in PLAN.md, that:
 *   - on failure, err is a NUL-terminated "plan: ..." line and the plan is
 *     left empty;
 *   - on success, every field obeys the wire format's rules (a decoder that
 *     accepts something it should refuse traps here);
 *   - the plan dumps as JSON without error, and the same records framed
 *     again in plan.def's order (by concern, then by tag) decode to the
 *     same dump: no record's meaning depends on the records of another
 *     concern before it;
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

#define STR_(s) s,
static const char *const bin_dirs[] = { TSJ_BIN_DIRS(STR_) NULL };
static const char *const machine_id_files[] = { TSJ_MACHINE_ID_FILES(STR_) NULL };
#undef STR_

/* The first n bytes of s are one of list's strings. */
static bool in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncmp(s, *list, n) == 0)
			return true;
	return false;
}

static void check_mount(const struct tsj_mount *m)
{
	/* The flags plan.def allows each kind. */
#define ALLOWED_(name, value, op, min, max, flags, ...) [value] = (flags),
	static const uint32_t allowed[] = { TSJ_MOUNT_KINDS(ALLOWED_) };
#undef ALLOWED_
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
	case TSJ_MNT_PRIVATE_BIN:
		CHECK(m->npaths <= TSJ_MAX_MOUNT_PATHS);
		/* Each directly in a directory of programs, names distinct. */
		for (size_t i = 0; i < m->npaths; i++) {
			const char *name = strrchr(m->paths[i], '/');
			CHECK(name != NULL && in_list(m->paths[i], (size_t)(name - m->paths[i]), bin_dirs));
			for (size_t j = 0; j < i; j++)
				CHECK(strcmp(strrchr(m->paths[j], '/'), name) != 0);
		}
		break;
	case TSJ_MNT_MACHINE_ID:
		CHECK(m->npaths >= 1 && m->npaths <= 2);
		for (size_t i = 0; i < m->npaths; i++)
			CHECK(in_list(m->paths[i], strlen(m->paths[i]), machine_id_files));
		CHECK(m->npaths < 2 || strcmp(m->paths[0], m->paths[1]) != 0);
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

/* APPARMOR, TRACE_PATH, TRACE_CALL (tracelog needs the notify flag). */
static void check_confinement(const struct tsj_seccomp *sc)
{
	if (sc->apparmor != NULL) {
		CHECK(str_ok(sc->apparmor, 255, false));
		for (const unsigned char *c = (const unsigned char *)sc->apparmor; *c; c++)
			CHECK(*c > 0x20 && *c <= 0x7e);
	}
	CHECK(sc->ntrace_paths <= TSJ_MAXN_TRACE_PATH && sc->ntrace_calls <= TSJ_MAXN_TRACE_CALL);
	CHECK((sc->ntrace_paths == 0 && sc->ntrace_calls == 0) || (sc->flags & TSJ_SF_NOTIFY));
	for (size_t i = 0; i < sc->ntrace_paths; i++)
		CHECK(abs_path_ok(sc->trace_paths[i]));
	for (size_t i = 0; i < sc->ntrace_calls; i++) {
		const struct tsj_trace_call *c = &sc->trace_calls[i];
		CHECK(c->path_arg <= 5);
		CHECK(c->dirfd_arg <= 5 || c->dirfd_arg == 255);
		CHECK(c->dirfd_arg != c->path_arg);
		CHECK(str_ok(c->name, 64, false) && chars_ok(c->name, "_", true));
		CHECK(c->name[0] < '0' || c->name[0] > '9');
	}
}

static void check_security(const struct tsj_plan *pl)
{
	const struct tsj_seccomp *sc = &pl->seccomp;
	CHECK((pl->privs & ~(uint32_t)TSJ_PRIV_ALL) == 0);
	check_confinement(sc);
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
	/* NETFILTER: "default" or a normalised absolute path other than "/",
	 * with the net namespace. */
	if (pl->net.netfilter != NULL) {
		CHECK(pl->namespaces & TSJ_NS_NET);
		CHECK(strcmp(pl->net.netfilter, "default") == 0 ||
		      (abs_path_ok(pl->net.netfilter) && strcmp(pl->net.netfilter, "/") != 0));
	}
}

/* Every byte zero, as tsj_plan_free() leaves it (padding too). */
static bool plan_empty(const struct tsj_plan *pl)
{
	static const struct tsj_plan zero;
	return memcmp(pl, &zero, sizeof zero) == 0;
}

/* ---- the records framed again, in plan.def's order ---- */

/* A record's place in that order: its concern's, then its row's. */
#define CONCERN_RANK_(name, ...) CONCERN_##name,
enum { TSJ_CONCERNS(CONCERN_RANK_) };
#undef CONCERN_RANK_
#define ROW_RANK_(name, tag, concern, ...) { tag, CONCERN_##concern },
static const struct { unsigned tag, concern; } rows[] = { TSJ_RECORDS(ROW_RANK_) };
#undef ROW_RANK_

static unsigned rank(unsigned tag)
{
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (rows[i].tag == tag)
			return rows[i].concern * 256 + i;
	CHECK(!"a record plan.def does not have was accepted");
	return 0;
}

struct rec {
	unsigned tag, rank;
	size_t pos; /* in the input: equal ranks keep their order */
	const uint8_t *p;
	size_t len; /* header included */
};

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* data is a plan the decoder accepted, so its framing is sound. */
static uint8_t *reframe(const uint8_t *data, size_t size)
{
	size_t n = 0, cap = 64;
	struct rec *recs = malloc(cap * sizeof *recs);
	CHECK(recs != NULL);
	for (size_t off = TSJ_PLAN_HEADER; off < size; n++) {
		size_t len = 6 + ((size_t)data[off + 2] | (size_t)data[off + 3] << 8 |
				  (size_t)data[off + 4] << 16 | (size_t)data[off + 5] << 24);
		if (n == cap) {
			recs = realloc(recs, (cap *= 2) * sizeof *recs);
			CHECK(recs != NULL);
		}
		unsigned tag = data[off] | (unsigned)data[off + 1] << 8;
		recs[n] = (struct rec){ tag, rank(tag), n, data + off, len };
		off += len;
	}
	qsort(recs, n, sizeof *recs, rec_cmp);
	uint8_t *out = malloc(size);
	CHECK(out != NULL);
	memcpy(out, data, TSJ_PLAN_HEADER);
	size_t at = TSJ_PLAN_HEADER;
	for (size_t i = 0; i < n; i++) {
		memcpy(out + at, recs[i].p, recs[i].len);
		at += recs[i].len;
	}
	CHECK(at == size);
	free(recs);
	return out;
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

	/* The same records in plan.def's order are accepted too, and mean the
	 * same thing. */
	uint8_t *re = reframe(data, size);
	struct tsj_plan again;
	if (tsj_plan_decode(re, size, LAST_CAP, &again, err, sizeof err) != 0) {
		fprintf(stderr, "plan_fuzz: the plan reframed is refused: %s\n", err);
		__builtin_trap();
	}
	char *d1 = dump_str(&plan), *d2 = dump_str(&again);
	CHECK(strcmp(d1, d2) == 0);
	free(d1);
	free(d2);
	free(re);
	tsj_plan_free(&again);

	tsj_plan_free(&plan);
	CHECK(plan_empty(&plan));
	tsj_plan_free(&plan); /* idempotent on an empty plan */
	return 0;
}
