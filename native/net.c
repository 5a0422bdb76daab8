/* net.c - the network records (tags 0x30-0x3f: decoded, checked, dumped),
 * and the sandbox's network over raw rtnetlink (no ip(8), no libnl).
 *
 * Host side (the parent, before the child goes): the parent interface is
 * looked up and every setting checked against it before the clone; after the
 * clone a macvlan (bridge mode) is created directly inside the child's
 * network namespace (IFLA_NET_NS_PID), or, when the parent is a bridge, a
 * veth pair whose host end joins the bridge and whose other end is created in
 * the child's namespace. Nothing ever exists in the host namespace alone: a
 * macvlan dies with the sandbox's namespace, and so does a veth pair (both
 * ends), even when the helper is killed mid-start.
 *
 * Inside (PID 1, before the mounts): lo up, the interface up, the address
 * checked (or chosen) with a short ARP probe, the default route, and the
 * interface table. After the mounts: the sandbox's own resolv.conf and
 * hosts, bound over /etc's in its mount namespace only. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

/* ---- the records (PLAN.md, tags 0x30-0x3f): decoded, checked, dumped and
 * freed here (tsj_records_net); pure, so fuzzed ---- */

/* A Linux interface name: 1-15 printable bytes, no '/', ':' or space, not
 * "." or "..". */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TSJ_MAX_IFNAME || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *c = s; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '/' || *c == ':')
			return false;
	return true;
}

int tsj_ifname_ok(const char *s)
{
	return ifname_ok(s);
}

/* Dotted-quad IPv4 in the form inet_ntop writes it. */
static bool ipv4_canonical(const char *s, struct in_addr *out)
{
	char back[INET_ADDRSTRLEN];
	struct in_addr a;
	if (strlen(s) >= sizeof back || inet_pton(AF_INET, s, &a) != 1)
		return false;
	if (inet_ntop(AF_INET, &a, back, sizeof back) == NULL || strcmp(back, s) != 0)
		return false;
	if (out)
		*out = a;
	return true;
}

/* A unicast host address: not 0/8, loopback, multicast or broadcast. */
static bool ipv4_host(const char *s)
{
	struct in_addr a;
	if (!ipv4_canonical(s, &a))
		return false;
	uint32_t h = ntohl(a.s_addr);
	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) < 14;
}

static bool netmask_ok(const char *s)
{
	struct in_addr a;
	if (!ipv4_canonical(s, &a))
		return false;
	uint32_t m = ntohl(a.s_addr);
	return m != 0 && (~m & (~m + 1)) == 0; /* ones, then zeros */
}

static bool mac_ok(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (strlen(s) != 17)
		return false;
	bool zero = true;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return false;
		} else if (s[i] == '\0' || strchr(hex, s[i]) == NULL) {
			return false;
		} else if (s[i] != '0') {
			zero = false;
		}
	}
	/* The low bit of the first octet marks multicast. */
	return !zero && (strchr(hex, s[1]) - hex) % 2 == 0;
}

static bool dns_ok(const char *s)
{
	unsigned char a6[16];
	if (strchr(s, ':') != NULL)
		return inet_pton(AF_INET6, s, a6) == 1;
	return ipv4_canonical(s, NULL);
}

static bool netfilter_ok(const char *s)
{
	return strcmp(s, "default") == 0 || (path_normal(s) && strcmp(s, "/") != 0);
}

static bool ip_ok(const char *s)
{
	return strcmp(s, "none") == 0 || ipv4_host(s);
}

/* Takes a string record into *slot, checking it with ok(). */
static int net_str(struct tsj_reader *r, struct tsj_value *v, char **slot, bool (*ok)(const char *),
		   const char *what)
{
	*slot = tsj_take(v);
	if (!ok(*slot))
		return tsj_fail(r, "plan: %s '%s' is not %s", tsj_tag_name(v->tag), *slot, what);
	return 0;
}

static int decode(struct tsj_reader *r, struct tsj_plan *pl, struct tsj_value *v)
{
	struct tsj_plan_net *net = &pl->net;
	net->present = true;
	switch (v->tag) {
	case TSJ_TAG_NET_PARENT:
		return net_str(r, v, &net->parent, ifname_ok, "an interface name");
	case TSJ_TAG_NET_NAME:
		return net_str(r, v, &net->name, ifname_ok, "an interface name");
	case TSJ_TAG_NET_VETH:
		return net_str(r, v, &net->veth, ifname_ok, "an interface name");
	case TSJ_TAG_NET_IP:
		return net_str(r, v, &net->ip, ip_ok, "\"none\" or a unicast IPv4 address");
	case TSJ_TAG_NET_NETMASK:
		return net_str(r, v, &net->netmask, netmask_ok, "an IPv4 network mask");
	case TSJ_TAG_NET_GATEWAY:
		return net_str(r, v, &net->gateway, ipv4_host, "a unicast IPv4 address");
	case TSJ_TAG_NET_MAC:
		return net_str(r, v, &net->mac, mac_ok, "a unicast MAC address (xx:xx:xx:xx:xx:xx, lower case)");
	case TSJ_TAG_NET_MTU:
		net->mtu = v->u32;
		if (net->mtu < TSJ_MTU_MIN || net->mtu > TSJ_MTU_MAX)
			return tsj_fail(r, "plan: NET_MTU %u is outside %u-%u", net->mtu, TSJ_MTU_MIN, TSJ_MTU_MAX);
		return 0;
	case TSJ_TAG_NET_DNS: {
		const char *s = net->dns[net->ndns++] = tsj_take(v);
		if (!dns_ok(s))
			return tsj_fail(r, "plan: NET_DNS '%s' is not an IP address", s);
		return 0;
	}
	case TSJ_TAG_NET_HOSTS:
		net->hosts = tsj_take(v);
		return 0;
	case TSJ_TAG_NETFILTER:
		return net_str(r, v, &net->netfilter, netfilter_ok, "\"default\" or a normalised absolute path");
	default:
		return tsj_fail(r, "plan: unknown record tag 0x%x", v->tag);
	}
}

/* Records that only make sense together. */
static int check(struct tsj_reader *r, const struct tsj_plan *pl)
{
	const struct tsj_plan_net *net = &pl->net;
	if (net->parent != NULL && !(pl->namespaces & TSJ_NS_NET))
		return tsj_fail(r, "plan: NET_PARENT needs the net namespace");
	if (net->parent == NULL && (net->name || net->veth || net->ip || net->netmask ||
				    net->gateway || net->mac || net->mtu))
		return tsj_fail(r, "plan: interface settings without NET_PARENT");
	if (net->gateway != NULL && net->ip != NULL && strcmp(net->ip, "none") == 0)
		return tsj_fail(r, "plan: NET_GATEWAY with NET_IP none");
	if (net->netfilter != NULL && !(pl->namespaces & TSJ_NS_NET))
		return tsj_fail(r, "plan: NETFILTER needs the net namespace");
	return 0;
}

/* `"network": null` when no record is present, else every field. */
static void dump(const struct tsj_plan *pl, FILE *out)
{
	const struct tsj_plan_net *net = &pl->net;
	if (!net->present) {
		fputs(",\"network\":null", out);
		return;
	}
	fputs(",\"network\":{\"parent\":", out);
	if (net->parent)
		tsj_json_str(out, net->parent);
	else
		fputs("null", out);
	tsj_json_opt(out, "name", net->name ? net->name : "eth0");
	tsj_json_opt(out, "vethName", net->veth);
	tsj_json_opt(out, "ip", net->ip);
	tsj_json_opt(out, "netmask", net->netmask);
	tsj_json_opt(out, "gateway", net->gateway);
	tsj_json_opt(out, "mac", net->mac);
	if (net->mtu)
		fprintf(out, ",\"mtu\":%u", net->mtu);
	else
		fputs(",\"mtu\":null", out);
	tsj_json_list(out, "dns", net->dns, net->ndns);
	tsj_json_opt(out, "hosts", net->hosts);
	tsj_json_opt(out, "netfilter", net->netfilter);
	fputc('}', out);
}

static void free_net(struct tsj_plan *pl)
{
	struct tsj_plan_net *net = &pl->net;
	free(net->parent);
	free(net->name);
	free(net->veth);
	free(net->ip);
	free(net->netmask);
	free(net->gateway);
	free(net->mac);
	for (size_t i = 0; i < net->ndns; i++)
		free(net->dns[i]);
	free(net->hosts);
	free(net->netfilter);
}

const struct tsj_records tsj_records_net = { decode, check, dump, free_net };

/* The ARP check: probes go out at these times (ms) and answers count until
 * the window closes. Answers on a LAN take well under a millisecond; the
 * resends cover a lost frame. */
static const int arp_sends_ms[] = { 0, 10, 25 };
#define ARP_WINDOW_MS 40
/* Addresses probed at once, and at most in all, when tsjail picks one. */
#define ARP_BATCH 8
#define ARP_MAX_TRIES 64

/* ---- rtnetlink ---- */

#define NL_BUF 4096
#define NL_RECV 32768

struct nlmsg {
	union {
		struct nlmsghdr h;
		char buf[NL_BUF];
	} u;
};

static uint32_t nl_seq;

static void *nl_start(struct nlmsg *m, uint16_t type, uint16_t flags, size_t famlen)
{
	memset(m, 0, sizeof *m);
	m->u.h.nlmsg_len = NLMSG_LENGTH(famlen);
	m->u.h.nlmsg_type = type;
	m->u.h.nlmsg_flags = NLM_F_REQUEST | flags;
	m->u.h.nlmsg_seq = ++nl_seq;
	return NLMSG_DATA(&m->u.h);
}

/* Appends raw bytes, aligned (a nested ifinfomsg, for the veth peer). */
static void *nl_put(struct nlmsg *m, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(m->u.h.nlmsg_len);
	if (off + NLMSG_ALIGN(len) > sizeof m->u.buf)
		die("netlink message too long");
	void *p = m->u.buf + off;
	memset(p, 0, NLMSG_ALIGN(len));
	if (len)
		memcpy(p, data, len);
	m->u.h.nlmsg_len = (uint32_t)(off + NLMSG_ALIGN(len));
	return p;
}

static struct rtattr *nl_attr(struct nlmsg *m, unsigned short type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(m->u.h.nlmsg_len);
	if (off + RTA_SPACE(len) > sizeof m->u.buf)
		die("netlink message too long");
	struct rtattr *a = (struct rtattr *)(void *)(m->u.buf + off);
	memset(a, 0, RTA_SPACE(len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	m->u.h.nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
	return a;
}

static void nl_u32(struct nlmsg *m, unsigned short type, uint32_t v)
{
	nl_attr(m, type, &v, sizeof v);
}

static void nl_str(struct nlmsg *m, unsigned short type, const char *s)
{
	nl_attr(m, type, s, strlen(s) + 1);
}

static void nl_end(struct nlmsg *m, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)(m->u.buf + m->u.h.nlmsg_len - (char *)nest);
}

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		die_errno("socket(AF_NETLINK, NETLINK_ROUTE)");
	/* The kernel's own words on an error, without our request echoed. */
	int one = 1;
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
	return fd;
}

static void nl_send(int fd, const struct nlmsg *m)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;
	while ((n = sendto(fd, m->u.buf, m->u.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
			   sizeof kernel)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)m->u.h.nlmsg_len)
		die_errno("sendto(netlink, type %u)", (unsigned)m->u.h.nlmsg_type);
}

static ssize_t nl_recv(int fd, void *buf, size_t len)
{
	ssize_t n;
	while ((n = recv(fd, buf, len, MSG_TRUNC)) < 0 && errno == EINTR)
		;
	if (n < 0)
		die_errno("recv(netlink)");
	if ((size_t)n > len)
		die("recv(netlink): reply of %zd bytes truncated", n);
	return n;
}

/* The extended ack's message, if the kernel gave one. */
static void ext_ack(const struct nlmsghdr *h, char *why, size_t whylen)
{
	why[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof *e;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off > h->nlmsg_len)
		return;
	const struct rtattr *a = (const struct rtattr *)(const void *)((const char *)h + off);
	int left = (int)(h->nlmsg_len - off);
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == NLMSGERR_ATTR_MSG && RTA_PAYLOAD(a) > 1) {
			snprintf(why, whylen, " (%.*s)", (int)RTA_PAYLOAD(a) - 1, (const char *)RTA_DATA(a));
			return;
		}
}

/* Sends m; calls cb for each reply message until the ack (or the end of a
 * dump). Returns 0, or a negative errno with the kernel's words in why. */
typedef void (*nl_cb)(const struct nlmsghdr *h, void *ctx);

static int nl_talk(int fd, struct nlmsg *m, nl_cb cb, void *ctx, char *why, size_t whylen)
{
	static _Alignas(struct nlmsghdr) char buf[NL_RECV];
	bool dump = (m->u.h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (!dump)
		m->u.h.nlmsg_flags |= NLM_F_ACK;
	uint32_t seq = m->u.h.nlmsg_seq;
	why[0] = '\0';
	nl_send(fd, m);
	for (;;) {
		ssize_t n = nl_recv(fd, buf, sizeof buf);
		int left = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)(void *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof *e))
					die("netlink: short error message");
				ext_ack(h, why, whylen);
				return e->error; /* 0: the ack */
			}
			if (cb)
				cb(h, ctx);
		}
	}
}

/* ---- links, addresses, routes ---- */

struct link {
	int index;
	unsigned type;
	unsigned flags;
	unsigned mtu;
	char kind[32];
	char name[IF_NAMESIZE];
	uint8_t mac[6];
	bool has_mac;
};

static void link_parse(const struct nlmsghdr *h, void *ctx)
{
	struct link *l = ctx;
	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	l->index = ifi->ifi_index;
	l->type = ifi->ifi_type;
	l->flags = ifi->ifi_flags;
	int left = (int)IFLA_PAYLOAD(h);
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == IFLA_MTU && RTA_PAYLOAD(a) == 4)
			memcpy(&l->mtu, RTA_DATA(a), 4);
		else if (a->rta_type == IFLA_IFNAME && RTA_PAYLOAD(a) <= IF_NAMESIZE)
			snprintf(l->name, sizeof l->name, "%.*s", (int)RTA_PAYLOAD(a), (const char *)RTA_DATA(a));
		else if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) == 6) {
			memcpy(l->mac, RTA_DATA(a), 6);
			l->has_mac = true;
		} else if (a->rta_type == IFLA_LINKINFO) {
			int in = (int)RTA_PAYLOAD(a);
			for (const struct rtattr *b = RTA_DATA(a); RTA_OK(b, in); b = RTA_NEXT(b, in))
				if (b->rta_type == IFLA_INFO_KIND)
					snprintf(l->kind, sizeof l->kind, "%.*s", (int)RTA_PAYLOAD(b),
						 (const char *)RTA_DATA(b));
		}
	}
}

/* By name (index 0) or by index. Returns 0 or a negative errno. */
static int link_get(int fd, const char *name, int index, struct link *l)
{
	struct nlmsg m;
	char why[256];
	struct ifinfomsg *ifi = nl_start(&m, RTM_GETLINK, 0, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	if (name)
		nl_str(&m, IFLA_IFNAME, name);
	nl_u32(&m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(l, 0, sizeof *l);
	int err = nl_talk(fd, &m, link_parse, l, why, sizeof why);
	if (err == 0 && l->index == 0)
		err = -ENODEV;
	return err;
}

static void link_up(int fd, int index, const char *name)
{
	struct nlmsg m;
	char why[256];
	struct ifinfomsg *ifi = nl_start(&m, RTM_NEWLINK, 0, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	int err = nl_talk(fd, &m, NULL, NULL, why, sizeof why);
	if (err) {
		errno = -err;
		die_errno("set %s up (RTM_NEWLINK)%s", name, why);
	}
}

struct addr_find {
	int index;
	struct in_addr addr;
	unsigned prefix;
	bool found;
};

static void addr_parse(const struct nlmsghdr *h, void *ctx)
{
	struct addr_find *f = ctx;
	if (f->found || h->nlmsg_type != RTM_NEWADDR ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
		return;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	if (ifa->ifa_family != AF_INET || (int)ifa->ifa_index != f->index ||
	    (ifa->ifa_flags & IFA_F_SECONDARY))
		return;
	int left = (int)IFA_PAYLOAD(h);
	const void *local = NULL, *address = NULL;
	for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == IFA_LOCAL && RTA_PAYLOAD(a) == 4)
			local = RTA_DATA(a);
		else if (a->rta_type == IFA_ADDRESS && RTA_PAYLOAD(a) == 4)
			address = RTA_DATA(a);
	}
	if (local == NULL)
		local = address;
	if (local == NULL)
		return;
	memcpy(&f->addr, local, 4);
	f->prefix = ifa->ifa_prefixlen;
	f->found = true;
}

struct gw_find {
	int index;
	uint32_t net, mask; /* host order */
	struct in_addr gw;
	bool found;
};

static void route_parse(const struct nlmsghdr *h, void *ctx)
{
	struct gw_find *f = ctx;
	if (f->found || h->nlmsg_type != RTM_NEWROUTE ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return;
	const struct rtmsg *rt = NLMSG_DATA(h);
	if (rt->rtm_family != AF_INET || rt->rtm_dst_len != 0 || rt->rtm_type != RTN_UNICAST)
		return;
	unsigned table = rt->rtm_table;
	int left = (int)RTM_PAYLOAD(h);
	struct in_addr gw = { 0 };
	for (const struct rtattr *a = RTM_RTA(rt); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == 4)
			memcpy(&gw, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_TABLE && RTA_PAYLOAD(a) == 4)
			memcpy(&table, RTA_DATA(a), 4);
	}
	if (table != RT_TABLE_MAIN || gw.s_addr == 0 || (ntohl(gw.s_addr) & f->mask) != f->net)
		return;
	f->gw = gw;
	f->found = true;
}

static uint32_t prefix_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

static const char *ntoa(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static struct in_addr aton(const char *s)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		die("'%s' is not an IPv4 address", s); /* checked when decoded */
	return a;
}

static unsigned mask_prefix(struct in_addr m)
{
	return (unsigned)__builtin_popcount(ntohl(m.s_addr));
}

/* The range tsjail picks from: the parent's subnet, or --netmask's if that
 * is smaller. */
static unsigned pick_prefix(const struct tsj_net *net)
{
	return net->prefix > net->parent_prefix ? net->prefix : net->parent_prefix;
}

/* ---- host side ---- */

void net_prepare(const struct tsj_plan *plan, struct tsj_net *net)
{
	const struct tsj_plan_net *pn = &plan->net;
	memset(net, 0, sizeof *net);
	if (pn->parent == NULL)
		return;
	net->iface = true;
	snprintf(net->parent, sizeof net->parent, "%s", pn->parent);
	snprintf(net->name, sizeof net->name, "%s", pn->name ? pn->name : "eth0");
	int fd = nl_open();
	struct link l;
	int err = link_get(fd, pn->parent, 0, &l);
	if (err == -ENODEV)
		die("--net=%s: no such interface", pn->parent);
	if (err) {
		errno = -err;
		die_errno("--net=%s: look up the interface (RTM_GETLINK)", pn->parent);
	}
	if (l.type != ARPHRD_ETHER)
		die("--net=%s: not an Ethernet interface (a macvlan needs one)", pn->parent);
	net->parent_index = l.index;
	net->parent_mtu = l.mtu;
	net->bridge = strcmp(l.kind, "bridge") == 0;
	if (pn->veth && !net->bridge)
		die("--veth-name: %s is not a bridge, so there is no veth pair to name", pn->parent);
	if (pn->veth)
		snprintf(net->veth, sizeof net->veth, "%s", pn->veth);

	struct nlmsg m;
	char why[256];
	struct addr_find af = { .index = l.index };
	struct ifaddrmsg *ifa = nl_start(&m, RTM_GETADDR, NLM_F_DUMP, sizeof *ifa);
	ifa->ifa_family = AF_INET;
	if ((err = nl_talk(fd, &m, addr_parse, &af, why, sizeof why)) != 0) {
		errno = -err;
		die_errno("--net=%s: list addresses (RTM_GETADDR)%s", pn->parent, why);
	}
	if (af.found && af.prefix <= 32) {
		net->parent_addr = af.addr;
		net->parent_prefix = af.prefix;
	}

	if (pn->mtu) {
		if (!net->bridge && pn->mtu > net->parent_mtu)
			die("--mtu=%u: more than the MTU of %s (%u)", pn->mtu, pn->parent, net->parent_mtu);
		net->mtu = pn->mtu;
	}
	if (pn->mac) {
		unsigned b[6];
		if (sscanf(pn->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
			die("--mac=%s: not a MAC address", pn->mac); /* checked when decoded */
		for (int i = 0; i < 6; i++)
			net->mac[i] = (uint8_t)b[i];
		net->has_mac = true;
	}

	char a1[INET_ADDRSTRLEN], a2[INET_ADDRSTRLEN];
	if (pn->ip && strcmp(pn->ip, "none") == 0) {
		net->ip_mode = TSJ_IP_NONE;
		close(fd);
		return;
	}
	net->ip_mode = pn->ip ? TSJ_IP_GIVEN : TSJ_IP_AUTO;
	bool has_parent_addr = net->parent_addr.s_addr != 0;
	if (!has_parent_addr && (pn->ip == NULL || pn->netmask == NULL))
		die("--net=%s: the interface has no IPv4 address, so give --ip and --netmask "
		    "(or --ip=none)", pn->parent);
	net->prefix = pn->netmask ? mask_prefix(aton(pn->netmask)) : net->parent_prefix;
	if (pn->ip)
		net->ip = aton(pn->ip);
	/* The sandbox's subnet: around its address (or the parent's, when tsjail
	 * picks one), of --netmask's size or the parent's. */
	struct in_addr base = net->ip_mode == TSJ_IP_GIVEN ? net->ip : net->parent_addr;
	uint32_t mask = prefix_mask(net->prefix);
	uint32_t subnet = ntohl(base.s_addr) & mask;
	snprintf(a2, sizeof a2, "%s", ntoa((struct in_addr){ htonl(subnet) }, a1));
	if (net->ip_mode == TSJ_IP_GIVEN) {
		uint32_t ip = ntohl(net->ip.s_addr);
		if (has_parent_addr && ((ip ^ ntohl(net->parent_addr.s_addr)) & prefix_mask(net->parent_prefix)))
			die("--ip=%s: not in the subnet of %s (%s/%u)", pn->ip, pn->parent,
			    ntoa((struct in_addr){ htonl(ntohl(net->parent_addr.s_addr) &
							prefix_mask(net->parent_prefix)) }, a1),
			    net->parent_prefix);
		for (int i = 0; i < 2; i++) {
			unsigned p = i == 0 ? net->prefix : net->parent_prefix;
			uint32_t pm = prefix_mask(p);
			if ((i == 0 || has_parent_addr) && p < 31 && ((ip & ~pm) == 0 || (ip & ~pm) == ~pm))
				die("--ip=%s: the network or broadcast address of %s/%u", pn->ip,
				    ntoa((struct in_addr){ htonl(ip & pm) }, a1), p);
		}
		if (net->ip.s_addr == net->parent_addr.s_addr)
			die("--ip=%s: that is the address of %s itself", pn->ip, pn->parent);
	} else if (pick_prefix(net) > 30) {
		die("--net=%s: the subnet %s/%u has no room for another address: give --ip",
		    pn->parent, a2, pick_prefix(net));
	}

	if (pn->gateway) {
		net->gateway = aton(pn->gateway);
		if ((ntohl(net->gateway.s_addr) & mask) != subnet)
			die("--defaultgw=%s: not in the subnet %s/%u", pn->gateway, a2, net->prefix);
	} else {
		struct gw_find gf = { .index = l.index, .net = subnet, .mask = mask };
		struct rtmsg *rt = nl_start(&m, RTM_GETROUTE, NLM_F_DUMP, sizeof *rt);
		rt->rtm_family = AF_INET;
		if ((err = nl_talk(fd, &m, route_parse, &gf, why, sizeof why)) != 0) {
			errno = -err;
			die_errno("list routes (RTM_GETROUTE)%s", why);
		}
		if (gf.found)
			net->gateway = gf.gw;
	}
	if (net->ip_mode == TSJ_IP_GIVEN && net->gateway.s_addr == net->ip.s_addr)
		die("--ip=%s: that is the default gateway", pn->ip);
	close(fd);
	debug("parent %s: index %d, %s, mtu %u, address %s/%u; gateway %s",
	      net->parent, net->parent_index, net->bridge ? "bridge (veth pair)" : "macvlan",
	      net->parent_mtu, has_parent_addr ? ntoa(net->parent_addr, a1) : "none",
	      net->parent_prefix, net->gateway.s_addr ? ntoa(net->gateway, a2) : "none");
}

/* The settings both kinds of interface take inside: name, namespace, mtu, mac. */
static void inside_attrs(struct nlmsg *m, const struct tsj_net *net, pid_t child)
{
	nl_str(m, IFLA_IFNAME, net->name);
	nl_u32(m, IFLA_NET_NS_PID, (uint32_t)child);
	if (net->mtu)
		nl_u32(m, IFLA_MTU, net->mtu);
	if (net->has_mac)
		nl_attr(m, IFLA_ADDRESS, net->mac, 6);
}

void net_attach(struct tsj_net *net, pid_t child)
{
	if (!net->iface)
		return;
	int fd = nl_open();
	struct nlmsg m;
	char why[256];
	struct ifinfomsg *ifi = nl_start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	if (!net->bridge) {
		nl_u32(&m, IFLA_LINK, (uint32_t)net->parent_index);
		inside_attrs(&m, net, child);
		struct rtattr *li = nl_attr(&m, IFLA_LINKINFO, NULL, 0);
		nl_str(&m, IFLA_INFO_KIND, "macvlan");
		struct rtattr *data = nl_attr(&m, IFLA_INFO_DATA, NULL, 0);
		nl_u32(&m, IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE);
		nl_end(&m, data);
		nl_end(&m, li);
		int err = nl_talk(fd, &m, NULL, NULL, why, sizeof why);
		if (err) {
			errno = -err;
			die_errno("--net=%s: create macvlan %s in the sandbox (RTM_NEWLINK)%s",
				  net->parent, net->name, why);
		}
		debug("macvlan %s on %s created in the sandbox's namespace", net->name, net->parent);
		close(fd);
		return;
	}
	/* The host end: named, up, on the bridge; the peer: inside. */
	if (net->veth[0] == '\0')
		snprintf(net->veth, sizeof net->veth, "tsjv%d", (int)child);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	nl_str(&m, IFLA_IFNAME, net->veth);
	nl_u32(&m, IFLA_MASTER, (uint32_t)net->parent_index);
	if (net->mtu)
		nl_u32(&m, IFLA_MTU, net->mtu);
	struct rtattr *li = nl_attr(&m, IFLA_LINKINFO, NULL, 0);
	nl_str(&m, IFLA_INFO_KIND, "veth");
	struct rtattr *data = nl_attr(&m, IFLA_INFO_DATA, NULL, 0);
	struct rtattr *peer = nl_attr(&m, VETH_INFO_PEER, NULL, 0);
	struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
	nl_put(&m, &peer_ifi, sizeof peer_ifi);
	inside_attrs(&m, net, child);
	nl_end(&m, peer);
	nl_end(&m, data);
	nl_end(&m, li);
	int err = nl_talk(fd, &m, NULL, NULL, why, sizeof why);
	if (err) {
		errno = -err;
		die_errno("--net=%s: create veth pair %s (host) / %s (sandbox) (RTM_NEWLINK)%s",
			  net->parent, net->veth, net->name, why);
	}
	struct link l;
	if ((err = link_get(fd, net->veth, 0, &l)) != 0) {
		errno = -err;
		die_errno("look up the new veth %s (RTM_GETLINK)", net->veth);
	}
	net->veth_index = l.index;
	debug("veth pair %s on bridge %s / %s in the sandbox's namespace", net->veth, net->parent,
	      net->name);
	close(fd);
}

void net_cleanup(const struct tsj_net *net)
{
	if (!net->iface || net->veth_index == 0)
		return;
	int fd = nl_open();
	struct link l;
	/* Gone with the namespace already, or the index now names another. */
	if (link_get(fd, NULL, net->veth_index, &l) != 0 || strcmp(l.name, net->veth) != 0) {
		close(fd);
		return;
	}
	struct nlmsg m;
	char why[256];
	struct ifinfomsg *ifi = nl_start(&m, RTM_DELLINK, 0, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = net->veth_index;
	int err = nl_talk(fd, &m, NULL, NULL, why, sizeof why);
	if (err && err != -ENODEV)
		warn_msg("cannot delete veth %s (RTM_DELLINK): %s%s", net->veth, strerror(-err), why);
	else
		debug("veth %s deleted", net->veth);
	close(fd);
}

/* ---- inside: ARP ---- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void arp_send(int s, int index, const char *ifname, const uint8_t mac[6], struct in_addr target)
{
	struct ether_arp p;
	memset(&p, 0, sizeof p);
	p.arp_hrd = htons(ARPHRD_ETHER);
	p.arp_pro = htons(ETHERTYPE_IP);
	p.arp_hln = 6;
	p.arp_pln = 4;
	p.arp_op = htons(ARPOP_REQUEST);
	memcpy(p.arp_sha, mac, 6);
	/* Sender address 0.0.0.0: a probe (RFC 5227), which claims nothing. */
	memcpy(p.arp_tpa, &target, 4);
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = index,
		.sll_halen = 6,
	};
	memset(to.sll_addr, 0xff, 6);
	if (sendto(s, &p, sizeof p, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)sizeof p) {
		char a[INET_ADDRSTRLEN];
		die_errno("sendto(ARP probe for %s on %s)", ntoa(target, a), ifname);
	}
}

static void arp_read(int s, const uint8_t mac[6], const struct in_addr *cand, size_t n, bool *used)
{
	for (;;) {
		struct ether_arp p;
		struct sockaddr_ll from;
		socklen_t fl = sizeof from;
		ssize_t got = recvfrom(s, &p, sizeof p, 0, (struct sockaddr *)&from, &fl);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			return;
		if (got < 0)
			die_errno("recvfrom(ARP)");
		if (got < (ssize_t)sizeof p || from.sll_pkttype == PACKET_OUTGOING ||
		    ntohs(p.arp_hrd) != ARPHRD_ETHER || ntohs(p.arp_pro) != ETHERTYPE_IP ||
		    p.arp_hln != 6 || p.arp_pln != 4 || memcmp(p.arp_sha, mac, 6) == 0)
			continue;
		uint32_t spa, tpa;
		memcpy(&spa, p.arp_spa, 4);
		memcpy(&tpa, p.arp_tpa, 4);
		for (size_t i = 0; i < n; i++) {
			/* Someone has it, or someone else is probing for it now. */
			if (spa == cand[i].s_addr ||
			    (spa == 0 && ntohs(p.arp_op) == ARPOP_REQUEST && tpa == cand[i].s_addr))
				used[i] = true;
		}
	}
}

/* Closing a packet socket waits for an RCU grace period (about 8 ms here).
 * So the child hands its socket to the host-side parent, which closes it
 * while the sandbox goes on starting (net_settle). A socket with nothing
 * to hand back to is simply closed. */
static void hand_back(int handback, int s)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };
	/* Until then it takes nothing in. */
	(void)setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	char byte = 's';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof ctl.buf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &s, sizeof s);
	if (handback < 0 || sendmsg(handback, &msg, MSG_NOSIGNAL) != 1)
		debug("ARP socket closed here");
	close(s);
}

void net_settle(int sock)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof ctl.buf };
	ssize_t n;
	while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return; /* the child is past its network setup, or gone */
	int fds[4], nfds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (nfds < 4)
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	/* Ours must be the last reference, or the child's close would wait:
	 * the child closes its end after its own copy. */
	while ((n = read(sock, &byte, 1)) > 0 || (n < 0 && errno == EINTR))
		;
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
}

static int arp_socket(int index, const char *ifname)
{
	/* Protocol 0 here and ETH_P_ARP in bind: a socket made with a protocol
	 * is hooked on every interface at once, and rebinding it waits for an
	 * RCU grace period (about 9 ms here). */
	int s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		die_errno("socket(AF_PACKET, SOCK_DGRAM)");
	struct sockaddr_ll me = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = index,
	};
	if (bind(s, (struct sockaddr *)&me, sizeof me) != 0)
		die_errno("bind(ARP socket to %s)", ifname);
	return s;
}

/* Probes cand[0..n) from the interface through s; sets used[i] for each
 * address some other host answered for (or probed for) within the window. */
static void arp_probe(int s, int index, const char *ifname, const uint8_t mac[6],
		      const struct in_addr *cand, size_t n, bool *used)
{
	memset(used, 0, n * sizeof *used);
	const size_t nsends = sizeof arp_sends_ms / sizeof arp_sends_ms[0];
	size_t next = 0;
	long start = now_ms();
	for (;;) {
		long t = now_ms() - start;
		for (; next < nsends && arp_sends_ms[next] <= t; next++)
			for (size_t i = 0; i < n; i++)
				if (!used[i])
					arp_send(s, index, ifname, mac, cand[i]);
		if (t >= ARP_WINDOW_MS)
			break;
		long until = next < nsends ? arp_sends_ms[next] : ARP_WINDOW_MS;
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		if (poll(&pfd, 1, (int)(until - t)) < 0 && errno != EINTR)
			die_errno("poll(ARP socket)");
		arp_read(s, mac, cand, n, used);
		bool all = true;
		for (size_t i = 0; i < n; i++)
			all = all && used[i];
		if (all)
			break;
	}
	/* Whatever came in while this process was not running counts too. */
	arp_read(s, mac, cand, n, used);
}

static uint32_t random_u32(void)
{
	uint32_t v;
	if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
		die_errno("getrandom");
	return v;
}

/* A free address of the subnet, tried in random order, ARP_BATCH at a time. */
static struct in_addr pick_address(const struct tsj_net *net, int s, int index, const uint8_t mac[6])
{
	unsigned prefix = pick_prefix(net);
	uint32_t mask = prefix_mask(prefix);
	uint32_t subnet = ntohl(net->parent_addr.s_addr) & mask;
	uint32_t hosts = ~mask - 1; /* without the network and broadcast addresses */
	uint32_t tried[ARP_MAX_TRIES];
	size_t ntried = 0;
	uint32_t avoid[2] = { ntohl(net->parent_addr.s_addr), ntohl(net->gateway.s_addr) };
	uint32_t limit = hosts < ARP_MAX_TRIES ? hosts : ARP_MAX_TRIES;
	char a[INET_ADDRSTRLEN];

	while (ntried < limit) {
		struct in_addr cand[ARP_BATCH];
		bool used[ARP_BATCH];
		size_t n = 0;
		/* Draw distinct addresses; give up drawing after a few misses so a
		 * nearly full small subnet still ends. */
		for (int miss = 0; n < ARP_BATCH && ntried < limit && miss < 1000;) {
			uint32_t h = subnet + 1 + random_u32() % hosts;
			bool seen = h == avoid[0] || h == avoid[1];
			for (size_t i = 0; i < ntried && !seen; i++)
				seen = tried[i] == h;
			if (seen) {
				miss++;
				continue;
			}
			tried[ntried++] = h;
			cand[n++].s_addr = htonl(h);
		}
		if (n == 0)
			break;
		arp_probe(s, index, net->name, mac, cand, n, used);
		for (size_t i = 0; i < n; i++) {
			if (!used[i])
				return cand[i];
			debug("%s is in use", ntoa(cand[i], a));
		}
	}
	die("--net=%s: found no free address in %s/%u after probing %zu: give --ip", net->parent,
	    ntoa((struct in_addr){ htonl(subnet) }, a), prefix, ntried);
}

/* ---- inside: address, route, table ---- */

static void addr_add(int fd, int index, const char *ifname, struct in_addr ip, unsigned prefix)
{
	struct nlmsg m;
	char why[256], a[INET_ADDRSTRLEN];
	struct ifaddrmsg *ifa = nl_start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)index;
	nl_attr(&m, IFA_LOCAL, &ip, 4);
	nl_attr(&m, IFA_ADDRESS, &ip, 4);
	if (prefix < 31) {
		struct in_addr brd = { htonl(ntohl(ip.s_addr) | ~prefix_mask(prefix)) };
		nl_attr(&m, IFA_BROADCAST, &brd, 4);
	}
	int err = nl_talk(fd, &m, NULL, NULL, why, sizeof why);
	if (err) {
		errno = -err;
		die_errno("add address %s/%u to %s (RTM_NEWADDR)%s", ntoa(ip, a), prefix, ifname, why);
	}
}

static void route_add_default(int fd, int index, const char *ifname, struct in_addr gw)
{
	struct nlmsg m;
	char why[256], a[INET_ADDRSTRLEN];
	struct rtmsg *rt = nl_start(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
	rt->rtm_family = AF_INET;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	nl_attr(&m, RTA_GATEWAY, &gw, 4);
	nl_u32(&m, RTA_OIF, (uint32_t)index);
	int err = nl_talk(fd, &m, NULL, NULL, why, sizeof why);
	if (err) {
		errno = -err;
		die_errno("add default route via %s on %s (RTM_NEWROUTE)%s", ntoa(gw, a), ifname, why);
	}
}

/* ICMP echo ("ping") sockets for the sandbox's user, in its own namespace
 * only; the kernel's default there allows nobody. */
static void allow_ping(const struct tsj_creds *cr)
{
	char v[64];
	int n = snprintf(v, sizeof v, "%u %u\n", (unsigned)cr->gid, (unsigned)cr->gid);
	int fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, v, (size_t)n) != n)
		debug("ping_group_range not set: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void print_table(const struct tsj_net *net, const struct link *l, struct in_addr ip)
{
	char out[1024], mac[18] = "", a[INET_ADDRSTRLEN] = "", m[INET_ADDRSTRLEN] = "";
	if (l->has_mac)
		snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", l->mac[0], l->mac[1],
			 l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	if (ip.s_addr) {
		ntoa(ip, a);
		ntoa((struct in_addr){ htonl(prefix_mask(net->prefix)) }, m);
	}
	int n = snprintf(out, sizeof out,
			 "\n%-16s %-18s %-16s %-16s %s\n"
			 "%-16s %-18s %-16s %-16s %s\n"
			 "%-16s %-18s %-16s %-16s %s\n",
			 "Interface", "MAC", "IP", "Mask", "Status",
			 "lo", "", "127.0.0.1", "255.0.0.0", "UP",
			 net->name, mac, a, m, (l->flags & IFF_UP) ? "UP" : "DOWN");
	if (n > 0 && (size_t)n < sizeof out && ip.s_addr && net->gateway.s_addr) {
		char g[INET_ADDRSTRLEN];
		n += snprintf(out + n, sizeof out - (size_t)n, "Default gateway %s\n", ntoa(net->gateway, g));
	}
	if (n > 0 && (size_t)n < sizeof out - 1) {
		out[n++] = '\n';
		ssize_t w = write(STDERR_FILENO, out, (size_t)n);
		(void)w;
	}
}

void net_inside(const struct tsj_plan *plan, const struct tsj_net *net, const struct tsj_creds *cr,
		int handback)
{
	if (!(plan->namespaces & TSJ_NS_NET))
		return;
	int fd = nl_open();
	int lo = (int)if_nametoindex("lo");
	link_up(fd, lo > 0 ? lo : 1, "lo");
	allow_ping(cr);
	debug("network namespace: lo up");
	if (!net->iface) {
		close(fd);
		return;
	}
	struct link l;
	int err = link_get(fd, net->name, 0, &l);
	if (err) {
		errno = -err;
		die_errno("find %s in the sandbox (RTM_GETLINK)", net->name);
	}
	link_up(fd, l.index, net->name);
	struct in_addr ip = { 0 };
	char a[INET_ADDRSTRLEN];
	if (net->ip_mode == TSJ_IP_GIVEN) {
		bool used;
		int s = arp_socket(l.index, net->name);
		arp_probe(s, l.index, net->name, l.mac, &net->ip, 1, &used);
		if (used)
			die("--ip=%s: the address is in use on %s (another host answered ARP)",
			    ntoa(net->ip, a), net->parent);
		hand_back(handback, s);
		ip = net->ip;
	} else if (net->ip_mode == TSJ_IP_AUTO) {
		int s = arp_socket(l.index, net->name);
		ip = pick_address(net, s, l.index, l.mac);
		hand_back(handback, s);
	}
	if (ip.s_addr) {
		addr_add(fd, l.index, net->name, ip, net->prefix);
		if (net->gateway.s_addr)
			route_add_default(fd, l.index, net->name, net->gateway);
		debug("%s: %s/%u", net->name, ntoa(ip, a), net->prefix);
	}
	if ((err = link_get(fd, NULL, l.index, &l)) != 0) {
		errno = -err;
		die_errno("look up %s (RTM_GETLINK)", net->name);
	}
	close(fd);
	if (!tsj_quiet)
		print_table(net, &l, ip);
}

void net_leave(const struct tsj_net *net)
{
	if (!net->iface)
		return;
	int fd = nl_open();
	struct nlmsg m;
	char why[256];
	unsigned index = if_nametoindex(net->name);
	struct ifaddrmsg *ifa = nl_start(&m, RTM_DELADDR, 0, sizeof *ifa);
	ifa->ifa_family = AF_INET;
	ifa->ifa_index = index;
	int err = nl_talk(fd, &m, NULL, NULL, why, sizeof why);
	if (err && err != -ENODEV && err != -EADDRNOTAVAIL)
		debug("cannot remove the address of %s: %s%s", net->name, strerror(-err), why);
	close(fd);
}

/* ---- inside: resolv.conf and hosts ---- */

static void write_all(int fd, const char *data, size_t len, const char *what)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die_errno("write %s", what);
		data += n;
		len -= (size_t)n;
	}
}

/* Puts a file holding data over target, in this mount namespace only. The
 * file lives on a small tmpfs made for it; the tmpfs is attached over /etc
 * just long enough to clone a bind mount of the file from it (the kernel
 * clones only from attached mounts before 6.15), then detached again. */
static void bind_file(const char *target, const char *name, const char *data, size_t len,
		      const char *opt)
{
	int tgt = open(target, O_PATH | O_CLOEXEC);
	if (tgt < 0)
		die_errno("%s: open %s in the sandbox", opt, target);
	struct stat st;
	if (fstat(tgt, &st) != 0)
		die_errno("%s: fstat %s", opt, target);
	if (!S_ISREG(st.st_mode))
		die("%s: %s in the sandbox is not a regular file", opt, target);

	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		die_errno("%s: fsopen(tmpfs)", opt);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "128k", 0) != 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) != 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
		die_errno("%s: fsconfig(tmpfs)", opt);
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		die_errno("%s: fsmount(tmpfs)", opt);
	close(fs);
	int f = openat(mnt, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (f < 0)
		die_errno("%s: create %s on the scratch tmpfs", opt, name);
	write_all(f, data, len, name);
	if (close(f) != 0)
		die_errno("%s: close %s", opt, name);

	if (move_mount(mnt, "", AT_FDCWD, "/etc", MOVE_MOUNT_F_EMPTY_PATH) != 0)
		die_errno("%s: move_mount(tmpfs, /etc)", opt);
	char path[64];
	snprintf(path, sizeof path, "/etc/%s", name);
	int tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	int tree_err = errno;
	if (umount2("/etc", MNT_DETACH) != 0)
		die_errno("%s: umount2(/etc, MNT_DETACH)", opt);
	close(mnt);
	if (tree < 0) {
		errno = tree_err;
		die_errno("%s: open_tree(%s, OPEN_TREE_CLONE)", opt, path);
	}
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0)
		die_errno("%s: mount_setattr(%s, read-only)", opt, name);
	if (move_mount(tree, "", tgt, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
		die_errno("%s: move_mount(%s over %s)", opt, name, target);
	close(tree);
	close(tgt);
	debug("%s: the sandbox has its own %s", opt, target);
}

void net_files(const struct tsj_plan *plan)
{
	const struct tsj_plan_net *pn = &plan->net;
	if (pn->ndns > 0) {
		char text[64 + TSJ_MAX_DNS * (sizeof "nameserver \n" + INET6_ADDRSTRLEN)];
		size_t len = (size_t)snprintf(text, sizeof text, "# written by tsjail (--dns)\n");
		for (size_t i = 0; i < pn->ndns; i++) {
			unsigned char raw[16];
			char a[INET6_ADDRSTRLEN];
			int af = strchr(pn->dns[i], ':') ? AF_INET6 : AF_INET;
			if (inet_pton(af, pn->dns[i], raw) != 1 || inet_ntop(af, raw, a, sizeof a) == NULL)
				die("--dns=%s: not an IP address", pn->dns[i]); /* checked when decoded */
			len += (size_t)snprintf(text + len, sizeof text - len, "nameserver %s\n", a);
		}
		bind_file("/etc/resolv.conf", "resolv.conf", text, len, "--dns");
	}
	if (pn->hosts != NULL)
		bind_file("/etc/hosts", "hosts", pn->hosts, strlen(pn->hosts), "--hosts-file");
}
