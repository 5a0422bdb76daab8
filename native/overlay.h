/* overlay.h - the directories a new root is made of (a chroot directory,
 * overlay layers) and the overlay itself. */
#ifndef TSJ_OVERLAY_H
#define TSJ_OVERLAY_H

#include "creds.h"
#include "plan.h"

/* Who may own a directory a non-root caller names. */
enum layer_owner {
	OWN_CALLER,  /* the overlay's upper and work dirs */
	OWN_CHROOT,  /* the caller; root's too with user-chroot = yes */
	OWN_TRUSTED, /* read-only layers: the caller or root */
};

/* Opens a layer or chroot directory as the caller, without symlinks; for a
 * setuid caller also checks its owner and that others cannot write it.
 * Dies on any failure. */
int layer_open(const struct tsj_creds *cr, const char *what, const char *p, enum layer_owner who);

/* A detached overlay mount of plan's root (nosuid, nodev). For a setuid
 * caller it is created by a process that holds only the caller's
 * credentials, in a user namespace of its own: overlayfs then looks up,
 * copies up and creates everything as the caller, never as root. */
int overlay_make(const struct tsj_creds *cr, const struct tsj_root *rt);

#endif
