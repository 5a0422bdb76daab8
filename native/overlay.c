/* overlay.c - a chroot directory's and an overlay's layers, and the overlay.
 *
 * overlayfs does its work (lookups in the lower layers, copy-up, creating
 * files in the upper layer) with the credentials of whoever created it. Made
 * by a setuid helper as root, an overlay would read other users' 0700 homes
 * through an upper directory the caller prepared, and copy a setuid-root
 * binary into the caller's upper layer, root-owned and still setuid. So for a
 * setuid caller the overlay is made by a child process that has dropped to
 * the caller's uid, gid and groups inside a new user namespace that maps only
 * the caller: exactly what the caller could do alone with unprivileged
 * overlayfs (Linux 5.11 and later). That process opens the layers itself, in
 * a mount namespace of its own, and hands the detached overlay mount back
 * over a socket. Root and the rootless helper make it directly: root may do
 * anything, and rootless the helper already is the caller. */
#include "overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "mountlib.h"
#include "path.h"
#include "policy.h"
#include "sandbox.h"

/* pcr: the credentials paths are opened with; check: the setuid checks of
 * the owner and mode. */
static int open_checked(const struct tsj_creds *pcr, bool check, const char *what, const char *p,
			enum layer_owner who)
{
	int fd = path_open(pcr, AT_FDCWD, p, false);
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
	if (check) {
		bool root_ok = who == OWN_TRUSTED ||
			       (who == OWN_CHROOT && strcmp(policy_value("user-chroot", "own"), "yes") == 0);
		if (st.st_uid != pcr->uid && !(st.st_uid == 0 && root_ok))
			die("%s %s: owned by uid %u, not by you%s", what, p, (unsigned)st.st_uid,
			    st.st_uid == 0 && who == OWN_CHROOT ? " (user-chroot = yes in tsjail.conf allows root's)" : "");
		if (st.st_mode & 002)
			die("%s %s: writable by everyone", what, p);
	}
	return fd;
}

int layer_open(const struct tsj_creds *cr, const char *what, const char *p, enum layer_owner who)
{
	return open_checked(cr, cr->mode == TSJ_MODE_SETUID, what, p, who);
}

/* The directories an overlay is made of, opened. upper and work are -1 for
 * a tmpfs upper layer. */
struct layers {
	int base, upper, work;
	int lowers[TSJ_MAX_LOWERS];
	size_t nlowers;
};

static void open_layers(const struct tsj_creds *pcr, bool check, const struct tsj_root *rt, struct layers *ls)
{
	ls->nlowers = rt->nlowers;
	for (size_t i = 0; i < rt->nlowers; i++)
		ls->lowers[i] = open_checked(pcr, check, "overlay lower", rt->lowers[i], OWN_TRUSTED);
	ls->base = open_checked(pcr, check, "overlay base", rt->base, OWN_TRUSTED);
	ls->upper = ls->work = -1;
	if (!(rt->flags & TSJ_RF_TMPFS_UPPER)) {
		ls->upper = open_checked(pcr, check, "overlay upper", rt->upper, OWN_CALLER);
		ls->work = open_checked(pcr, check, "overlay work", rt->work, OWN_CALLER);
		struct stat su, sw;
		if (fstat(ls->upper, &su) != 0 || fstat(ls->work, &sw) != 0)
			die_errno("fstat overlay dirs");
		if (su.st_dev != sw.st_dev)
			die("overlay: %s and %s are not on the same filesystem", rt->upper, rt->work);
	}
}

static void close_layers(struct layers *ls)
{
	for (size_t i = 0; i < ls->nlowers; i++)
		close(ls->lowers[i]);
	close(ls->base);
	if (ls->upper >= 0)
		close(ls->upper);
	if (ls->work >= 0)
		close(ls->work);
}

static void same_dir(int a, int b, const char *p)
{
	struct stat sa, sb;
	if (fstat(a, &sa) != 0 || fstat(b, &sb) != 0)
		die_errno("fstat %s", p);
	if (sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino)
		die("overlay layer %s changed while the sandbox started (refused)", p);
}

/* The read-only layers, checked, each cloned without its submounts onto a
 * fresh tmpfs on /tmp of this (the sandbox's private) mount namespace, from
 * where the mounter opens them again. overlayfs uses a layer's mount only,
 * never its submounts; but in the mounter's user namespace the submounts of
 * a copied mount are locked to it, and overlayfs refuses a layer whose
 * mount has locked submounts below it (the mount of / has them). A clone
 * of ours without submounts is copied into the mounter's namespace without
 * any. */
static void stage_lowers(const struct tsj_creds *cr, const struct tsj_root *rt, const struct layers *ls)
{
	int stage = mnt_tmpfs("overlay layers", 0755, -1, -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	int tmp = path_open(cr, AT_FDCWD, "/tmp", false);
	if (tmp < 0)
		die_errno("open /tmp");
	mnt_attach(stage, tmp, "", "the overlay's layers");
	close(tmp);
	for (size_t i = 0; i <= rt->nlowers; i++) {
		char name[16];
		snprintf(name, sizeof name, "l%zu", i);
		int src = i < rt->nlowers ? ls->lowers[i] : ls->base;
		const char *p = i < rt->nlowers ? rt->lowers[i] : rt->base;
		if (mkdirat(stage, name, 0755) != 0)
			die_errno("mkdir the overlay's layer %s", name);
		int tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (tree < 0)
			die_errno("open_tree(%s)", p);
		mnt_attach(tree, stage, name, p);
		close(tree);
	}
	close(stage);
}

/* The mounter opens its layers again, in its own mount namespace, where
 * overlayfs may use their mounts: the read-only ones from the stage, the
 * upper and work directories by name. They must be the very directories
 * checked. */
static void reopen_layers(const struct tsj_creds *me, const struct tsj_root *rt, struct layers *ls)
{
	for (size_t i = 0; i <= rt->nlowers; i++) {
		char name[24];
		snprintf(name, sizeof name, "/tmp/l%zu", i);
		int *fd = i < rt->nlowers ? &ls->lowers[i] : &ls->base;
		const char *p = i < rt->nlowers ? rt->lowers[i] : rt->base;
		int again = path_open(me, AT_FDCWD, name, false);
		if (again < 0)
			die_errno("overlay: open the layer %s again", p);
		same_dir(again, *fd, p);
		close(*fd);
		*fd = again;
	}
}

static void reopen_upper(const struct tsj_creds *me, const struct tsj_root *rt, struct layers *ls)
{
	reopen_layers(me, rt, ls);
	if (ls->upper < 0)
		return;
	const char *paths[2] = { rt->upper, rt->work };
	int *fds[2] = { &ls->upper, &ls->work };
	for (int i = 0; i < 2; i++) {
		int fd = open_checked(me, false, i == 0 ? "overlay upper" : "overlay work", paths[i], OWN_CALLER);
		same_dir(fd, *fds[i], paths[i]);
		close(*fds[i]);
		*fds[i] = fd;
	}
}

/* The caller's home, made in the upper layer (as the caller, with the
 * modes the base has) where the base has it: overlayfs run by the caller
 * cannot copy up root's /home to make room for a write below it, so
 * without this the home would not be writable through the overlay. The
 * merged /home then shows as the caller's, inside the sandbox only. */
static void home_in_upper(const struct tsj_creds *me, int base, int upper)
{
	if (me->home == NULL || me->uid == 0 || me->home[0] != '/')
		return;
	char rel[4096];
	if (snprintf(rel, sizeof rel, "%s", me->home + 1) >= (int)sizeof rel)
		return;
	for (char *c = rel;; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		char was = *c;
		*c = '\0';
		int l = path_open(me, base, rel, true);
		struct stat st;
		if (l < 0 || fstat(l, &st) != 0 || !S_ISDIR(st.st_mode)) {
			if (l >= 0)
				close(l);
			return;
		}
		close(l);
		if (mkdirat(upper, rel, st.st_mode & 0777) != 0 && errno != EEXIST)
			die_errno("overlay: make %s in the upper layer", rel);
		*c = was;
		if (was == '\0')
			return;
	}
}

/* Builds the overlay from open layers, with the calling process's
 * credentials; pcr opens /tmp for a tmpfs upper layer. */
static int build(const struct tsj_creds *pcr, const struct tsj_root *rt, const struct layers *ls)
{
	int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		die_errno("fsopen(overlay)");
	for (size_t i = 0; i < rt->nlowers; i++)
		if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, ls->lowers[i]) != 0)
			die_errno("overlay lowerdir+ %s", rt->lowers[i]);
	if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, ls->base) != 0)
		die_errno("overlay lowerdir+ %s", rt->base);
	int upper = ls->upper, work = ls->work, t = -1;
	if (upper < 0) {
		/* Made by this process: owned by its uid, the caller's. */
		t = mnt_tmpfs("overlay upper", 0755, -1, -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
		/* overlayfs clones its upper mount, which must be attached: /tmp of
		 * this private namespace will do (the old root goes away later). */
		int tmp = path_open(pcr, AT_FDCWD, "/tmp", false);
		if (tmp < 0)
			die_errno("open /tmp");
		mnt_attach(t, tmp, "", "the overlay's tmpfs");
		close(tmp);
		if (mkdirat(t, "upper", 0755) != 0 || mkdirat(t, "work", 0700) != 0)
			die_errno("mkdir in the overlay's tmpfs");
		upper = openat(t, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		work = openat(t, "work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (upper < 0 || work < 0)
			die_errno("open the overlay's tmpfs dirs");
	}
	home_in_upper(pcr, ls->base, upper);
	if (fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, upper) != 0)
		die_errno("overlay upperdir %s", rt->upper ? rt->upper : "(tmpfs)");
	if (fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, work) != 0)
		die_errno("overlay workdir %s", rt->work ? rt->work : "(tmpfs)");
	/* user.overlay.* xattrs: the caller can read its own layer (export)
	 * and the same layer works rootless and in a user namespace. */
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) != 0)
		die_errno("overlay userxattr");
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
		die_errno("overlay: create (are the layers on filesystems overlayfs supports?)");
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt < 0)
		die_errno("fsmount(overlay)");
	if (t >= 0) {
		close(upper);
		close(work);
		close(t);
	}
	close(fs);
	return mnt;
}

static void send_byte(int sock, char c)
{
	if (send(sock, &c, 1, MSG_NOSIGNAL) != 1)
		_exit(1);
}

static bool recv_byte(int sock)
{
	char c;
	ssize_t n;
	while ((n = recv(sock, &c, 1, 0)) < 0 && errno == EINTR)
		;
	return n == 1;
}

static void send_fd(int sock, int fd)
{
	char c = 'm';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
		die_errno("send the overlay mount");
}

/* Returns the fd passed, or -1 if none came (the sender has died). */
static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	ssize_t n;
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n != 1 || (msg.msg_flags & MSG_CTRUNC))
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	return fd;
}

/* The child that makes the overlay as the caller. */
static _Noreturn void mounter(const struct tsj_creds *cr, const struct tsj_root *rt, struct layers *layers,
			      int sock, pid_t parent)
{
	tsj_die_hook = NULL;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		die_errno("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != parent)
		_exit(1);
	/* The user namespace belongs to root, who has every right over it
	 * anyway: the caller, in the sandbox, gets none over it. */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		die_errno("unshare(CLONE_NEWUSER|CLONE_NEWNS) for the overlay");
	send_byte(sock, 'u');
	if (!recv_byte(sock))
		_exit(1);
	/* The caller's groups stay as they are (unmapped, still checked by
	 * the kernel); gid and uid become the caller's, mapped to themselves.
	 * Root (uid 0) is not mapped here, so the namespace's capabilities
	 * stay, and they cover only what the caller owns. */
	if (setresgid(cr->gid, cr->gid, cr->gid) != 0 || setresuid(cr->uid, cr->uid, cr->uid) != 0)
		die_errno("setresuid/setresgid to the caller for the overlay");
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) != 0 || r != cr->uid || e != cr->uid || s != cr->uid ||
	    setfsuid((uid_t)-1) != (int)cr->uid)
		die("the overlay's mounter is not uid %u", (unsigned)cr->uid);
	/* Paths (/tmp for a tmpfs upper layer) are opened with this
	 * process's own ids now. */
	struct tsj_creds me = *cr;
	me.mode = TSJ_MODE_ROOTLESS;
	reopen_upper(&me, rt, layers);
	int mnt = build(&me, rt, layers);
	send_fd(sock, mnt);
	_exit(0);
}

static void write_map(int proc, pid_t pid, const char *file, unsigned id)
{
	char path[64], map[64];
	snprintf(path, sizeof path, "%d/%s", (int)pid, file);
	int n = snprintf(map, sizeof map, "%u %u 1\n", id, id);
	int fd = openat(proc, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open %s of the overlay's mounter", file);
	if (write(fd, map, (size_t)n) != n)
		die_errno("write %s of the overlay's mounter", file);
	if (close(fd) != 0)
		die_errno("close %s", file);
}

static int make_as_caller(const struct tsj_creds *cr, const struct tsj_root *rt)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		die_errno("socketpair");
	struct layers checked;
	open_layers(cr, true, rt, &checked);
	stage_lowers(cr, rt, &checked);
	/* The host's /proc does not know the child's pid as fork() returns it. */
	int proc = mnt_proc();
	pid_t self = getpid();
	pid_t pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		close(sv[0]);
		close(proc);
		mounter(cr, rt, &checked, sv[1], self);
	}
	close(sv[1]);
	int mnt = -1;
	if (recv_byte(sv[0])) {
		write_map(proc, pid, "uid_map", (unsigned)cr->uid);
		write_map(proc, pid, "gid_map", (unsigned)cr->gid);
		send_byte(sv[0], 'm');
		mnt = recv_fd(sv[0]);
	}
	close(sv[0]);
	close(proc);
	close_layers(&checked);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	if (mnt < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		/* The mounter said why; an exit without a word is a crash. */
		if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
			_exit(1);
		die("the overlay could not be made (its mounter ended with status %d)", status_code(st));
	}
	return mnt;
}

int overlay_make(const struct tsj_creds *cr, const struct tsj_root *rt)
{
	if (cr->mode == TSJ_MODE_SETUID)
		return make_as_caller(cr, rt);
	struct layers ls;
	open_layers(cr, false, rt, &ls);
	int mnt = build(cr, rt, &ls);
	close_layers(&ls);
	return mnt;
}
