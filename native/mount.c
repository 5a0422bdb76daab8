/* mount.c - the MOUNT records (decoded, dumped), what a user may mount
 * (mount_check), and the sandbox's mount namespace: propagation, a fresh
 * /proc, then the plan's mount operations in order. Every path is opened as the caller
 * without following symlinks (path.c) and every mount is made through that
 * fd with the new mount API, so nothing is resolved twice by name. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "mountinfo.h"
#include "mountlib.h"
#include "path.h"
#include "privbin.h"

/* ---- the MOUNT records (PLAN.md, "Mount operations"): decoded, dumped and
 * freed here (tsj_records_mount); pure, so fuzzed ---- */

/* plan.def's mount kinds, by kind. */
static const struct kind {
	const char *name;
	unsigned min, max; /* paths */
	uint32_t flags;    /* the flags allowed */
	bool mode;         /* takes a mode */
	unsigned slash;    /* bit N: path N may be "/" */
} kinds[] = {
#define KIND_(name, value, op, min, max, flags, mode, slash, ...) [value] = { op, min, max, flags, mode, slash },
	TSJ_MOUNT_KINDS(KIND_)
#undef KIND_
};

static const struct tsj_bit mount_flags[] = { TSJ_MOUNT_FLAGS(TSJ_BIT_KEY) };

/* Relative, normalised: no leading '/', no empty, "." or ".." component. */
static bool relpath_ok(const char *s)
{
	if (s[0] == '/' || s[0] == '\0')
		return false;
	char buf[TSJ_MAX_PATH + 2];
	int n = snprintf(buf, sizeof buf, "/%s", s);
	return n > 0 && (size_t)n < sizeof buf && path_normal(buf) && strcmp(buf, "/") != 0;
}

/* The directories private-bin's files may be in; machine-id's files. */
#define STR_(s) s,
static const char *const bin_dirs[] = { TSJ_BIN_DIRS(STR_) };
static const char *const machine_id_files[] = { TSJ_MACHINE_ID_FILES(STR_) };
#undef STR_

static bool listed(const char *p, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p, list[i]) == 0)
			return true;
	return false;
}

/* What only makes sense across a record's paths: private-bin's files each
 * directly in a directory of TSJ_BIN_DIRS, no two of one name (they meet
 * in one directory); machine-id's among TSJ_MACHINE_ID_FILES, each once. */
static int check_paths(struct tsj_reader *r, const struct tsj_mount *m)
{
	for (size_t i = 0; i < m->npaths; i++) {
		const char *p = m->paths[i];
		const char *name = strrchr(p, '/') + 1;
		if (m->kind == TSJ_MNT_PRIVATE_BIN) {
			char dir[TSJ_MAX_PATH + 1];
			snprintf(dir, sizeof dir, "%.*s", (int)(name - 1 - p), p);
			if (!listed(dir, bin_dirs, sizeof bin_dirs / sizeof bin_dirs[0]))
				return tsj_fail(r, "plan: private-bin: %s is not in a directory of programs", p);
		} else if (m->kind == TSJ_MNT_MACHINE_ID) {
			if (!listed(p, machine_id_files, sizeof machine_id_files / sizeof machine_id_files[0]))
				return tsj_fail(r, "plan: machine-id: %s is not a machine-id file", p);
		} else {
			return 0;
		}
		for (size_t j = 0; j < i; j++) {
			const char *other = m->kind == TSJ_MNT_PRIVATE_BIN ? strrchr(m->paths[j], '/') + 1 : m->paths[j];
			if (strcmp(m->kind == TSJ_MNT_PRIVATE_BIN ? name : p, other) == 0)
				return tsj_fail(r, "plan: %s names %s twice", kinds[m->kind].name,
						m->kind == TSJ_MNT_PRIVATE_BIN ? name : p);
		}
	}
	return 0;
}

/* MOUNT: u8 kind, u16 flags, u16 mode, u16 npaths, npaths x (u16 len, bytes). */
static int decode(struct tsj_reader *r, struct tsj_plan *pl, struct tsj_value *val)
{
	const uint8_t *v = val->p;
	size_t n = val->n;
	if (n < 7)
		return tsj_fail(r, "plan: MOUNT is too short");
	if (pl->mounts == NULL) {
		pl->mounts = calloc(TSJ_MAX_MOUNTS, sizeof *pl->mounts);
		if (pl->mounts == NULL)
			return tsj_fail(r, "plan: out of memory");
	}
	unsigned kind = v[0], flags = tsj_le16(v + 1), mode = tsj_le16(v + 3), np = tsj_le16(v + 5);
	if (kind == 0 || kind > TSJ_MNT_KIND_MAX)
		return tsj_fail(r, "plan: unknown mount operation %u", kind);
	const struct kind *k = &kinds[kind];
	if (flags & ~k->flags)
		return tsj_fail(r, "plan: %s has unknown flags 0x%x", k->name, flags);
	if (mode > 07777 || (mode != 0 && !k->mode))
		return tsj_fail(r, "plan: %s has a bad mode %o", k->name, mode);
	if (np < k->min || np > k->max)
		return tsj_fail(r, "plan: %s with %u paths", k->name, np);

	struct tsj_mount *m = &pl->mounts[pl->nmounts++];
	m->kind = (enum tsj_mount_kind)kind;
	m->flags = flags;
	m->mode = mode;
	if (np > 0 && (m->paths = calloc(np, sizeof(char *))) == NULL)
		return tsj_fail(r, "plan: out of memory");
	const uint8_t *p = v + 7;
	size_t left = n - 7;
	for (unsigned i = 0; i < np; i++) {
		if (left < 2 || (size_t)tsj_le16(p) > left - 2)
			return tsj_fail(r, "plan: %s path %u overruns the record", k->name, i);
		size_t len = tsj_le16(p);
		char *path = tsj_take_str(r, TSJ_TAG_MOUNT, p + 2, len, TSJ_MAX_PATH, false);
		if (path == NULL)
			return -1;
		m->paths[m->npaths++] = path;
		bool rel = kind == TSJ_MNT_WHITELIST && i > 0;
		if (rel ? !relpath_ok(path) : !path_normal(path))
			return tsj_fail(r, "plan: %s path '%s' is not a normalised %s path", k->name, path,
					rel ? "relative" : "absolute");
		if (!rel && strcmp(path, "/") == 0 && !(i < 32 && (k->slash >> i) & 1))
			return tsj_fail(r, "plan: %s of / is not allowed", k->name);
		p += 2 + len;
		left -= 2 + len;
	}
	if (left != 0)
		return tsj_fail(r, "plan: %s has %zu trailing bytes", k->name, left);
	return check_paths(r, m);
}

/* Each operation: its paths, mode, then its flags in bit order, optional
 * last. */
static void dump(const struct tsj_plan *pl, FILE *out)
{
	fputs(",\"mounts\":[", out);
	for (size_t i = 0; i < pl->nmounts; i++) {
		const struct tsj_mount *m = &pl->mounts[i];
		const struct kind *k = &kinds[m->kind];
		fprintf(out, "%s{\"op\":\"%s\"", i ? "," : "", k->name);
		if (m->kind == TSJ_MNT_BIND) {
			tsj_json_opt(out, "src", m->paths[0]);
			tsj_json_opt(out, "dst", m->paths[1]);
		} else if (m->kind == TSJ_MNT_PRIVATE_BIN) {
			tsj_json_list(out, "files", m->paths, m->npaths);
		} else if (m->kind == TSJ_MNT_MACHINE_ID) {
			tsj_json_list(out, "paths", m->paths, m->npaths);
		} else if (m->npaths > 0) {
			tsj_json_opt(out, "path", m->paths[0]);
		}
		if (m->kind == TSJ_MNT_WHITELIST)
			tsj_json_list(out, "entries", m->paths + 1, m->npaths - 1);
		if (k->mode)
			fprintf(out, ",\"mode\":%u", m->mode);
		for (size_t b = 0; b < sizeof mount_flags / sizeof mount_flags[0]; b++)
			if ((k->flags & mount_flags[b].mask) && mount_flags[b].mask != TSJ_MF_OPTIONAL)
				tsj_json_bits(out, &mount_flags[b], 1, m->flags);
		if (k->flags & TSJ_MF_OPTIONAL)
			fprintf(out, ",\"optional\":%s", (m->flags & TSJ_MF_OPTIONAL) ? "true" : "false");
		fputc('}', out);
	}
	fputc(']', out);
}

static void free_mounts(struct tsj_plan *pl)
{
	for (size_t i = 0; i < pl->nmounts; i++) {
		for (size_t j = 0; j < pl->mounts[i].npaths; j++)
			free(pl->mounts[i].paths[j]);
		free(pl->mounts[i].paths);
	}
	free(pl->mounts);
}

const struct tsj_records tsj_records_mount = { decode, NULL, dump, free_mounts };

/* ---- checks before anything is created (run on the host side) ---- */

static bool under_home(const struct tsj_creds *cr, const char *p)
{
	return cr->home != NULL && path_within(p, cr->home);
}

static bool in_run_user(const struct tsj_creds *cr, const char *p)
{
	char run[64];
	snprintf(run, sizeof run, "/run/user/%u", (unsigned)cr->uid);
	return path_within(p, run);
}

static bool in_list(const char *p, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(p, *list) == 0)
			return true;
	return false;
}

/* The system's places a user's sandbox may have a tmpfs on (the default
 * sandbox's); anywhere else only in the caller's home or /run/user/UID, on
 * a directory the caller owns (op_tmpfs). */
static const char *const tmpfs_system[] = { "/tmp", "/var/tmp", "/var/log", "/var/lock",
	"/var/lib/sudo", "/var/cache", "/home", "/run/lock", "/dev/shm", NULL };

static bool tmpfs_allowed(const struct tsj_creds *cr, const char *p)
{
	return in_list(p, tmpfs_system) || under_home(cr, p) || in_run_user(cr, p);
}

/* As firejail: any directory in / but /proc and /sys, and /sys/module; in
 * /home only the caller's own home. A whitelist only hides (a tmpfs with
 * the directory's owner and mode) and binds back entries opened as the
 * caller, so it shows nothing the caller could not see anyway. */
static bool whitelist_allowed(const struct tsj_creds *cr, const char *p)
{
	if (strcmp(p, "/home") == 0 || under_home(cr, p) || in_run_user(cr, p) || path_within(p, "/sys/module"))
		return true;
	return strcmp(p, "/") != 0 && !path_within(p, "/proc") && !path_within(p, "/sys") && !path_within(p, "/home");
}

void mount_check(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	if (cr->mode == TSJ_MODE_ROOT)
		return;
	for (size_t i = 0; i < plan->nmounts; i++) {
		const struct tsj_mount *m = &plan->mounts[i];
		const char *p = m->npaths > 0 ? m->paths[0] : "/dev";
		const char *name = kinds[m->kind].name;
		switch (m->kind) {
		case TSJ_MNT_TMPFS:
			if (!tmpfs_allowed(cr, p))
				die("tmpfs on %s is for root only", p);
			if ((m->flags & TSJ_MF_USER_OWNED) && !under_home(cr, p) && !in_run_user(cr, p))
				die("tmpfs on %s: only your home may be owned by you", p);
			break;
		case TSJ_MNT_BIND:
			if (cr->home == NULL || strcmp(m->paths[1], cr->home) != 0)
				die("bind %s on %s is for root only", m->paths[0], m->paths[1]);
			break;
		case TSJ_MNT_WHITELIST:
			if (!whitelist_allowed(cr, p))
				die("whitelist: %s is outside the directories a user may whitelist", p);
			break;
		case TSJ_MNT_MKDIR:
		case TSJ_MNT_MKFILE:
			if (!path_below(p, "/tmp") && !(under_home(cr, p) && strcmp(p, cr->home) != 0) &&
			    !(in_run_user(cr, p)))
				die("%s: %s is not in your home, /tmp or /run/user/%u", name, p, (unsigned)cr->uid);
			break;
		default:
			break;
		}
	}
}

/* ---- building blocks ---- */

/* Opens a plan path as the caller. follow: symbolic links the caller could
 * not have planted are followed (path_open_trusted), for operations that
 * only restrict or hide what is there (read-only, noexec, read-write,
 * blacklist, the source of a bind); the others act on the very place
 * named, which mount_check judged by its name. Returns -1 for a missing
 * optional path, or one the caller cannot reach (EACCES: a directory on
 * the way the caller may not search, such as one blacklisted before); dies
 * otherwise. */
static int open_target(const struct tsj_creds *cr, const struct tsj_mount *m, const char *p, bool follow)
{
	int fd = follow ? path_open_trusted(cr, AT_FDCWD, p, true) : path_open(cr, AT_FDCWD, p, false);
	if (fd >= 0)
		return fd;
	if ((errno == ENOENT || errno == EACCES) && (m->flags & TSJ_MF_OPTIONAL)) {
		debug("%s %s: %s, skipped", kinds[m->kind].name, p,
		      errno == ENOENT ? "not there" : "out of your reach");
		return -1;
	}
	if (errno == ELOOP)
		die("%s %s: a symbolic link on the path (refused)", kinds[m->kind].name, p);
	die_errno("%s %s", kinds[m->kind].name, p);
}

/* ---- --read-write: decided on the mount it acts on ---- */

/* A user may make writable again what the sandbox itself made read-only,
 * never what the host has read-only. So each read-only operation records
 * the mounts it turned read-only (those writable just before), and a
 * read-write operation may clear the flag only on one of those, or on a
 * mount of a filesystem the sandbox made itself (a tmpfs, the caller's
 * overlay: no filesystem the host had mounted). Everything is decided on
 * the mounts themselves, by mount ID, at the moment the operation acts. */
struct made {
	unsigned long id;
	char *point; /* where it is mounted, in the sandbox */
};
static struct made *made_ro;
static size_t made_ro_n, made_ro_cap;
/* The filesystems (device numbers) the host had mounted. */
static dev_t *host_devs;
static size_t host_devs_n, host_devs_cap;
/* /proc/PID of the sandbox's init, in its own /proc, opened before any
 * operation. */
static int self_proc = -1;

#define PUSH(v, n, cap, x)                                              \
	do {                                                            \
		if ((n) == (cap)) {                                     \
			(cap) = (cap) ? (cap) * 2 : 64;                 \
			(v) = reallocarray((v), (cap), sizeof *(v));    \
			if ((v) == NULL)                                \
				die("out of memory");                   \
		}                                                       \
		(v)[(n)++] = (x);                                       \
	} while (0)

static bool note_host(const struct mountinfo_line *l, void *arg)
{
	(void)arg;
	PUSH(host_devs, host_devs_n, host_devs_cap, makedev(l->major, l->minor));
	return true;
}

static void snapshot_host_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (f == NULL || !mountinfo_each(f, note_host, NULL))
		die_errno("read the host's /proc/self/mountinfo");
	fclose(f);
}

static FILE *sandbox_mountinfo(const char *p)
{
	int fd = openat(self_proc, "mountinfo", O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	if (f == NULL)
		die_errno("%s: open the sandbox's mountinfo", p);
	return f;
}

static unsigned long mount_id(int fd, const char *p)
{
	struct statx sx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) != 0 || !(sx.stx_mask & STATX_MNT_ID))
		die_errno("statx(%s, STATX_MNT_ID)", p);
	return (unsigned long)sx.stx_mnt_id;
}

/* The mounts of an attached tree: whether each is writable, and what it
 * is (device, root within the filesystem, mount point). */
struct member {
	unsigned long id;
	bool rw;
	unsigned major, minor;
	char *root, *point;
};
struct subtree {
	struct member *m;
	size_t n, cap;
};

static void describe(struct member *m, const struct mountinfo_line *l)
{
	m->rw = l->rw;
	m->major = l->major;
	m->minor = l->minor;
	if (m->root == NULL && ((m->root = strdup(l->root)) == NULL || (m->point = strdup(l->point)) == NULL))
		die("out of memory");
}

static bool collect(const struct mountinfo_line *l, void *arg)
{
	struct subtree *t = arg;
	bool child = false;
	for (size_t i = 0; i < t->n; i++) {
		if (t->m[i].id == l->id) {
			describe(&t->m[i], l);
			return true;
		}
		child |= t->m[i].id == l->parent;
	}
	if (child) {
		PUSH(t->m, t->n, t->cap, ((struct member){ l->id, l->rw, 0, 0, NULL, NULL }));
		describe(&t->m[t->n - 1], l);
	}
	return true;
}

/* The attached tree's mounts (the tree's own first). mountinfo lists a
 * mount after its parent; a second pass catches any that comes before. */
static void subtree_of(int tree, const char *p, struct subtree *t)
{
	*t = (struct subtree){ NULL, 0, 0 };
	PUSH(t->m, t->n, t->cap, ((struct member){ mount_id(tree, p), false, 0, 0, NULL, NULL }));
	for (int pass = 0; pass < 2; pass++) {
		FILE *f = sandbox_mountinfo(p);
		if (!mountinfo_each(f, collect, t))
			die_errno("%s: read the sandbox's mountinfo", p);
		fclose(f);
	}
}

static void subtree_free(struct subtree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->m[i].root);
		free(t->m[i].point);
	}
	free(t->m);
}

static bool made_read_only(unsigned long id)
{
	for (size_t i = 0; i < made_ro_n; i++)
		if (made_ro[i].id == id)
			return true;
	return false;
}

static void note_made_read_only(const struct member *m)
{
	char *point = strdup(m->point != NULL ? m->point : "");
	if (point == NULL)
		die("out of memory");
	PUSH(made_ro, made_ro_n, made_ro_cap, ((struct made){ m->id, point }));
}

/* Whether a clone of what is at p may hold a mount the sandbox made
 * read-only: the mount p is on (src_top), or one mounted at or below p. */
static bool may_hold_made_read_only(unsigned long src_top, const char *p)
{
	if (made_read_only(src_top))
		return true;
	for (size_t i = 0; i < made_ro_n; i++)
		if (path_within(made_ro[i].point, p))
			return true;
	return false;
}

/* Before an attached tree is made read-only: remembers its writable
 * mounts. */
static void remember_writable(int tree, const char *p)
{
	struct subtree t;
	subtree_of(tree, p, &t);
	for (size_t i = 0; i < t.n; i++)
		if (t.m[i].rw)
			note_made_read_only(&t.m[i]);
	subtree_free(&t);
}

/* The mounts the clone's were cloned from: for each, of the other mounts
 * with the same device, root and mount point, the newest: the last listed
 * (mountinfo lists mounts in the order they were made, Linux 6.8 on;
 * before, as they were attached). What was visible at a mount point is
 * newer than what it stacks on or hides, and a clone newer than its
 * source. One pass over mountinfo for the whole clone. */
struct alike {
	const struct subtree *clone;
	unsigned long *source; /* per clone member; 0: none found */
};

static bool match_alike(const struct mountinfo_line *l, void *arg)
{
	struct alike *a = arg;
	const struct subtree *t = a->clone;
	for (size_t i = 0; i < t->n; i++)
		if (t->m[i].id == l->id)
			return true;
	for (size_t i = 1; i < t->n; i++) {
		const struct member *m = &t->m[i];
		if (l->major == m->major && l->minor == m->minor && strcmp(l->root, m->root) == 0 &&
		    strcmp(l->point, m->point) == 0)
			a->source[i] = l->id;
	}
	return true;
}

/* An operation clones the mounts at the path and stacks the clone there:
 * new mounts (new IDs), copies of those below. What the sandbox had made
 * read-only stays so in the clone: its top was cloned from src_top (the
 * mount the path was on), each other mount from the newest one of the
 * same device, root and mount point (match_alike). */
static void inherit_read_only(unsigned long src_top, int tree, const char *p)
{
	struct subtree t;
	subtree_of(tree, p, &t);
	struct alike a = { &t, calloc(t.n, sizeof *a.source) };
	if (a.source == NULL)
		die("out of memory");
	a.source[0] = src_top;
	if (t.n > 1) {
		FILE *f = sandbox_mountinfo(p);
		if (!mountinfo_each(f, match_alike, &a))
			die_errno("%s: read the sandbox's mountinfo", p);
		fclose(f);
	}
	for (size_t i = 0; i < t.n; i++)
		if (a.source[i] != 0 && made_read_only(a.source[i]) && !t.m[i].rw && !made_read_only(t.m[i].id))
			note_made_read_only(&t.m[i]);
	free(a.source);
	subtree_free(&t);
}

static bool host_dev(dev_t dev);

struct find_mount {
	unsigned long id;
	bool found, ours;
};

static bool match_id(const struct mountinfo_line *l, void *arg)
{
	struct find_mount *fm = arg;
	if (l->id != fm->id)
		return true;
	fm->found = true;
	bool known = host_dev(makedev(l->major, l->minor));
	fm->ours = !known && (strcmp(l->fstype, "tmpfs") == 0 || strcmp(l->fstype, "overlay") == 0);
	return false;
}

/* fd: the path a read-write operation is about to clone and make
 * writable; its mount is the one that will be cloned. */
static void check_read_write(int fd, const char *p)
{
	struct statvfs sv;
	if (fstatvfs(fd, &sv) != 0)
		die_errno("fstatvfs %s", p);
	if (!(sv.f_flag & ST_RDONLY))
		return;
	unsigned long id = mount_id(fd, p);
	if (made_read_only(id))
		return;
	struct find_mount fm = { id, false, false };
	FILE *f = sandbox_mountinfo(p);
	if (!mountinfo_each(f, match_id, &fm))
		die_errno("%s: read the sandbox's mountinfo", p);
	fclose(f);
	if (!fm.found)
		die("read-write %s: its mount is not in the sandbox's mountinfo", p);
	if (!fm.ours)
		die("read-write: %s is read-only on the host", p);
}

/* ---- operations ---- */

static void op_remount(const struct tsj_creds *cr, const struct tsj_mount *m)
{
	const char *p = m->paths[0];
	int fd = open_target(cr, m, p, true);
	if (fd < 0)
		return;
	bool user = cr->mode != TSJ_MODE_ROOT;
	if (m->kind == TSJ_MNT_READ_WRITE && user)
		check_read_write(fd, p);
	unsigned long src_top = user && made_ro_n > 0 ? mount_id(fd, p) : 0;
	if (src_top != 0 && !may_hold_made_read_only(src_top, p))
		src_top = 0;
	int tree = mnt_clone(fd, p);
	if (m->kind == TSJ_MNT_NOEXEC)
		mnt_set_attr(tree, p, MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, true);
	else if (m->kind == TSJ_MNT_READ_WRITE) /* only the top mount: submounts keep their state */
		mnt_set_attr(tree, p, 0, MOUNT_ATTR_RDONLY, false);
	mnt_attach(tree, fd, "", p);
	if (src_top != 0)
		inherit_read_only(src_top, tree, p);
	if (m->kind == TSJ_MNT_READ_ONLY) {
		/* Attached first, to see which of its mounts were writable. */
		if (user)
			remember_writable(tree, p);
		mnt_set_attr(tree, p, MOUNT_ATTR_RDONLY, 0, true);
	}
	close(tree);
	close(fd);
	debug("%s %s", kinds[m->kind].name, p);
}

static void op_tmpfs(const struct tsj_creds *cr, const struct tsj_mount *m)
{
	const char *p = m->paths[0];
	int fd = open_target(cr, m, p, false);
	if (fd < 0)
		return;
	if (cr->mode != TSJ_MODE_ROOT && !in_list(p, tmpfs_system)) {
		/* A user's own tmpfs (mount_check: in the home or /run/user/UID)
		 * covers only a directory of the user's, as firejail's: decided
		 * on the directory itself, opened as the caller with no symlink. */
		struct stat st;
		if (fstat(fd, &st) != 0)
			die_errno("fstat %s", p);
		if (!S_ISDIR(st.st_mode) || st.st_uid != cr->uid)
			die("tmpfs on %s: not a directory you own", p);
	}
	bool mine = (m->flags & TSJ_MF_USER_OWNED) != 0;
	int mnt = mnt_tmpfs(p, m->mode ? m->mode : 0755, mine ? (long)cr->uid : -1,
			    mine ? (long)cr->gid : -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	mnt_attach(mnt, fd, "", p);
	close(mnt);
	close(fd);
	debug("tmpfs on %s", p);
}

/* Where the child reports the placeholders it created on the host. */
static int report_fd = -1;
static size_t reported;
/* The journal the placeholders are written to before they are made. */
static int journal_fd = -1;
#define REPORT_MAX (48u * 1024u) /* below a pipe's capacity: the parent reads only at the end */

static void split(const char *p, char *parent, size_t size, const char **name)
{
	const char *slash = strrchr(p, '/');
	size_t n = slash == p ? 1 : (size_t)(slash - p);
	snprintf(parent, size, "%.*s", (int)n, p);
	*name = slash + 1;
}

/* The directories placeholders may be made in, as the host has them
 * (opened before the first operation): a placeholder is made only in the
 * host's very directory, since the host-side parent removes it by its
 * host path. Inside --private=DIR, say, the home is another directory. */
struct host_dir {
	const struct tsj_mount *op;
	dev_t dev;
	ino_t ino;
};
static struct host_dir *host_dirs;
static size_t host_dirs_n;

static void note_placeholder_dirs(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	host_dirs = calloc(plan->nmounts ? plan->nmounts : 1, sizeof *host_dirs);
	if (host_dirs == NULL)
		die("out of memory");
	for (size_t i = 0; i < plan->nmounts; i++) {
		const struct tsj_mount *m = &plan->mounts[i];
		if (m->kind != TSJ_MNT_BLACKLIST || (m->flags & TSJ_MF_OPTIONAL))
			continue;
		char parent[4096];
		const char *name;
		split(m->paths[0], parent, sizeof parent, &name);
		int fd = path_open(cr, AT_FDCWD, parent, false);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0)
			host_dirs[host_dirs_n++] = (struct host_dir){ m, st.st_dev, st.st_ino };
		if (fd >= 0)
			close(fd);
	}
}

static bool host_dev(dev_t dev)
{
	for (size_t i = 0; i < host_devs_n; i++)
		if (host_devs[i] == dev)
			return true;
	return false;
}

/* The placeholder's directory is the host's own, or on a filesystem the
 * sandbox made (a tmpfs: what is made there goes away with it). */
static bool in_host_dir(const struct tsj_mount *m, int pfd)
{
	struct stat st;
	if (fstat(pfd, &st) != 0)
		die_errno("fstat the placeholder's directory");
	if (!host_dev(st.st_dev))
		return true;
	for (size_t i = 0; i < host_dirs_n; i++)
		if (host_dirs[i].op == m)
			return host_dirs[i].dev == st.st_dev && host_dirs[i].ino == st.st_ino;
	return false;
}

/* A path blacklisted before it exists: an empty mode-000 directory made as
 * the caller, so the blacklist can cover it. Only where the caller could
 * create it anyway, and only in the host's own directory; the host-side
 * parent removes it when the sandbox ends. */
static int placeholder(const struct tsj_creds *cr, const struct tsj_mount *m, const char *p)
{
	char parent[4096];
	const char *name;
	if (report_fd < 0 || reported + strlen(p) + 48 > REPORT_MAX)
		return -1;
	split(p, parent, sizeof parent, &name);
	int pfd = path_open(cr, AT_FDCWD, parent, false);
	if (pfd < 0)
		return -1;
	if (!in_host_dir(m, pfd)) {
		close(pfd);
		debug("blacklist %s: not there, and its directory is not the host's here: no placeholder", p);
		return -1;
	}
	char rec[4200];
	int n = snprintf(rec, sizeof rec, "? %s", p);
	if (n < 0 || (size_t)n >= sizeof rec)
		die("placeholder %s: path too long", p);
	journal_add(journal_fd, rec);
	path_as_user(cr);
	int r = mkdirat(pfd, name, 0);
	path_as_root(cr);
	if (r != 0) {
		close(pfd);
		debug("blacklist %s: not there, and cannot be made by the caller either", p);
		return -1;
	}
	int fd = path_open(cr, pfd, name, true);
	close(pfd);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0)
		die_errno("open placeholder %s", p);
	/* The parent removes it later by path on the host: with the inode, so
	 * that it removes this directory and nothing else. */
	n = snprintf(rec, sizeof rec, "%llu %llu %s", (unsigned long long)st.st_dev,
		     (unsigned long long)st.st_ino, p);
	if (n < 0 || (size_t)n >= sizeof rec || reported + (size_t)n + 1 > REPORT_MAX)
		die("placeholder %s: too many placeholders", p);
	journal_add(journal_fd, rec);
	if (write(report_fd, rec, (size_t)n + 1) != n + 1)
		die_errno("report placeholder %s", p);
	reported += (size_t)n + 1;
	debug("blacklist %s: not there yet; a placeholder keeps it from being made", p);
	return fd;
}

void mount_remove_placeholder(const struct tsj_creds *cr, const char *record)
{
	char *end;
	unsigned long long dev = strtoull(record, &end, 10);
	if (*end != ' ')
		return;
	unsigned long long ino = strtoull(end + 1, &end, 10);
	if (*end != ' ' || end[1] != '/')
		return;
	const char *p = end + 1;
	char parent[4096];
	const char *name;
	split(p, parent, sizeof parent, &name);
	int pfd = path_open(cr, AT_FDCWD, parent, false);
	if (pfd < 0)
		return;
	/* Only the very directory the sandbox made, and only if still empty. */
	struct stat st;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_dev != (dev_t)dev || st.st_ino != (ino_t)ino) {
		close(pfd);
		return;
	}
	path_as_user(cr);
	if (unlinkat(pfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		warn_msg("cannot remove the placeholder %s: %s", p, strerror(errno));
	path_as_root(cr);
	close(pfd);
}

/* An empty, unreadable, read-only node over the path. */
static void op_blacklist(const struct tsj_creds *cr, const struct tsj_mount *m)
{
	const char *p = m->paths[0];
	int fd = path_open_trusted(cr, AT_FDCWD, p, true);
	/* A blacklist the user asked for is kept from being created; one
	 * marked optional (a profile's, a default) is skipped when missing.
	 * A path the caller cannot reach (a directory on the way it may not
	 * search, say one blacklisted before) is hidden from it already. */
	if (fd < 0 && errno == EACCES) {
		debug("blacklist %s: out of your reach already, skipped", p);
		return;
	}
	if (fd < 0 && errno == ENOENT && !(m->flags & TSJ_MF_OPTIONAL))
		fd = placeholder(cr, m, p);
	else if (fd < 0)
		fd = open_target(cr, m, p, true);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_errno("fstat %s", p);
	int node = S_ISDIR(st.st_mode) ? mnt_empty_dir(p) : mnt_empty_file(p);
	mnt_attach(node, fd, "", p);
	close(node);
	close(fd);
	debug("blacklist %s", p);
}

static void op_bind(const struct tsj_creds *cr, const struct tsj_mount *m)
{
	const char *src = m->paths[0], *dst = m->paths[1];
	int s = open_target(cr, m, src, true);
	if (s < 0)
		return;
	if (cr->mode != TSJ_MODE_ROOT) {
		/* Only private=DIR reaches here for users (mount_check). */
		struct stat st;
		if (fstat(s, &st) != 0)
			die_errno("fstat %s", src);
		if (!S_ISDIR(st.st_mode) || st.st_uid != cr->uid)
			die("private: %s is not a directory you own", src);
	}
	int d = open_target(cr, m, dst, false);
	if (d < 0) {
		close(s);
		return;
	}
	int tree = mnt_clone(s, src);
	if (m->flags & TSJ_MF_READ_ONLY)
		mnt_set_attr(tree, src, MOUNT_ATTR_RDONLY, 0, true);
	mnt_attach(tree, d, "", dst);
	close(tree);
	close(s);
	close(d);
	debug("bind %s on %s", src, dst);
}

/* keep_cwd (TSJ_MF_KEEP_CWD): the plan's working directory, when below
 * the directory, is one more entry (what the caller could whitelist by
 * name anyway). */
static void whitelist(const struct tsj_plan *plan, const struct tsj_creds *cr, const struct tsj_mount *m)
{
	const char *dir = m->paths[0];
	int fd = open_target(cr, m, dir, false);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_errno("fstat %s", dir);
	if (!S_ISDIR(st.st_mode))
		die("whitelist: %s is not a directory", dir);
	char *entries[TSJ_MAX_MOUNT_PATHS + 1];
	size_t n = m->npaths - 1;
	memcpy(entries, m->paths + 1, n * sizeof *entries);
	if ((m->flags & TSJ_MF_KEEP_CWD) && plan->cwd != NULL && path_below(plan->cwd, dir)) {
		entries[n++] = (char *)plan->cwd + (strcmp(dir, "/") == 0 ? 1 : strlen(dir) + 1);
		debug("whitelist %s: keeps the working directory %s", dir, plan->cwd);
	}
	close(mnt_whitelist_into(cr, dir, fd, &st, fd, entries, n, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0));
	close(fd);
}

/* A new id for the sandbox, on a file of its own bound read-only over each
 * path (the same id for all): 32 lower-case hex digits and a newline, a
 * random version 4 UUID as systemd makes them. The host's files are
 * untouched. */
static void op_machine_id(const struct tsj_creds *cr, const struct tsj_mount *m)
{
	uint8_t b[16];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		die_errno("getrandom");
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	char id[34];
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	id[32] = '\n';
	id[33] = '\0';
	const uint64_t ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int fs = mnt_tmpfs("machine-id", 0755, -1, -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	int f = openat(fs, "machine-id", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	if (f < 0 || write(f, id, 33) != 33 || close(f) != 0)
		die_errno("write the new machine-id");
	for (size_t i = 0; i < m->npaths; i++) {
		const char *p = m->paths[i];
		int fd = open_target(cr, m, p, false);
		if (fd < 0)
			continue;
		struct stat st;
		if (fstat(fd, &st) != 0)
			die_errno("fstat %s", p);
		if (!S_ISREG(st.st_mode))
			die("machine-id: %s is not a regular file", p);
		int node = open_tree(fs, "machine-id", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (node < 0)
			die_errno("open_tree(machine-id) for %s", p);
		mnt_set_attr(node, p, ro, 0, false);
		mnt_attach(node, fd, "", p);
		close(node);
		close(fd);
		debug("machine-id: a new id on %s", p);
	}
	close(fs);
}

static void op_dev(const struct tsj_creds *cr, const struct tsj_mount *m)
{
	int target = path_open(cr, AT_FDCWD, "/dev", false);
	if (target < 0)
		die_errno("open /dev");
	mnt_dev(cr, m->flags, target);
	close(target);
}

void mount_setup(const struct tsj_plan *plan, const struct tsj_creds *cr, int report, int journal)
{
	journal_fd = journal;
	/* Placeholders are made on the host's filesystem only: inside a new
	 * root, the parent could not tell where they are. */
	report_fd = plan->root == NULL ? report : -1;
	snapshot_host_mounts();
	if (report_fd >= 0)
		note_placeholder_dirs(plan, cr);
	/* Nothing mounted below may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
		die_errno("mount(/, MS_REC|MS_SLAVE)");
	debug("mount propagation of / is now slave");
	/* No setuid bit and no file capability counts in the sandbox: every
	 * mount is nosuid (what is mounted later is too, or a clone of one of
	 * these). Under no_new_privs and with an empty bounding set they gave
	 * nothing anyway, but a program that carries a file capability with
	 * the effective bit (ping: cap_net_raw=ep) could not even start
	 * (EPERM: the bounding set lacks it); on nosuid it starts without it,
	 * and ping uses an ICMP socket (ping_group_range, net.c). */
	struct mount_attr nosuid = { .attr_set = MOUNT_ATTR_NOSUID };
	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &nosuid, sizeof nosuid) != 0)
		die_errno("mount_setattr(/, MOUNT_ATTR_NOSUID, recursive)");
	if (plan->root != NULL) {
		root_switch(plan, cr);
	} else {
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
			die_errno("mount(proc, /proc)");
		debug("mounted a fresh /proc for the new pid namespace");
	}
	char self[32];
	snprintf(self, sizeof self, "/proc/%d", (int)getpid());
	self_proc = open(self, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (self_proc < 0)
		die_errno("open %s", self);

	for (size_t i = 0; i < plan->nmounts; i++) {
		const struct tsj_mount *m = &plan->mounts[i];
		switch (m->kind) {
		case TSJ_MNT_READ_ONLY:
		case TSJ_MNT_READ_WRITE:
		case TSJ_MNT_NOEXEC:
			op_remount(cr, m);
			break;
		case TSJ_MNT_TMPFS:
			op_tmpfs(cr, m);
			break;
		case TSJ_MNT_BLACKLIST:
			op_blacklist(cr, m);
			break;
		case TSJ_MNT_BIND:
			op_bind(cr, m);
			break;
		case TSJ_MNT_WHITELIST:
			whitelist(plan, cr, m);
			break;
		case TSJ_MNT_MKDIR:
		case TSJ_MNT_MKFILE:
			path_make(cr, m->paths[0], m->kind == TSJ_MNT_MKFILE);
			debug("%s %s", kinds[m->kind].name, m->paths[0]);
			break;
		case TSJ_MNT_DEV:
			op_dev(cr, m);
			break;
		case TSJ_MNT_PRIVATE_BIN:
			privbin_apply(cr, m);
			break;
		case TSJ_MNT_MACHINE_ID:
			op_machine_id(cr, m);
			break;
		}
	}
}
