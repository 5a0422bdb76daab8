/* fproxy.c - the D-Bus proxy, started while Node plans. A plan that
 * filters a bus has the helper run xdg-dbus-proxy, which takes some two
 * milliseconds to load GLib before it listens. On the full path, Node says
 * early (fback.c, message kind 3) that its plan will filter; the front end
 * then starts the proxy at once, waiting for its arguments on a socket
 * (--args), and hands the helper that process and its two sockets
 * (--dbus-proxy=PID:ARGS:CTL). The helper gives the arguments (the socket
 * directory is its to make) or, when the process is not what it would start
 * itself, kills it and starts its own (native/dbus.c).
 *
 * The process is made as the helper makes its own: the caller (this
 * program is not privileged), in a session of its own, fds 0 and 1
 * /dev/null and 2 ours, no_new_privs, no capability in any set (and an empty
 * bounding set where this process may empty it), SIGKILL when its parent
 * ends, an empty environment, TSJ_DBUS_PROXY. If anything fails, nothing is
 * handed on, and the helper starts its own. */
#include "front.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef TSJ_DBUS_PROXY
#define TSJ_DBUS_PROXY "/usr/bin/xdg-dbus-proxy"
#endif

static pid_t proxy;
static int args_fd = -1, ctl_fd = -1;

/* In the child: down to nothing, then the proxy. Never returns. */
static _Noreturn void become_proxy(int ctl, int args, pid_t parent)
{
	sigset_t none;
	sigemptyset(&none);
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct caps[2];
	memset(caps, 0, sizeof caps);
	/* (Moved above 4 first: either may be 3 or 4.) */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int c3 = fcntl(ctl, F_DUPFD_CLOEXEC, 5), a4 = fcntl(args, F_DUPFD_CLOEXEC, 5);
	if (sigprocmask(SIG_SETMASK, &none, NULL) != 0 || setsid() < 0 || null < 0 || c3 < 0 || a4 < 0 ||
	    dup2(null, 0) != 0 || dup2(null, 1) != 1 || dup2(c3, 3) != 3 || dup2(a4, 4) != 4 ||
	    close_range(5, ~0U, 0) != 0)
		_exit(127);
	/* The bounding set: emptied where this process may (CAP_SETPCAP). */
	bool setpcap = syscall(SYS_capget, &hdr, caps) == 0 && (caps[0].effective & (1u << CAP_SETPCAP)) != 0;
	for (int c = 0; setpcap && c < 64; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL)
			break; /* past the last capability */
		_exit(127);
	}
	memset(caps, 0, sizeof caps);
	struct __user_cap_data_struct now[2];
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 ||
	    syscall(SYS_capset, &hdr, caps) != 0 || syscall(SYS_capget, &hdr, now) != 0 ||
	    now[0].effective | now[0].permitted | now[0].inheritable | now[1].effective | now[1].permitted |
		    now[1].inheritable ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
		_exit(127);
	char *argv[] = { "xdg-dbus-proxy", "--fd=3", "--args=4", NULL };
	char *envp[] = { NULL };
	execve(TSJ_DBUS_PROXY, argv, envp);
	_exit(127);
}

void fc_proxy_start(void)
{
	if (proxy != 0)
		return;
	int ctl[2], args[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) != 0)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, args) != 0) {
		close(ctl[0]);
		close(ctl[1]);
		return;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		become_proxy(ctl[1], args[1], parent);
	close(ctl[1]);
	close(args[1]);
	if (pid < 0) {
		close(ctl[0]);
		close(args[0]);
		return;
	}
	proxy = pid;
	ctl_fd = ctl[0];
	args_fd = args[0];
}

int fc_proxy_arg(char *buf, size_t size)
{
	if (proxy == 0)
		return -1;
	/* Kept across the helper's execve (the helper closes them). */
	if (fcntl(args_fd, F_SETFD, 0) != 0 || fcntl(ctl_fd, F_SETFD, 0) != 0)
		return -1;
	int n = snprintf(buf, size, "--dbus-proxy=%d:%d:%d", (int)proxy, args_fd, ctl_fd);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

void fc_proxy_abandon(void)
{
	if (proxy == 0)
		return;
	/* Killed, not left to read the end of its arguments (and say so). */
	kill(proxy, SIGKILL);
	while (waitpid(proxy, NULL, 0) < 0 && errno == EINTR)
		;
	close(args_fd);
	close(ctl_fd);
	proxy = 0;
	args_fd = ctl_fd = -1;
}
