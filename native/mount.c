/* mount.c - the sandbox's mount namespace. */
#include "sandbox.h"

#include <sys/mount.h>

#include "log.h"

void mount_setup(const struct tsj_plan *plan)
{
	(void)plan;
	/* Nothing mounted below may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
		die_errno("mount(/, MS_REC|MS_SLAVE)");
	debug("mount propagation of / is now slave");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		die_errno("mount(proc, /proc)");
	debug("mounted a fresh /proc for the new pid namespace");
}
