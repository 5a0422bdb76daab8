/* policy.c - /etc/tsjail/tsjail.conf: "key = value" lines, '#' comments. */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define MAX_KEYS 32
#define MAX_LINE 512

static const char *const known[] = {
	"user-chroot", "cgroup-parent", "cgroup-parent-cpu", "cgroup-parent-cpuacct",
	"cgroup-parent-memory", "cgroup-parent-pids", "cgroup-parent-unified", NULL,
};

static struct {
	char key[64];
	char value[MAX_LINE];
	int line;
} entries[MAX_KEYS];
static int nentries = -1;

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static void load(void)
{
	nentries = 0;
	int fd = open(TSJ_CONF, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return;
		die_errno("open %s", TSJ_CONF);
	}
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_errno("fstat %s", TSJ_CONF);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		die("%s must be a regular file owned by root and writable by root only", TSJ_CONF);
	FILE *f = fdopen(fd, "r");
	if (f == NULL)
		die_errno("fdopen %s", TSJ_CONF);
	char line[MAX_LINE];
	for (int n = 1; fgets(line, sizeof line, f) != NULL; n++) {
		if (strchr(line, '\n') == NULL && !feof(f))
			die("%s:%d: line too long", TSJ_CONF, n);
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *l = trim(line);
		if (*l == '\0')
			continue;
		char *eq = strchr(l, '=');
		if (eq == NULL)
			die("%s:%d: not 'key = value'", TSJ_CONF, n);
		*eq = '\0';
		char *key = trim(l), *value = trim(eq + 1);
		int ok = 0;
		for (const char *const *k = known; *k; k++)
			ok |= strcmp(*k, key) == 0;
		if (!ok)
			die("%s:%d: unknown key '%s'", TSJ_CONF, n, key);
		if (nentries >= MAX_KEYS || strlen(key) >= sizeof entries[0].key)
			die("%s:%d: too many keys", TSJ_CONF, n);
		snprintf(entries[nentries].key, sizeof entries[0].key, "%s", key);
		snprintf(entries[nentries].value, sizeof entries[0].value, "%s", value);
		entries[nentries].line = n;
		nentries++;
	}
	if (ferror(f))
		die("read error on %s", TSJ_CONF);
	fclose(f);
}

const char *policy_value(const char *key, const char *def)
{
	if (nentries < 0)
		load();
	const char *v = def;
	for (int i = 0; i < nentries; i++)
		if (strcmp(entries[i].key, key) == 0)
			v = entries[i].value; /* the last one wins */
	return v;
}

int policy_line(const char *key)
{
	if (nentries < 0)
		load();
	int line = 0;
	for (int i = 0; i < nentries; i++)
		if (strcmp(entries[i].key, key) == 0)
			line = entries[i].line;
	return line;
}
