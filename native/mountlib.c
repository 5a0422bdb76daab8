/* mountlib.c - building blocks of the new mount API that mount.c (the
 * plan's operations) and root.c (the switch into a new root) share: all
 * work on file descriptors; names are only for messages. Neither module is
 * needed here, so neither calls the other for them. */
#include "mountlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

void mnt_set_attr(int tree, const char *what, uint64_t set, uint64_t clr, bool recursive)
{
	struct mount_attr a;
	memset(&a, 0, sizeof a);
	a.attr_set = set;
	a.attr_clr = clr;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) != 0)
		die_errno("mount_setattr(%s)", what);
}

int mnt_clone(int fd, const char *what)
{
	int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		die_errno("open_tree(%s)", what);
	return tree;
}

void mnt_attach(int tree, int target, const char *target_name, const char *what)
{
	unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | (target_name[0] ? 0 : MOVE_MOUNT_T_EMPTY_PATH);
	if (move_mount(tree, "", target, target_name, flags) != 0)
		die_errno("move_mount(%s)", what);
}

/* A detached tmpfs; mode in octal; owner -1 for root. */
int mnt_tmpfs(const char *what, unsigned mode, long uid, long gid, uint64_t attrs)
{
	char buf[32];
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		die_errno("fsopen(tmpfs) for %s", what);
	snprintf(buf, sizeof buf, "%o", mode);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", buf, 0) != 0)
		die_errno("fsconfig(mode=%s) for %s", buf, what);
	if (uid >= 0) {
		snprintf(buf, sizeof buf, "%ld", uid);
		if (fsconfig(fs, FSCONFIG_SET_STRING, "uid", buf, 0) != 0)
			die_errno("fsconfig(uid=%s) for %s", buf, what);
		snprintf(buf, sizeof buf, "%ld", gid);
		if (fsconfig(fs, FSCONFIG_SET_STRING, "gid", buf, 0) != 0)
			die_errno("fsconfig(gid=%s) for %s", buf, what);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
		die_errno("fsconfig(create) for %s", what);
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
	if (mnt < 0)
		die_errno("fsmount(tmpfs) for %s", what);
	close(fs);
	return mnt;
}

/* A clone of a mount has its flags: the stashes are read-only, nosuid,
 * nodev and noexec, and so is each clone without a mount_setattr of its own
 * (test/integration/filesystem.test.ts reads them in the sandbox). */
int mnt_empty_file(const char *what)
{
	static int stash = -1;
	if (stash < 0) {
		stash = mnt_tmpfs("empty files", 0700, -1, -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
		int e = openat(stash, "empty", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0);
		if (e < 0)
			die_errno("create the empty file");
		close(e);
		mnt_set_attr(stash, "empty files", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			     0, false);
	}
	int node = open_tree(stash, "empty", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (node < 0)
		die_errno("open_tree(empty file) for %s", what);
	return node;
}

int mnt_empty_dir(const char *what)
{
	static int stash = -1;
	const uint64_t ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	if (stash < 0)
		stash = mnt_tmpfs("empty directories", 0, -1, -1, ro);
	int node = open_tree(stash, "", OPEN_TREE_CLOEXEC | OPEN_TREE_CLONE | AT_EMPTY_PATH);
	if (node < 0)
		die_errno("open_tree(empty directory) for %s", what);
	return node;
}

int mnt_proc(void)
{
	int fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
		die_errno("fsopen(proc)");
	int m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (m < 0)
		die_errno("fsmount(proc)");
	close(fs);
	return m;
}

/* The directory inside the tmpfs root that rel's last component goes in,
 * its parents made where missing (0755, owned uid:gid; -1: left as made,
 * for ids a user namespace does not map). Each is opened without following
 * a symbolic link or crossing a mount point (path_open_within): a link made
 * again for an earlier entry, or the mount of one, leads out of the tmpfs,
 * and the helper, as root, must make and mount nothing there (it would be
 * wherever that link's text or that mount's owner says). An entry below
 * one of those is not placed: -1 (what the program sees there is what the
 * link or the mount shows). *last: rel's last component, in buf. */
static int parent_in(int root, const char *rel, char *buf, size_t size, const char **last, long uid, long gid)
{
	snprintf(buf, size, "%s", rel);
	int dir = path_open_within(root, ".");
	if (dir < 0)
		die_errno("open the whitelist's tmpfs");
	char *c = buf;
	for (char *slash; (slash = strchr(c, '/')) != NULL; c = slash + 1) {
		*slash = '\0';
		if (mkdirat(dir, c, 0755) == 0) {
			if (uid >= 0 && fchownat(dir, c, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) != 0)
				die_errno("chown %s", buf);
		} else if (errno != EEXIST) {
			die_errno("mkdir %s", buf);
		}
		int next = path_open_within(dir, c);
		int err = errno;
		close(dir);
		if (next < 0 && (err == ELOOP || err == EXDEV || err == ENOTDIR)) {
			debug("whitelist %s: below a whitelisted link or another entry (%s): not placed", rel, buf);
			return -1;
		}
		if (next < 0) {
			errno = err;
			die_errno("open %s", buf);
		}
		*slash = '/';
		dir = next;
	}
	*last = c;
	return dir;
}

/* The mount point of rel inside the tmpfs root: a directory or an empty
 * file, made once (a second entry of the same name finds it there), opened
 * as parent_in opens its parents. -1: not placed. */
static int make_mountpoint(int root, const char *rel, bool isdir, long uid, long gid)
{
	char buf[4096];
	const char *last;
	int dir = parent_in(root, rel, buf, sizeof buf, &last, uid, gid);
	if (dir < 0)
		return -1;
	int r = isdir ? mkdirat(dir, last, 0755) : mknodat(dir, last, S_IFREG | 0644, 0);
	if (r != 0 && errno != EEXIST)
		die_errno("%s %s", isdir ? "mkdir" : "create", rel);
	int fd = path_open_within(dir, last);
	int err = errno;
	close(dir);
	if (fd < 0 && (err == ELOOP || err == EXDEV)) {
		debug("whitelist %s: a whitelisted link or another entry is there: not placed", rel);
		return -1;
	}
	if (fd < 0) {
		errno = err;
		die_errno("open %s", rel);
	}
	return fd;
}

/* A whitelisted symbolic link: the same link, made again in the tmpfs
 * (its text is never followed by the helper here: the program resolves
 * it in the sandbox, with its own rights). */
static void copy_link(int root, const char *rel, const char *text, const struct stat *ls, bool mapped_owner, long uid,
		      long gid)
{
	char buf[4096];
	const char *last;
	int dir = parent_in(root, rel, buf, sizeof buf, &last, uid, gid);
	if (dir < 0)
		return;
	if (symlinkat(text, dir, last) != 0) {
		if (errno != EEXIST)
			die_errno("symlink %s", rel);
	} else if (mapped_owner && fchownat(dir, last, ls->st_uid, ls->st_gid, AT_SYMLINK_NOFOLLOW) != 0) {
		die_errno("chown %s", rel);
	}
	close(dir);
}

/* Makes target an empty tmpfs (src's mode unless force_mode, src's owner)
 * holding only the listed entries of src, each the original bound back in
 * place; an entry that is a symbolic link is made again as the same link
 * (path_open_trusted decides which links on the way to it are followed).
 * An entry that is missing or out of the caller's reach is skipped.
 * Returns the attached tmpfs root. */
int mnt_whitelist_into(const struct tsj_creds *cr, const char *name, int src, const struct stat *st,
			  int target, char *const *entries, size_t n, uint64_t tmpfs_attrs, unsigned force_mode)
{
	int trees[TSJ_MAX_MOUNT_PATHS];
	bool isdir[TSJ_MAX_MOUNT_PATHS];
	char *links[TSJ_MAX_MOUNT_PATHS];
	struct stat lstats[TSJ_MAX_MOUNT_PATHS];
	for (size_t i = 0; i < n; i++) {
		trees[i] = -1;
		links[i] = NULL;
		bool again = false;
		for (size_t j = 0; j < i && !again; j++)
			again = strcmp(entries[i], entries[j]) == 0;
		if (again)
			continue;
		int e = path_open_trusted(cr, src, entries[i], false);
		if (e < 0) {
			if (errno == ENOENT || errno == EACCES) {
				debug("whitelist %s/%s: %s, skipped", name, entries[i],
				      errno == ENOENT ? "not there" : "out of your reach");
				continue;
			}
			if (errno == ELOOP)
				die("whitelist %s/%s: a symbolic link on the path that you could have made (refused)",
				    name, entries[i]);
			die_errno("whitelist %s/%s", name, entries[i]);
		}
		struct stat es;
		if (fstat(e, &es) != 0)
			die_errno("fstat %s/%s", name, entries[i]);
		if (S_ISLNK(es.st_mode)) {
			char text[4096];
			ssize_t len = readlinkat(e, "", text, sizeof text);
			if (len <= 0 || (size_t)len >= sizeof text)
				die_errno("readlink %s/%s", name, entries[i]);
			text[len] = '\0';
			links[i] = strdup(text);
			if (links[i] == NULL)
				die("out of memory");
			lstats[i] = es;
		} else {
			isdir[i] = S_ISDIR(es.st_mode);
			trees[i] = mnt_clone(e, entries[i]);
		}
		close(e);
	}
	unsigned mode = force_mode ? force_mode : (st->st_mode & 07777);
	/* In a user namespace only the caller's ids exist: others (root's,
	 * shown as the overflow ids) cannot own a new tmpfs, nor anything in
	 * it. */
	bool rootless = cr->mode == TSJ_MODE_ROOTLESS;
	bool mapped = !rootless || (st->st_uid == cr->uid && st->st_gid == cr->gid);
	long uid = mapped ? (long)st->st_uid : -1, gid = mapped ? (long)st->st_gid : -1;
	int root = mnt_tmpfs(name, mode, uid, gid, tmpfs_attrs);
	mnt_attach(root, target, "", name);
	for (size_t i = 0; i < n; i++) {
		if (links[i] != NULL) {
			bool own = !rootless || (lstats[i].st_uid == cr->uid && lstats[i].st_gid == cr->gid);
			copy_link(root, entries[i], links[i], &lstats[i], own, uid, gid);
			free(links[i]);
			continue;
		}
		if (trees[i] < 0)
			continue;
		int at = make_mountpoint(root, entries[i], isdir[i], uid, gid);
		if (at >= 0) {
			mnt_attach(trees[i], at, "", entries[i]);
			close(at);
		}
		close(trees[i]);
	}
	debug("whitelist %s: %zu entries", name, n);
	return root;
}

/* The entries of the host's /dev a private /dev keeps: the basic nodes,
 * then those of each device class in flags (plan.def's TSJ_DEV_NODES; a
 * name ending in '*' is that name followed by digits), as the caller sees
 * them. Symbolic links (cdrom -> sr0) go to links[] with their target, to
 * be made again; the rest to nodes[]. Names point into names[]. */
struct dev_list {
	char *nodes[TSJ_MAX_MOUNT_PATHS];
	size_t n;
	char names[TSJ_MAX_MOUNT_PATHS][NAME_MAX + 1];
	size_t nnames;
	char *links[TSJ_MAX_MOUNT_PATHS][2];
	size_t nlinks;
	char targets[TSJ_MAX_MOUNT_PATHS][NAME_MAX + 1];
};

static bool digits_after(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(name, prefix, n) != 0 || name[n] == '\0')
		return false;
	for (const char *c = name + n; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	return true;
}

static void dev_add(struct dev_list *l, int host, const char *name)
{
	if (l->nnames == TSJ_MAX_MOUNT_PATHS) {
		warn_msg("private /dev: more than %u entries; /dev/%s left out", TSJ_MAX_MOUNT_PATHS, name);
		return;
	}
	char *copy = l->names[l->nnames];
	snprintf(copy, NAME_MAX + 1, "%s", name);
	struct stat st;
	if (fstatat(host, copy, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return; /* not on this host */
	if (S_ISLNK(st.st_mode)) {
		char *target = l->targets[l->nlinks];
		ssize_t len = readlinkat(host, copy, target, NAME_MAX);
		if (len <= 0 || len >= NAME_MAX)
			return;
		target[len] = '\0';
		l->links[l->nlinks][0] = copy;
		l->links[l->nlinks++][1] = target;
	} else {
		l->nodes[l->n++] = copy;
	}
	l->nnames++;
}

static void dev_entries(const struct tsj_creds *cr, int host, uint32_t flags, struct dev_list *l)
{
	static const char *const basic[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const struct {
		uint32_t flag;
		const char *name;
	} classes[] = {
#define NODE_(flag, name) { flag, name },
		TSJ_DEV_NODES(NODE_)
#undef NODE_
	};
	for (size_t i = 0; i < sizeof basic / sizeof basic[0]; i++)
		dev_add(l, host, basic[i]);
	DIR *d = NULL;
	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
		if (!(flags & classes[i].flag))
			continue;
		const char *name = classes[i].name;
		size_t n = strlen(name);
		if (name[n - 1] != '*') {
			dev_add(l, host, name);
			continue;
		}
		if (d == NULL) {
			path_as_user(cr);
			int fd = openat(host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			path_as_root(cr);
			if (fd < 0 || (d = fdopendir(fd)) == NULL)
				die_errno("list /dev");
		}
		char prefix[NAME_MAX + 1];
		snprintf(prefix, sizeof prefix, "%.*s", (int)(n - 1), name);
		rewinddir(d);
		for (struct dirent *e; (e = readdir(d)) != NULL;)
			if (digits_after(e->d_name, prefix))
				dev_add(l, host, e->d_name);
	}
	if (d != NULL)
		closedir(d);
}

void mnt_dev(const struct tsj_creds *cr, uint32_t flags, int target)
{
	int host = path_open(cr, AT_FDCWD, "/dev", false);
	struct stat st;
	if (host < 0 || fstat(host, &st) != 0)
		die_errno("open /dev");
	static struct dev_list l;
	memset(&l, 0, sizeof l);
	dev_entries(cr, host, flags, &l);
	/* Device nodes need a tmpfs without nodev. */
	int dev = mnt_whitelist_into(cr, "/dev", host, &st, target, l.nodes, l.n,
				     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0755);
	close(host);
	for (size_t i = 0; i < l.nlinks; i++)
		if (symlinkat(l.links[i][1], dev, l.links[i][0]) != 0)
			die_errno("symlink /dev/%s", l.links[i][0]);

	/* A new devpts instance: the host's terminals are not in it. */
	if (mkdirat(dev, "pts", 0755) != 0)
		die_errno("mkdir /dev/pts");
	int fs = fsopen("devpts", FSOPEN_CLOEXEC);
	if (fs < 0)
		die_errno("fsopen(devpts)");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0) != 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0620", 0) != 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
		die_errno("fsconfig(devpts)");
	int pts = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (pts < 0)
		die_errno("fsmount(devpts)");
	mnt_attach(pts, dev, "pts", "/dev/pts");
	close(pts);
	close(fs);
	if (symlinkat("pts/ptmx", dev, "ptmx") != 0)
		die_errno("symlink /dev/ptmx");

	if (mkdirat(dev, "shm", 01777) != 0 || fchmodat(dev, "shm", 01777, 0) != 0)
		die_errno("mkdir /dev/shm");
	int shm = mnt_tmpfs("/dev/shm", 01777, -1, -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	mnt_attach(shm, dev, "shm", "/dev/shm");
	close(shm);

	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
		if (symlinkat(links[i][0], dev, links[i][1]) != 0)
			die_errno("symlink /dev/%s", links[i][1]);
	close(dev);
	debug("private /dev");
}

