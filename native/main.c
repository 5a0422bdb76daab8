/* main.c - tsjail-helper: read the whole plan, check it against the caller,
 * then create the sandbox. Installed setuid root; also runs unprivileged.
 *
 *   tsjail-helper --plan-fd=N [--dump-plan]
 *   tsjail-helper --version
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "creds.h"
#include "log.h"
#include "plan.h"
#include "policy.h"
#include "reap.h"
#include "sandbox.h"

#ifndef TSJ_VERSION
#define TSJ_VERSION "0.0.0"
#endif

/* A setuid program must not let its first open() become stdout. */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int n = open("/dev/null", O_RDWR);
		if (n != fd)
			_exit(1);
	}
}

static int parse_fd(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 1024 * 1024)
		die("--plan-fd: '%s' is not a file descriptor", s);
	return (int)v;
}

/* Reads the whole plan: at most TSJ_PLAN_MAX bytes, one more to notice an
 * oversized one. */
static uint8_t *read_plan(int fd, size_t *len)
{
	uint8_t *buf = malloc(TSJ_PLAN_MAX + 1);
	if (buf == NULL)
		die("out of memory");
	size_t got = 0;
	while (got < TSJ_PLAN_MAX + 1) {
		ssize_t n = read(fd, buf + got, TSJ_PLAN_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno("read plan from fd %d", fd);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	/* A plan on 0-2 (--plan-fd=0) leaves the slot to /dev/null: a
	 * standard fd must never become the next pipe or socket the helper
	 * opens, which a program it starts would then take as its own. */
	if (fd <= 2) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0)
			die_errno("open /dev/null");
		if (dup2(null, fd) < 0)
			die_errno("dup2 /dev/null onto fd %d", fd);
		close(null);
	} else if (close(fd) != 0) {
		die_errno("close plan fd %d", fd);
	}
	*len = got;
	return buf;
}

static void reap_at_exit(void)
{
	reap_inherited(true);
}

static _Noreturn void usage(void)
{
	die("usage: tsjail-helper --plan-fd=N [--dump-plan] | --version | --check-policy=PATH "
	    "(the helper is started by tsjail, not by hand)");
}

int main(int argc, char **argv)
{
	ensure_std_fds();
	/* The front end's Node may still be ending (reap.c): reaped here, on
	 * every way out. */
	reap_note_inherited();
	tsj_exit_hook = reap_at_exit;
	if (atexit(reap_at_exit) != 0)
		die("atexit failed");
	/* Nothing below reads the environment; drop it so nothing can. */
	if (clearenv() != 0)
		die("clearenv failed");

	int plan_fd = -1, dump = 0;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--plan-fd=", 10) == 0)
			plan_fd = parse_fd(argv[i] + 10);
		else if (strcmp(argv[i], "--dump-plan") == 0)
			dump = 1;
		else if (strcmp(argv[i], "--version") == 0 && argc == 2) {
			printf("tsjail-helper %s (plan version %d)\n", TSJ_VERSION, TSJ_PLAN_VERSION);
			return 0;
		} else if (strncmp(argv[i], "--check-policy=", 15) == 0 && argc == 2) {
			return policy_print(argv[i] + 15);
		} else
			usage();
	}
	if (plan_fd < 0)
		usage();

	struct tsj_creds cr;
	creds_init(&cr);

	size_t len;
	uint8_t *buf = read_plan(plan_fd, &len);
	struct tsj_plan plan;
	char err[256];
	if (tsj_plan_decode(buf, len, cr.last_cap, &plan, err, sizeof err) != 0)
		die("%s", err);
	free(buf);
	if (dump)
		return tsj_plan_dump(&plan, stdout) == 0 ? 0 : 1;

	tsj_debug_on = (plan.flags & TSJ_FLAG_DEBUG) != 0;
	tsj_quiet = (plan.flags & TSJ_FLAG_QUIET) != 0 && !tsj_debug_on;
	/* What the caller may ask for: the ordered list of checks in policy.c. */
	policy_check(&plan, &cr);
	debug("plan read: %zu bytes, program %s, %zu args, %zu env vars, caller uid %u (%s)",
	      len, plan.program, plan.argc, plan.envc, (unsigned)cr.uid, creds_mode_name(cr.mode));

	/* Nothing the caller left open reaches the sandbox. */
	if (close_range(3, ~0U, 0) != 0)
		die_errno("close_range");
	return ns_run(&plan, &cr);
}
