/* mountlib.h - building blocks of the new mount API shared by mount.c (the
 * plan's operations), root.c (the switch into a new root) and overlay.c,
 * defined in mountlib.c. All work on file descriptors; names are only for
 * messages. */
#ifndef TSJ_MOUNTLIB_H
#define TSJ_MOUNTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "creds.h"

/* A recursive clone (open_tree OPEN_TREE_CLONE) of the tree at fd. */
int mnt_clone(int fd, const char *what);
/* mount_setattr on a detached or attached tree. */
void mnt_set_attr(int tree, const char *what, uint64_t set, uint64_t clr, bool recursive);
/* move_mount(tree) onto target ("" : target itself, else a name below it). */
void mnt_attach(int tree, int target, const char *target_name, const char *what);
/* A detached tmpfs; mode in octal; owner -1 for root. */
int mnt_tmpfs(const char *what, unsigned mode, long uid, long gid, uint64_t attrs);
/* A detached mount of an empty file, mode 000, read-only, nosuid, nodev,
 * noexec: to cover a file (all share one small tmpfs, made on first use). */
int mnt_empty_file(const char *what);
/* A detached mount of an empty directory, mode 000, root's, read-only,
 * nosuid, nodev, noexec: to cover a directory. All are clones of one
 * tmpfs, made on first use: a tmpfs of its own for each (a superblock
 * each) cost some 30 us more per blacklisted directory. */
int mnt_empty_dir(const char *what);
/* A detached proc of the calling process's pid namespace. */
int mnt_proc(void);
/* Makes target an empty tmpfs (src's mode unless force_mode, src's owner)
 * holding only the listed entries of src (opened beneath it as the caller),
 * each the original bound back in place. Returns the attached tmpfs root. */
int mnt_whitelist_into(const struct tsj_creds *cr, const char *name, int src, const struct stat *st,
		       int target, char *const *entries, size_t n, uint64_t tmpfs_attrs, unsigned force_mode);
/* The private /dev (the host's basic nodes, a new devpts, shm) on target. */
void mnt_dev(const struct tsj_creds *cr, uint32_t flags, int target);

#endif
