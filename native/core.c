/* core.c - the plan's core records (PLAN.md, tags 0x01-0x0f): the
 * namespaces, the flags, the hostname, the program with its argv,
 * environment and working directory, the capabilities a root caller keeps,
 * and the profile files the plan came from. Decoded, checked, dumped and
 * freed here (tsj_records_core; pure, fuzzed); acted on by ns.c (namespaces,
 * hostname), init.c (the program), caps.c (capabilities, no_new_privs) and
 * main.c (quiet, debug). */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

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

static int env_check(struct tsj_reader *r, const char *s)
{
	const char *eq = strchr(s, '=');
	if (eq == NULL || eq == s)
		return tsj_fail(r, "plan: ENV entry is not NAME=value");
	for (const char *c = s; c < eq; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  *c == '_' || (c > s && *c >= '0' && *c <= '9');
		if (!ok)
			return tsj_fail(r, "plan: ENV name '%.*s' is not valid", (int)(eq - s), s);
	}
	if (tsj_env_name_denied(s, (size_t)(eq - s)))
		return tsj_fail(r, "plan: ENV variable %.*s may not pass into a sandbox", (int)(eq - s), s);
	return 0;
}

static int decode(struct tsj_reader *r, struct tsj_plan *pl, struct tsj_value *v)
{
	switch (v->tag) {
	case TSJ_TAG_NAMESPACES:
		pl->namespaces = v->u32;
		if (pl->namespaces & ~(uint32_t)TSJ_NS_ALL)
			return tsj_fail(r, "plan: unknown namespace bits 0x%x", pl->namespaces);
		if ((pl->namespaces & (TSJ_NS_PID | TSJ_NS_MOUNT)) != (TSJ_NS_PID | TSJ_NS_MOUNT))
			return tsj_fail(r, "plan: the pid and mount namespaces are required");
		return 0;
	case TSJ_TAG_FLAGS:
		pl->flags = v->u32;
		if (pl->flags & ~(uint32_t)TSJ_FLAG_ALL)
			return tsj_fail(r, "plan: unknown flag bits 0x%x", pl->flags);
		return 0;
	case TSJ_TAG_HOSTNAME:
		pl->hostname = tsj_take(v);
		if (!hostname_ok(pl->hostname))
			return tsj_fail(r, "plan: hostname '%s' is not valid", pl->hostname);
		return 0;
	case TSJ_TAG_PROGRAM:
		pl->program = tsj_take(v);
		return 0;
	case TSJ_TAG_CWD:
		pl->cwd = tsj_take(v);
		return 0;
	case TSJ_TAG_ARGV:
		return tsj_push(r, &pl->argv, &pl->argc, v);
	case TSJ_TAG_ENV:
		if (env_check(r, v->s) != 0)
			return -1;
		return tsj_push(r, &pl->envp, &pl->envc, v);
	case TSJ_TAG_CAPS_KEEP:
		pl->caps_keep = v->u64;
		if (r->last_cap < 63 && (pl->caps_keep >> (r->last_cap + 1)) != 0)
			return tsj_fail(r, "plan: CAPS_KEEP names a capability above %u", r->last_cap);
		return 0;
	case TSJ_TAG_SOURCE: {
		/* u64 mtime (ns), then the path. */
		if (v->n < 9)
			return tsj_fail(r, "plan: SOURCE is too short");
		if (pl->sources == NULL) {
			pl->sources = calloc(TSJ_MAX_SOURCES, sizeof *pl->sources);
			if (pl->sources == NULL)
				return tsj_fail(r, "plan: out of memory");
		}
		char *s = tsj_take_path(r, v->tag, v->p + 8, v->n - 8);
		if (s == NULL)
			return -1;
		pl->sources[pl->nsources].mtime_ns = tsj_le64(v->p);
		pl->sources[pl->nsources++].path = s;
		return 0;
	}
	default:
		return tsj_fail(r, "plan: unknown record tag 0x%x", v->tag);
	}
}

static int check(struct tsj_reader *r, const struct tsj_plan *pl)
{
	if (pl->hostname != NULL && !(pl->namespaces & TSJ_NS_UTS))
		return tsj_fail(r, "plan: a hostname needs the uts namespace");
	return 0;
}

/* capabilities(7), by number: the plan shows capsKeep by name. */
#define CAP_NAME_(n, name) [n] = #name,
static const char *const cap_names[] = { TSJ_CAPS(CAP_NAME_) };
#undef CAP_NAME_

static void dump(const struct tsj_plan *pl, FILE *out)
{
	static const struct tsj_bit ns[] = { TSJ_NS_BITS(TSJ_BIT_KEY) };
	fputs(",\"namespaces\":[", out);
	for (size_t i = 0, first = 1; i < sizeof ns / sizeof ns[0]; i++)
		if (pl->namespaces & ns[i].mask) {
			fprintf(out, "%s\"%s\"", first ? "" : ",", ns[i].key);
			first = 0;
		}
	fprintf(out, "],\"noNewPrivs\":%s,\"log\":\"%s\"",
		(pl->flags & TSJ_FLAG_NO_NEW_PRIVS) ? "true" : "false",
		(pl->flags & TSJ_FLAG_DEBUG) ? "debug" : (pl->flags & TSJ_FLAG_QUIET) ? "quiet" : "normal");
	tsj_json_opt(out, "hostname", pl->hostname);
	tsj_json_opt(out, "program", pl->program);
	tsj_json_list(out, "argv", pl->argv, pl->argc);
	tsj_json_list(out, "env", pl->envp, pl->envc);
	tsj_json_opt(out, "cwd", pl->cwd);
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
		tsj_json_str(out, pl->sources[i].path);
		fprintf(out, ",\"mtimeNs\":\"%llu\"}", (unsigned long long)pl->sources[i].mtime_ns);
	}
	fputc(']', out);
}

static void free_core(struct tsj_plan *pl)
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
}

const struct tsj_records tsj_records_core = { decode, check, dump, free_core };
