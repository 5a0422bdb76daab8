/* init.c - PID 1 of the sandbox: start the program, forward signals to it,
 * reap every zombie, and when the program ends, end everything else. */
#include "sandbox.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "resources.h"
#include "seccomp.h"

static _Noreturn void exec_program(const struct tsj_plan *plan, const struct tsj_creds *cr)
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
	/* Last: from here the program's own filter applies. */
	seccomp_install(plan);
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

int init_run(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	sigset_t set;
	signals_block(&set);
	pid_t app = fork();
	if (app < 0)
		die_errno("fork");
	if (app == 0)
		exec_program(plan, cr);
	for (;;) {
		siginfo_t info;
		int sig = signals_wait(&set, &info);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			if (info.si_code != SI_KERNEL && kill(app, sig) != 0 && errno != ESRCH)
				die_errno("kill(%d, %d)", (int)app, sig);
			continue;
		}
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
			if (r == app) {
				end_all();
				return status_code(st);
			}
		}
		if (r < 0 && errno != ECHILD)
			die_errno("waitpid");
	}
}
