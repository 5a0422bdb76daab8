/* ns.c - clone() into the new namespaces; the host-side parent's role. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dbus.h"
#include "reap.h"
#include "journal.h"
#include "log.h"
#include "net.h"
#include "netfilter.h"
#include "resources.h"
#include "tracelog.h"

/* The plan's namespaces (pid and mount always: the plan's reader requires
 * them), by plan.def's NAMESPACES bits and their clone flags. */
static int clone_flags(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
#define NS_CLONE_(name, bit, key, doc, note, flag) { name, flag },
	static const struct { uint32_t bit; int flag; } map[] = { TSJ_NS_BITS(NS_CLONE_) };
#undef NS_CLONE_
	int f = CLONE_NEWPID | CLONE_NEWNS;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (plan->namespaces & map[i].bit)
			f |= map[i].flag;
	if (cr->mode == TSJ_MODE_ROOTLESS)
		f |= CLONE_NEWUSER;
	return f;
}

/* fork()-like clone: the child runs on a copy of this stack. */
static pid_t raw_clone(int flags)
{
	return (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, 0UL);
}

static void write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open %s", path);
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n)
		die_errno("write %s", path);
	if (close(fd) != 0)
		die_errno("close %s", path);
}

/* Rootless: the caller's own uid and gid map to themselves, nothing else. */
static void write_id_maps(pid_t pid, const struct tsj_creds *cr)
{
	char map[64];
	write_file(pid, "setgroups", "deny");
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)cr->uid, (unsigned)cr->uid);
	write_file(pid, "uid_map", map);
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)cr->gid, (unsigned)cr->gid);
	write_file(pid, "gid_map", map);
}

/* PID 1's side: wait for the parent's go, then build the sandbox. go is a
 * socket pair's end: the child first says it has its death signal set, so a
 * parent killed at any moment either never sent go (the child reads EOF) or
 * kills the child by dying. */
static _Noreturn void child(const struct tsj_plan *plan, const struct tsj_creds *cr, int go,
			    int report, int journal, const struct tsj_net *net, struct tsj_dbus *dbus)
{
	char c = 'a';
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		die_errno("prctl(PR_SET_PDEATHSIG)");
	if (send(go, &c, 1, MSG_NOSIGNAL) != 1)
		_exit(1);
	ssize_t n;
	while ((n = read(go, &c, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		_exit(1); /* the parent failed and has said why */
	resources_child(plan);
	/* Only now: the parent had to open our /proc files to write the id maps.
	 * A setuid helper is not dumpable from its execve on anyway. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		die_errno("prctl(PR_SET_DUMPABLE)");
	net_inside(plan, net, cr, go);
	close(go);
	/* tracelog reaches the host's syslog through a socket connected now,
	 * before the mounts. */
	struct tsj_tracelog tl;
	tracelog_open(plan, &tl);
	dbus_child_open(plan, cr, dbus);
	mount_setup(plan, cr, report, journal);
	dbus_child_mount(plan, cr, dbus);
	close(report);
	if (journal >= 0)
		close(journal);
	net_files(plan);
	if (plan->hostname != NULL && sethostname(plan->hostname, strlen(plan->hostname)) != 0)
		die_errno("sethostname(%s)", plan->hostname);
	debug("sandbox ready, starting %s", plan->program);
	int status = init_run(plan, cr, &tl);
	net_leave(net);
	_exit(status);
}

static int parent_wait(pid_t pid, const sigset_t *set)
{
	/* An inherited child that ended before SIGCHLD was blocked sent none
	 * that is still pending: reaped now, later ones on their SIGCHLD. */
	reap_inherited(false);
	for (;;) {
		siginfo_t info;
		int sig = signals_wait(set, &info);
		if (sig < 0)
			continue;
		if (sig == SIGALRM) {
			resources_timeout(pid);
			continue;
		}
		if (sig == SIGCHLD) {
			reap_inherited(false);
			int st;
			pid_t r = waitpid(pid, &st, WNOHANG);
			if (r < 0)
				die_errno("waitpid");
			if (r == pid) {
				debug("sandbox init exited, status %d", status_code(st));
				return status_code(st);
			}
			continue;
		}
		/* A signal the terminal sent to the whole process group has
		 * reached the program already. */
		if (info.si_code == SI_KERNEL)
			continue;
		debug("forwarding signal %d to the sandbox", sig);
		if (kill(pid, sig) != 0 && errno != ESRCH)
			die_errno("kill(%d, %d)", (int)pid, sig);
	}
}

/* Removes what the child reported creating on the host (blacklist
 * placeholders), now that the sandbox is gone. */
static void cleanup(const struct tsj_creds *cr, int report)
{
	static char buf[64 * 1024];
	ssize_t r = records_read(report, buf, sizeof buf);
	if (r < 0)
		die_errno("read the sandbox's report");
	size_t got = (size_t)r;
	for (size_t i = 0; i < got; i += strlen(buf + i) + 1)
		mount_remove_placeholder(cr, buf + i);
	close(report);
}

int ns_run(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	sigset_t set;
	int go[2], report[2];
	struct tsj_net net;
	struct tsj_netfilter nf;
	net_prepare(plan, &net);
	netfilter_prepare(plan, cr, &nf);
	signals_block(&set);
	resources_prepare(plan, cr);
	int journal = journal_begin(plan, cr);
	struct tsj_dbus dbus;
	dbus_prepare(plan, cr, &dbus);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) != 0)
		die_errno("socketpair");
	if (pipe2(report, O_CLOEXEC) != 0)
		die_errno("pipe2");
	int flags = clone_flags(plan, cr);
	pid_t pid = raw_clone(flags);
	if (pid < 0)
		die_errno("clone(0x%x)", (unsigned)flags);
	if (pid == 0) {
		close(go[1]);
		close(report[0]);
		netfilter_close(&nf);
		child(plan, cr, go[0], report[1], journal, &net, &dbus);
	}
	close(go[0]);
	close(report[1]);
	debug("sandbox init is pid %d on the host (mode %s)", (int)pid, creds_mode_name(cr->mode));
	if (cr->mode == TSJ_MODE_ROOTLESS)
		write_id_maps(pid, cr);
	char ack;
	ssize_t got;
	while ((got = read(go[1], &ack, 1)) < 0 && errno == EINTR)
		;
	if (got != 1)
		die("the sandbox's init did not start");
	resources_place(plan, pid, &set);
	net_attach(&net, pid);
	/* The filter is in place before the sandbox sets its interfaces up. */
	netfilter_load(&nf, cr, pid);
	if (send(go[1], "g", 1, MSG_NOSIGNAL) != 1)
		die_errno("write to the sandbox");
	net_settle(go[1]);
	close(go[1]);
	int code = resources_finish(parent_wait(pid, &set));
	net_cleanup(&net);
	cleanup(cr, report[0]);
	dbus_finish(cr, &dbus);
	journal_end(journal);
	return code;
}
