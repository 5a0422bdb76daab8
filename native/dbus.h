/* dbus.h - the sandbox's D-Bus: a bus hidden (none), or reached through
 * xdg-dbus-proxy (filter), which the host-side parent runs as the caller. */
#ifndef TSJ_DBUS_H
#define TSJ_DBUS_H

#include <stdbool.h>
#include <sys/types.h>

#include "creds.h"
#include "plan.h"

/* What the host side set up before the clone; the child inherits it. */
struct tsj_dbus {
	pid_t proxy;                  /* 0: no proxy runs */
	int ctl;                      /* our end of the proxy's --fd; -1 */
	int base;                     /* the directory the socket directory is in; -1 */
	int dir;                      /* the socket directory, locked (flock); -1 */
	char name[64];                /* its name in base */
	char path[TSJ_DBUS_NBUS][160]; /* each filtered bus's socket, absolute */
	dev_t dev[TSJ_DBUS_NBUS];     /* ... and the socket the proxy made */
	ino_t ino[TSJ_DBUS_NBUS];
	/* In the child: clones of each filtered bus's socket, one per SOCKET
	 * record, to be put in place after the mounts. */
	int tree[TSJ_DBUS_NBUS][TSJ_MAXN_DBUS_USER_SOCKET];
};

/* Before anything is created (policy.c's list): the proxy a filter needs is
 * there, root's, and so is every directory above it. */
void dbus_check(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* Host side, before the clone: for a filter, removes what killed helpers of
 * the caller left, makes the socket directory as the caller, starts the
 * proxy as the caller and waits until it listens. */
void dbus_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d);

/* In the child, before any mount: lets go of the host side's descriptors and
 * takes a clone of each proxy socket (looked up again here, checked to be
 * the very socket the proxy made). */
void dbus_child_open(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d);

/* In the child, after the plan's mounts: each SOCKET of a bus that is a
 * socket is covered by an empty file (none) or by the proxy's (filter). */
void dbus_child_mount(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d);

/* Host side, after the sandbox ended: stops the proxy, removes its socket
 * and directory (as the caller). */
void dbus_finish(const struct tsj_creds *cr, struct tsj_dbus *d);

#endif
