/* path.h - paths resolved the safe way: never through a symlink, and with the
 * caller's filesystem credentials, so the helper can reach (and create) only
 * what the caller could. */
#ifndef TSJ_PATH_H
#define TSJ_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include <sys/stat.h>

#include "creds.h"

/* Switches the filesystem uid/gid to the caller's (setuid mode only; a
 * no-op otherwise) and back. Permission checks during lookups and the
 * owner of created files follow the fs ids. */
void path_as_user(const struct tsj_creds *cr);
void path_as_root(const struct tsj_creds *cr);

/* openat2(dirfd, path, flags|O_CLOEXEC, RESOLVE_NO_SYMLINKS|NO_MAGICLINKS
 * [|BENEATH]) with the current filesystem ids: no symlink is followed, a
 * trailing one too gives ELOOP unless flags hold O_PATH|O_NOFOLLOW. Returns
 * an fd, or -1 with errno set. Callers that act for the caller wrap it in
 * path_as_user()/path_as_root(). */
int path_openat2(int dirfd, const char *path, uint64_t flags, bool beneath);

/* openat2(dirfd, path, O_PATH|O_NOFOLLOW, RESOLVE_NO_SYMLINKS|NO_MAGICLINKS|
 * BENEATH|NO_XDEV) with the current filesystem ids: path stays within
 * dirfd's own mount, through no symbolic link and no mount point (EXDEV),
 * and is not itself a link (ELOOP). For the helper's own places, such as a
 * whitelist's new tmpfs. */
int path_open_within(int dirfd, const char *path);

/* openat2(dirfd, path, O_PATH|O_NOFOLLOW, RESOLVE_NO_SYMLINKS[|BENEATH]) as
 * the caller. Returns an fd, or -1 with errno set (ELOOP for a symlink on the
 * way). */
int path_open(const struct tsj_creds *cr, int dirfd, const char *path, bool beneath);

/* Like path_open, but a symbolic link on the way is followed when the
 * caller could not have planted it (path_link_trusted), up to
 * TSJ_MAX_LINKS links; any other link still fails with ELOOP. Each
 * component is opened as the caller with O_PATH|O_NOFOLLOW, the link is
 * judged by fstat of that very inode and of the directory fd it was found
 * in, and its text is read from the same fd (readlinkat), so nothing is
 * resolved twice. follow_last = false: a link as the last component is not
 * followed but returned (an O_PATH fd of the link itself). An absolute link
 * restarts at /: the result may lie outside dirfd. */
#define TSJ_MAX_LINKS 40
int path_open_trusted(const struct tsj_creds *cr, int dirfd, const char *path, bool follow_last);

/* A link (link: its fstat) found in a directory (dir: its fstat) is trusted
 * when the caller could not have put it there: root owns both, and no one
 * but root may write the directory (no group or other write bit; sticky or
 * not). In a user namespace (the rootless helper, --noroot) only the
 * caller is mapped, root shows as the overflow id: there, neither may be
 * the caller's. A link on /proc (magic links) is never trusted. */
bool path_link_trusted(const struct tsj_creds *cr, int dirfd, const struct stat *dir, const struct stat *link);

/* mkdir -p of path as the caller, refusing symlinks; the last component is a
 * directory (mkfile = false) or an empty regular file. Existing entries of
 * the right type are fine. Dies on error. */
void path_make(const struct tsj_creds *cr, const char *path, bool file);

/* Opens path walking from / one component at a time without following a
 * symbolic link, with the current filesystem ids: every directory on the
 * way and the file itself must be root's and not writable by group or
 * others (a directory may be, if sticky). The file is opened O_RDONLY
 * (program: O_PATH, root's symbolic links followed, each hop checked the
 * same way from /, and the file must be executable). The rule of
 * tsjail.conf, a --netfilter file and iptables-restore. Returns the fd, -2
 * when something on the way is missing, or -1 with a one-line reason in
 * err. */
int path_open_rootowned(const char *path, bool program, char *err, size_t errlen);

/* Lexically normalises an absolute path in place (at most 4095 bytes): no
 * empty or "." component, ".." takes the one before away. Meant for paths
 * whose symbolic links were expanded as they were met, or that are only
 * compared, never opened. */
void path_normalise(char *p);

/* Absolute and normalised: "/" or "/a/b", with no empty, "." or ".."
 * component (so no "//" and no trailing '/'). Pure. */
bool path_normal(const char *path);

/* 1 if path is base or below it ("/a/b" is below "/a", "/ab" is not). */
bool path_within(const char *path, const char *base);
bool path_below(const char *path, const char *base);

#endif
