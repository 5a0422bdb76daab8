/* journal.c - the placeholder journal.
 *
 * Where: /run/tsjail/placeholders (root's, 0700) for root and the setuid
 * helper; /run/user/UID/tsjail for the rootless helper, when that runtime
 * directory exists and is the caller's. One file per run, "UID.PID", made
 * with O_TMPFILE and locked (flock) before it is linked in, so it never
 * exists unlocked while its helper lives. The lock belongs to the open file,
 * which the helper and the sandbox's init hold: both die together
 * (PR_SET_PDEATHSIG), and the lock goes with the last of them.
 *
 * A sweep takes each of the caller's journals whose lock it can take,
 * removes the placeholders it records (as the caller, without symlinks, and
 * only the very directory: same device and inode, still empty), and
 * unlinks it. A "? PATH" record without its "DEV INO PATH" (killed between
 * the two) names a directory the helper may or may not have made: it is
 * removed only if it is an empty mode-000 directory of the caller's. */
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "sandbox.h"

static int dir_fd = -1;
static char name[48];

static bool may_make_placeholders(const struct tsj_plan *plan)
{
	if (plan->root != NULL)
		return false;
	for (size_t i = 0; i < plan->nmounts; i++)
		if (plan->mounts[i].kind == TSJ_MNT_BLACKLIST && !(plan->mounts[i].flags & TSJ_MF_OPTIONAL))
			return true;
	return false;
}

/* A directory of the journals: owned by owner, not a symlink, writable by
 * nobody else. Made if missing and create is set. Returns -1 if there is none. */
static int open_dir(int parent, const char *sub, uid_t owner, mode_t mode, bool create)
{
	int fd = openat(parent, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(parent, sub, mode) != 0 && errno != EEXIST)
			die_errno("mkdir %s for the placeholder journal", sub);
		fd = openat(parent, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* A setuid helper creates with the caller's gid: root's. */
		if (fd >= 0 && owner == 0 && fchown(fd, 0, 0) != 0)
			die_errno("chown %s", sub);
	}
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_errno("fstat %s", sub);
	if (st.st_uid != owner || (st.st_mode & 022)) {
		close(fd);
		die("%s: the placeholder journal's directory must be uid %u's and writable by it alone", sub,
		    (unsigned)owner);
	}
	return fd;
}

static int journal_dir(const struct tsj_creds *cr, bool create)
{
	int run = open("/run", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (run < 0)
		return -1;
	int fd = -1;
	if (cr->mode != TSJ_MODE_ROOTLESS) {
		int t = open_dir(run, "tsjail", 0, 0755, create);
		if (t >= 0) {
			fd = open_dir(t, "placeholders", 0, 0700, create);
			close(t);
		}
	} else {
		char user[32];
		snprintf(user, sizeof user, "user/%u", (unsigned)cr->uid);
		int u = openat(run, user, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (u >= 0 && fstat(u, &st) == 0 && st.st_uid == cr->uid)
			fd = open_dir(u, "tsjail", cr->uid, 0700, create);
		if (u >= 0)
			close(u);
	}
	close(run);
	return fd;
}

/* "? PATH": removed only if it is an empty mode-000 directory of the
 * caller's (the helper made it, or would have). */
static void remove_unrecorded(const struct tsj_creds *cr, const char *p)
{
	struct stat st;
	int fd = path_open(cr, AT_FDCWD, p, false);
	if (fd < 0)
		return;
	bool ours = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0 && st.st_uid == cr->uid;
	close(fd);
	if (!ours)
		return;
	char rec[4200];
	if (snprintf(rec, sizeof rec, "%llu %llu %s", (unsigned long long)st.st_dev,
		     (unsigned long long)st.st_ino, p) < (int)sizeof rec)
		mount_remove_placeholder(cr, rec);
}

static void sweep_one(const struct tsj_creds *cr, int dir, const char *file)
{
	int fd = openat(dir, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd); /* a live helper's, or not a journal */
		return;
	}
	static char buf[64 * 1024 + 1];
	size_t got = 0;
	ssize_t n;
	while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	/* Newest first: a "DEV INO PATH" is handled before the "? PATH" that
	 * announced it, which then finds nothing. */
	size_t starts[1024], k = 0;
	for (size_t i = 0; i < got && k < 1024; i += strlen(buf + i) + 1)
		starts[k++] = i;
	while (k-- > 0) {
		const char *r = buf + starts[k];
		if (r[0] == '?' && r[1] == ' ')
			remove_unrecorded(cr, r + 2);
		else
			mount_remove_placeholder(cr, r);
	}
	if (unlinkat(dir, file, 0) == 0)
		debug("swept the placeholder journal %s of a helper that was killed", file);
	close(fd);
}

static void sweep(const struct tsj_creds *cr)
{
	int dir = journal_dir(cr, false);
	if (dir < 0)
		return;
	int again = dup(dir);
	DIR *d = again >= 0 ? fdopendir(again) : NULL;
	if (d == NULL)
		die_errno("open the placeholder journals");
	char prefix[16];
	int pl = snprintf(prefix, sizeof prefix, "%u.", (unsigned)cr->uid);
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, (size_t)pl) == 0)
			sweep_one(cr, dir, e->d_name);
	closedir(d);
	close(dir);
}

int journal_begin(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	sweep(cr);
	if (!may_make_placeholders(plan))
		return -1;
	dir_fd = journal_dir(cr, true);
	if (dir_fd < 0) {
		debug("no directory for the placeholder journal: a killed sandbox may leave its placeholders");
		return -1;
	}
	int fd = openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		die_errno("create the placeholder journal");
	if (cr->mode != TSJ_MODE_ROOTLESS && fchown(fd, 0, 0) != 0)
		die_errno("chown the placeholder journal");
	if (flock(fd, LOCK_EX) != 0)
		die_errno("lock the placeholder journal");
	snprintf(name, sizeof name, "%u.%d", (unsigned)cr->uid, (int)getpid());
	/* A journal under this very name is a dead helper's: pids are unique. */
	sweep_one(cr, dir_fd, name);
	char self[32];
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, self, dir_fd, name, AT_SYMLINK_FOLLOW) != 0)
		die_errno("link the placeholder journal %s", name);
	return fd;
}

void journal_add(int fd, const char *record)
{
	if (fd < 0)
		return;
	size_t n = strlen(record) + 1;
	if (write(fd, record, n) != (ssize_t)n)
		die_errno("write the placeholder journal");
}

void journal_end(int fd)
{
	if (fd < 0)
		return;
	if (unlinkat(dir_fd, name, 0) != 0 && errno != ENOENT)
		warn_msg("cannot remove the placeholder journal %s: %s", name, strerror(errno));
	close(fd);
	close(dir_fd);
	dir_fd = -1;
}
