/* tracelog.c - tracelog (tracelog.h): the sandbox's init answers the
 * filter's notifications and logs accesses to blacklisted paths.
 *
 * What a notification is read with: the program's memory through
 * process_vm_readv and its working directory or directory fd through
 * /proc/PID/cwd and /proc/PID/fd/N, all from init, which is the ancestor of
 * every process in the sandbox. For that, init sets its filesystem ids to
 * the caller's and takes every capability out of its effective set
 * (tracelog_receive), so the kernel's ptrace checks treat it as the caller:
 * it reads exactly the processes the caller could (not one that went
 * undumpable, such as a program the caller may run but not read). The
 * notification's id is checked again after reading (NOTIF_ID_VALID), so a
 * line never names a process that ended and whose PID was reused. Every
 * notification is answered "continue", whatever happens: the program only
 * waits while init reads. */
#include "tracelog.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

#define SYSLOG_PATH "/dev/log"
/* Security-relevant and about the user's own files: authpriv, notice. */
#define TRACELOG_PRIORITY (LOG_AUTHPRIV | LOG_NOTICE)

void tracelog_escape(const char *src, char *dst, size_t dstlen)
{
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)src; *c && n + 5 < dstlen; c++) {
		if (*c < 0x20 || *c >= 0x7f || *c == '\\')
			n += (size_t)snprintf(dst + n, dstlen - n, "\\x%02x", *c);
		else
			dst[n++] = (char)*c;
	}
	dst[n < dstlen ? n : dstlen - 1] = '\0';
}

void tracelog_open(const struct tsj_plan *plan, struct tsj_tracelog *tl)
{
	memset(tl, 0, sizeof *tl);
	tl->pass[0] = tl->pass[1] = tl->log = -1;
	tl->on = (plan->seccomp.flags & TSJ_SF_NOTIFY) != 0;
	if (!tl->on)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, tl->pass) != 0)
		die_errno("socketpair");
	/* The host's /proc still: /proc/self is the host's PID. */
	char self[32];
	ssize_t n = readlink("/proc/self", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		tl->host_pid = strtol(self, NULL, 10);
	}
	/* Load the time zone now, while the host's /etc is there. */
	tzset();
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = SYSLOG_PATH };
	tl->log = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (tl->log < 0)
		die_errno("socket(AF_UNIX, SOCK_DGRAM)");
	if (connect(tl->log, (struct sockaddr *)&sa, sizeof sa) != 0) {
		warn_msg("tracelog: cannot reach syslog at %s (%s): blacklist violations are not logged",
			 SYSLOG_PATH, strerror(errno));
		close(tl->log);
		tl->log = -1;
	}
	debug("tracelog: %zu blacklisted paths, %zu calls notified", plan->seccomp.ntrace_paths,
	      plan->seccomp.ntrace_calls);
}

void tracelog_send(struct tsj_tracelog *tl, int listener)
{
	char byte = 'L';
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &listener, sizeof listener);
	if (sendmsg(tl->pass[1], &mh, MSG_NOSIGNAL) != 1)
		die_errno("tracelog: hand the listener to init");
	close(listener);
	close(tl->pass[1]);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tracelog_receive(struct tsj_tracelog *tl, const struct tsj_creds *cr)
{
	if (!tl->on)
		return -1;
	close(tl->pass[1]);
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	ssize_t n;
	while ((n = recvmsg(tl->pass[0], &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	close(tl->pass[0]);
	struct cmsghdr *c = n == 1 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (c == NULL || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1; /* the program ended first */
	int listener;
	memcpy(&listener, CMSG_DATA(c), sizeof listener);

	struct seccomp_notif_sizes sizes;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0U, &sizes) != 0)
		die_errno("seccomp(SECCOMP_GET_NOTIF_SIZES)");
	tl->req_size = sizes.seccomp_notif > sizeof(struct seccomp_notif) ? sizes.seccomp_notif : sizeof(struct seccomp_notif);
	tl->resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
				? sizes.seccomp_notif_resp : sizeof(struct seccomp_notif_resp);
	tl->req = calloc(1, tl->req_size);
	tl->resp = calloc(1, tl->resp_size);
	if (tl->req == NULL || tl->resp == NULL)
		die("out of memory");
	path_as_user(cr);
	creds_effective(false);
	return listener;
}

void tracelog_done(struct tsj_tracelog *tl, const struct tsj_creds *cr)
{
	if (tl->req == NULL)
		return;
	creds_effective(true);
	path_as_root(cr);
}

/* ---- one notification ---- */

static const struct tsj_trace_call *traced(const struct tsj_plan *plan, const struct seccomp_data *d)
{
	for (size_t i = 0; i < plan->seccomp.ntrace_calls; i++) {
		const struct tsj_trace_call *c = &plan->seccomp.trace_calls[i];
		if (c->arch == d->arch && c->nr == (uint32_t)d->nr)
			return c;
	}
	return NULL;
}

/* The NUL-terminated string at addr in pid's memory, read a page at a time
 * (process_vm_readv stops at the first part it cannot read). */
static bool read_string(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	const uint64_t page = 4096;
	struct iovec local = { buf, len - 1 }, remote[3];
	size_t nr = 0, want = len - 1;
	for (uint64_t a = addr; want > 0 && nr < 3; nr++) {
		size_t part = (size_t)(page - a % page);
		if (part > want)
			part = want;
		remote[nr] = (struct iovec){ (void *)(uintptr_t)a, part };
		a += part;
		want -= part;
	}
	ssize_t got = process_vm_readv(pid, &local, 1, remote, nr, 0);
	if (got <= 0)
		return false;
	return memchr(buf, '\0', (size_t)got) != NULL;
}

/* The absolute path the call names: relative ones are resolved against the
 * directory fd or the working directory, then lexically normalised. */
static bool absolute(pid_t pid, int dirfd, const char *path, char *out, size_t outlen)
{
	if (path[0] == '\0')
		return false;
	if (path[0] == '/') {
		snprintf(out, outlen, "%s", path);
	} else {
		char link[64], dir[4096];
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof link, "/proc/%d/cwd", (int)pid);
		else
			snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, dirfd);
		ssize_t n = readlink(link, dir, sizeof dir - 1);
		if (n <= 0)
			return false;
		dir[n] = '\0';
		if (dir[0] != '/')
			return false; /* not a directory of the filesystem */
		int m = snprintf(out, outlen, "%s/%s", dir, path);
		if (m < 0 || (size_t)m >= outlen)
			return false;
	}
	path_normalise(out);
	return true;
}

/* The path, or a directory above it, is one of the sorted paths. */
static bool blacklisted(const struct tsj_tracelog *tl, char *path)
{
	size_t n = strlen(path);
	for (;;) {
		const char *key = path;
		if (bsearch(&key, tl->paths, tl->npaths, sizeof *tl->paths, by_name) != NULL)
			return true;
		while (n > 0 && path[n] != '/')
			n--;
		if (n == 0)
			return false; /* "/" is never one */
		path[n] = '\0';
	}
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/comm", (int)pid);
	snprintf(buf, len, "?");
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* One syslog line, RFC 3164 as syslog(3) writes it; never blocks (a full
 * socket drops the line rather than stop the program). */
static void emit(const struct tsj_tracelog *tl, const char *comm, const char *call, const char *path)
{
	if (tl->log < 0)
		return;
	char e_comm[80], e_path[4 * 4096 + 1], stamp[32], line[sizeof e_path + 256];
	tracelog_escape(comm, e_comm, sizeof e_comm);
	tracelog_escape(path, e_path, sizeof e_path);
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL || strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm) == 0)
		snprintf(stamp, sizeof stamp, "-");
	int n = snprintf(line, sizeof line,
			 "<%d>%s tsjail[%ld]: blacklist violation - sandbox %ld, exe %s, syscall %s, path %s",
			 TRACELOG_PRIORITY, stamp, tl->host_pid, tl->host_pid, e_comm, call, e_path);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	if (send(tl->log, line, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		debug("tracelog: syslog: %s", strerror(errno));
}

static void inspect(const struct tsj_tracelog *tl, int listener, const struct seccomp_notif *req,
		    const struct tsj_trace_call *c)
{
	bool wide = (req->data.arch & __AUDIT_ARCH_64BIT) != 0;
	uint64_t addr = req->data.args[c->path_arg];
	if (!wide)
		addr &= 0xffffffffu;
	int dirfd = AT_FDCWD;
	if (c->dirfd_arg != TSJ_TRACE_NO_DIRFD)
		dirfd = (int)(int32_t)(uint32_t)req->data.args[c->dirfd_arg];
	static char raw[4096], path[4096];
	if (!read_string((pid_t)req->pid, addr, raw, sizeof raw) ||
	    !absolute((pid_t)req->pid, dirfd, raw, path, sizeof path))
		return;
	char shown[4096];
	snprintf(shown, sizeof shown, "%s", path);
	if (!blacklisted(tl, path))
		return;
	/* The pid was the caller's all along: the call is still waiting. */
	uint64_t id = req->id;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) != 0)
		return;
	char comm[32];
	comm_of((pid_t)req->pid, comm, sizeof comm);
	emit(tl, comm, c->name, shown);
}

void tracelog_answer(const struct tsj_plan *plan, struct tsj_tracelog *tl, int listener)
{
	struct seccomp_notif *req = tl->req;
	struct seccomp_notif_resp *resp = tl->resp;
	memset(req, 0, tl->req_size);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
		/* ENOENT: the caller was interrupted before we took it. */
		if (errno != ENOENT && errno != EINTR)
			debug("tracelog: SECCOMP_IOCTL_NOTIF_RECV: %s", strerror(errno));
		return;
	}
	if (tl->paths == NULL && plan->seccomp.ntrace_paths > 0) {
		tl->paths = calloc(plan->seccomp.ntrace_paths, sizeof *tl->paths);
		if (tl->paths != NULL) {
			memcpy(tl->paths, plan->seccomp.trace_paths, plan->seccomp.ntrace_paths * sizeof *tl->paths);
			tl->npaths = plan->seccomp.ntrace_paths;
			qsort(tl->paths, tl->npaths, sizeof *tl->paths, by_name);
		}
	}
	const struct tsj_trace_call *c = traced(plan, &req->data);
	if (c != NULL && tl->npaths > 0)
		inspect(tl, listener, req, c);
	memset(resp, 0, tl->resp_size);
	resp->id = req->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the caller is gone or was interrupted; nothing to answer. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) != 0 && errno != ENOENT)
		debug("tracelog: SECCOMP_IOCTL_NOTIF_SEND: %s", strerror(errno));
}
