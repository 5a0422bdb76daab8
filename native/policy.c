/* policy.c - the ordered list of checks of what the caller asks for
 * (policy_check), and /etc/tsjail/tsjail.conf: what a non-root caller may
 * ask of the setuid helper beyond what any user can do. The format is
 * tsjail.conf(5):
 *
 *   # comment
 *   net-allow = br0, eth1     interfaces usable with --net=IFACE
 *   user-chroot = own         --chroot and overlays for users: no, own, yes
 *   cgroup-parent = /tsjail   where transient cgroups are made
 *   netfilter = yes           --netfilter for users: yes, default, no
 *   user-nogroups = yes       nogroups for users: yes, no
 *
 * Every key grants something, so an unknown key is ignored (with a warning)
 * and a file that cannot be trusted or read grants nothing. */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apparmor.h"
#include "log.h"
#include "netfilter.h"
#include "path.h"
#include "resources.h"
#include "sandbox.h"
#include "seccomp.h"
#include "dbus.h"

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int parse_net_allow(const char *path, unsigned line, char *value, struct tsj_policy *pol,
			   char *err, size_t errlen)
{
	char *save = NULL;
	for (char *t = strtok_r(value, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		if (!tsj_ifname_ok(t))
			return err_msg(err, errlen, "%s:%u: '%s' is not an interface name", path, line, t);
		if (pol->n_net_allow >= TSJ_POLICY_MAX_IFACES)
			return err_msg(err, errlen, "%s:%u: more than %u interfaces in net-allow", path,
				    line, TSJ_POLICY_MAX_IFACES);
		if ((pol->net_allow[pol->n_net_allow] = strdup(t)) == NULL)
			return err_msg(err, errlen, "out of memory");
		pol->n_net_allow++;
	}
	return 0;
}

static bool known(const char *key)
{
	static const char *const keys[] = {
		"user-chroot", "cgroup-parent", "cgroup-parent-cpu", "cgroup-parent-cpuacct",
		"cgroup-parent-memory", "cgroup-parent-pids", "cgroup-parent-unified", "netfilter",
		"user-nogroups", NULL,
	};
	for (const char *const *k = keys; *k; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

static int parse(const char *path, char *text, struct tsj_policy *pol, char *err, size_t errlen)
{
	unsigned line = 0;
	char *save = NULL;
	for (char *l = text; l; l = save) {
		line++;
		save = strchr(l, '\n');
		if (save)
			*save++ = '\0';
		char *hash = strchr(l, '#');
		if (hash)
			*hash = '\0'; /* a comment, whole-line or after the value */
		l = trim(l);
		if (*l == '\0')
			continue;
		char *eq = strchr(l, '=');
		if (eq == NULL)
			return err_msg(err, errlen, "%s:%u: expected 'key = value'", path, line);
		*eq = '\0';
		char *key = trim(l), *value = trim(eq + 1);
		if (strcmp(key, "net-allow") == 0) {
			if (parse_net_allow(path, line, value, pol, err, errlen) != 0)
				return -1;
		} else if (known(key)) {
			if (pol->nentries >= TSJ_POLICY_MAX_KEYS)
				return err_msg(err, errlen, "%s:%u: more than %u settings", path, line, TSJ_POLICY_MAX_KEYS);
			struct tsj_policy_entry *e = &pol->entries[pol->nentries];
			if ((e->key = strdup(key)) == NULL || (e->value = strdup(value)) == NULL) {
				free(e->key);
				return err_msg(err, errlen, "out of memory");
			}
			e->line = line;
			pol->nentries++;
		} else {
			warn_msg("%s:%u: unknown key '%s' ignored", path, line, key);
		}
	}
	return 0;
}

int policy_load(const char *path, struct tsj_policy *pol, char *err, size_t errlen)
{
	memset(pol, 0, sizeof *pol);
	int fd = path_open_rootowned(path, false, err, errlen);
	if (fd == -2)
		return 0;
	if (fd < 0)
		return -1;
	pol->found = true;
	char *text = malloc(TSJ_POLICY_MAX + 1);
	if (text == NULL) {
		close(fd);
		return err_msg(err, errlen, "out of memory");
	}
	size_t got = 0;
	while (got < TSJ_POLICY_MAX + 1) {
		ssize_t n = read(fd, text + got, TSJ_POLICY_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			free(text);
			return err_msg(err, errlen, "%s: read: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	int r = 0;
	if (got > TSJ_POLICY_MAX)
		r = err_msg(err, errlen, "%s: more than %u bytes", path, TSJ_POLICY_MAX);
	else if (memchr(text, '\0', got) != NULL)
		r = err_msg(err, errlen, "%s: contains a NUL byte", path);
	if (r == 0) {
		text[got] = '\0';
		r = parse(path, text, pol, err, errlen);
	}
	free(text);
	if (r != 0)
		policy_free(pol);
	return r;
}

void policy_free(struct tsj_policy *pol)
{
	for (size_t i = 0; i < pol->n_net_allow; i++)
		free(pol->net_allow[i]);
	for (size_t i = 0; i < pol->nentries; i++) {
		free(pol->entries[i].key);
		free(pol->entries[i].value);
	}
	memset(pol, 0, sizeof *pol);
}

static const struct tsj_policy_entry *setting(const char *key)
{
	static struct tsj_policy pol;
	static bool loaded;
	if (!loaded) {
		char err[512];
		if (policy_load(TSJ_CONF_PATH, &pol, err, sizeof err) != 0)
			die("the policy cannot be used: %s", err);
		loaded = true;
	}
	const struct tsj_policy_entry *e = NULL;
	for (size_t i = 0; i < pol.nentries; i++)
		if (strcmp(pol.entries[i].key, key) == 0)
			e = &pol.entries[i];
	return e;
}

const char *policy_value(const char *key, const char *def)
{
	const struct tsj_policy_entry *e = setting(key);
	return e ? e->value : def;
}

const char *policy_path(void)
{
	return TSJ_CONF_PATH;
}

int policy_line(const char *key)
{
	const struct tsj_policy_entry *e = setting(key);
	return e ? (int)e->line : 0;
}

static bool net_allowed(const struct tsj_policy *pol, const char *iface)
{
	for (size_t i = 0; i < pol->n_net_allow; i++)
		if (strcmp(pol->net_allow[i], iface) == 0)
			return true;
	return false;
}

/* --net=IFACE: root's, or an interface net-allow names (tsjail.conf). */
static void net_check(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	const char *iface = plan->net.parent;
	if (iface == NULL || cr->mode == TSJ_MODE_ROOT)
		return; /* --net=none, --dns, --hosts-file: anyone */
	if (cr->mode == TSJ_MODE_ROOTLESS)
		die("--net=%s: an interface on the host needs root, and the helper is not setuid "
		    "(rootless mode); --net=none works", iface);
	if (plan->net.veth != NULL)
		die("--veth-name: only root may name host interfaces");
	struct tsj_policy pol;
	char err[512];
	if (policy_load(TSJ_CONF_PATH, &pol, err, sizeof err) != 0)
		die("--net=%s refused: the policy cannot be used: %s", iface, err);
	bool ok = net_allowed(&pol, iface);
	policy_free(&pol);
	if (!ok)
		die("--net=%s: not allowed for uid %u by %s (net-allow)", iface, (unsigned)cr->uid,
		    TSJ_CONF_PATH);
	debug("policy %s allows --net=%s", TSJ_CONF_PATH, iface);
}

/* The one ordered list of what the caller may ask for (SECURITY.md points
 * here). Each module checks its own part; all of it runs in main, after the
 * whole plan is decoded and before anything is created: no namespace, mount,
 * interface or cgroup exists yet, and any refusal ends the helper with one
 * line. Root passes every check that is about privilege. What can only be
 * decided on the very object acted on is checked when it is opened, as the
 * caller (SECURITY.md, "Checks and the objects they act on"): the --cgroup
 * files (cgroup.c), --private=DIR (mount.c), the layers of a new root
 * (overlay.c), --read-write (mount.c), the interface --net names (net.c). */
void policy_check(const struct tsj_plan *plan, struct tsj_creds *cr)
{
	/* caps.c: only root may keep capabilities. */
	creds_check(plan, cr);
	/* caps.c: nogroups as the mode and user-nogroups in tsjail.conf allow
	 * (not a refusal: the groups stay, with a notice). Before --noroot,
	 * which drops them while it still can. */
	creds_groups_check(plan, cr);
	/* seccomp.c: --noroot gives up root here, so that every check below
	 * sees the caller as rootless (and it is refused for root). */
	privs_noroot(plan, cr);
	/* mount.c: tmpfs, bind, whitelist, mkdir and mkfile only where a user
	 * may have them. */
	mount_check(plan, cr);
	/* root.c: chroot and overlays as user-chroot in tsjail.conf allows. */
	root_check(plan, cr);
	/* here: --net=IFACE as net-allow in tsjail.conf allows; never rootless. */
	net_check(plan, cr);
	/* netfilter.c: --netfilter as netfilter in tsjail.conf allows. */
	netfilter_check(plan, cr);
	/* rlimit.c: no rlimit above the caller's hard limit, no nice value below
	 * the caller's own. */
	resources_check(plan, cr);
	/* apparmor.c: whether the kernel has AppArmor (not a refusal: without
	 * it, a notice, and the sandbox runs without the profile). */
	apparmor_check(plan);
	/* dbus.c: the D-Bus filter only through the proxy at its fixed path,
	 * which must be root's, as every directory above it. */
	dbus_check(plan, cr);
}

static void json_esc(const char *s)
{
	putchar('"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

int policy_print(const char *path)
{
	if (getuid() != 0)
		die("--check-policy is for root only");
	struct tsj_policy pol;
	char err[512];
	if (policy_load(path, &pol, err, sizeof err) != 0)
		die("%s", err);
	printf("{\"path\":");
	json_esc(path);
	printf(",\"found\":%s,\"netAllow\":[", pol.found ? "true" : "false");
	for (size_t i = 0; i < pol.n_net_allow; i++) {
		if (i)
			putchar(',');
		json_esc(pol.net_allow[i]);
	}
	printf("]}\n");
	policy_free(&pol);
	return fflush(stdout) == 0 ? 0 : 1;
}
