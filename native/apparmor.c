/* apparmor.c - the apparmor directive (apparmor.h). The helper only asks
 * for the profile by name; the profile itself is policy the administrator
 * loads (tsjail ships profiles/apparmor/tsjail-default). */
#include "apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Decided once, before the clone; the sandbox's processes inherit it. */
static bool enabled;

/* /sys/module/apparmor/parameters/enabled says Y when AppArmor is built in
 * and was chosen as a security module at boot. */
static bool kernel_has_apparmor(void)
{
	char c = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, &c, 1);
	close(fd);
	return n == 1 && c == 'Y';
}

void apparmor_check(const struct tsj_plan *plan)
{
	const char *profile = plan->seccomp.apparmor;
	if (profile == NULL)
		return;
	enabled = kernel_has_apparmor();
	if (!enabled)
		warn_msg("apparmor: this kernel has no AppArmor, so the program runs without the "
			 "'%s' profile", profile);
	else
		debug("apparmor: the program will be confined by '%s'", profile);
}

int apparmor_request(int attr, const char *profile)
{
	char buf[300];
	int n = snprintf(buf, sizeof buf, "exec %s", profile);
	if (n < 0 || (size_t)n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = openat(attr, "apparmor/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		fd = openat(attr, "exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, buf, (size_t)n);
	int err = errno;
	close(fd);
	if (w != n) {
		errno = w < 0 ? err : EIO;
		return -1;
	}
	return 0;
}

void apparmor_exec(const struct tsj_plan *plan)
{
	const char *profile = plan->seccomp.apparmor;
	if (profile == NULL || !enabled)
		return;
	int attr = open("/proc/self/attr", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (attr < 0)
		die_errno("apparmor: open /proc/self/attr");
	if (apparmor_request(attr, profile) != 0) {
		if (errno == ENOENT)
			die("apparmor: the profile '%s' is not loaded (as root: apparmor_parser -r "
			    "/etc/apparmor.d/%s)", profile, profile);
		die_errno("apparmor: cannot confine the program with the profile '%s'", profile);
	}
	close(attr);
	debug("apparmor: the program is confined by '%s' from its execve", profile);
}
