/* policy.h - the site's policy, /etc/tsjail/tsjail.conf (tsjail.conf(5)):
 * read once, before any namespace exists, from a file only root can write. */
#ifndef TSJ_POLICY_H
#define TSJ_POLICY_H

#ifndef TSJ_CONF
#define TSJ_CONF "/etc/tsjail/tsjail.conf"
#endif

/* The value of key, or def when the file or the key is absent. Dies on a
 * file that others than root can write, or a line it cannot read. */
const char *policy_value(const char *key, const char *def);

/* The line key was last set on, or 0: for messages that name file:line. */
int policy_line(const char *key);

#endif
