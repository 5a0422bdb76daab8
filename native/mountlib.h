/* mountlib.h - building blocks of the new mount API shared by mount.c (the
 * plan's operations) and root.c (the switch into a new root). All work on
 * file descriptors; names are only for messages. */
#ifndef TSJ_MOUNTLIB_H
#define TSJ_MOUNTLIB_H

#include <stdbool.h>
#include <stdint.h>

#include "creds.h"

/* A recursive clone (open_tree OPEN_TREE_CLONE) of the tree at fd. */
int mnt_clone(int fd, const char *what);
/* mount_setattr on a detached or attached tree. */
void mnt_set_attr(int tree, const char *what, uint64_t set, uint64_t clr, bool recursive);
/* move_mount(tree) onto target ("" : target itself, else a name below it). */
void mnt_attach(int tree, int target, const char *target_name, const char *what);
/* A detached tmpfs; mode in octal; owner -1 for root. */
int mnt_tmpfs(const char *what, unsigned mode, long uid, long gid, uint64_t attrs);
/* A detached proc of the calling process's pid namespace. */
int mnt_proc(void);
/* The private /dev (the host's basic nodes, a new devpts, shm) on target. */
void mnt_dev(const struct tsj_creds *cr, uint32_t flags, int target);

#endif
