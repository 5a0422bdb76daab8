/* seccomp.c - the seccomp and privilege records (tags 0x20-0x2f: decoded,
 * checked, dumped); install the seccomp filter the plan carries (compiled
 * by the TypeScript side through libseccomp; the kernel checks the
 * program), set memory-deny-write-execute, and --noroot. */
#include "seccomp.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- the records (PLAN.md, tags 0x20-0x2f): decoded, checked, dumped and
 * freed here (tsj_records_seccomp); pure, so fuzzed ---- */

/* name or name:ACTION: [a-z_][a-z0-9_]*, then [A-Za-z0-9]+. */
static bool syscall_ok(const char *s)
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

/* An AppArmor profile name: printable ASCII without space (what the
 * helper writes after "exec " in /proc/self/attr/apparmor/exec). */
static bool profile_name_ok(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= 0x20 || *c > 0x7e)
			return false;
	return true;
}

/* TRACE_CALL: u32 arch, u32 nr, u8 path argument, u8 directory argument,
 * then the name. */
static int trace_call(struct tsj_reader *r, struct tsj_seccomp *sc, const struct tsj_value *v)
{
	if (v->n < 11)
		return tsj_fail(r, "plan: TRACE_CALL is too short");
	uint8_t path = v->p[8], dirfd = v->p[9];
	if (path > 5 || (dirfd > 5 && dirfd != TSJ_TRACE_NO_DIRFD) || dirfd == path)
		return tsj_fail(r, "plan: TRACE_CALL arguments %u and %u are not 0-5 (255: no directory)",
				path, dirfd);
	if (sc->trace_calls == NULL) {
		sc->trace_calls = calloc(TSJ_MAXN_TRACE_CALL, sizeof *sc->trace_calls);
		if (sc->trace_calls == NULL)
			return tsj_fail(r, "plan: out of memory");
	}
	char *name = tsj_take_str(r, v->tag, v->p + 10, v->n - 10, 64, false);
	if (name == NULL)
		return -1;
	struct tsj_trace_call *c = &sc->trace_calls[sc->ntrace_calls++];
	*c = (struct tsj_trace_call){ tsj_le32(v->p), tsj_le32(v->p + 4), path, dirfd, name };
	if (strchr(name, ':') != NULL || !syscall_ok(name))
		return tsj_fail(r, "plan: TRACE_CALL name '%s' is not a syscall name", name);
	return 0;
}

static int decode(struct tsj_reader *r, struct tsj_plan *pl, struct tsj_value *v)
{
	struct tsj_seccomp *sc = &pl->seccomp;
	switch (v->tag) {
	case TSJ_TAG_SECCOMP_BPF:
		if (v->n == 0 || v->n % 8 != 0 || v->n / 8 > TSJ_MAX_BPF_INSNS)
			return tsj_fail(r, "plan: SECCOMP_BPF must be 1 to %u instructions of 8 bytes, not %zu bytes",
					TSJ_MAX_BPF_INSNS, v->n);
		if ((sc->bpf = malloc(v->n)) == NULL)
			return tsj_fail(r, "plan: out of memory");
		memcpy(sc->bpf, v->p, v->n);
		sc->len = v->n;
		return 0;
	case TSJ_TAG_SECCOMP_FLAGS:
		sc->flags = v->u32;
		if (sc->flags & ~(uint32_t)TSJ_SF_ALL)
			return tsj_fail(r, "plan: unknown SECCOMP_FLAGS bits 0x%x", sc->flags);
		return 0;
	case TSJ_TAG_SECCOMP_ACTION:
		sc->action = tsj_take(v);
		if (!alnum_ok(sc->action))
			return tsj_fail(r, "plan: SECCOMP_ACTION '%s' is not valid", sc->action);
		return 0;
	case TSJ_TAG_SECCOMP_SYSCALL:
		if (!syscall_ok(v->s))
			return tsj_fail(r, "plan: SECCOMP_SYSCALL '%s' is not a syscall name", v->s);
		return tsj_push(r, &sc->syscalls, &sc->nsyscalls, v);
	case TSJ_TAG_SECCOMP_RULE:
		if (!printable_ok(v->s))
			return tsj_fail(r, "plan: SECCOMP_RULE is not printable text");
		return tsj_push(r, &sc->rules, &sc->nrules, v);
	case TSJ_TAG_PRIVS:
		pl->privs = v->u32;
		if (pl->privs & ~(uint32_t)TSJ_PRIV_ALL)
			return tsj_fail(r, "plan: unknown PRIVS bits 0x%x", pl->privs);
		return 0;
	case TSJ_TAG_APPARMOR:
		sc->apparmor = tsj_take(v);
		if (!profile_name_ok(sc->apparmor))
			return tsj_fail(r, "plan: APPARMOR is not printable text without spaces");
		return 0;
	case TSJ_TAG_TRACE_PATH:
		return tsj_push(r, &sc->trace_paths, &sc->ntrace_paths, v);
	case TSJ_TAG_TRACE_CALL:
		return trace_call(r, sc, v);
	default:
		return tsj_fail(r, "plan: unknown record tag 0x%x", v->tag);
	}
}

/* The seccomp records go together, and a filter needs no_new_privs (the
 * kernel refuses one from a process without it and without CAP_SYS_ADMIN,
 * which the program no longer has when the filter is installed). */
static int check(struct tsj_reader *r, const struct tsj_plan *pl)
{
	bool bpf = tsj_seen(r, TSJ_TAG_SECCOMP_BPF), flags = tsj_seen(r, TSJ_TAG_SECCOMP_FLAGS),
	     action = tsj_seen(r, TSJ_TAG_SECCOMP_ACTION);
	bool any = flags || action || pl->seccomp.nsyscalls > 0 || pl->seccomp.nrules > 0;
	if (any && !bpf)
		return tsj_fail(r, "plan: SECCOMP records without SECCOMP_BPF");
	if (bpf && !(flags && action))
		return tsj_fail(r, "plan: SECCOMP_BPF needs SECCOMP_FLAGS and SECCOMP_ACTION");
	if (bpf && !(pl->flags & TSJ_FLAG_NO_NEW_PRIVS))
		return tsj_fail(r, "plan: a seccomp filter needs no_new_privs");
	if ((pl->seccomp.ntrace_paths > 0 || pl->seccomp.ntrace_calls > 0) &&
	    !(pl->seccomp.flags & TSJ_SF_NOTIFY))
		return tsj_fail(r, "plan: TRACE_PATH and TRACE_CALL need SECCOMP_FLAGS notify");
	return 0;
}

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

/* "tracelog": null, or the paths and calls. */
static void dump_tracelog(const struct tsj_seccomp *sc, FILE *out)
{
	fputs(",\"tracelog\":", out);
	if (!(sc->flags & TSJ_SF_NOTIFY)) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	fputs("\"paths\":[", out);
	for (size_t i = 0; i < sc->ntrace_paths; i++) {
		if (i)
			fputc(',', out);
		tsj_json_str(out, sc->trace_paths[i]);
	}
	fputs("],\"calls\":[", out);
	for (size_t i = 0; i < sc->ntrace_calls; i++) {
		const struct tsj_trace_call *c = &sc->trace_calls[i];
		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		tsj_json_str(out, c->name);
		fprintf(out, ",\"arch\":%u,\"nr\":%u,\"path\":%u,\"dirfd\":", c->arch, c->nr, c->path_arg);
		if (c->dirfd_arg == TSJ_TRACE_NO_DIRFD)
			fputs("null}", out);
		else
			fprintf(out, "%u}", c->dirfd_arg);
	}
	fputs("]}", out);
}

/* As the plan's `security` object: the PRIVS bits, AppArmor, tracelog,
 * then the filter. */
static void dump(const struct tsj_plan *pl, FILE *out)
{
	static const struct tsj_bit privs[] = { TSJ_PRIV_BITS(TSJ_BIT_KEY) };
	static const struct tsj_bit sf[] = { TSJ_SECCOMP_BITS(TSJ_BIT_KEY) };
	const struct tsj_seccomp *sc = &pl->seccomp;
	fputs(",\"security\":{", out);
	/* The first pair without its comma. */
	fprintf(out, "\"%s\":%s", privs[0].key, (pl->privs & privs[0].mask) ? "true" : "false");
	tsj_json_bits(out, privs + 1, sizeof privs / sizeof privs[0] - 1, pl->privs);
	tsj_json_opt(out, "apparmor", sc->apparmor);
	dump_tracelog(sc, out);
	fputs(",\"seccomp\":", out);
	if (sc->bpf == NULL) {
		fputs("null}", out);
		return;
	}
	fputs("{\"action\":", out);
	tsj_json_str(out, sc->action);
	tsj_json_bits(out, sf, sizeof sf / sizeof sf[0], sc->flags);
	tsj_json_list(out, "syscalls", sc->syscalls, sc->nsyscalls);
	tsj_json_list(out, "rules", sc->rules, sc->nrules);
	fputs(",\"bpf\":", out);
	json_base64(out, sc->bpf, sc->len);
	fputs("}}", out);
}

static void free_seccomp(struct tsj_plan *pl)
{
	struct tsj_seccomp *sc = &pl->seccomp;
	free(sc->bpf);
	free(sc->action);
	for (size_t i = 0; i < sc->nsyscalls; i++)
		free(sc->syscalls[i]);
	free(sc->syscalls);
	for (size_t i = 0; i < sc->nrules; i++)
		free(sc->rules[i]);
	free(sc->rules);
	free(sc->apparmor);
	for (size_t i = 0; i < sc->ntrace_paths; i++)
		free(sc->trace_paths[i]);
	free(sc->trace_paths);
	for (size_t i = 0; i < sc->ntrace_calls; i++)
		free(sc->trace_calls[i].name);
	free(sc->trace_calls);
}

const struct tsj_records tsj_records_seccomp = { decode, check, dump, free_seccomp };

/* ---- the acts ---- */

int seccomp_install(const struct tsj_plan *plan)
{
	if (plan->privs & TSJ_PRIV_MDWE) {
		/* Inherited across fork and execve. */
		if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) != 0)
			die_errno("prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN)");
		debug("memory-deny-write-execute set");
	}
	const struct tsj_seccomp *sc = &plan->seccomp;
	if (sc->bpf == NULL)
		return -1;
	/* The plan reader checked the size; no_new_privs is already set (the
	 * reader refuses a filter without it, creds_drop() set it). */
	struct sock_fprog prog = {
		.len = (unsigned short)(sc->len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)sc->bpf,
	};
	bool notify = (sc->flags & TSJ_SF_NOTIFY) != 0;
	debug("installing the seccomp filter: %u instructions, %zu syscalls %s, action %s%s",
	      (unsigned)prog.len, sc->nsyscalls,
	      (sc->flags & TSJ_SF_ALLOWLIST) ? "allowed" : "blocked", sc->action,
	      notify ? ", with a listener (tracelog)" : "");
	/* One filter for the one thread; no SPEC_ALLOW, so the kernel keeps
	 * its speculation mitigations for the program. With tracelog, the
	 * filter's listener (its fd is the return value). */
	unsigned flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0U;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0)
		die_errno("seccomp(SECCOMP_SET_MODE_FILTER, %u instructions%s)", (unsigned)prog.len,
			  notify ? ", a listener" : "");
	return notify ? (int)r : -1;
}

void privs_noroot(const struct tsj_plan *plan, struct tsj_creds *cr)
{
	if (!(plan->privs & TSJ_PRIV_NOROOT))
		return;
	if (cr->mode == TSJ_MODE_ROOT)
		die("--noroot is for users other than root");
	if (cr->mode == TSJ_MODE_SETUID) {
		/* nogroups (creds_groups_check allowed it): only root can drop
		 * the groups, and a user namespace never can, so now. */
		if (cr->nogroups) {
			if (setgroups(0, NULL) != 0)
				die_errno("setgroups (nogroups)");
			if (getgroups(0, NULL) != 0)
				die("the supplementary groups were not dropped");
			cr->nogroups = false; /* done: nothing left for creds_drop */
		}
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
