/* netfilter.h - --netfilter: an IPv4 packet filter in the sandbox's own
 * network namespace, loaded by iptables-restore from the host side. */
#ifndef TSJ_NETFILTER_H
#define TSJ_NETFILTER_H

#include <sys/types.h>

#include "creds.h"
#include "plan.h"

/* What the host side opened before the clone. */
struct tsj_netfilter {
	int rules;            /* the rules, for iptables-restore's stdin; -1: none */
	int program;          /* O_PATH fd of iptables-restore */
	const char *name;     /* "default" or the file, for messages */
};

/* In policy_check: a user's --netfilter as tsjail.conf's `netfilter` key
 * allows (yes: the default filter and root's files; default: only the
 * default filter; no: none). */
void netfilter_check(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* Host side, before the clone: opens the rules (the file as the caller;
 * for a user of the setuid helper only a file root owns and alone may
 * change, in directories the same) and iptables-restore (root's, in root's
 * directories). Dies with one line when either cannot be used. */
void netfilter_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_netfilter *nf);

/* Host side, after the clone and before the sandbox starts: runs
 * iptables-restore in the child's network namespace (and, rootless, its
 * user namespace) with the rules on stdin, and waits for it. Dies with one
 * line naming the file and iptables-restore's message when it fails. */
void netfilter_load(struct tsj_netfilter *nf, const struct tsj_creds *cr, pid_t child);

/* Closes what netfilter_prepare opened (the sandbox's init has no use for
 * it; netfilter_load closes it itself). */
void netfilter_close(struct tsj_netfilter *nf);

#endif
