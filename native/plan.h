/* plan.h - the SandboxPlan as the helper sees it, and its reader. The wire
 * format is documented in PLAN.md and defined in plan.def (wire.h).
 *
 * plan.c frames the plan: the header, each record's tag, count and value
 * type against its row of plan.def. Each concern's module reads its own
 * records through the descriptor it offers (struct tsj_records: decode,
 * check, dump, free), named in plan.def's TSJ_CONCERNS. All of that is pure
 * (no syscalls), so the fuzzer (fuzz/) runs exactly what the helper runs. */
#ifndef TSJ_PLAN_H
#define TSJ_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wire.h"

/* The counts the plan's arrays are sized by. */
#define TSJ_MAX_ARGV TSJ_MAXN_ARGV
#define TSJ_MAX_ENV TSJ_MAXN_ENV
#define TSJ_MAX_SOURCES TSJ_MAXN_SOURCE
#define TSJ_MAX_MOUNTS TSJ_MAXN_MOUNT
#define TSJ_MAX_DNS TSJ_MAXN_NET_DNS
#define TSJ_MAX_CGROUP_FILES TSJ_MAXN_CGROUP_FILE
#define TSJ_MAX_SECCOMP_SYSCALLS TSJ_MAXN_SECCOMP_SYSCALL
#define TSJ_MAX_SECCOMP_RULES TSJ_MAXN_SECCOMP_RULE
#define TSJ_MAX_HOSTNAME TSJ_LEN_HOSTNAME
#define TSJ_MAX_ARG_LEN TSJ_LEN_ARGV

/* ---- the plan ---- */

/* Filesystem operations, applied in plan order inside the new mount
 * namespace (PLAN.md, "Mount operations"; mount.c). */
struct tsj_mount {
	enum tsj_mount_kind kind;
	uint32_t flags;
	uint32_t mode;    /* tmpfs: permission bits */
	char **paths;     /* npaths entries; meaning by kind (PLAN.md) */
	size_t npaths;
};

/* A new root (PLAN.md, "Root"; root.c): a chroot directory, or an overlay
 * whose lowest layer is that directory. */
struct tsj_root {
	uint32_t flags;
	char *base;             /* the chroot directory, lowest layer */
	char *upper, *work;     /* overlay without a tmpfs upper */
	char **lowers;          /* more read-only layers, top first */
	size_t nlowers;
};

/* Cgroups and resource limits (tags 0x40-0x4f; rlimit.c, cgroup.c). */
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

/* tracelog: a call the filter notifies (TRACE_CALL; tracelog.c). */
struct tsj_trace_call {
	uint32_t arch;       /* AUDIT_ARCH_* as seccomp_data has it */
	uint32_t nr;
	uint8_t path_arg;    /* 0-5 */
	uint8_t dirfd_arg;   /* 0-5, or TSJ_TRACE_NO_DIRFD */
	char *name;
};
#define TSJ_TRACE_NO_DIRFD 255

/* Seccomp and privileges (tags 0x20-0x2f; seccomp.c). The BPF program, the
 * notify flag, the PRIVS bits, the AppArmor profile and the tracelog records
 * are acted on; the rest describes the filter. */
struct tsj_seccomp {
	uint8_t *bpf;        /* NULL: no filter */
	size_t len;          /* bytes, 8 per instruction */
	uint32_t flags;
	char *action;
	char **syscalls;
	size_t nsyscalls;
	char **rules;
	size_t nrules;
	char *apparmor;      /* APPARMOR; NULL: none (apparmor.c) */
	char **trace_paths;  /* TRACE_PATH (tracelog.c) */
	size_t ntrace_paths;
	struct tsj_trace_call *trace_calls;
	size_t ntrace_calls;
};

struct tsj_source {
	uint64_t mtime_ns;
	char *path;
};

/* The network records (tags 0x30-0x3f; net.c); all NULL/0 when absent.
 * Addresses stay text (checked with inet_pton, IPv4 ones in canonical
 * form) and are converted where used. */
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
	char *netfilter;     /* "default" or a file (netfilter.c); NULL: none */
};

/* D-Bus (tags 0x60-0x6f; dbus.c): per bus, what the sandbox gets. */
enum tsj_dbus_bus { TSJ_DBUS_SESSION, TSJ_DBUS_SYSTEM, TSJ_DBUS_NBUS };
enum tsj_dbus_policy { TSJ_DBUS_KEEP, TSJ_DBUS_NONE, TSJ_DBUS_FILTER };
/* The filter's rules, in xdg-dbus-proxy's words (--see=, --talk=, ...). */
enum tsj_dbus_rule { TSJ_DBUS_SEE, TSJ_DBUS_TALK, TSJ_DBUS_OWN, TSJ_DBUS_CALL, TSJ_DBUS_BROADCAST, TSJ_DBUS_NRULE };

struct tsj_plan_dbus {
	enum tsj_dbus_policy policy; /* KEEP: the bus as it is */
	char *address;               /* FILTER: the bus the proxy connects to */
	char **sockets;              /* where the sandbox finds the bus */
	size_t nsockets;
	char **rules[TSJ_DBUS_NRULE];
	size_t nrules[TSJ_DBUS_NRULE];
};

struct tsj_plan {
	/* core.c */
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
	/* mount.c */
	struct tsj_mount *mounts;
	size_t nmounts;
	/* root.c */
	struct tsj_root *root;  /* NULL: stay in the host's root */
	/* rlimit.c */
	struct tsj_resources res;
	/* seccomp.c */
	struct tsj_seccomp seccomp;
	uint32_t privs;
	/* net.c */
	struct tsj_plan_net net;
	/* dbus.c */
	struct tsj_plan_dbus dbus[TSJ_DBUS_NBUS];
};

/* Decodes and validates buf[0..len). On success fills *plan and returns 0.
 * On failure returns -1 and writes a one-line reason (no trailing newline)
 * into err; *plan is left empty (all zero). last_cap is the kernel's last
 * capability. */
int tsj_plan_decode(const uint8_t *buf, size_t len, unsigned last_cap,
		    struct tsj_plan *plan, char *err, size_t errlen);

void tsj_plan_free(struct tsj_plan *plan);

/* Prints the plan as JSON (the --dump-plan format). Returns 0, or -1 on a
 * write error. */
int tsj_plan_dump(const struct tsj_plan *plan, FILE *out);

/* 1 if NAME (of length n) is a loader variable that never reaches the
 * program (core.c). */
int tsj_env_name_denied(const char *name, size_t n);

/* 1 if s is a name the kernel takes for a network interface (net.c). */
int tsj_ifname_ok(const char *s);

/* ---- what the concerns' records descriptors share (plan.c) ---- */

struct tsj_reader {
	char *err;
	size_t errlen;
	unsigned last_cap;
	uint16_t count[TSJ_TAG_LIMIT]; /* records read so far, by tag */
};

/* One record's value, counted and checked against its row of plan.def. */
struct tsj_value {
	unsigned tag;
	const uint8_t *p;  /* the bytes, n of them */
	size_t n;
	uint32_t u32;      /* U32 */
	uint64_t u64;      /* U64 */
	char *s;           /* STR, STR0, PATH: a copy; tsj_take() keeps it */
};

struct tsj_records {
	/* Fills pl from one of the concern's records. 0, or tsj_fail(). */
	int (*decode)(struct tsj_reader *r, struct tsj_plan *pl, struct tsj_value *v);
	/* After the last record: what only makes sense together (NULL: none). */
	int (*check)(struct tsj_reader *r, const struct tsj_plan *pl);
	/* The concern's part of --dump-plan: ,"key":value pairs. */
	void (*dump)(const struct tsj_plan *pl, FILE *out);
	/* Frees what decode allocated, also in a plan decoded halfway. */
	void (*free)(struct tsj_plan *pl);
};

#define TSJ_RECORDS_DECLARE_(name, ...) extern const struct tsj_records tsj_records_##name;
TSJ_CONCERNS(TSJ_RECORDS_DECLARE_)
#undef TSJ_RECORDS_DECLARE_

/* Writes "plan: ..." into r's err, on one line; returns -1. */
int tsj_fail(struct tsj_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The record's name in plan.def ("unknown" for none). */
const char *tsj_tag_name(unsigned tag);
/* Records of tag read so far (the one being decoded included). */
static inline unsigned tsj_seen(const struct tsj_reader *r, unsigned tag)
{
	return tag < TSJ_TAG_LIMIT ? r->count[tag] : 0;
}

/* Takes v's string: the caller owns it now. */
static inline char *tsj_take(struct tsj_value *v)
{
	char *s = v->s;
	v->s = NULL;
	return s;
}

/* Appends v's string to a NULL-terminated vector sized by the record's
 * count in plan.def. */
int tsj_push(struct tsj_reader *r, char ***vec, size_t *count, struct tsj_value *v);

/* For the strings inside structured records (MOUNT, ROOT, SOURCE): a copy
 * of p[0..n) refusing NUL bytes and, unless allow_empty, "" (named after
 * tag in messages); and the same for a normalised absolute path. NULL
 * after tsj_fail(). */
char *tsj_take_str(struct tsj_reader *r, unsigned tag, const uint8_t *p, size_t n, size_t max,
		   bool allow_empty);
char *tsj_take_path(struct tsj_reader *r, unsigned tag, const uint8_t *p, size_t n);

static inline uint16_t tsj_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t tsj_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline uint64_t tsj_le64(const uint8_t *p)
{
	return (uint64_t)tsj_le32(p) | ((uint64_t)tsj_le32(p + 4) << 32);
}

/* JSON for --dump-plan. */
void tsj_json_str(FILE *out, const char *s);
/* ,"key":["a",...] */
void tsj_json_list(FILE *out, const char *key, char *const *v, size_t n);
/* ,"key":"v" or ,"key":null */
void tsj_json_opt(FILE *out, const char *key, const char *v);
/* ,"key":true/false for each of the n bits, in order */
void tsj_json_bits(FILE *out, const struct tsj_bit *bits, size_t n, uint32_t value);

#endif
