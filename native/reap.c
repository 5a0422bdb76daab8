/* reap.c - children the helper did not start: those of the process it
 * replaced. The native front end's cold path (front/fback.c) runs Node as
 * its child, takes the launch Node hands back and executes the helper at
 * once, while Node, the caller's own process, writes its stored plan and
 * ends: it does not wait the milliseconds the kernel takes to tear Node
 * down. Node is then this process's child, and nothing else would reap it
 * (an orphan's zombie stays where PID 1 does not reap). The helper notes
 * such children as it starts (/proc/self/task/PID/children), reaps them when
 * they end, and before it exits waits for them, at most two seconds. They
 * are the caller's processes: waiting for one gives nothing but its status,
 * which is thrown away. */
#include "reap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_INHERITED 8

static pid_t inherited[MAX_INHERITED];
static size_t ninherited;
/* The process that noted them: a forked or cloned copy of this list (the
 * sandbox's init, the proxy) is no one's to reap by, and in a new PID
 * namespace a number of the list could be a child of its own. */
static pid_t noted_by;

void reap_note_inherited(void)
{
	char path[64], buf[256];
	pid_t self = getpid();
	noted_by = self;
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)self, (int)self);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* no /proc, or a kernel without the file: none noted */
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf - 1)) < 0 && errno == EINTR)
		;
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *p = buf;
	while (ninherited < MAX_INHERITED) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (end == p || errno != 0 || v <= 0 || v > 0x7fffffffL)
			break;
		inherited[ninherited++] = (pid_t)v;
		p = end;
	}
}

/* One pass: reaps each noted child that has ended; true when none is left. */
static bool reap_once(void)
{
	bool left = false;
	for (size_t i = 0; i < ninherited; i++) {
		if (inherited[i] == 0)
			continue;
		pid_t r = waitpid(inherited[i], NULL, WNOHANG);
		if (r == inherited[i] || (r < 0 && errno == ECHILD))
			inherited[i] = 0; /* reaped, or gone */
		else
			left = true;
	}
	return !left;
}

void reap_inherited(bool wait)
{
	if (ninherited == 0 || getpid() != noted_by)
		return;
	const struct timespec ms = { 0, 1000 * 1000 };
	for (int i = 0; !reap_once() && wait && i < 2000; i++)
		nanosleep(&ms, NULL);
}
