/* root.c - the ROOT record (decoded, dumped), and --chroot and overlays:
 * build the new root as a detached mount (a clone of the directory, or an
 * overlay made from file descriptors), mount /proc, /dev, /sys and /tmp
 * inside it, then pivot_root into it. Every path is opened without symlinks
 * and as the caller (path.c), so a path the caller swaps during start-up is
 * refused, never followed (CVE-2021-26910). */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mountlib.h"
#include "overlay.h"
#include "path.h"
#include "policy.h"

/* ---- the ROOT record (PLAN.md, "Root"): decoded, dumped and freed here
 * (tsj_records_root); pure, so fuzzed ---- */

/* ROOT: u8 flags, u8 nlowers, then u16-prefixed paths: base, upper and work
 * (overlay without tmpfs upper only), nlowers lowers. */
static int decode(struct tsj_reader *r, struct tsj_plan *pl, struct tsj_value *val)
{
	const uint8_t *v = val->p;
	size_t n = val->n;
	if (n < 2)
		return tsj_fail(r, "plan: ROOT is too short");
	unsigned flags = v[0], nl = v[1];
	if (flags & ~(unsigned)TSJ_RF_ALL)
		return tsj_fail(r, "plan: ROOT has unknown flags 0x%x", flags);
	bool overlay = flags & TSJ_RF_OVERLAY;
	if (!overlay && (flags != 0 || nl != 0))
		return tsj_fail(r, "plan: ROOT layers without an overlay");
	if (nl > TSJ_MAX_LOWERS)
		return tsj_fail(r, "plan: ROOT has more than %u lower layers", TSJ_MAX_LOWERS);
	struct tsj_root *root = calloc(1, sizeof *root);
	if (root == NULL || (nl > 0 && (root->lowers = calloc(nl, sizeof(char *))) == NULL)) {
		free(root);
		return tsj_fail(r, "plan: out of memory");
	}
	pl->root = root;
	root->flags = flags;
	bool upper = overlay && !(flags & TSJ_RF_TMPFS_UPPER);
	size_t np = 1 + (upper ? 2 : 0) + nl;
	const uint8_t *p = v + 2;
	size_t left = n - 2;
	for (size_t i = 0; i < np; i++) {
		if (left < 2 || (size_t)tsj_le16(p) > left - 2)
			return tsj_fail(r, "plan: ROOT path %zu overruns the record", i);
		size_t len = tsj_le16(p);
		char *path = tsj_take_path(r, TSJ_TAG_ROOT, p + 2, len);
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
		return tsj_fail(r, "plan: ROOT has %zu trailing bytes", left);
	if (!overlay && strcmp(root->base, "/") == 0)
		return tsj_fail(r, "plan: a chroot into / changes nothing");
	return 0;
}

static void dump(const struct tsj_plan *pl, FILE *out)
{
	const struct tsj_root *rt = pl->root;
	fputs(",\"root\":", out);
	if (rt == NULL) {
		fputs("null", out);
		return;
	}
	fputs("{\"base\":", out);
	tsj_json_str(out, rt->base);
	if (!(rt->flags & TSJ_RF_OVERLAY))
		fputs(",\"overlay\":null", out);
	else if (rt->flags & TSJ_RF_TMPFS_UPPER)
		fputs(",\"overlay\":\"tmpfs\"", out);
	else {
		fputs(",\"overlay\":{\"upper\":", out);
		tsj_json_str(out, rt->upper);
		fputs(",\"work\":", out);
		tsj_json_str(out, rt->work);
		fputc('}', out);
	}
	tsj_json_list(out, "lowers", rt->lowers, rt->nlowers);
	fputc('}', out);
}

static void free_root(struct tsj_plan *pl)
{
	if (pl->root == NULL)
		return;
	free(pl->root->base);
	free(pl->root->upper);
	free(pl->root->work);
	for (size_t i = 0; i < pl->root->nlowers; i++)
		free(pl->root->lowers[i]);
	free(pl->root->lowers);
	free(pl->root);
}

const struct tsj_records tsj_records_root = { decode, NULL, dump, free_root };

/* ---- the new root ---- */

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
	int m = mnt_proc();
	mnt_attach(m, target, "", "/proc");
	close(m);
}

/* The host's resolv.conf and hosts, read-only, where the new root has them
 * (through root's links: resolv.conf often is one). */
static void bind_etc(const struct tsj_creds *cr, int root, const char *name)
{
	char host[64];
	snprintf(host, sizeof host, "/etc/%s", name);
	int src = path_open_trusted(cr, AT_FDCWD, host, true);
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
	int root;
	if (overlay) {
		root = overlay_make(cr, rt);
	} else {
		int base = layer_open(cr, "chroot", rt->base, OWN_CHROOT);
		root = mnt_clone(base, rt->base);
		close(base);
	}
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
