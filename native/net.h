/* net.h - the sandbox's network: the host-side interface (macvlan, or a veth
 * pair on a bridge) made over rtnetlink, its setup inside, resolv.conf and
 * hosts. */
#ifndef TSJ_NET_H
#define TSJ_NET_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "creds.h"
#include "plan.h"

enum tsj_ip_mode { TSJ_IP_AUTO, TSJ_IP_GIVEN, TSJ_IP_NONE };

/* What the host side found out before the clone; the child inherits it. */
struct tsj_net {
	bool iface;                  /* --net=IFACE */
	char parent[IF_NAMESIZE];
	int parent_index;
	bool bridge;                 /* the parent is a Linux bridge: veth pair */
	unsigned parent_mtu;
	struct in_addr parent_addr;  /* 0: the parent has no IPv4 address */
	unsigned parent_prefix;
	char name[IF_NAMESIZE];      /* inside */
	char veth[IF_NAMESIZE];      /* host end of the veth pair */
	int veth_index;              /* set once the pair exists */
	enum tsj_ip_mode ip_mode;
	struct in_addr ip;           /* TSJ_IP_GIVEN */
	unsigned prefix;             /* of the sandbox's subnet */
	struct in_addr gateway;      /* 0: no default route */
	bool has_mac;
	uint8_t mac[6];
	unsigned mtu;                /* 0: the kernel's default */
};

/* Host side, before the clone: looks the parent up and checks every setting
 * against it, so that bad input fails before anything exists. */
void net_prepare(const struct tsj_plan *plan, struct tsj_net *net);

/* Host side, after the clone, before the child goes: creates the interface
 * directly in the child's network namespace (a veth pair's host end is
 * deleted with it when that namespace dies). */
void net_attach(struct tsj_net *net, pid_t child);

/* Host side, after the sandbox ended: deletes a veth pair's host end now
 * rather than when the kernel gets round to freeing the namespace. */
void net_cleanup(const struct tsj_net *net);

/* In the child (PID 1), before the mounts: lo up, and for --net=IFACE the
 * interface up, its address (checked or chosen with ARP), the default route,
 * and the interface table unless quiet. The ARP socket goes to the parent
 * over handback, to be closed there (closing one is slow). */
void net_inside(const struct tsj_plan *plan, const struct tsj_net *net, const struct tsj_creds *cr,
		int handback);

/* Host side, after the go: takes the child's ARP socket back and closes it,
 * or returns when the child closes its end of sock. */
void net_settle(int sock);

/* In the child, once the program and all else in the sandbox have ended:
 * removes the interface's address, so that it stops answering ARP now, not
 * when the kernel gets round to freeing the namespace (a sandbox started
 * again at once with the same --ip would find it in use). Deleting the
 * interface or setting it down would take 12-15 ms; this takes 50 us. */
void net_leave(const struct tsj_net *net);

/* In the child, after the mounts: the sandbox's own /etc/resolv.conf (--dns)
 * and /etc/hosts (--hosts-file), bound over the originals in its mount
 * namespace only. */
void net_files(const struct tsj_plan *plan);

#endif
