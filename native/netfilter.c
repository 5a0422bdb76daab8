/* netfilter.c - --netfilter: iptables-restore, run by the host-side parent
 * in the sandbox's network namespace with a filter on its stdin, before the
 * sandbox starts (so before any packet reaches it).
 *
 * Feeding input to iptables-restore running as root has a history
 * (CVE-2019-11360, a buffer overflow in its parser), so for a user of the
 * setuid helper the rules are only tsjail's own default filter or a file
 * root alone may change, and iptables-restore runs with no more than it
 * needs: uid 0 with only CAP_NET_ADMIN and CAP_NET_RAW, no_new_privs, an
 * empty environment, the host's filesystem (never the sandbox's or a
 * chroot's), and only the sandbox's network namespace. */
#include "netfilter.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "policy.h"
#include "sandbox.h"

/* tsjail's default client filter: the sandbox may connect out and gets the
 * replies (also to its pings, and the ICMP errors that go with its own
 * connections); nothing from outside may open a connection to it, except
 * over lo. IPv4 only, as firejail's. */
static const char default_filter[] =
	"# tsjail --netfilter: the default client filter\n"
	"*filter\n"
	":INPUT DROP [0:0]\n"
	":FORWARD DROP [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	"-A INPUT -i lo -j ACCEPT\n"
	"-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"
	"-A INPUT -p icmp --icmp-type echo-reply -j ACCEPT\n"
	"COMMIT\n";

/* Where iptables-restore is looked for, in order. */
static const char *const programs[] = { "/usr/sbin/iptables-restore", "/sbin/iptables-restore" };

static bool is_default(const char *name)
{
	return strcmp(name, "default") == 0;
}

void netfilter_check(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	const char *nf = plan->net.netfilter;
	if (nf == NULL || cr->mode == TSJ_MODE_ROOT)
		return;
	const char *v = policy_value("netfilter", "yes");
	if (strcmp(v, "no") == 0)
		die("--netfilter is not allowed for users here (netfilter = no in %s)", policy_path());
	if (strcmp(v, "default") == 0 && !is_default(nf))
		die("--netfilter=%s: only tsjail's default filter is allowed for users here "
		    "(netfilter = default in %s)", nf, policy_path());
	if (strcmp(v, "yes") != 0 && strcmp(v, "default") != 0)
		die("%s:%d: netfilter must be yes, default or no, not '%s'", policy_path(), policy_line("netfilter"), v);
}

/* The default filter on a pipe (it fits the pipe's buffer). */
static int default_rules(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		die_errno("pipe2");
	size_t n = sizeof default_filter - 1;
	if (write(p[1], default_filter, n) != (ssize_t)n)
		die_errno("write the default netfilter");
	close(p[1]);
	return p[0];
}

/* The rules file, opened as the caller. A user of the setuid helper may
 * only name a file root alone can change, in directories the same. */
static int file_rules(const char *file, const struct tsj_creds *cr)
{
	int fd;
	if (cr->mode == TSJ_MODE_SETUID) {
		char err[512];
		path_as_user(cr);
		fd = path_open_rootowned(file, false, err, sizeof err);
		int e = errno;
		path_as_root(cr);
		if (fd == -2)
			die("--netfilter=%s: no such file", file);
		if (fd < 0) {
			errno = e;
			die("--netfilter=%s: refused: %s (a user's filter must be root's and writable by root "
			    "alone, in directories the same)", file, err);
		}
		return fd;
	}
	/* Root may name any file; rootless, iptables-restore runs with the
	 * caller's own privilege only. No symbolic link either way (the
	 * planner gives the resolved path). */
	fd = path_openat2(AT_FDCWD, file, O_RDONLY | O_NONBLOCK | O_NOCTTY, false);
	if (fd < 0 && errno == ELOOP)
		die("--netfilter=%s: a symbolic link on the path (refused)", file);
	if (fd < 0)
		die_errno("--netfilter=%s", file);
	struct stat st;
	if (fstat(fd, &st) != 0)
		die_errno("fstat %s", file);
	if (!S_ISREG(st.st_mode))
		die("--netfilter=%s: not a regular file", file);
	return fd;
}

static int find_program(void)
{
	char err[512];
	for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
		int fd = path_open_rootowned(programs[i], true, err, sizeof err);
		if (fd >= 0) {
			debug("netfilter: %s", programs[i]);
			return fd;
		}
		if (fd == -1)
			die("--netfilter: %s refused: %s", programs[i], err);
	}
	die("--netfilter: iptables-restore is not installed (%s or %s; Debian's package iptables)",
	    programs[0], programs[1]);
}

void netfilter_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_netfilter *nf)
{
	nf->rules = nf->program = -1;
	nf->name = plan->net.netfilter;
	if (nf->name == NULL)
		return;
	nf->program = find_program();
	nf->rules = is_default(nf->name) ? default_rules() : file_rules(nf->name, cr);
}

void netfilter_close(struct tsj_netfilter *nf)
{
	if (nf->rules >= 0)
		close(nf->rules);
	if (nf->program >= 0)
		close(nf->program);
	nf->rules = nf->program = -1;
}

/* Only in the forked process, which must not run the parent's die hook:
 * a message on out and exit 127. */
static _Noreturn void fail(int out, const char *what)
{
	char msg[256];
	int n = snprintf(msg, sizeof msg, "%s: %s\n", what, strerror(errno));
	if (n > 0 && write(out, msg, (size_t)n) < 0) {
		/* nowhere else to say it */
	}
	_exit(127);
}

/* iptables-restore keeps only what loading a filter takes: CAP_NET_ADMIN,
 * and CAP_NET_RAW for the legacy backend's raw socket. Ambient too, so that
 * they survive execve for a uid other than 0 (rootless: the caller's own
 * uid in the sandbox's user namespace). */
static void keep_net_caps(int out, unsigned last_cap)
{
	const uint64_t keep = (1ULL << CAP_NET_ADMIN) | (1ULL << CAP_NET_RAW);
	for (unsigned c = 0; c <= last_cap; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
			fail(out, "prctl(PR_CAPBSET_DROP)");
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	data[0].effective = data[0].permitted = data[0].inheritable = (uint32_t)keep;
	if (syscall(SYS_capset, &hdr, data) != 0)
		fail(out, "capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0) != 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) != 0)
		fail(out, "prctl(PR_CAP_AMBIENT_RAISE)");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		fail(out, "prctl(PR_SET_NO_NEW_PRIVS)");
}

static _Noreturn void run(const struct tsj_netfilter *nf, const struct tsj_creds *cr, int userns, int netns, int out)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		fail(out, "prctl(PR_SET_PDEATHSIG)");
	if (userns >= 0 && setns(userns, CLONE_NEWUSER) != 0)
		fail(out, "setns(the sandbox's user namespace)");
	if (setns(netns, CLONE_NEWNET) != 0)
		fail(out, "setns(the sandbox's network namespace)");
	if (cr->mode == TSJ_MODE_SETUID) {
		/* Wholly root, so the caller cannot signal or trace it. */
		if (setgroups(0, NULL) != 0 || setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
			fail(out, "setresuid(0)");
	}
	keep_net_caps(out, cr->last_cap);
	/* dup2 onto itself would keep close-on-exec: move each first. */
	int rules = fcntl(nf->rules, F_DUPFD_CLOEXEC, 3), o = fcntl(out, F_DUPFD_CLOEXEC, 3);
	if (rules < 0 || o < 0)
		fail(out, "fcntl(F_DUPFD_CLOEXEC)");
	if (dup2(rules, STDIN_FILENO) < 0 || dup2(o, STDOUT_FILENO) < 0 || dup2(o, STDERR_FILENO) < 0)
		fail(out, "dup2");
	signals_reset();
	char *argv[] = { "iptables-restore", NULL };
	char *envp[] = { NULL };
	syscall(SYS_execveat, nf->program, "", argv, envp, AT_EMPTY_PATH);
	fail(STDERR_FILENO, "execveat(iptables-restore)");
}

static int open_ns(pid_t child, const char *ns)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)child, ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open %s", path);
	return fd;
}

/* What iptables-restore said, on one line: its lines joined with "; ",
 * control bytes made spaces, its usage hint left out. */
static void one_line(const char *in, char *out, size_t outlen)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *l = in; *l && n + 3 < outlen;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len > 0 && strncmp(l, "Try `", 5) != 0) {
			if (n > 0) {
				memcpy(out + n, "; ", 2);
				n += 2;
			}
			for (size_t i = 0; i < len && n + 1 < outlen; i++)
				out[n++] = ((unsigned char)l[i] < 0x20 || l[i] == 0x7f) ? ' ' : l[i];
			out[n] = '\0';
		}
		l += len + (nl != NULL);
	}
}

void netfilter_load(struct tsj_netfilter *nf, const struct tsj_creds *cr, pid_t child)
{
	if (nf->name == NULL)
		return;
	int userns = cr->mode == TSJ_MODE_ROOTLESS ? open_ns(child, "user") : -1;
	int netns = open_ns(child, "net");
	int out[2];
	if (pipe2(out, O_CLOEXEC) != 0)
		die_errno("pipe2");
	pid_t pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		close(out[0]);
		run(nf, cr, userns, netns, out[1]);
	}
	close(out[1]);
	close(netns);
	if (userns >= 0)
		close(userns);
	char msg[1024];
	size_t got = 0;
	for (;;) {
		char sink[512];
		bool room = got < sizeof msg - 1;
		ssize_t n = room ? read(out[0], msg + got, sizeof msg - 1 - got) : read(out[0], sink, sizeof sink);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (room)
			got += (size_t)n;
	}
	msg[got] = '\0';
	close(out[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid(iptables-restore)");
	netfilter_close(nf);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char why[512];
		one_line(msg, why, sizeof why);
		if (why[0] == '\0')
			snprintf(why, sizeof why, "exit status %d", status_code(st));
		die("--netfilter=%s: iptables-restore failed: %s", nf->name, why);
	}
	debug("netfilter %s loaded in the sandbox's network namespace", nf->name);
}
