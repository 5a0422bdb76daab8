/* dbus.c - the D-Bus records (tags 0x60-0x6f: decoded, checked, dumped),
 * and the sandbox's buses.
 *
 * none: each of the bus's SOCKET paths that is a socket in the sandbox is
 * covered by an empty, read-only file. The caller's environment is the
 * planner's affair (it drops DBUS_SESSION_BUS_ADDRESS).
 *
 * filter: the host-side parent starts xdg-dbus-proxy before the clone. It
 * runs as the caller and nothing more (creds_become_caller: the caller's
 * groups, gid and uid, no capability, no_new_privs), from a fixed path that
 * dbus_check opened and checked (root's, as every directory above it), with
 * an empty environment and an argv made of the plan's validated records (no
 * shell). Its sockets are made in a directory the helper makes as the
 * caller, in /run/user/UID/tsjail when that is the caller's, else in /tmp;
 * the helper keeps that directory locked (flock) while it lives, and every
 * run with a filter removes the caller's directories no helper holds (left
 * by a helper killed with SIGKILL). The proxy writes one byte on its --fd
 * once it listens and stops when that descriptor closes: the helper keeps
 * the other end until the sandbox ends, and the kernel closes it if the
 * helper dies. The proxy also has PR_SET_PDEATHSIG.
 *
 * The proxy starts (a few milliseconds: it loads GLib) while the child makes
 * the sandbox's mounts. Before them, the child opens the socket directory
 * again in its own mount namespace, as the caller and without symlinks, and
 * checks that it is the very directory the host side made and locked (device
 * and inode); a mount over it later does not change what that descriptor
 * reaches. After them, it waits for the proxy's byte on its copy of --fd,
 * opens each socket in that directory, as the caller, beneath it and without
 * symlinks, checks that it is a socket of the caller's (only the caller and
 * root may write the directory: the caller could as well have run the proxy
 * by hand), clones it and puts the clone over each SOCKET path that is a
 * socket. With a new root (--chroot, overlays) the host's tree is detached
 * by the root switch at the start of the mounts, so there the child waits
 * and clones before them, as the mounts cannot overlap the proxy's start. */
#include "dbus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "mountlib.h"
#include "path.h"
#include "policy.h"
#include "sandbox.h"

/* The proxy; a build may name another (tests). */
#ifndef TSJ_DBUS_PROXY
#define TSJ_DBUS_PROXY "/usr/bin/xdg-dbus-proxy"
#endif

_Static_assert(TSJ_MAXN_DBUS_USER_SOCKET == TSJ_MAXN_DBUS_SYSTEM_SOCKET, "one tree array for both buses");

/* ---- the records (PLAN.md, tags 0x60-0x6f): decoded, checked, dumped and
 * freed here (tsj_records_dbus); pure, so fuzzed ---- */

static const char *const bus_key[TSJ_DBUS_NBUS] = { "user", "system" };
static const char *const rule_key[TSJ_DBUS_NRULE] = { "see", "talk", "own", "call", "broadcast" };

/* What a record is: its bus, and a rule kind, or one of these. */
enum { F_POLICY = -1, F_ADDRESS = -2, F_SOCKET = -3 };
static const struct {
	unsigned tag;
	int bus, field;
} fields[] = {
	{ TSJ_TAG_DBUS_USER, TSJ_DBUS_SESSION, F_POLICY },
	{ TSJ_TAG_DBUS_USER_ADDRESS, TSJ_DBUS_SESSION, F_ADDRESS },
	{ TSJ_TAG_DBUS_USER_SOCKET, TSJ_DBUS_SESSION, F_SOCKET },
	{ TSJ_TAG_DBUS_USER_SEE, TSJ_DBUS_SESSION, TSJ_DBUS_SEE },
	{ TSJ_TAG_DBUS_USER_TALK, TSJ_DBUS_SESSION, TSJ_DBUS_TALK },
	{ TSJ_TAG_DBUS_USER_OWN, TSJ_DBUS_SESSION, TSJ_DBUS_OWN },
	{ TSJ_TAG_DBUS_USER_CALL, TSJ_DBUS_SESSION, TSJ_DBUS_CALL },
	{ TSJ_TAG_DBUS_USER_BROADCAST, TSJ_DBUS_SESSION, TSJ_DBUS_BROADCAST },
	{ TSJ_TAG_DBUS_SYSTEM, TSJ_DBUS_SYSTEM, F_POLICY },
	{ TSJ_TAG_DBUS_SYSTEM_ADDRESS, TSJ_DBUS_SYSTEM, F_ADDRESS },
	{ TSJ_TAG_DBUS_SYSTEM_SOCKET, TSJ_DBUS_SYSTEM, F_SOCKET },
	{ TSJ_TAG_DBUS_SYSTEM_SEE, TSJ_DBUS_SYSTEM, TSJ_DBUS_SEE },
	{ TSJ_TAG_DBUS_SYSTEM_TALK, TSJ_DBUS_SYSTEM, TSJ_DBUS_TALK },
	{ TSJ_TAG_DBUS_SYSTEM_OWN, TSJ_DBUS_SYSTEM, TSJ_DBUS_OWN },
	{ TSJ_TAG_DBUS_SYSTEM_CALL, TSJ_DBUS_SYSTEM, TSJ_DBUS_CALL },
	{ TSJ_TAG_DBUS_SYSTEM_BROADCAST, TSJ_DBUS_SYSTEM, TSJ_DBUS_BROADCAST },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static bool in(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"

/* Two or more elements joined by '.', each of chars and not empty, its
 * first character also in first. */
static bool dotted(const char *s, size_t n, const char *first, const char *chars)
{
	size_t elements = 0;
	for (size_t i = 0; i < n; elements++) {
		if (!in(s[i], first))
			return false;
		while (i < n && s[i] != '.') {
			if (!in(s[i], chars))
				return false;
			i++;
		}
		if (i < n && ++i == n)
			return false; /* a trailing '.' */
	}
	return elements >= 2;
}

/* A well-known bus name (the D-Bus specification; not a unique ":1.2"),
 * or, with a wildcard, one followed by ".*": that name and the ones below. */
static bool bus_name_ok(const char *s, size_t n)
{
	if (n >= 2 && s[n - 2] == '.' && s[n - 1] == '*')
		n -= 2;
	return n > 0 && n <= TSJ_MAX_DBUS_NAME &&
	       dotted(s, n, UPPER LOWER "_-", UPPER LOWER DIGIT "_-");
}

/* An object path: "/" or "/a/b", elements of [A-Za-z0-9_]. */
static bool object_path_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] != '/')
		return false;
	if (n == 1)
		return true;
	for (size_t i = 1; i < n; i++) {
		if (s[i] == '/' && (s[i - 1] == '/' || i + 1 == n))
			return false;
		if (s[i] != '/' && !in(s[i], UPPER LOWER DIGIT "_"))
			return false;
	}
	return true;
}

/* xdg-dbus-proxy's RULE, [METHOD][@PATH]: METHOD "*", an interface (a
 * dotted name, maybe followed by ".*") or INTERFACE.METHOD; PATH an object
 * path, maybe followed by a slash and '*' (that subtree). Not both
 * empty. */
static bool call_rule_ok(const char *rule)
{
	const char *at = strchr(rule, '@');
	size_t m = at ? (size_t)(at - rule) : strlen(rule);
	if (m == 0 && at == NULL)
		return false;
	if (m > 0 && !(m == 1 && rule[0] == '*')) {
		size_t k = m >= 2 && rule[m - 2] == '.' && rule[m - 1] == '*' ? m - 2 : m;
		if (!dotted(rule, k, UPPER LOWER "_", UPPER LOWER DIGIT "_"))
			return false;
	}
	if (at == NULL)
		return true;
	const char *p = at + 1;
	size_t n = strlen(p);
	if (n >= 2 && p[n - 2] == '/' && p[n - 1] == '*')
		n = n == 2 ? 1 : n - 2; /* a slash and '*' alone: everything */
	return object_path_ok(p, n);
}

/* NAME=RULE (--call, --broadcast). */
static bool name_rule_ok(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq != NULL && bus_name_ok(s, (size_t)(eq - s)) && call_rule_ok(eq + 1);
}

/* A unix: D-Bus address: printable ASCII, no space (it is one argument of
 * the proxy's, which takes nothing starting with '-' as an address). */
static bool address_ok(const char *s)
{
	if (strncmp(s, "unix:", 5) != 0)
		return false;
	for (const char *c = s; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			return false;
	return true;
}

static int decode(struct tsj_reader *r, struct tsj_plan *pl, struct tsj_value *v)
{
	size_t i = 0;
	while (i < NFIELDS && fields[i].tag != v->tag)
		i++;
	if (i == NFIELDS)
		return tsj_fail(r, "plan: unknown record tag 0x%x", v->tag);
	struct tsj_plan_dbus *b = &pl->dbus[fields[i].bus];
	const char *name = tsj_tag_name(v->tag);
	switch (fields[i].field) {
	case F_POLICY:
		if (strcmp(v->s, "none") == 0)
			b->policy = TSJ_DBUS_NONE;
		else if (strcmp(v->s, "filter") == 0)
			b->policy = TSJ_DBUS_FILTER;
		else
			return tsj_fail(r, "plan: %s '%s' is not none or filter", name, v->s);
		return 0;
	case F_ADDRESS:
		b->address = tsj_take(v);
		if (!address_ok(b->address))
			return tsj_fail(r, "plan: %s '%s' is not a unix: D-Bus address", name, b->address);
		return 0;
	case F_SOCKET:
		return tsj_push(r, &b->sockets, &b->nsockets, v);
	default: {
		int k = fields[i].field;
		bool ok = k == TSJ_DBUS_CALL || k == TSJ_DBUS_BROADCAST ? name_rule_ok(v->s)
									: bus_name_ok(v->s, strlen(v->s));
		if (!ok)
			return tsj_fail(r, "plan: %s '%s' is not %s", name, v->s,
					k == TSJ_DBUS_CALL || k == TSJ_DBUS_BROADCAST
						? "NAME=RULE (a bus name, then [METHOD][@PATH])"
						: "a well-known bus name (or one ending in .*)");
		return tsj_push(r, &b->rules[k], &b->nrules[k], v);
	}
	}
}

/* The name of bus's record of field f, for messages. */
static const char *field_name(int bus, int f)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].bus == bus && fields[i].field == f)
			return tsj_tag_name(fields[i].tag);
	return "unknown";
}

static int check(struct tsj_reader *r, const struct tsj_plan *pl)
{
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++) {
		const struct tsj_plan_dbus *b = &pl->dbus[bus];
		const char *policy = field_name(bus, F_POLICY);
		if (b->policy == TSJ_DBUS_KEEP && b->nsockets > 0)
			return tsj_fail(r, "plan: %s without %s", field_name(bus, F_SOCKET), policy);
		if (b->policy != TSJ_DBUS_FILTER && b->address != NULL)
			return tsj_fail(r, "plan: %s without %s filter", field_name(bus, F_ADDRESS), policy);
		for (int k = 0; k < TSJ_DBUS_NRULE; k++)
			if (b->policy != TSJ_DBUS_FILTER && b->nrules[k] > 0)
				return tsj_fail(r, "plan: %s without %s filter", field_name(bus, k), policy);
		if (b->policy == TSJ_DBUS_FILTER && b->address == NULL)
			return tsj_fail(r, "plan: %s filter needs %s", policy, field_name(bus, F_ADDRESS));
	}
	return 0;
}

/* "dbus": null when no bus has a policy, else {"user": BUS, "system": BUS}. */
static void dump(const struct tsj_plan *pl, FILE *out)
{
	if (pl->dbus[0].policy == TSJ_DBUS_KEEP && pl->dbus[1].policy == TSJ_DBUS_KEEP) {
		fputs(",\"dbus\":null", out);
		return;
	}
	fputs(",\"dbus\":{", out);
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++) {
		const struct tsj_plan_dbus *b = &pl->dbus[bus];
		fprintf(out, "%s\"%s\":", bus ? "," : "", bus_key[bus]);
		if (b->policy == TSJ_DBUS_KEEP) {
			fputs("null", out);
			continue;
		}
		fprintf(out, "{\"policy\":\"%s\"", b->policy == TSJ_DBUS_NONE ? "none" : "filter");
		tsj_json_opt(out, "address", b->address);
		tsj_json_list(out, "sockets", b->sockets, b->nsockets);
		for (int k = 0; k < TSJ_DBUS_NRULE; k++)
			tsj_json_list(out, rule_key[k], b->rules[k], b->nrules[k]);
		fputc('}', out);
	}
	fputc('}', out);
}

static void free_dbus(struct tsj_plan *pl)
{
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++) {
		struct tsj_plan_dbus *b = &pl->dbus[bus];
		free(b->address);
		for (size_t i = 0; i < b->nsockets; i++)
			free(b->sockets[i]);
		free(b->sockets);
		for (int k = 0; k < TSJ_DBUS_NRULE; k++) {
			for (size_t i = 0; i < b->nrules[k]; i++)
				free(b->rules[k][i]);
			free(b->rules[k]);
		}
	}
}

const struct tsj_records tsj_records_dbus = { decode, check, dump, free_dbus };

/* ---- before anything is created ---- */

static bool filtered(const struct tsj_plan *plan)
{
	return plan->dbus[0].policy == TSJ_DBUS_FILTER || plan->dbus[1].policy == TSJ_DBUS_FILTER;
}

/* The proxy, opened for execveat: it and every directory above it root's
 * and writable by no one else (policy.c). */
static int open_proxy(void)
{
	char err[512];
	int fd = path_open_rootowned(TSJ_DBUS_PROXY, true, err, sizeof err);
	if (fd == -2)
		die("dbus filter: %s is not installed (Debian: apt-get install xdg-dbus-proxy)", TSJ_DBUS_PROXY);
	if (fd < 0)
		die("dbus filter: refusing the proxy: %s", err);
	return fd;
}

/* Refused before anything exists; dbus_prepare opens (and checks) it again
 * and runs what it opened then: main.c closes every descriptor in between. */
void dbus_check(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	(void)cr;
	if (filtered(plan))
		close(open_proxy());
}

/* ---- the socket directory ---- */

/* "tsjail-dbus-UID.": the caller's socket directories start so. */
static void dir_prefix(const struct tsj_creds *cr, char *buf, size_t size)
{
	snprintf(buf, size, "tsjail-dbus-%u.", (unsigned)cr->uid);
}

/* A directory the caller owns, not a symlink, that no one else may write. */
static bool callers_own(int fd, const struct tsj_creds *cr)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == cr->uid && !(st.st_mode & 022);
}

/* /run/user/UID/tsjail when /run/user/UID is the caller's (made as the
 * caller, 0700, if missing), else /tmp. path gets its name. */
static int open_base(const struct tsj_creds *cr, char *path, size_t size)
{
	char run[32];
	snprintf(run, sizeof run, "/run/user/%u", (unsigned)cr->uid);
	int ru = open(run, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ru >= 0 && callers_own(ru, cr)) {
		path_as_user(cr);
		if (mkdirat(ru, "tsjail", 0700) != 0 && errno != EEXIST)
			debug("dbus: cannot make %s/tsjail: %s", run, strerror(errno));
		int fd = openat(ru, "tsjail", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		path_as_root(cr);
		close(ru);
		if (fd >= 0 && callers_own(fd, cr)) {
			snprintf(path, size, "%s/tsjail", run);
			return fd;
		}
		if (fd >= 0)
			close(fd);
	} else if (ru >= 0) {
		close(ru);
	}
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die_errno("dbus filter: open /tmp");
	snprintf(path, size, "/tmp");
	return fd;
}

/* Removes a socket directory of the caller's that no helper holds: its two
 * sockets, then the directory, as the caller, and only that very directory
 * (same device and inode). */
static void sweep_one(const struct tsj_creds *cr, int base, const char *name)
{
	path_as_user(cr);
	int fd = openat(base, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	path_as_root(cr);
	if (fd < 0)
		return;
	struct stat st, now;
	if (!callers_own(fd, cr) || fstat(fd, &st) != 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return; /* a live helper's (locked), or not the caller's */
	}
	path_as_user(cr);
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++)
		if (unlinkat(fd, bus_key[bus], 0) != 0 && errno != ENOENT)
			debug("dbus: cannot remove %s/%s: %s", name, bus_key[bus], strerror(errno));
	if (fstatat(base, name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == st.st_dev &&
	    now.st_ino == st.st_ino && unlinkat(base, name, AT_REMOVEDIR) == 0)
		debug("dbus: removed %s, left by a helper that was killed", name);
	path_as_root(cr);
	close(fd);
}

static void sweep(const struct tsj_creds *cr, int base)
{
	char prefix[32];
	dir_prefix(cr, prefix, sizeof prefix);
	int again = dup(base);
	DIR *dir = again >= 0 ? fdopendir(again) : NULL;
	if (dir == NULL)
		die_errno("dbus: read the socket directories");
	struct dirent *e;
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			sweep_one(cr, base, e->d_name);
	closedir(dir);
}

/* Makes this run's socket directory, tsjail-dbus-UID.RANDOM, as the caller,
 * and locks it. A sweep running at the same time may take the new directory
 * between its mkdir and the lock: so the lock is taken, then the name is
 * checked to be still this directory, else another name is tried. */
static void make_dir(const struct tsj_creds *cr, struct tsj_dbus *d)
{
	char prefix[32];
	dir_prefix(cr, prefix, sizeof prefix);
	for (int tries = 0; tries < 16; tries++) {
		uint32_t rnd;
		if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
			die_errno("getrandom");
		snprintf(d->name, sizeof d->name, "%s%08x", prefix, rnd);
		path_as_user(cr);
		int r = mkdirat(d->base, d->name, 0700);
		int e = errno;
		int fd = r == 0 ? openat(d->base, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		path_as_root(cr);
		if (r != 0 && e == EEXIST)
			continue;
		if (r != 0) {
			errno = e;
			die_errno("dbus filter: make the socket directory %s", d->name);
		}
		struct stat st, now;
		if (fd < 0 || fstat(fd, &st) != 0 || flock(fd, LOCK_EX) != 0)
			die_errno("dbus filter: open the socket directory %s", d->name);
		if (fstatat(d->base, d->name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == st.st_dev &&
		    now.st_ino == st.st_ino) {
			d->dir = fd;
			return;
		}
		close(fd);
	}
	die("dbus filter: cannot make a socket directory (16 names tried)");
}

/* ---- the proxy ---- */

/* argv: the proxy's name, --fd=3, then for each filtered bus its address,
 * its socket, --filter and one option per rule. */
static char **proxy_argv(const struct tsj_plan *plan, const struct tsj_dbus *d)
{
	size_t n = 3;
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++)
		for (int k = 0; k < TSJ_DBUS_NRULE; k++)
			n += 3 + plan->dbus[bus].nrules[k];
	char **argv = calloc(n, sizeof *argv);
	if (argv == NULL)
		die("out of memory");
	size_t i = 0;
	argv[i++] = strdup("xdg-dbus-proxy");
	argv[i++] = strdup("--fd=3");
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++) {
		const struct tsj_plan_dbus *b = &plan->dbus[bus];
		if (b->policy != TSJ_DBUS_FILTER)
			continue;
		argv[i++] = strdup(b->address);
		argv[i++] = strdup(d->path[bus]);
		argv[i++] = strdup("--filter");
		for (int k = 0; k < TSJ_DBUS_NRULE; k++)
			for (size_t j = 0; j < b->nrules[k]; j++)
				if (asprintf(&argv[i++], "--%s=%s", rule_key[k], b->rules[k][j]) < 0)
					die("out of memory");
	}
	for (size_t j = 0; j < i; j++)
		if (argv[j] == NULL)
			die("out of memory");
	return argv;
}

/* The proxy's process: the caller and nothing more, in a session of its
 * own (the terminal's ^C is the sandbox's, not the proxy's), fds 0 and 1
 * /dev/null, 2 the helper's, 3 the control socket. Never returns. */
static _Noreturn void proxy_child(const struct tsj_creds *cr, char **argv, int exe, int ctl, pid_t parent)
{
	/* The parent's clean-up on failure (a cgroup's removal) is not ours. */
	tsj_die_hook = NULL;
	signals_reset();
	if (setsid() < 0)
		die_errno("dbus proxy: setsid");
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) != 0 || dup2(null, 1) != 1 || dup2(ctl, 3) != 3 ||
	    dup2(exe, 4) != 4 || fcntl(4, F_SETFD, FD_CLOEXEC) != 0)
		die_errno("dbus proxy: set up its file descriptors");
	if (close_range(5, ~0U, 0) != 0)
		die_errno("dbus proxy: close_range");
	creds_become_caller(cr);
	/* Set after the credentials change, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		die_errno("dbus proxy: prctl(PR_SET_PDEATHSIG)");
	if (getppid() != parent)
		_exit(1);
	char *envp[] = { NULL };
	execveat(4, "", argv, envp, AT_EMPTY_PATH);
	die_errno("dbus proxy: execute %s", TSJ_DBUS_PROXY);
}

/* In the child: waits (at most 10 s) for the proxy's byte on ctl. The proxy
 * is the host side's child: that side stops and reaps it when we fail. */
static void wait_ready(struct tsj_dbus *d)
{
	struct pollfd p = { d->ctl, POLLIN, 0 };
	int r;
	while ((r = poll(&p, 1, 10000)) < 0 && errno == EINTR)
		;
	if (r < 0)
		die_errno("dbus filter: poll the proxy's --fd");
	if (r == 0)
		die("dbus filter: xdg-dbus-proxy did not start listening within 10 s");
	char c;
	ssize_t n;
	while ((n = read(d->ctl, &c, 1)) < 0 && errno == EINTR)
		;
	if (n < 0)
		die_errno("dbus filter: read the proxy's --fd");
	if (n == 0)
		die("dbus filter: xdg-dbus-proxy ended before it listened");
}

void dbus_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d)
{
	memset(d, 0, sizeof *d);
	d->ctl = d->base = d->dir = d->here = -1;
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++)
		for (size_t i = 0; i < TSJ_MAXN_DBUS_USER_SOCKET; i++)
			d->tree[bus][i] = -1;
	if (!filtered(plan))
		return;
	char base[64];
	d->base = open_base(cr, base, sizeof base);
	sweep(cr, d->base);
	make_dir(cr, d);
	snprintf(d->dirpath, sizeof d->dirpath, "%s/%s", base, d->name);
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++)
		snprintf(d->path[bus], sizeof d->path[bus], "%s/%s", d->dirpath, bus_key[bus]);
	char **argv = proxy_argv(plan, d);
	int exe = open_proxy();
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		die_errno("socketpair");
	pid_t parent = getpid();
	d->proxy = fork();
	if (d->proxy < 0)
		die_errno("fork");
	if (d->proxy == 0)
		proxy_child(cr, argv, exe, sp[1], parent);
	close(sp[1]);
	close(exe);
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
	d->ctl = sp[0];
	debug("dbus filter: started xdg-dbus-proxy (pid %d), sockets in %s", (int)d->proxy, d->dirpath);
}

/* ---- in the sandbox ---- */

/* Waits for the proxy, then clones each filtered bus's socket, once per
 * SOCKET record; lets go of the proxy's --fd and of the directory. */
static void take_sockets(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d)
{
	wait_ready(d);
	close(d->ctl);
	d->ctl = -1;
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++) {
		const struct tsj_plan_dbus *b = &plan->dbus[bus];
		if (b->policy != TSJ_DBUS_FILTER)
			continue;
		struct stat st;
		int fd = path_open(cr, d->here, bus_key[bus], true);
		if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != cr->uid)
			die("dbus filter: the proxy made no socket %s of the caller's", d->path[bus]);
		for (size_t i = 0; i < b->nsockets; i++)
			d->tree[bus][i] = mnt_clone(fd, d->path[bus]);
		close(fd);
		debug("dbus-%s filter: xdg-dbus-proxy (pid %d) listens on %s for %s", bus_key[bus],
		      (int)d->proxy, d->path[bus], b->address);
	}
	close(d->here);
	d->here = -1;
}

void dbus_child_open(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d)
{
	if (d->base >= 0)
		close(d->base);
	d->base = -1;
	if (d->proxy == 0)
		return;
	struct stat made, st;
	d->here = path_open(cr, AT_FDCWD, d->dirpath, false);
	if (d->here < 0 || fstat(d->here, &st) != 0 || fstat(d->dir, &made) != 0 || st.st_dev != made.st_dev ||
	    st.st_ino != made.st_ino)
		die("dbus filter: %s is no longer the proxy's directory", d->dirpath);
	close(d->dir);
	d->dir = -1;
	if (plan->root != NULL)
		take_sockets(plan, cr, d);
}

void dbus_child_mount(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d)
{
	if (d->here >= 0)
		take_sockets(plan, cr, d);
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++) {
		const struct tsj_plan_dbus *b = &plan->dbus[bus];
		for (size_t i = 0; i < b->nsockets; i++) {
			const char *p = b->sockets[i];
			struct stat st;
			int fd = path_open(cr, AT_FDCWD, p, false);
			if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
				debug("dbus-%s: %s is not a socket here: nothing to %s", bus_key[bus], p,
				      b->policy == TSJ_DBUS_NONE ? "hide" : "replace");
				if (fd >= 0)
					close(fd);
				continue;
			}
			int node = b->policy == TSJ_DBUS_NONE ? mnt_empty_file(p) : d->tree[bus][i];
			if (b->policy == TSJ_DBUS_FILTER)
				mnt_set_attr(node, p, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, true);
			mnt_attach(node, fd, "", p);
			close(node);
			close(fd);
			if (b->policy == TSJ_DBUS_FILTER)
				d->tree[bus][i] = -1;
			debug("dbus-%s %s: %s", bus_key[bus], b->policy == TSJ_DBUS_NONE ? "none" : "filter",
			      b->policy == TSJ_DBUS_NONE ? p : "the proxy's socket in its place");
		}
		for (size_t i = 0; i < b->nsockets; i++)
			if (d->tree[bus][i] >= 0) {
				close(d->tree[bus][i]);
				d->tree[bus][i] = -1;
			}
	}
}

/* ---- after the sandbox ---- */

void dbus_finish(const struct tsj_creds *cr, struct tsj_dbus *d)
{
	if (d->proxy == 0)
		return;
	/* The proxy stops when its --fd closes: at most 2 s, then SIGKILL. Its
	 * pidfd says when it has ended, without polling waitpid. */
	int pidfd = (int)syscall(SYS_pidfd_open, d->proxy, 0);
	close(d->ctl);
	d->ctl = -1;
	int st;
	struct pollfd p = { pidfd, POLLIN, 0 };
	if (pidfd < 0 || poll(&p, 1, 2000) != 1)
		kill(d->proxy, SIGKILL);
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(d->proxy, &st, 0) < 0 && errno == EINTR)
		;
	d->proxy = 0;
	struct stat before, now;
	if (fstat(d->dir, &before) != 0)
		die_errno("dbus: fstat the socket directory");
	path_as_user(cr);
	for (int bus = 0; bus < TSJ_DBUS_NBUS; bus++)
		if (unlinkat(d->dir, bus_key[bus], 0) != 0 && errno != ENOENT)
			warn_msg("cannot remove the D-Bus proxy's socket %s: %s", d->path[bus], strerror(errno));
	if (fstatat(d->base, d->name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == before.st_dev &&
	    now.st_ino == before.st_ino && unlinkat(d->base, d->name, AT_REMOVEDIR) != 0)
		warn_msg("cannot remove the D-Bus proxy's directory %s: %s", d->name, strerror(errno));
	path_as_root(cr);
	close(d->dir);
	close(d->base);
	d->dir = d->base = -1;
}
