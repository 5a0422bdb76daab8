/* init.c - PID 1 of the sandbox: start the program, forward signals to it,
 * reap every zombie, answer tracelog's notifications, and when the program
 * ends, end everything else. */
#include "sandbox.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apparmor.h"
#include "log.h"
#include "resources.h"
#include "seccomp.h"
#include "tracelog.h"

static _Noreturn void exec_program(const struct tsj_plan *plan, const struct tsj_creds *cr,
				   struct tsj_tracelog *tl)
{
	signals_reset();
	resources_exec(plan, cr);
	creds_drop(plan, cr);
	/* chdir as the user, so the user's own permissions decide. A working
	 * directory the sandbox hides gives way to the home, as in firejail,
	 * then to /. */
	const char *cwd = plan->cwd ? plan->cwd : "/";
	if (chdir(cwd) != 0) {
		int err = errno;
		const char *to = cr->home != NULL && chdir(cr->home) == 0 ? cr->home : "/";
		warn_msg("cannot enter %s (%s), starting in %s", cwd, strerror(err), to);
		if (strcmp(to, "/") == 0 && chdir("/") != 0)
			die_errno("chdir(/)");
	}
	/* AppArmor's profile from the execve on, asked for as the user. */
	apparmor_exec(plan);
	/* Last: from here the program's own filter applies. With tracelog its
	 * listener goes to init before the execve, which it notifies. */
	int listener = seccomp_install(plan);
	if (listener >= 0)
		tracelog_send(tl, listener);
	execve(plan->program, plan->argv, plan->envp ? plan->envp : (char *[]){ NULL });
	int err = errno;
	if (err == ENOENT)
		die("cannot find program '%s'", plan->program);
	errno = err;
	die_errno("cannot execute '%s'", plan->program);
}

/* Kills whatever the program left behind and reaps it all. */
static void end_all(void)
{
	if (kill(-1, SIGKILL) != 0 && errno != ESRCH)
		die_errno("kill(-1, SIGKILL)");
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* The next signal; while a listener is open (tracelog), its notifications
 * are answered meanwhile. Returns the signal (its si_code in *code), or -1
 * to wait again. */
static int next_signal(const sigset_t *set, int *sfd, int *listener, const struct tsj_plan *plan,
		       struct tsj_tracelog *tl, int *code)
{
	if (*listener < 0) {
		siginfo_t info;
		int sig = signals_wait(set, &info);
		*code = info.si_code;
		return sig;
	}
	if (*sfd < 0 && (*sfd = signalfd(-1, set, SFD_CLOEXEC)) < 0)
		die_errno("signalfd");
	struct pollfd p[2] = { { *sfd, POLLIN, 0 }, { *listener, POLLIN, 0 } };
	if (poll(p, 2, -1) < 0) {
		if (errno != EINTR)
			die_errno("poll");
		return -1;
	}
	if (p[1].revents & POLLIN)
		tracelog_answer(plan, tl, *listener);
	else if (p[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* No process is under the filter any more. */
		close(*listener);
		*listener = -1;
		close(*sfd);
		*sfd = -1;
	}
	if (!(p[0].revents & POLLIN))
		return -1;
	struct signalfd_siginfo si;
	ssize_t n = read(*sfd, &si, sizeof si);
	if (n != (ssize_t)sizeof si)
		return -1;
	*code = si.ssi_code;
	return (int)si.ssi_signo;
}

int init_run(const struct tsj_plan *plan, const struct tsj_creds *cr, struct tsj_tracelog *tl)
{
	sigset_t set;
	signals_block(&set);
	pid_t app = fork();
	if (app < 0)
		die_errno("fork");
	if (app == 0)
		exec_program(plan, cr, tl);
	int listener = tracelog_receive(tl, cr), sfd = -1;
	for (;;) {
		int code = 0;
		int sig = next_signal(&set, &sfd, &listener, plan, tl, &code);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			if (code != SI_KERNEL && kill(app, sig) != 0 && errno != ESRCH)
				die_errno("kill(%d, %d)", (int)app, sig);
			continue;
		}
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
			if (r == app) {
				end_all();
				if (listener >= 0)
					close(listener);
				tracelog_done(tl, cr);
				return status_code(st);
			}
		}
		if (r < 0 && errno != ECHILD)
			die_errno("waitpid");
	}
}
