/* root.c - --chroot and overlays: build the new root as a detached mount
 * (a clone of the directory, or an overlay made from file descriptors),
 * mount /proc, /dev, /sys and /tmp inside it, then pivot_root into it. Every
 * path is opened without symlinks and as the caller (path.c), so a path the
 * caller swaps during start-up is refused, never followed (CVE-2021-26910). */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mountlib.h"
#include "path.h"
#include "policy.h"

/* user-chroot in tsjail.conf: "no", "own" (default: directories the caller
 * owns) or "yes" (also root's). */
void root_check(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	if (plan->root == NULL || cr->mode == TSJ_MODE_ROOT)
		return;
	const char *v = policy_value("user-chroot", "own");
	if (strcmp(v, "no") == 0)
		die("chroot and overlays are not allowed for users here (user-chroot = no in %s)", TSJ_CONF);
	if (strcmp(v, "own") != 0 && strcmp(v, "yes") != 0)
		die("%s: user-chroot must be no, own or yes, not '%s'", TSJ_CONF, v);
}

/* Who may own a directory a non-root caller names. */
enum owner {
	OWN_CALLER,  /* the overlay's upper and work dirs */
	OWN_CHROOT,  /* the caller; root's too with user-chroot = yes */
	OWN_TRUSTED, /* read-only layers: the caller or root */
};

/* A layer or chroot directory: a real directory with an acceptable owner,
 * not writable by everyone. */
static int open_layer(const struct tsj_creds *cr, const char *what, const char *p, enum owner who)
{
	int fd = path_open(cr, AT_FDCWD, p, false);
	if (fd < 0) {
		if (errno == ELOOP || errno == EXDEV)
			die("%s %s: a symbolic link on the path (refused)", what, p);
		die_errno("%s %s", what, p);
	}
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_errno("fstat %s", p);
	if (!S_ISDIR(st.st_mode))
		die("%s %s: not a directory", what, p);
	/* Only a setuid helper needs these checks: rootless (and --noroot), the
	 * kernel already holds the caller to its own rights, and root-owned
	 * files show as the overflow uid. */
	if (cr->mode == TSJ_MODE_SETUID) {
		bool root_ok = who == OWN_TRUSTED ||
			       (who == OWN_CHROOT && strcmp(policy_value("user-chroot", "own"), "yes") == 0);
		if (st.st_uid != cr->uid && !(st.st_uid == 0 && root_ok))
			die("%s %s: owned by uid %u, not by you%s", what, p, (unsigned)st.st_uid,
			    st.st_uid == 0 && who == OWN_CHROOT ? " (user-chroot = yes in tsjail.conf allows root's)" : "");
		if (st.st_mode & 002)
			die("%s %s: writable by everyone", what, p);
	}
	return fd;
}

/* An overlay from file descriptors only: no path is resolved again. */
static int make_overlay(const struct tsj_creds *cr, const struct tsj_root *rt, int base)
{
	int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		die_errno("fsopen(overlay)");
	for (size_t i = 0; i < rt->nlowers; i++) {
		int l = open_layer(cr, "overlay lower", rt->lowers[i], OWN_TRUSTED);
		if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, l) != 0)
			die_errno("overlay lowerdir+ %s", rt->lowers[i]);
		close(l);
	}
	if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, base) != 0)
		die_errno("overlay lowerdir+ %s", rt->base);
	int upper, work;
	if (rt->flags & TSJ_RF_TMPFS_UPPER) {
		int t = mnt_tmpfs("overlay upper", 0755, -1, -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
		/* overlayfs clones its upper mount, which must be attached: /tmp of
		 * this private namespace will do (the old root goes away later). */
		int tmp = path_open(cr, AT_FDCWD, "/tmp", false);
		if (tmp < 0)
			die_errno("open /tmp");
		mnt_attach(t, tmp, "", "the overlay's tmpfs");
		close(tmp);
		if (mkdirat(t, "upper", 0755) != 0 || mkdirat(t, "work", 0700) != 0)
			die_errno("mkdir in the overlay's tmpfs");
		if (cr->mode != TSJ_MODE_ROOT && fchownat(t, "upper", cr->uid, cr->gid, 0) != 0)
			die_errno("chown the overlay's upper dir");
		upper = openat(t, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		work = openat(t, "work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (upper < 0 || work < 0)
			die_errno("open the overlay's tmpfs dirs");
		close(t);
	} else {
		upper = open_layer(cr, "overlay upper", rt->upper, OWN_CALLER);
		work = open_layer(cr, "overlay work", rt->work, OWN_CALLER);
		struct stat su, sw;
		if (fstat(upper, &su) != 0 || fstat(work, &sw) != 0)
			die_errno("fstat overlay dirs");
		if (su.st_dev != sw.st_dev)
			die("overlay: %s and %s are not on the same filesystem", rt->upper, rt->work);
	}
	if (fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, upper) != 0)
		die_errno("overlay upperdir %s", rt->upper ? rt->upper : "(tmpfs)");
	if (fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, work) != 0)
		die_errno("overlay workdir %s", rt->work ? rt->work : "(tmpfs)");
	/* user.overlay.* xattrs: the caller can read its own layer (export)
	 * and the same layer works rootless. */
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) != 0)
		die_errno("overlay userxattr");
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
		die_errno("overlay: create (are the layers on filesystems overlayfs supports?)");
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		die_errno("fsmount(overlay)");
	close(upper);
	close(work);
	close(fs);
	return mnt;
}

/* A directory the new root must have: opened beneath it, never through a
 * symlink; made (as the caller) when missing. */
static int inside(const struct tsj_creds *cr, int root, const char *name)
{
	int fd = path_open(cr, root, name, true);
	if (fd < 0 && errno == ENOENT) {
		path_as_user(cr);
		int r = mkdirat(root, name, 0755);
		path_as_root(cr);
		if (r != 0)
			die_errno("the new root has no /%s and it cannot be made", name);
		fd = path_open(cr, root, name, true);
	}
	if (fd < 0) {
		if (errno == ELOOP || errno == EXDEV)
			die("/%s in the new root is a symbolic link (refused)", name);
		die_errno("/%s in the new root", name);
	}
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_errno("fstat /%s", name);
	if (!S_ISDIR(st.st_mode))
		die("/%s in the new root is not a directory", name);
	if (cr->mode == TSJ_MODE_SETUID && st.st_uid != 0 && st.st_uid != cr->uid)
		die("/%s in the new root belongs to uid %u (refused)", name, (unsigned)st.st_uid);
	return fd;
}

static void mount_proc(int target)
{
	int fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
		die_errno("fsopen(proc)");
	int m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (m < 0)
		die_errno("fsmount(proc)");
	mnt_attach(m, target, "", "/proc");
	close(m);
	close(fs);
}

/* The host's resolv.conf and hosts, read-only, where the new root has them. */
static void bind_etc(const struct tsj_creds *cr, int root, const char *name)
{
	char host[64];
	snprintf(host, sizeof host, "/etc/%s", name);
	int src = path_open(cr, AT_FDCWD, host, false);
	char rel[64];
	snprintf(rel, sizeof rel, "etc/%s", name);
	int dst = path_open(cr, root, rel, true);
	struct stat ss, ds;
	if (src >= 0 && dst >= 0 && fstat(src, &ss) == 0 && fstat(dst, &ds) == 0 &&
	    S_ISREG(ss.st_mode) && S_ISREG(ds.st_mode)) {
		int t = mnt_clone(src, host);
		mnt_set_attr(t, host, MOUNT_ATTR_RDONLY, 0, false);
		mnt_attach(t, dst, "", host);
		close(t);
		debug("the host's %s in the new root", host);
	}
	if (src >= 0)
		close(src);
	if (dst >= 0)
		close(dst);
}

void root_switch(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	const struct tsj_root *rt = plan->root;
	bool overlay = rt->flags & TSJ_RF_OVERLAY;
	int base = open_layer(cr, overlay ? "overlay base" : "chroot", rt->base, overlay ? OWN_TRUSTED : OWN_CHROOT);
	int root = overlay ? make_overlay(cr, rt, base) : mnt_clone(base, rt->base);
	close(base);
	debug("new root %s%s", rt->base, overlay ? " (overlay)" : "");

	/* Attach the new root first: the mounts below go into an attached tree,
	 * and pivot_root needs one. /tmp of this private namespace is as good a
	 * place as any: the old root is detached right after. */
	int tmp = path_open(cr, AT_FDCWD, "/tmp", false);
	if (tmp < 0)
		die_errno("open /tmp");
	mnt_attach(root, tmp, "", "the new root");
	close(tmp);

	int d = inside(cr, root, "proc");
	mount_proc(d);
	close(d);
	d = inside(cr, root, "dev");
	mnt_dev(cr, 0, d);
	close(d);
	d = inside(cr, root, "sys");
	int sys = path_open(cr, AT_FDCWD, "/sys", false);
	if (sys < 0)
		die_errno("open /sys");
	int t = mnt_clone(sys, "/sys");
	mnt_set_attr(t, "/sys", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, true);
	mnt_attach(t, d, "", "/sys");
	close(t);
	close(sys);
	close(d);
	d = inside(cr, root, "tmp");
	t = mnt_tmpfs("/tmp", 01777, -1, -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	mnt_attach(t, d, "", "/tmp");
	close(t);
	close(d);
	bind_etc(cr, root, "resolv.conf");
	bind_etc(cr, root, "hosts");

	if (fchdir(root) != 0)
		die_errno("fchdir(new root)");
	close(root);
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		/* The old root is now on top of the new one: detach it. */
		if (umount2(".", MNT_DETACH) != 0)
			die_errno("umount2(old root)");
	} else {
		debug("pivot_root failed (%s); using chroot", strerror(errno));
		if (chroot(".") != 0)
			die_errno("chroot");
	}
	if (chdir("/") != 0)
		die_errno("chdir(/)");
	debug("switched root to %s", rt->base);
}
