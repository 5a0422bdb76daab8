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
	char dirpath[128];            /* its absolute path */
	char path[TSJ_DBUS_NBUS][160]; /* each filtered bus's socket, absolute */
	/* In the child: the socket directory looked up again in its own mount
	 * namespace (-1 once the sockets are taken), then clones of each
	 * filtered bus's socket, one per SOCKET record, to be put in place
	 * after the mounts. */
	int here;
	int tree[TSJ_DBUS_NBUS][TSJ_MAXN_DBUS_USER_SOCKET];
};

/* Before anything is created (policy.c's list): the proxy a filter needs is
 * there, root's, and so is every directory above it. */
void dbus_check(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* Host side, before the clone: for a filter, removes what killed helpers of
 * the caller left, makes the socket directory as the caller and starts the
 * proxy as the caller. It is not waited for here: the child waits for it
 * once its mounts are made, so the proxy starts while they are. */
void dbus_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d);

/* In the child, before any mount: lets go of the host side's descriptors
 * and opens the socket directory again in its own mount namespace (checked
 * to be the very directory the host side made). With a new root, whose
 * switch detaches the host's tree, it also waits for the proxy and takes
 * its sockets now. */
void dbus_child_open(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d);

/* In the child, after the plan's mounts: waits (at most 10 s) until the
 * proxy listens and takes a clone of each of its sockets (the caller's
 * sockets, looked up as the caller in that directory), unless that was
 * done before the mounts; then each SOCKET of a bus that is a socket is
 * covered by an empty file (none) or by the proxy's (filter). */
void dbus_child_mount(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_dbus *d);

/* Host side, after the sandbox ended: stops the proxy, removes its socket
 * and directory (as the caller). */
void dbus_finish(const struct tsj_creds *cr, struct tsj_dbus *d);

#endif
