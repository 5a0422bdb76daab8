/* journal.c - the placeholder journal.
 *
 * Where: /var/lib/tsjail/placeholders (root's, 0700; /run/tsjail/placeholders
 * where /var/lib cannot hold it) for root and the setuid helper;
 * ~/.cache/tsjail/placeholders (else /run/user/UID/tsjail) for the rootless
 * helper and --noroot. One file per run, "UID.PID", made
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
 * nobody else. Made if missing and create is set. Returns -1 if there is none
 * (or it is not such a directory). */
static int open_dir(int parent, const char *sub, uid_t owner, mode_t mode, bool create)
{
	int fd = openat(parent, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(parent, sub, mode) != 0 && errno != EEXIST)
			return -1; /* a read-only /var/lib: the next candidate */
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
		debug("%s: not uid %u's alone, so not for the placeholder journal", sub, (unsigned)owner);
		return -1;
	}
	return fd;
}

/* Where the journals live, in order of preference: somewhere that outlives
 * a reboot as the placeholders do, else a runtime directory. */
#define NDIRS 2

/* Opens (and with create, makes) candidate i of the journal directories,
 * or returns -1. */
static int journal_dir(const struct tsj_creds *cr, int i, bool create)
{
	bool rootless = cr->mode == TSJ_MODE_ROOTLESS;
	char base[4200];
	const char *subs[3] = { NULL, NULL, NULL };
	uid_t owner = rootless ? cr->uid : 0;
	if (!rootless) {
		snprintf(base, sizeof base, "%s", i == 0 ? "/var/lib" : "/run");
		subs[0] = "tsjail";
		subs[1] = "placeholders";
	} else if (i == 0) {
		if (cr->home == NULL || snprintf(base, sizeof base, "%s", cr->home) >= (int)sizeof base)
			return -1;
		subs[0] = ".cache";
		subs[1] = "tsjail";
		subs[2] = "placeholders";
	} else {
		snprintf(base, sizeof base, "/run/user/%u", (unsigned)cr->uid);
		subs[0] = "tsjail";
	}
	int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (rootless && i == 1 && (fstat(fd, &st) != 0 || st.st_uid != cr->uid)) {
		close(fd);
		return -1;
	}
	for (int k = 0; k < 3 && subs[k] != NULL && fd >= 0; k++) {
		/* Only the last is private; .cache and /var/lib/tsjail may be
		 * shared with other uses. */
		bool last = k == 2 || subs[k + 1] == NULL;
		int next = open_dir(fd, subs[k], owner, last ? 0700 : 0755, create);
		close(fd);
		fd = next;
	}
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
	ssize_t len = records_read(fd, buf, sizeof buf);
	size_t got = len < 0 ? 0 : (size_t)len;
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

static void sweep_dir(const struct tsj_creds *cr, int dir)
{
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

static void sweep(const struct tsj_creds *cr)
{
	for (int i = 0; i < NDIRS; i++) {
		int dir = journal_dir(cr, i, false);
		if (dir >= 0)
			sweep_dir(cr, dir);
	}
}

ssize_t records_read(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

int journal_begin(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	sweep(cr);
	if (!may_make_placeholders(plan))
		return -1;
	for (int i = 0; i < NDIRS && dir_fd < 0; i++)
		dir_fd = journal_dir(cr, i, true);
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
