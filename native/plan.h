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
	TSJ_TAG_MOUNT = 0x10,
	TSJ_TAG_SECCOMP_BPF = 0x20,
	TSJ_TAG_SECCOMP_FLAGS = 0x21,
	TSJ_TAG_SECCOMP_ACTION = 0x22,
	TSJ_TAG_SECCOMP_SYSCALL = 0x23,
	TSJ_TAG_SECCOMP_RULE = 0x24,
	TSJ_TAG_PRIVS = 0x25,
	TSJ_TAG_ROOT = 0x50,
	/* Ranges kept for the concerns still to come (PLAN.md):
	 * 0x10-0x1f filesystem, 0x20-0x2f seccomp, 0x30-0x3f network,
	 * 0x40-0x4f cgroups and resource limits, 0x50-0x5f chroot and overlay. */
	/* Cgroups and resource limits. */
	TSJ_TAG_CGROUP_FILE = 0x40,
	TSJ_TAG_CPU_QUOTA = 0x41,
	TSJ_TAG_MEMORY = 0x42,
	TSJ_TAG_PIDS_MAX = 0x43,
	TSJ_TAG_CPUS = 0x44,
	TSJ_TAG_RLIMIT = 0x45,
	TSJ_TAG_NICE = 0x46,
	TSJ_TAG_TIMEOUT = 0x47,
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

/* Filesystem operations, applied in plan order inside the new mount
 * namespace (PLAN.md, "Mount operations"). */
enum tsj_mount_kind {
	TSJ_MNT_READ_ONLY = 1,
	TSJ_MNT_READ_WRITE = 2,
	TSJ_MNT_NOEXEC = 3,
	TSJ_MNT_TMPFS = 4,
	TSJ_MNT_BLACKLIST = 5,
	TSJ_MNT_BIND = 6,
	TSJ_MNT_WHITELIST = 7,
	TSJ_MNT_MKDIR = 8,
	TSJ_MNT_MKFILE = 9,
	TSJ_MNT_DEV = 10,
	TSJ_MNT_KIND_MAX = 10,
};

enum tsj_mount_flag {
	TSJ_MF_OPTIONAL = 1u << 0,   /* a missing path is skipped */
	TSJ_MF_READ_ONLY = 1u << 1,  /* bind: read-only */
	TSJ_MF_USER_OWNED = 1u << 2, /* tmpfs: owned by the caller */
	TSJ_MF_SOUND = 1u << 3,      /* dev: /dev/snd */
	TSJ_MF_DRI = 1u << 4,        /* dev: /dev/dri */
	TSJ_MF_KEEP_CWD = 1u << 5,   /* whitelist: the working directory stays too */
	TSJ_MF_ALL = (1u << 6) - 1,
};

#define TSJ_MAX_MOUNTS 1024u
#define TSJ_MAX_MOUNT_PATHS 256u

struct tsj_mount {
	enum tsj_mount_kind kind;
	uint32_t flags;
	uint32_t mode;    /* tmpfs: permission bits */
	char **paths;     /* npaths entries; meaning by kind (PLAN.md) */
	size_t npaths;
};

/* A new root (PLAN.md, "Root"): a chroot directory, or an overlay whose
 * lowest layer is that directory. */
enum tsj_root_flag {
	TSJ_RF_OVERLAY = 1u << 0,
	TSJ_RF_TMPFS_UPPER = 1u << 1,
	TSJ_RF_ALL = (1u << 2) - 1,
};

#define TSJ_MAX_LOWERS 32u

struct tsj_root {
	uint32_t flags;
	char *base;             /* the chroot directory, lowest layer */
	char *upper, *work;     /* overlay without a tmpfs upper */
	char **lowers;          /* more read-only layers, top first */
	size_t nlowers;
};
/* Cgroups and resource limits (tags 0x40-0x4f). */
#define TSJ_CGROUP_ROOT "/sys/fs/cgroup"
#define TSJ_MAX_CGROUP_FILES 16u
#define TSJ_MAX_CPUS 1024u
#define TSJ_MAX_VALUE ((1ULL << 53) - 1) /* values stay exact in JSON */
#define TSJ_MIN_MEMORY (1024ULL * 1024)
#define TSJ_MAX_PIDS 4194304u
#define TSJ_MAX_TIMEOUT (10000u * 3600 - 1)

enum tsj_rlimit {
	TSJ_RLIM_AS, TSJ_RLIM_CPU, TSJ_RLIM_FSIZE, TSJ_RLIM_NOFILE, TSJ_RLIM_NPROC,
	TSJ_RLIM_SIGPENDING, TSJ_RLIM_COUNT,
};

struct tsj_resources {
	char *cgroup_files[TSJ_MAX_CGROUP_FILES];
	size_t ncgroup_files;
	uint32_t cpu_quota_us, cpu_period_us; /* 0: no CPU limit */
	uint64_t memory_bytes;                /* 0: no memory limit */
	uint32_t pids_max;                    /* 0: no pids limit */
	uint8_t cpus[TSJ_MAX_CPUS / 8];       /* affinity bits; ncpus 0: keep */
	size_t ncpus;
	uint64_t rlimits[TSJ_RLIM_COUNT];
	uint32_t rlimits_set;                 /* bit 1 << enum tsj_rlimit */
	int32_t nice;
	int has_nice;
	uint32_t timeout_s;                   /* 0: none */
};

/* 1 if the plan asks for a cgroup tsjail creates itself. */
int tsj_resources_transient(const struct tsj_resources *res);

/* Seccomp and privileges (PLAN.md, tags 0x20-0x2f). Only the BPF program
 * and the PRIVS bits are acted on; the rest describes the filter. */
enum tsj_seccomp_flag {
	TSJ_SF_ALLOWLIST = 1u << 0,
	TSJ_SF_BLOCK_SECONDARY = 1u << 1,
	TSJ_SF_ALL = (1u << 2) - 1,
};

enum tsj_priv {
	TSJ_PRIV_NOROOT = 1u << 0,  /* run rootless: only the caller mapped */
	TSJ_PRIV_MDWE = 1u << 1,    /* prctl(PR_SET_MDWE) before execve */
	TSJ_PRIV_ALL = (1u << 2) - 1,
};

#define TSJ_MAX_BPF_INSNS 4096u   /* BPF_MAXINSNS */
#define TSJ_MAX_SECCOMP_SYSCALLS 1024u
#define TSJ_MAX_SECCOMP_RULES 64u

struct tsj_seccomp {
	uint8_t *bpf;        /* NULL: no filter */
	size_t len;          /* bytes, 8 per instruction */
	uint32_t flags;
	char *action;
	char **syscalls;
	size_t nsyscalls;
	char **rules;
	size_t nrules;
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
	struct tsj_mount *mounts;
	size_t nmounts;
	struct tsj_root *root;  /* NULL: stay in the host's root */
	struct tsj_resources res;
	struct tsj_seccomp seccomp;
	uint32_t privs;
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
