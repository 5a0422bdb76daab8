/* fdeps.c - is a stored plan still the plan the Node path would build? Its
 * key must be this launch's (uid, launch mode, the options, the program
 * word), and everything it depended on unchanged: each environment
 * variable the planner read, the working directory if it used it, each
 * file it looked at (as it saw it: its type and mode, or also its device,
 * inode, size, mtime and ctime, or its canonical path), and a few facts of
 * the host. An unknown record refuses the whole file. */
#include "front.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* A record's value as a C string in buf; false when too long or holding
 * a NUL byte. */
static bool cstr(const uint8_t *v, size_t n, char *buf, size_t size)
{
	if (n >= size || memchr(v, 0, n) != NULL)
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return true;
}

int fc_key_check(const struct fc_file *f, const struct fc_launch *l, char *why)
{
	uint32_t uid, mode;
	if (!fc_u32(f, FC_UID, &uid) || uid != (uint32_t)getuid()) {
		fc_why(why, "the stored plan is another user's");
		return -1;
	}
	if (!fc_u32(f, FC_MODE, &mode) || mode != (l->link ? 1u : 0u)) {
		fc_why(why, "the stored plan is for another kind of launch");
		return -1;
	}
	size_t nargs = 0;
	bool program_seen = false;
	for (size_t i = 0; i < f->nrecs; i++) {
		const struct fc_rec *r = &f->recs[i];
		if (r->tag == FC_ARG) {
			if (nargs >= l->nargs || !fc_streq(r, l->args[nargs])) {
				fc_why(why, "the stored plan was made for other options");
				return -1;
			}
			nargs++;
		} else if (r->tag == FC_PROGRAM) {
			const char *p = l->link ? l->name : l->program;
			if (program_seen || p == NULL || !fc_streq(r, p)) {
				fc_why(why, "the stored plan was made for another program");
				return -1;
			}
			program_seen = true;
		}
	}
	if (nargs != l->nargs || program_seen != ((l->link ? l->name : l->program) != NULL)) {
		fc_why(why, "the stored plan was made for other options");
		return -1;
	}
	return 0;
}

static int env_check(const struct fc_rec *r, char *why)
{
	char s[8192];
	if (!cstr(r->value, r->len, s, sizeof s)) {
		fc_why(why, "the stored plan depends on a long environment variable");
		return -1;
	}
	char *eq = strchr(s, '=');
	if (eq != NULL)
		*eq = '\0';
	const char *now = getenv(s);
	if (eq == NULL ? now != NULL : (now == NULL || strcmp(now, eq + 1) != 0)) {
		fc_why(why, "%s changed", s);
		return -1;
	}
	return 0;
}

static int cwd_check(const struct fc_rec *r, char *why)
{
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof cwd) == NULL || !fc_streq(r, cwd)) {
		fc_why(why, "another working directory");
		return -1;
	}
	return 0;
}

/* What src/cache/deps.ts canonicalPath() computes: realpath, or, for a path
 * that cannot be resolved, its parent's canonical path and its last name. */
static bool canonical(const char *path, char *out, size_t size)
{
	char real[PATH_MAX];
	if (realpath(path, real) != NULL)
		return (size_t)snprintf(out, size, "%s", real) < size;
	const char *slash = strrchr(path, '/');
	if (slash == NULL || strcmp(path, "/") == 0)
		return (size_t)snprintf(out, size, "%s", path) < size;
	char parent[PATH_MAX];
	size_t plen = (size_t)(slash - path);
	if (plen >= sizeof parent)
		return false;
	memcpy(parent, path, plen);
	parent[plen] = '\0';
	if (plen == 0)
		strcpy(parent, "/");
	char cparent[PATH_MAX];
	if (!canonical(parent, cparent, sizeof cparent))
		return false;
	const char *sep = strcmp(cparent, "/") == 0 ? "" : "/";
	return (size_t)snprintf(out, size, "%s%s%s", cparent, sep, slash + 1) < size;
}

/* FILE: u8 kind, u32 mode, u64 dev, ino, size, i64 mtime ns, ctime ns, u16
 * path length, path, then (kind 5) the canonical path. */
static int file_check(const struct fc_rec *r, char *why)
{
	if (r->len < 47) {
		fc_why(why, "a stored plan with a bad FILE record");
		return -1;
	}
	const uint8_t *v = r->value;
	unsigned kind = v[0];
	uint32_t mode = (uint32_t)v[1] | ((uint32_t)v[2] << 8) | ((uint32_t)v[3] << 16) | ((uint32_t)v[4] << 24);
	size_t plen = (size_t)(v[45] | (v[46] << 8));
	char path[PATH_MAX];
	if (plen > r->len - 47 || !cstr(v + 47, plen, path, sizeof path) || path[0] != '/') {
		fc_why(why, "a stored plan with a bad FILE record");
		return -1;
	}
	if (kind == 5) {
		char want[PATH_MAX], now[PATH_MAX];
		if (!cstr(v + 47 + plen, r->len - 47 - plen, want, sizeof want) ||
		    !canonical(path, now, sizeof now) || strcmp(want, now) != 0) {
			fc_why(why, "%s resolves elsewhere", path);
			return -1;
		}
		return 0;
	}
	if (kind < 1 || kind > 4 || r->len != 47 + plen) {
		fc_why(why, "a stored plan with a bad FILE record");
		return -1;
	}
	struct stat st;
	bool follow = kind == 1 || kind == 3;
	int rc = follow ? stat(path, &st) : lstat(path, &st);
	uint32_t now = rc == 0 ? (uint32_t)st.st_mode : 0;
	if (now != mode) {
		fc_why(why, "%s changed", path);
		return -1;
	}
	if (kind <= 2 || rc != 0)
		return 0;
	int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	int64_t ctime = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
	if (le64(v + 5) != (uint64_t)st.st_dev || le64(v + 13) != (uint64_t)st.st_ino ||
	    le64(v + 21) != (uint64_t)st.st_size || (int64_t)le64(v + 29) != mtime ||
	    (int64_t)le64(v + 37) != ctime) {
		fc_why(why, "%s changed", path);
		return -1;
	}
	return 0;
}

/* CapBnd of /proc/self/status, as BigInt.toString(16) writes it. */
static bool capbnd(char *out, size_t size)
{
	FILE *fp = fopen("/proc/self/status", "re");
	if (fp == NULL)
		return false;
	char line[256];
	bool ok = false;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, "CapBnd:", 7) != 0)
			continue;
		char *end;
		errno = 0;
		unsigned long long v = strtoull(line + 7, &end, 16);
		ok = errno == 0 && end != line + 7 && (size_t)snprintf(out, size, "%llx", v) < size;
		break;
	}
	fclose(fp);
	return ok;
}

static int fact_check(const struct fc_rec *r, char *why)
{
	char s[PATH_MAX + 16], now[PATH_MAX];
	if (!cstr(r->value, r->len, s, sizeof s) || strchr(s, '=') == NULL) {
		fc_why(why, "a stored plan with a bad FACT record");
		return -1;
	}
	char *value = strchr(s, '=');
	*value++ = '\0';
	bool ok;
	if (strcmp(s, "mdwe") == 0) {
		ok = (size_t)snprintf(now, sizeof now, "%d", fc_has_mdwe()) < sizeof now;
	} else if (strcmp(s, "capbnd") == 0) {
		ok = capbnd(now, sizeof now);
	} else if (strcmp(s, "pwhome") == 0) {
		struct passwd *pw = getpwuid(getuid());
		ok = pw != NULL && pw->pw_dir != NULL && (size_t)snprintf(now, sizeof now, "%s", pw->pw_dir) < sizeof now;
	} else {
		fc_why(why, "a stored plan depends on an unknown fact '%s'", s);
		return -1;
	}
	if (!ok || strcmp(now, value) != 0) {
		fc_why(why, "the host's %s changed", s);
		return -1;
	}
	return 0;
}

int fc_check(const struct fc_file *f, const struct fc_launch *l, char *why)
{
	if (fc_key_check(f, l, why) != 0)
		return -1;
	for (size_t i = 0; i < f->nrecs; i++) {
		const struct fc_rec *r = &f->recs[i];
		int rc = 0;
		switch (r->tag) {
		case FC_ENV_KEY: rc = env_check(r, why); break;
		case FC_CWD_KEY: rc = cwd_check(r, why); break;
		case FC_FILE: rc = file_check(r, why); break;
		case FC_FACT: rc = fact_check(r, why); break;
		case FC_UID: case FC_MODE: case FC_ARG: case FC_PROGRAM:
		case FC_ENV_ALLOW: case FC_ENV_ALLOW_PREFIX: case FC_ENV_DENY:
		case FC_ENV_DENY_PREFIX: case FC_ENV_DEFAULT: case FC_ENV_SET:
		case FC_ENV_REMOVE: case FC_ARGV_FIXED: case FC_ARGV_FROM:
		case FC_CWD_FROM: case FC_HELPER: case FC_PLAN:
			break;
		default:
			fc_why(why, "a stored plan with an unknown record 0x%x", r->tag);
			return -1;
		}
		if (rc != 0)
			return -1;
	}
	return 0;
}
