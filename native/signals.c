/* signals.c - signal plumbing shared by the host-side parent and the init:
 * both block the forwarded signals and take them with sigwaitinfo, so no
 * asynchronous handler ever runs in the helper. */
#include "sandbox.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void noop(int sig)
{
	(void)sig;
}

void signals_forwarded(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaddset(set, forwarded[i]);
}

/* Blocks the forwarded signals and SIGCHLD and fills set with them. A handler
 * is installed as well, because the kernel drops signals sent from an
 * ancestor namespace to an init that has none. */
void signals_block(sigset_t *set)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = noop;
	sigemptyset(&sa.sa_mask);
	signals_forwarded(set);
	sigaddset(set, SIGCHLD);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(set, sig) == 1 && sigaction(sig, &sa, NULL) != 0)
			die_errno("sigaction(%d)", sig);
	if (sigprocmask(SIG_BLOCK, set, NULL) != 0)
		die_errno("sigprocmask");
}

/* Every disposition back to default and an empty mask: the caller (Node)
 * ignores SIGPIPE, and ignored signals survive execve. */
void signals_reset(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL); /* EINVAL for glibc-reserved ones */
	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
		die_errno("sigprocmask");
}

int signals_wait(const sigset_t *set, siginfo_t *info)
{
	int sig = sigwaitinfo(set, info);
	if (sig < 0 && errno != EINTR)
		die_errno("sigwaitinfo");
	return sig;
}

int status_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
