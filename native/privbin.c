/* privbin.c - the private-bin operation (PLAN.md, "Mount operations"): a
 * new directory holding only the listed programs, mounted over every
 * directory of programs there is (plan.def's TSJ_BIN_DIRS), as firejail's
 * --private-bin. Each listed file is opened as the caller without following
 * a symlink, and bound in only if the caller may execute it (for a user
 * with nosuid and nodev); a symbolic link is made again, pointing where it
 * pointed. So the sandbox shows nothing the caller could not run anyway. */
#include "privbin.h"

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
#include "mountlib.h"
#include "path.h"

#define STR_(s) s,
static const char *const bin_dirs[] = { TSJ_BIN_DIRS(STR_) };
#undef STR_
#define NDIRS (sizeof bin_dirs / sizeof bin_dirs[0])

/* One listed program: a clone of the file to bind, or a link's target. */
struct entry {
	const char *name;
	int tree;
	char *link;
};

/* Opens p (plan.c checked: directly in a directory of TSJ_BIN_DIRS) as
 * the caller. Returns false when it is left out. */
static bool take(const struct tsj_creds *cr, const char *p, struct entry *e)
{
	const char *name = strrchr(p, '/') + 1;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%.*s", (int)(name - 1 - p), p);
	*e = (struct entry){ name, -1, NULL };
	int dfd = path_open(cr, AT_FDCWD, dir, false);
	if (dfd < 0 && errno == ENOENT) {
		debug("private-bin %s: not there, left out", p);
		return false;
	}
	if (dfd < 0 && errno == ELOOP)
		die("private-bin %s: a symbolic link on the path (refused)", p);
	if (dfd < 0)
		die_errno("private-bin %s", dir);
	path_as_user(cr);
	int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	int err = errno;
	path_as_root(cr);
	close(dfd);
	if (fd < 0 && err == ENOENT) {
		debug("private-bin %s: not there, left out", p);
		return false;
	}
	errno = err;
	if (fd < 0)
		die_errno("private-bin %s", p);
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_errno("fstat %s", p);
	if (S_ISLNK(st.st_mode)) {
		char text[PATH_MAX];
		ssize_t n = readlinkat(fd, "", text, sizeof text - 1);
		if (n <= 0 || (size_t)n >= sizeof text - 1)
			die_errno("readlink %s", p);
		text[n] = '\0';
		close(fd);
		/* Where it pointed from its own directory: the new directory is
		 * mounted over other directories too. */
		int r = text[0] == '/' ? asprintf(&e->link, "%s", text) : asprintf(&e->link, "%s/%s", dir, text);
		if (r < 0)
			die("out of memory");
		return true;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		debug("private-bin %s: not a file, left out", p);
		return false;
	}
	/* As the caller (for setuid mode: the filesystem ids are the caller's
	 * and the capabilities that would override them are off). */
	path_as_user(cr);
	int x = faccessat(fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS);
	path_as_root(cr);
	if (x != 0) {
		close(fd);
		warn_msg("private-bin: you may not run %s: left out", p);
		return false;
	}
	e->tree = mnt_clone(fd, p);
	/* no_new_privs already keeps a setuid or capability program from
	 * gaining anything; the mount says so too. */
	if (cr->mode != TSJ_MODE_ROOT)
		mnt_set_attr(e->tree, p, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, true);
	close(fd);
	return true;
}

void privbin_apply(const struct tsj_creds *cr, const struct tsj_mount *m)
{
	int targets[NDIRS];
	const char *names[NDIRS];
	size_t nt = 0;
	for (size_t i = 0; i < NDIRS; i++) {
		int fd = path_open(cr, AT_FDCWD, bin_dirs[i], false);
		if (fd < 0 && (errno == ENOENT || errno == ELOOP))
			continue; /* not here, or a link to another (/bin -> usr/bin) */
		if (fd < 0)
			die_errno("private-bin: open %s", bin_dirs[i]);
		struct stat st;
		if (fstat(fd, &st) != 0)
			die_errno("fstat %s", bin_dirs[i]);
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			continue;
		}
		names[nt] = bin_dirs[i];
		targets[nt++] = fd;
	}
	struct entry *e = calloc(m->npaths ? m->npaths : 1, sizeof *e);
	if (e == NULL)
		die("out of memory");
	size_t ne = 0;
	/* Every file is opened before the first directory is covered. */
	for (size_t i = 0; i < m->npaths; i++)
		if (take(cr, m->paths[i], &e[ne]))
			ne++;
	if (nt > 0) {
		int root = mnt_tmpfs("private-bin", 0755, -1, -1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
		mnt_attach(root, targets[0], "", names[0]);
		for (size_t i = 0; i < ne; i++) {
			if (e[i].link != NULL) {
				if (symlinkat(e[i].link, root, e[i].name) != 0)
					die_errno("private-bin: symlink %s", e[i].name);
				continue;
			}
			int f = openat(root, e[i].name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
			if (f < 0)
				die_errno("private-bin: create %s", e[i].name);
			close(f);
			mnt_attach(e[i].tree, root, e[i].name, e[i].name);
		}
		for (size_t i = 1; i < nt; i++) {
			int copy = mnt_clone(root, names[i]);
			mnt_attach(copy, targets[i], "", names[i]);
			close(copy);
		}
		close(root);
	}
	for (size_t i = 0; i < ne; i++) {
		if (e[i].tree >= 0)
			close(e[i].tree);
		free(e[i].link);
	}
	free(e);
	for (size_t i = 0; i < nt; i++)
		close(targets[i]);
	debug("private-bin: %zu of %zu programs, over %zu directories", ne, m->npaths, nt);
}
