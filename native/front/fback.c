/* fback.c - the full path, when the front end finds no stored plan it can
 * use: Node (dist/start.cjs) runs as a child of the front end, with a pipe
 * (TSJAIL_HANDBACK=FD) and the host's facts (TSJAIL_HOST, fhost.c). Node
 * builds the plan, and instead of executing the helper itself (which takes
 * koffi, a native module it would load for that alone) it writes what it
 * would have executed into the pipe and closes it; then it writes its
 * stored plan file and ends itself. The front end does that exec: the
 * helper with the plan in a sealed memfd and an empty environment
 * (fc_hand_over, as for a stored plan), without waiting for Node's end
 * (the helper reaps Node, native/reap.c), or, for a launcher link run
 * inside a sandbox, the program itself, once Node has ended. Node that
 * hands back nothing (help, --print-plan, an error) has done all there
 * is: the front end exits with its status.
 *
 * What comes through the pipe is the caller's own Node's word: the front
 * end checks its framing, not its sense, and runs nothing the caller could
 * not run; the helper checks the plan as it checks any (SECURITY.md).
 *
 * The helper's plan comes back whole: Node encodes the stored plan (the
 * same plan without the launch's argv, environment and working directory,
 * and what it depended on) only after the hand-back, while the helper
 * starts. A launch from that stored plan later gives the helper the same
 * plan (test/integration/handback.test.ts).
 *
 * Message (little-endian): "TSJB", u32 kind, then
 *   kind 1 (helper):  str helper, u32 n, n bytes of plan
 *   kind 2 (program): str program, u32 argc, argc x str, u32 envc, envc x str
 * where str is u32 length and the bytes (no NUL). */
#include "front.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define HB_MAX (4u * 1024u * 1024u)
#define HB_STRINGS 65536u

enum { HB_HELPER = 1, HB_PROGRAM = 2 };

struct reader {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static uint32_t take_u32(struct reader *r)
{
	if (r->bad || r->left < 4) {
		r->bad = true;
		return 0;
	}
	uint32_t v = (uint32_t)r->p[0] | ((uint32_t)r->p[1] << 8) | ((uint32_t)r->p[2] << 16) |
		     ((uint32_t)r->p[3] << 24);
	r->p += 4;
	r->left -= 4;
	return v;
}

static const uint8_t *take(struct reader *r, size_t n)
{
	if (r->bad || r->left < n) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *v = r->p;
	r->p += n;
	r->left -= n;
	return v;
}

/* A string of the message, NUL-terminated in a copy (NULL: bad). */
static char *take_str(struct reader *r)
{
	uint32_t n = take_u32(r);
	const uint8_t *v = take(r, n);
	if (v == NULL || memchr(v, 0, n) != NULL) {
		r->bad = true;
		return NULL;
	}
	char *s = malloc((size_t)n + 1);
	if (s == NULL) {
		r->bad = true;
		return NULL;
	}
	memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

/* argc strings into a NULL-terminated vector (NULL: bad). */
static char **take_vec(struct reader *r)
{
	uint32_t n = take_u32(r);
	if (r->bad || n > HB_STRINGS || (size_t)n * 4 > r->left) {
		r->bad = true;
		return NULL;
	}
	char **v = calloc((size_t)n + 1, sizeof *v);
	if (v == NULL) {
		r->bad = true;
		return NULL;
	}
	for (uint32_t i = 0; i < n && !r->bad; i++)
		v[i] = take_str(r);
	return r->bad ? NULL : v;
}

static _Noreturn void fail(const char *what, const char *detail)
{
	fprintf(stderr, "tsjail: %s%s\n", what, detail);
	exit(1);
}

/* Node may have made the terminal's file descriptions non-blocking: the
 * program gets them as they were before (as src/launch.ts does). */
static void restore_stdio(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK) != 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
			fail("cannot make stdio blocking again: ", strerror(errno));
	}
}

/* Node, once it has handed the helper's plan back, stores the plan and
 * ends; its end alone (the kernel tearing down some 48 MB of mappings) is
 * milliseconds of CPU. The helper starts on the CPU this process is on,
 * and a task woken on a CPU where Node's end runs in the kernel may wait
 * for it to finish (a kernel without full preemption): Node's threads are
 * kept off this CPU, so that its storing and its end take another
 * (native/FRONT.md, "Two CPUs"). A hint: with one CPU allowed, or when it
 * cannot be set, nothing changes. */
static void keep_off_this_cpu(pid_t node)
{
	cpu_set_t set;
	int cpu = sched_getcpu();
	if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof set, &set) != 0 || !CPU_ISSET(cpu, &set) ||
	    CPU_COUNT(&set) < 2)
		return;
	CPU_CLR(cpu, &set);
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d/task", (int)node);
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long tid = strtol(e->d_name, &end, 10);
		/* A thread that has ended meanwhile (ESRCH) needs nothing. */
		if (e->d_name[0] != '.' && *end == '\0' && tid > 0)
			(void)sched_setaffinity((pid_t)tid, sizeof set, &set);
	}
	(void)closedir(d);
}

/* Does what Node handed back; returns only on a bad message. node: Node's
 * pid, still running for a helper's plan. */
static void hand_back(const uint8_t *msg, size_t len, pid_t node)
{
	struct reader r = { .p = msg, .left = len };
	const uint8_t *magic = take(&r, 4);
	uint32_t kind = take_u32(&r);
	if (magic == NULL || memcmp(magic, "TSJB", 4) != 0)
		return;
	char why[FC_WHY] = "";
	if (kind == HB_HELPER) {
		char *helper = take_str(&r);
		uint32_t n = take_u32(&r);
		const uint8_t *plan = take(&r, n);
		if (r.bad || r.left != 0 || helper == NULL || helper[0] != '/')
			return;
		keep_off_this_cpu(node);
		restore_stdio();
		fc_hand_over(helper, plan, n, NULL, why);
		fail(why, "");
	}
	if (kind == HB_PROGRAM) {
		char *program = take_str(&r);
		char **argv = take_vec(&r);
		char **envp = take_vec(&r);
		if (r.bad || r.left != 0 || program == NULL || argv == NULL || envp == NULL)
			return;
		restore_stdio();
		execve(program, argv, envp);
		fprintf(stderr, "tsjail: cannot execute '%s': %s\n", program, strerror(errno));
		exit(1);
	}
}

/* The child's status as this process's: the same code, or the same
 * signal. */
static _Noreturn void exit_like(int st)
{
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);
		signal(sig, SIG_DFL);
		raise(sig);
		exit(128 + sig);
	}
	exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

/* NODE_EXTRA_CA_CERTS makes Node read and parse that bundle of
 * certificates as it starts (tens of milliseconds for a system's bundle),
 * and the planner opens no TLS connection: it gets the variable under
 * another name, and puts it back into its environment (src/front-end.ts),
 * where a launcher link run inside a sandbox finds it. */
static int set_aside_ca_certs(void)
{
	const char *v = getenv("NODE_EXTRA_CA_CERTS");
	if (v == NULL)
		return unsetenv("TSJAIL_NODE_EXTRA_CA_CERTS");
	if (setenv("TSJAIL_NODE_EXTRA_CA_CERTS", v, 1) != 0)
		return -1;
	return unsetenv("NODE_EXTRA_CA_CERTS");
}

void fc_full_path(const char *node, char **nargv)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		char num[16], facts[FC_HOST_FACTS];
		fc_host_facts(facts, sizeof facts);
		snprintf(num, sizeof num, "%d", p[1]);
		/* Node goes when the front end does (it waits for nothing
		 * else); the pipe's end must reach it. */
		if (close(p[0]) != 0 || fcntl(p[1], F_SETFD, 0) != 0 || setenv("TSJAIL_HANDBACK", num, 1) != 0 ||
		    setenv("TSJAIL_HOST", facts, 1) != 0 || set_aside_ca_certs() != 0 ||
		    prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(1);
		execv(node, nargv);
		execvp("node", nargv);
		fprintf(stderr, "tsjail: cannot run node (%s, or node in PATH): %s\n", node, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	size_t len = 0, cap = 65536;
	uint8_t *msg = malloc(cap);
	bool too_big = msg == NULL;
	for (;;) {
		if (!too_big && len == cap) {
			uint8_t *m = cap < HB_MAX ? realloc(msg, cap * 2) : NULL;
			if (m == NULL) {
				too_big = true;
			} else {
				msg = m;
				cap *= 2;
			}
		}
		uint8_t sink[4096];
		ssize_t n = too_big ? read(p[0], sink, sizeof sink) : read(p[0], msg + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!too_big)
			len += (size_t)n;
	}
	close(p[0]);
	/* The message is whole once Node has closed the pipe. The helper is
	 * executed at once: Node, which writes its stored plan and ends itself
	 * (SIGKILL) meanwhile, takes milliseconds more to be torn down, and the
	 * helper reaps it (native/reap.c). A program (a launcher link's) would
	 * not: for it, Node's end is waited for first. */
	bool program = len >= 8 && !too_big && msg[4] == HB_PROGRAM && msg[5] == 0 && msg[6] == 0 && msg[7] == 0;
	if (len > 0 && !too_big && !program)
		hand_back(msg, len, pid);
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			fail("waiting for node: ", strerror(errno));
	}
	/* A whole message is the launch, however Node ended after it (it
	 * ends itself with SIGKILL: nothing of it needs to run on). Without
	 * one, Node's end is the front end's: it has said what went wrong. */
	if (program)
		hand_back(msg, len, pid);
	bool ended_well = (WIFEXITED(st) && WEXITSTATUS(st) == 0) || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	if (len == 0 || !ended_well)
		exit_like(st);
	fail("the full path handed back a malformed launch", "");
}
