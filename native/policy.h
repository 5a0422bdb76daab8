/* policy.h - the site's policy for non-root callers: /etc/tsjail/tsjail.conf
 * (tsjail.conf(5)). */
#ifndef TSJ_POLICY_H
#define TSJ_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "creds.h"
#include "plan.h"

/* The policy file; a build may name another (TSJ_CONF_PATH, or TSJ_CONF). */
#ifndef TSJ_CONF_PATH
#ifdef TSJ_CONF
#define TSJ_CONF_PATH TSJ_CONF
#else
#define TSJ_CONF_PATH "/etc/tsjail/tsjail.conf"
#endif
#endif
#ifndef TSJ_CONF
#define TSJ_CONF TSJ_CONF_PATH
#endif

#define TSJ_POLICY_MAX (64u * 1024u)
#define TSJ_POLICY_MAX_IFACES 256u
#define TSJ_POLICY_MAX_KEYS 32u

struct tsj_policy_entry {
	char *key, *value;
	unsigned line;
};

struct tsj_policy {
	bool found;                /* the file exists */
	char *net_allow[TSJ_POLICY_MAX_IFACES];
	size_t n_net_allow;
	struct tsj_policy_entry entries[TSJ_POLICY_MAX_KEYS]; /* the other keys */
	size_t nentries;
};

/* Reads the policy at path (absolute). Every directory on the way must be
 * owned by root and writable by nobody else (unless sticky), the file too,
 * and no component may be a symbolic link. A missing file is an empty
 * policy. Returns 0, or -1 with a one-line reason in err. */
int policy_load(const char *path, struct tsj_policy *pol, char *err, size_t errlen);
void policy_free(struct tsj_policy *pol);

/* Every check of what the caller may ask for, in one ordered list (each
 * module's own check, policy.c): dies with a clear message unless the
 * caller may have what the plan asks for. Run once, after the plan is
 * decoded and before anything is created. With --noroot it also gives up
 * root (cr becomes rootless). The policy file is read only when needed. */
void policy_check(const struct tsj_plan *plan, struct tsj_creds *cr);

/* The value of key in TSJ_CONF_PATH (read once), or def when the file or
 * the key is absent; the last setting wins. Dies when the file cannot be
 * trusted or read. */
const char *policy_value(const char *key, const char *def);
/* The line key was last set on, or 0: for messages that name file:line. */
int policy_line(const char *key);

/* Opens path (absolute) for reading, component by component from /, never
 * following a symbolic link; every directory must be root's and writable by
 * no one else unless sticky, the file root's, not writable by others, and
 * regular. Returns the fd, -2 if something on the way is missing, or -1
 * with a one-line reason in err. */
int policy_open_trusted(const char *path, char *err, size_t errlen);

/* tsjail-helper --check-policy=PATH, for a real uid 0 only: prints the
 * policy as JSON, or why it is refused. Returns the exit status. */
int policy_print(const char *path);

#endif
