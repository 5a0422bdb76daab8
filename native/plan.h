/* plan.h - the SandboxPlan as the helper sees it, and its only reader.
 * The wire format is documented in PLAN.md. */
#ifndef TSJ_PLAN_H
#define TSJ_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TSJ_PLAN_VERSION 1
#define TSJ_PLAN_MAX (1024u * 1024u)
#define TSJ_PLAN_HEADER 12u
#define TSJ_MAX_ARGV 4096u
#define TSJ_MAX_ENV 1024u
#define TSJ_MAX_SOURCES 64u
#define TSJ_MAX_ARG_LEN (128u * 1024u)
#define TSJ_MAX_PATH 4095u
#define TSJ_MAX_HOSTNAME 64u
/* Network (0x30-0x3f). */
#define TSJ_MAX_IFNAME 15u     /* IFNAMSIZ - 1 */
#define TSJ_MAX_DNS 4u
#define TSJ_MAX_HOSTS (64u * 1024u)
#define TSJ_MAX_ADDR_TEXT 45u  /* INET6_ADDRSTRLEN - 1 */
#define TSJ_MTU_MIN 68u
#define TSJ_MTU_MAX 65535u

enum tsj_tag {
	TSJ_TAG_NAMESPACES = 0x01,
	TSJ_TAG_FLAGS = 0x02,
	TSJ_TAG_HOSTNAME = 0x03,
	TSJ_TAG_PROGRAM = 0x04,
	TSJ_TAG_ARGV = 0x05,
	TSJ_TAG_ENV = 0x06,
	TSJ_TAG_CWD = 0x07,
	TSJ_TAG_CAPS_KEEP = 0x08,
	TSJ_TAG_SOURCE = 0x09,
	/* Ranges kept for the concerns still to come (PLAN.md):
	 * 0x10-0x1f filesystem, 0x20-0x2f seccomp, 0x30-0x3f network,
	 * 0x40-0x4f cgroups and resource limits, 0x50-0x5f chroot and overlay. */
	/* Network. */
	TSJ_TAG_NET_PARENT = 0x30,
	TSJ_TAG_NET_NAME = 0x31,
	TSJ_TAG_NET_VETH = 0x32,
	TSJ_TAG_NET_IP = 0x33,
	TSJ_TAG_NET_NETMASK = 0x34,
	TSJ_TAG_NET_GATEWAY = 0x35,
	TSJ_TAG_NET_MAC = 0x36,
	TSJ_TAG_NET_MTU = 0x37,
	TSJ_TAG_NET_DNS = 0x38,
	TSJ_TAG_NET_HOSTS = 0x39,
	TSJ_TAG_LIMIT = 0x100,
};

enum tsj_ns {
	TSJ_NS_PID = 1u << 0,
	TSJ_NS_MOUNT = 1u << 1,
	TSJ_NS_IPC = 1u << 2,
	TSJ_NS_UTS = 1u << 3,
	TSJ_NS_NET = 1u << 4,
	TSJ_NS_CGROUP = 1u << 5,
	TSJ_NS_ALL = (1u << 6) - 1,
};

enum tsj_flag {
	TSJ_FLAG_NO_NEW_PRIVS = 1u << 0,
	TSJ_FLAG_QUIET = 1u << 1,
	TSJ_FLAG_DEBUG = 1u << 2,
	TSJ_FLAG_ALL = (1u << 3) - 1,
};

struct tsj_source {
	uint64_t mtime_ns;
	char *path;
};

/* The network records; all NULL/0 when absent. Addresses stay text (checked
 * with inet_pton, IPv4 ones in canonical form) and are converted where used. */
struct tsj_plan_net {
	bool present;        /* any network record was given */
	char *parent;        /* host interface; NULL: none (lo only, or no net ns) */
	char *name;          /* name inside; NULL: "eth0" */
	char *veth;          /* host end of the veth for a bridge parent */
	char *ip;            /* NULL: chosen by the helper; "none": no address */
	char *netmask;
	char *gateway;
	char *mac;           /* "xx:xx:xx:xx:xx:xx", lower case */
	uint32_t mtu;        /* 0: the parent's */
	char *dns[TSJ_MAX_DNS];
	size_t ndns;
	char *hosts;         /* contents of the sandbox's /etc/hosts */
};

struct tsj_plan {
	uint32_t namespaces;
	uint32_t flags;
	char *hostname;      /* NULL: keep */
	char *program;
	char **argv;         /* argc entries + NULL */
	size_t argc;
	char **envp;         /* envc entries + NULL */
	size_t envc;
	char *cwd;           /* NULL: "/" */
	uint64_t caps_keep;
	struct tsj_source *sources;
	size_t nsources;
	struct tsj_plan_net net;
};

/* Decodes and validates buf[0..len). On success fills *plan and returns 0.
 * On failure returns -1 and writes a one-line reason (no trailing newline)
 * into err; *plan is left empty. last_cap is the kernel's last capability. */
int tsj_plan_decode(const uint8_t *buf, size_t len, unsigned last_cap,
		    struct tsj_plan *plan, char *err, size_t errlen);

void tsj_plan_free(struct tsj_plan *plan);

/* Prints the plan as JSON (the --dump-plan format). Returns 0, or -1 on a
 * write error. */
int tsj_plan_dump(const struct tsj_plan *plan, FILE *out);

/* 1 if NAME (of length n) is a loader variable that never reaches the
 * program. */
int tsj_env_name_denied(const char *name, size_t n);

/* 1 if s is a name the kernel takes for a network interface. */
int tsj_ifname_ok(const char *s);

#endif
