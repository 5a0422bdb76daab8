/* mountinfo.h - the one reader of /proc/PID/mountinfo. */
#ifndef TSJ_MOUNTINFO_H
#define TSJ_MOUNTINFO_H

#include <stdbool.h>
#include <stdio.h>

/* One line, fields unescaped (\040 and the like); strings live until the
 * callback returns. */
struct mountinfo_line {
	unsigned long id, parent;
	unsigned major, minor;
	const char *root;   /* the mount's root within its filesystem */
	const char *point;  /* where it is mounted */
	const char *opts;   /* per-mount options: rw or ro first */
	const char *fstype;
	const char *source;
	const char *super;  /* the superblock's options */
	bool rw;            /* the mount is not read-only */
};

/* Calls fn for each well-formed line of f until it returns false. Returns
 * false if f could not be read. */
bool mountinfo_each(FILE *f, bool (*fn)(const struct mountinfo_line *l, void *arg), void *arg);

#endif
