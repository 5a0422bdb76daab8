/* front.h - the native front end: the `tsjail` command and the target of
 * launcher links. Not setuid, never privileged: it runs as the caller, with
 * the caller's environment. It looks up a stored plan (a file the full Node
 * path wrote, src/cache/store.ts; format in PLAN.md, "Stored plans"), checks
 * that nothing the plan depended on has changed, fills in the launch's own
 * argv, environment and working directory, and starts the helper with it.
 * Anything it cannot use sends it to the Node path instead (front.c). The
 * helper checks the plan it is given exactly as it checks one from Node. */
#ifndef TSJ_FRONT_H
#define TSJ_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FC_VERSION 1
#define FC_MAX (2u * 1024u * 1024u)
#define FC_WHY 256

enum fc_tag {
	FC_UID = 0x01,
	FC_MODE = 0x02,
	FC_ARG = 0x03,
	FC_PROGRAM = 0x04,
	FC_ENV_KEY = 0x05,
	FC_CWD_KEY = 0x06,
	FC_FILE = 0x07,
	FC_FACT = 0x08,
	FC_ENV_ALLOW = 0x10,
	FC_ENV_ALLOW_PREFIX = 0x11,
	FC_ENV_DENY = 0x12,
	FC_ENV_DENY_PREFIX = 0x13,
	FC_ENV_DEFAULT = 0x14,
	FC_ENV_SET = 0x15,
	FC_ENV_REMOVE = 0x16,
	FC_ARGV_FIXED = 0x20,
	FC_ARGV_FROM = 0x21,
	FC_CWD_FROM = 0x22,
	FC_HELPER = 0x30,
	FC_PLAN = 0x31,
};

/* One record of a stored plan; value points into the file's buffer. */
struct fc_rec {
	unsigned tag;
	const uint8_t *value;
	size_t len;
};

/* A stored plan, read and framed (fcache.c); each record still to be
 * checked by its user. */
struct fc_file {
	uint8_t *buf;
	size_t nrecs;
	struct fc_rec *recs;
	char path[4096];
};

/* What this launch is: how tsjail was started and where the program's
 * words begin in argv. */
struct fc_launch {
	bool link;            /* started through a launcher link */
	const char *name;     /* link: the program's name */
	char **args;          /* command: the options before the program */
	size_t nargs;
	const char *program;  /* command: the program word, or NULL */
	char **words;         /* the launch's words from the program on (link: argv[1..]) */
	size_t nwords;
};

/* fcache.c: the cache directory, a file's name, reading and framing. */
int fc_dir(char *out, size_t size, char *why);
uint64_t fc_hash(unsigned uid, const struct fc_launch *l);
/* 0: *f holds the stored plan for l; -1: none (why says why). */
int fc_open(const char *dir, const struct fc_launch *l, struct fc_file *f, char *why);
/* 0: *f holds the stored plan in buf (a malloc()ed buffer it then owns);
 * -1: buf is no stored plan (and is freed). */
int fc_parse(struct fc_file *f, uint8_t *buf, size_t len, char *why);
void fc_free(struct fc_file *f);
/* The one record of tag (0 when absent or repeated: *value stays NULL). */
const struct fc_rec *fc_one(const struct fc_file *f, unsigned tag);
bool fc_u32(const struct fc_file *f, unsigned tag, uint32_t *out);

/* fdeps.c: 0 when the key matches l and every dependency is unchanged;
 * fc_key_check: the key alone. */
int fc_check(const struct fc_file *f, const struct fc_launch *l, char *why);
int fc_key_check(const struct fc_file *f, const struct fc_launch *l, char *why);

/* fplan.c: the plan with this launch's argv, environment and working
 * directory, handed to the helper. Returns only on failure (why). */
int fc_exec(const struct fc_file *f, const struct fc_launch *l, bool debug, char *why);

/* fplan.c: execs the helper with plan in a sealed memfd (--plan-fd) and
 * an empty environment; stored: the stored plan's file, for --debug, or
 * NULL. Returns only on failure (why). */
int fc_hand_over(const char *helper, const uint8_t *plan, size_t len, const char *stored, char *why);

/* fhost.c: the host's facts for the full path (TSJAIL_HOST). */
#define FC_HOST_FACTS 256
bool fc_has_mdwe(void);
void fc_host_facts(char *out, size_t size);

/* fback.c: runs node with nargv as a child and does the launch it hands
 * back (or exits as it exited). Returns only when it could not start it so
 * (no pipe, no fork): the caller then execs node itself. */
void fc_full_path(const char *node, char **nargv);

bool fc_streq(const struct fc_rec *r, const char *s);
void fc_why(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
