/* policy.h - the site's policy for non-root callers: /etc/tsjail/tsjail.conf
 * (tsjail.conf(5)). */
#ifndef TSJ_POLICY_H
#define TSJ_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "creds.h"
#include "plan.h"

#ifndef TSJ_CONF_PATH
#define TSJ_CONF_PATH "/etc/tsjail/tsjail.conf"
#endif

#define TSJ_POLICY_MAX (64u * 1024u)
#define TSJ_POLICY_MAX_IFACES 256u

struct tsj_policy {
	bool found;                /* the file exists */
	char *net_allow[TSJ_POLICY_MAX_IFACES];
	size_t n_net_allow;
};

/* Reads the policy at path (absolute). Every directory on the way must be
 * owned by root and writable by nobody else (unless sticky), the file too,
 * and no component may be a symbolic link. A missing file is an empty
 * policy. Returns 0, or -1 with a one-line reason in err. */
int policy_load(const char *path, struct tsj_policy *pol, char *err, size_t errlen);
void policy_free(struct tsj_policy *pol);

/* Dies with a clear message unless the caller may have what the plan asks
 * for. Root may have everything; the policy is read only when needed. */
void policy_check(const struct tsj_plan *plan, const struct tsj_creds *cr);

/* tsjail-helper --check-policy=PATH, for a real uid 0 only: prints the
 * policy as JSON, or why it is refused. Returns the exit status. */
int policy_print(const char *path);

#endif
