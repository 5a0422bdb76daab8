/* path.c - symlink-free, caller-credential path resolution: the only place
 * the helper resolves a path the caller names (path.h). */
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

void path_as_user(const struct tsj_creds *cr)
{
	if (cr->mode != TSJ_MODE_SETUID)
		return;
	setfsgid(cr->gid);
	setfsuid(cr->uid);
	/* setfsuid reports nothing; asking with an invalid id returns the
	 * current one. */
	if ((uid_t)setfsuid((uid_t)-1) != cr->uid || (gid_t)setfsgid((gid_t)-1) != cr->gid)
		die("setfsuid/setfsgid to %u/%u failed", (unsigned)cr->uid, (unsigned)cr->gid);
}

void path_as_root(const struct tsj_creds *cr)
{
	if (cr->mode != TSJ_MODE_SETUID)
		return;
	setfsuid(0);
	setfsgid(0);
	if (setfsuid((uid_t)-1) != 0 || setfsgid((gid_t)-1) != 0)
		die("setfsuid/setfsgid back to 0 failed");
}

static int openat2_how(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how;
	memset(&how, 0, sizeof how);
	how.flags = flags | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | resolve;
	int fd;
	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

int path_openat2(int dirfd, const char *path, uint64_t flags, bool beneath)
{
	return openat2_how(dirfd, path, flags, beneath ? RESOLVE_BENEATH : 0);
}

/* fd, or -1 with ELOOP (and fd closed) when fd is a symbolic link itself
 * (O_PATH|O_NOFOLLOW opens the last component's link); errno kept from
 * the open otherwise. */
static int no_link(int fd, const char *path)
{
	int err = errno;
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) != 0)
			die_errno("fstat %s", path);
		if (S_ISLNK(st.st_mode)) {
			close(fd);
			errno = ELOOP;
			return -1;
		}
	}
	errno = err;
	return fd;
}

int path_open_within(int dirfd, const char *path)
{
	return no_link(openat2_how(dirfd, path, O_PATH | O_NOFOLLOW, RESOLVE_BENEATH | RESOLVE_NO_XDEV), path);
}

static int openat2_nofollow(int dirfd, const char *path, bool beneath)
{
	return path_openat2(dirfd, path, O_PATH | O_NOFOLLOW, beneath);
}

int path_open(const struct tsj_creds *cr, int dirfd, const char *path, bool beneath)
{
	path_as_user(cr);
	int fd = openat2_nofollow(dirfd, path, beneath);
	int err = errno;
	path_as_root(cr);
	errno = err;
	return no_link(fd, path);
}

bool path_link_trusted(const struct tsj_creds *cr, int dirfd, const struct stat *dir, const struct stat *link)
{
	if (!S_ISDIR(dir->st_mode) || !S_ISLNK(link->st_mode) || (dir->st_mode & (S_IWGRP | S_IWOTH)))
		return false;
	struct statfs fs;
	if (fstatfs(dirfd, &fs) != 0 || fs.f_type == PROC_SUPER_MAGIC)
		return false;
	if (cr->mode == TSJ_MODE_ROOTLESS)
		return link->st_uid != cr->uid && dir->st_uid != cr->uid;
	return link->st_uid == 0 && dir->st_uid == 0;
}

/* The next component of *rest (skipping slashes), NUL-terminated in place;
 * NULL at the end. */
static char *next_component(char **rest)
{
	char *c = *rest;
	while (*c == '/')
		c++;
	if (*c == '\0')
		return NULL;
	char *end = strchr(c, '/');
	if (end != NULL) {
		*end = '\0';
		*rest = end + 1;
	} else {
		*rest = c + strlen(c);
	}
	return c;
}

static bool more_components(const char *rest)
{
	while (*rest == '/')
		rest++;
	return *rest != '\0';
}

/* The walk itself, already as the caller. Returns an fd or -1 with errno. */
static int walk_trusted(const struct tsj_creds *cr, int dirfd, const char *path, bool follow_last)
{
	/* The components still to resolve: a link's text is put before what
	 * was left of the path (two buffers, swapped). */
	static char bufs[2][2 * 4096];
	int which = 0;
	if (strlen(path) >= sizeof bufs[0]) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(bufs[which], path);
	char *rest = bufs[which];
	int cur = openat(path[0] == '/' ? AT_FDCWD : dirfd, path[0] == '/' ? "/" : ".",
			 O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return -1;
	int links = 0;
	char *c;
	while ((c = next_component(&rest)) != NULL) {
		bool last = !more_components(rest);
		int next = openat(cur, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat ns, ds;
		if (next < 0 || fstat(next, &ns) != 0)
			goto fail;
		if (!S_ISLNK(ns.st_mode)) {
			if (!last && !S_ISDIR(ns.st_mode)) {
				close(next);
				errno = ENOTDIR;
				goto fail;
			}
			close(cur);
			cur = next;
			continue;
		}
		if (last && !follow_last) {
			close(cur);
			return next;
		}
		if (fstat(cur, &ds) != 0 || !path_link_trusted(cr, cur, &ds, &ns) || ++links > TSJ_MAX_LINKS) {
			close(next);
			errno = ELOOP;
			goto fail;
		}
		char target[4096];
		ssize_t n = readlinkat(next, "", target, sizeof target);
		close(next);
		if (n <= 0 || (size_t)n >= sizeof target) {
			errno = n < 0 ? errno : ENAMETOOLONG;
			goto fail;
		}
		target[n] = '\0';
		char *other = bufs[1 - which];
		if ((size_t)snprintf(other, sizeof bufs[0], "%s/%s", target, rest) >= sizeof bufs[0]) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		which = 1 - which;
		rest = other;
		if (target[0] == '/') {
			close(cur);
			cur = openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (cur < 0)
				return -1;
		}
	}
	return cur;
fail:;
	int err = errno;
	close(cur);
	errno = err;
	return -1;
}

int path_open_trusted(const struct tsj_creds *cr, int dirfd, const char *path, bool follow_last)
{
	int fd = path_open(cr, dirfd, path, false);
	if (fd >= 0 || errno != ELOOP)
		return fd;
	path_as_user(cr);
	fd = walk_trusted(cr, dirfd, path, follow_last);
	int err = errno;
	path_as_root(cr);
	errno = err;
	return fd;
}

void path_make(const struct tsj_creds *cr, const char *path, bool file)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n >= sizeof buf || path[0] != '/')
		die("mkdir/mkfile: bad path %s", path);
	memcpy(buf, path, n + 1);
	int dir = path_open(cr, AT_FDCWD, "/", false);
	if (dir < 0)
		die_errno("open /");
	char *c = buf + 1;
	path_as_user(cr);
	for (;;) {
		char *slash = strchr(c, '/');
		bool last = slash == NULL;
		if (!last)
			*slash = '\0';
		if (last && file) {
			int fd = openat(dir, c, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
			if (fd < 0 && errno == ELOOP)
				die("mkfile %s: a symbolic link on the path (refused)", path);
			if (fd < 0)
				die_errno("mkfile %s", path);
			struct stat st;
			if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
				die("mkfile %s: not a regular file", path);
			close(fd);
			break;
		}
		if (mkdirat(dir, c, 0700) != 0 && errno != EEXIST)
			die_errno("%s %s (component %s)", file ? "mkfile" : "mkdir", path, c);
		int next = openat2_nofollow(dir, c, true);
		if (next < 0 && (errno == ELOOP || errno == EXDEV))
			die("%s %s: a symbolic link on the path (refused)", file ? "mkfile" : "mkdir", path);
		if (next < 0)
			die_errno("mkdir %s: open %s", path, c);
		struct stat st;
		if (fstat(next, &st) != 0)
			die_errno("fstat %s", c);
		if (S_ISLNK(st.st_mode))
			die("%s %s: a symbolic link on the path (refused)", file ? "mkfile" : "mkdir", path);
		if (!S_ISDIR(st.st_mode))
			die("%s %s: %s is not a directory", file ? "mkfile" : "mkdir", path, c);
		close(dir);
		dir = next;
		if (last)
			break;
		c = slash + 1;
	}
	path_as_root(cr);
	close(dir);
}

bool path_normal(const char *s)
{
	if (s[0] != '/')
		return false;
	if (s[1] == '\0')
		return true;
	for (const char *c = s + 1;;) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (end == NULL)
			return true;
		c = end + 1;
	}
}

bool path_within(const char *path, const char *base)
{
	return strcmp(path, base) == 0 || path_below(path, base);
}

bool path_below(const char *path, const char *base)
{
	size_t n = strlen(base);
	if (strcmp(base, "/") == 0)
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, base, n) == 0 && path[n] == '/';
}

/* ---- files only root can change (path_open_rootowned) ---- */

/* Root-owned, and writable by nobody else unless a sticky directory (like
 * /tmp, where others cannot replace root's entries). */
static bool trusted(const struct stat *st, bool dir)
{
	if (st->st_uid != 0)
		return false;
	/* A link's mode means nothing; its directory decides who may change it. */
	if (S_ISLNK(st->st_mode) || !(st->st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return dir && (st->st_mode & S_ISVTX);
}

void path_normalise(char *p)
{
	char out[4096];
	size_t n = 0;
	for (char *c = p; *c;) {
		while (*c == '/')
			c++;
		char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		if (len == 0 || (len == 1 && c[0] == '.')) {
			/* nothing */
		} else if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else if (n + 1 + len < sizeof out) {
			out[n++] = '/';
			memcpy(out + n, c, len);
			n += len;
		}
		c += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	memcpy(p, out, n + 1);
}

/* A file of the kernel's own filesystems (proc, sysfs and the like) is
 * root's, but what it says is not root's alone: /proc/PID/cmdline of a
 * setuid program holds the argv its caller gave it, and others show
 * whatever the opener's capabilities let them. Closes fd and returns -1
 * for one of those. */
static int kernel_made(int fd, const char *path, char *err, size_t errlen)
{
	static const unsigned long kernel_fs[] = { PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
		SECURITYFS_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, BPF_FS_MAGIC, EFIVARFS_MAGIC, PSTOREFS_MAGIC };
	struct statfs fs;
	if (fstatfs(fd, &fs) != 0) {
		int e = errno;
		close(fd);
		return err_msg(err, errlen, "%s: fstatfs: %s", path, strerror(e));
	}
	for (size_t i = 0; i < sizeof kernel_fs / sizeof kernel_fs[0]; i++)
		if ((unsigned long)fs.f_type == kernel_fs[i]) {
			close(fd);
			return err_msg(err, errlen, "%s: a file of the kernel's (proc, sysfs...), not one root wrote", path);
		}
	return fd;
}

/* The judged O_PATH fd's file opened for reading, from the same
 * directory (root's: no one else can have swapped the name), and checked
 * to be the same inode. Closes fd. */
static int reopen_read(int dir, const char *name, int fd, const char *path, char *err, size_t errlen)
{
	struct stat was, now;
	int rd = openat(dir, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	bool same = rd >= 0 && fstat(fd, &was) == 0 && fstat(rd, &now) == 0 && was.st_dev == now.st_dev &&
		    was.st_ino == now.st_ino;
	close(fd);
	if (rd < 0)
		return err_msg(err, errlen, "%s: open '%s': %s", path, name, strerror(e));
	if (!same) {
		close(rd);
		return err_msg(err, errlen, "%s: '%s' changed while it was opened", path, name);
	}
	return rd;
}

int path_open_rootowned(const char *path, bool program, char *err, size_t errlen)
{
	char buf[4096];
	struct stat st;
	if (path[0] != '/' || strlen(path) >= sizeof buf)
		return err_msg(err, errlen, "%s: not an absolute path", path);
	snprintf(buf, sizeof buf, "%s", path);
	for (int hops = 0; hops <= 16; hops++) {
		int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dir < 0 || fstat(dir, &st) != 0)
			return err_msg(err, errlen, "%s: open /: %s", path, strerror(errno));
		if (!trusted(&st, true)) {
			close(dir);
			return err_msg(err, errlen, "%s: / is not owned by root or is writable by others", path);
		}
		char *c = buf + 1;
		for (;;) {
			char *slash = strchr(c, '/');
			if (slash)
				*slash = '\0';
			if (*c == '\0' || strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
				close(dir);
				return err_msg(err, errlen, "%s: not a normalised path", path);
			}
			/* O_PATH: nothing is opened for reading (a device's open
			 * may act) before it is judged. */
			int fd = openat(dir, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			int e = errno;
			if (fd < 0 && e == ENOENT) {
				close(dir);
				return -2;
			}
			if (fd >= 0 && !program && slash == NULL) {
				/* The file only: O_PATH|O_NOFOLLOW opens a link itself. */
				struct stat ls;
				if (fstat(fd, &ls) == 0 && S_ISLNK(ls.st_mode)) {
					close(fd);
					fd = -1;
					e = ELOOP;
				}
			}
			if (fd < 0 && (e == ELOOP || e == ENOTDIR)) {
				close(dir);
				return err_msg(err, errlen, "%s: '%s' is a symbolic link or not a directory", path, c);
			}
			if (fd < 0) {
				close(dir);
				return err_msg(err, errlen, "%s: open '%s': %s", path, c, strerror(e));
			}
			if (fstat(fd, &st) != 0) {
				e = errno;
				close(fd);
				close(dir);
				return err_msg(err, errlen, "%s: fstat '%s': %s", path, c, strerror(e));
			}
			if (!trusted(&st, S_ISDIR(st.st_mode))) {
				close(fd);
				close(dir);
				return err_msg(err, errlen, "%s: '%s' is not owned by root or is writable by others",
					    path, c);
			}
			if (S_ISLNK(st.st_mode) && program) {
				/* Root's link in root's directory: follow it, and check
				 * every directory of where it leads from / again. */
				char target[4096], next[4096];
				ssize_t n = readlinkat(fd, "", target, sizeof target - 1);
				close(fd);
				close(dir);
				if (n <= 0)
					return err_msg(err, errlen, "%s: readlink '%s' failed", path, c);
				target[n] = '\0';
				/* A relative target is relative to the link's directory:
				 * buf up to c, with the '/' put back between components. */
				char dirpath[4096] = "";
				if (target[0] != '/') {
					size_t plen = (size_t)(c - buf) - 1;
					for (size_t i = 0; i < plen; i++)
						dirpath[i] = buf[i] == '\0' ? '/' : buf[i];
					dirpath[plen] = '\0';
				}
				int m = snprintf(next, sizeof next, "%s/%s%s%s", dirpath, target, slash ? "/" : "",
						 slash ? slash + 1 : "");
				if (m < 0 || (size_t)m >= sizeof next)
					return err_msg(err, errlen, "%s: too long once its links are followed", path);
				path_normalise(next);
				snprintf(buf, sizeof buf, "%s", next);
				break;
			}
			if (slash && !S_ISDIR(st.st_mode)) {
				close(fd);
				close(dir);
				return err_msg(err, errlen, "%s: '%s' is not a directory", path, c);
			}
			if (slash == NULL) {
				if (!S_ISREG(st.st_mode) || (program && !(st.st_mode & 0111))) {
					close(fd);
					close(dir);
					return err_msg(err, errlen, "%s: not a regular file%s", path,
						    program ? " that can be run" : "");
				}
				fd = kernel_made(fd, path, err, errlen);
				if (fd >= 0 && !program)
					fd = reopen_read(dir, c, fd, path, err, errlen);
				close(dir);
				return fd;
			}
			close(dir);
			dir = fd;
			c = slash + 1;
		}
	}
	return err_msg(err, errlen, "%s: too many symbolic links", path);
}
