/* cgroup.c - --cgroup placement and the transient cgroup with limits, all in
 * the host-side parent:
 *
 *  - before clone(): every --cgroup file is opened for writing with the
 *    caller's credentials (fsuid/fsgid), beneath an fd of /sys/fs/cgroup, with
 *    no symlink and no '..' (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS),
 *    and checked to be a tasks or cgroup.procs file of a cgroup file system;
 *    the transient cgroup (tsjail-PID-START) is created beneath its parent in
 *    each hierarchy that holds a limit (cgroup v2 where the parent has the
 *    controller in cgroup.subtree_control, v1 otherwise) and its limits set;
 *  - before the child is released: the sandbox init's pid is written;
 *  - after the init has ended: OOM kills and refused forks are reported and
 *    the transient cgroup is removed.
 *
 * If the parent dies before that (SIGKILL), its empty cgroups stay; the next
 * tsjail that creates a transient cgroup beneath the same parent removes any
 * tsjail-PID-START whose process is gone (rmdir only succeeds on an empty
 * cgroup). Any die() in the parent kills the sandbox and removes what was
 * created (the die hook). */
#include "resources.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mountinfo.h"
#include "path.h"
#include "policy.h"

enum { C_CPU, C_CPUACCT, C_MEMORY, C_PIDS, C_COUNT };
static const char *const ctrl_name[C_COUNT] = { "cpu", "cpuacct", "memory", "pids" };
static const char *const ctrl_option[C_COUNT] = { "--cpu-quota", "--cpu-quota", "--memory", "--pids-max" };

#define MAX_MOUNTS 32

/* A --cgroup file, opened for writing with the caller's credentials. */
struct placement {
	const char *path;
	int fd;
	dev_t dev;
};

/* The transient cgroup in one hierarchy. */
struct slot {
	char mount[PATH_MAX];  /* the hierarchy's mount point */
	char parent[PATH_MAX]; /* the parent cgroup's directory */
	int v2;
	unsigned ctrls;        /* 1 << C_* */
	int parent_fd;
	int dir_fd;
	dev_t dev;
	bool created;
};

/* One sandbox per helper: this state is what the die hook cleans up. */
static struct {
	pid_t owner;
	pid_t child;
	int root_fd;
	struct placement files[TSJ_MAX_CGROUP_FILES];
	size_t nfiles;
	struct slot slots[C_COUNT + 1];
	size_t nslots;
	char name[64];
	uint64_t memory_bytes;
	uint32_t pids_max;
} st = { .root_fd = -1 };

struct mount_info {
	char point[PATH_MAX];
	char root[PATH_MAX];
	char opts[512];
	int v2;
};

/* ---- paths ---- */

/* The part of path below /sys/fs/cgroup ("." for the root), or NULL. */
static const char *below_root(const char *path)
{
	size_t n = strlen(TSJ_CGROUP_ROOT);
	if (strncmp(path, TSJ_CGROUP_ROOT, n) != 0)
		return NULL;
	if (path[n] == '\0')
		return ".";
	if (path[n] != '/' || path[n + 1] == '\0')
		return NULL;
	return path + n + 1;
}

static void open_root(void)
{
	if (st.root_fd >= 0)
		return;
	st.root_fd = open(TSJ_CGROUP_ROOT, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st.root_fd < 0)
		die_errno("open %s", TSJ_CGROUP_ROOT);
}

/* Opens path (under /sys/fs/cgroup) without following any symlink. */
static int open_beneath(const char *path, uint64_t flags)
{
	const char *rel = below_root(path);
	if (rel == NULL) {
		errno = EXDEV;
		return -1;
	}
	return path_openat2(st.root_fd, rel, flags, true);
}

/* 1 for cgroup v1, 2 for v2, 0 for anything else. */
static int cgroup_version(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) != 0)
		die_errno("fstatfs on a cgroup file");
	if (sf.f_type == CGROUP_SUPER_MAGIC)
		return 1;
	if (sf.f_type == CGROUP2_SUPER_MAGIC)
		return 2;
	return 0;
}

/* ---- --cgroup files, opened as the caller ---- */

/* A setuid helper opens them with fsuid/fsgid set to the caller
 * (path_as_user: the kernel then also drops the file capabilities); root
 * and a rootless helper already are the caller. */
static _Noreturn void refuse_file(const struct tsj_creds *cr, const char *path, int err)
{
	path_as_root(cr);
	if (err == ELOOP)
		die("--cgroup=%s: the path holds a symbolic link; give the real path", path);
	if (err == EXDEV)
		die("--cgroup=%s: not beneath " TSJ_CGROUP_ROOT, path);
	if (err == EACCES || err == EPERM)
		die("--cgroup=%s: you may not write it: %s", path, strerror(err));
	errno = err;
	die_errno("--cgroup=%s", path);
}

static void open_file(struct placement *p, const struct tsj_creds *cr)
{
	const char *path = p->path;
	const char *base = strrchr(path, '/') + 1;
	path_as_user(cr);
	int pfd = open_beneath(path, O_PATH);
	if (pfd < 0)
		refuse_file(cr, path, errno);
	struct stat sb, wb;
	if (fstat(pfd, &sb) != 0)
		refuse_file(cr, path, errno);
	int wfd;
	if (S_ISDIR(sb.st_mode)) {
		int v = cgroup_version(pfd);
		if (v == 0) {
			path_as_root(cr);
			die("--cgroup=%s: not a cgroup directory", path);
		}
		wfd = path_openat2(pfd, v == 1 ? "tasks" : "cgroup.procs", O_WRONLY | O_NONBLOCK, true);
		if (wfd < 0)
			refuse_file(cr, path, errno);
	} else if (S_ISREG(sb.st_mode) && (strcmp(base, "tasks") == 0 || strcmp(base, "cgroup.procs") == 0)) {
		wfd = open_beneath(path, O_WRONLY | O_NONBLOCK);
		if (wfd < 0)
			refuse_file(cr, path, errno);
		if (fstat(wfd, &wb) != 0)
			refuse_file(cr, path, errno);
		if (wb.st_dev != sb.st_dev || wb.st_ino != sb.st_ino) {
			path_as_root(cr);
			die("--cgroup=%s: the file changed while it was opened", path);
		}
	} else {
		path_as_root(cr);
		die("--cgroup=%s: not a cgroup's tasks or cgroup.procs file, nor a cgroup directory", path);
	}
	path_as_root(cr);
	close(pfd);
	if (cgroup_version(wfd) == 0)
		die("--cgroup=%s: not in a cgroup file system", path);
	if (fstat(wfd, &wb) != 0)
		die_errno("fstat %s", path);
	p->fd = wfd;
	p->dev = wb.st_dev;
	debug("--cgroup=%s: opened for writing as uid %u", path, (unsigned)cr->uid);
}

/* ---- /proc/self/mountinfo and /proc/self/cgroup ---- */

static bool copy(char *dst, size_t n, const char *src)
{
	return (size_t)snprintf(dst, n, "%s", src) < n;
}

struct mounts_acc {
	struct mount_info *m;
	size_t n, max;
};

static bool add_mount(const struct mountinfo_line *l, void *arg)
{
	struct mounts_acc *a = arg;
	bool v2 = strcmp(l->fstype, "cgroup2") == 0;
	if (!v2 && strcmp(l->fstype, "cgroup") != 0)
		return true;
	struct mount_info *m = &a->m[a->n];
	if (!copy(m->point, sizeof m->point, l->point) || below_root(m->point) == NULL || !path_normal(m->point) ||
	    !copy(m->root, sizeof m->root, l->root) || !copy(m->opts, sizeof m->opts, l->super))
		return true;
	m->v2 = v2;
	return ++a->n < a->max;
}

static size_t read_mounts(struct mount_info *m, size_t max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (f == NULL)
		die_errno("open /proc/self/mountinfo");
	struct mounts_acc a = { m, 0, max };
	if (!mountinfo_each(f, add_mount, &a))
		die_errno("read /proc/self/mountinfo");
	fclose(f);
	return a.n;
}

static bool has_token(const char *list, const char *word, const char *sep)
{
	size_t w = strlen(word);
	for (const char *c = list; *c;) {
		size_t n = strcspn(c, sep);
		if (n == w && strncmp(c, word, w) == 0)
			return true;
		c += n;
		if (*c)
			c++;
	}
	return false;
}

/* The caller's cgroup path in the hierarchy of ctrl (NULL: the v2 one). */
static bool own_cgroup(const char *ctrl, char *out, size_t n)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (f == NULL)
		die_errno("open /proc/self/cgroup");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (!found && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL)
			continue;
		*c2 = '\0';
		bool match = ctrl ? has_token(c1 + 1, ctrl, ",")
				  : (strcmp(line, "0:") == 0 && c1[1] == '\0');
		if (match)
			found = copy(out, n, c2 + 1);
	}
	free(line);
	fclose(f);
	return found;
}

/* ---- tsjail.conf (to merge into policy.c's policy_value) ---- */

/* "key = value" lines, '#' comments, the last one wins, as policy.c on main.
 * cgroup-parent = PATH for every hierarchy, cgroup-parent-CONTROLLER = PATH
 * for one v1 hierarchy (cpu, cpuacct, memory, pids) or cgroup-parent-unified
 * for the v2 one: cgroup paths as in /proc/self/cgroup. Other keys are left
 * to the rest of the policy. Only a regular file that root owns and nobody
 * else may write is read; any other is refused. */
/* cgroup-parent-CONTROLLER, else cgroup-parent, from tsjail.conf (policy.c);
 * "" when neither is set. */
static void conf_parent(const char *which, char *out, size_t outlen)
{
	char key[64];
	snprintf(key, sizeof key, "cgroup-parent-%s", which);
	const char *v = policy_value(key, NULL);
	if (v == NULL) {
		snprintf(key, sizeof key, "cgroup-parent");
		v = policy_value(key, "");
	}
	if (v[0] != '\0' && (!path_normal(v) || strlen(v) >= PATH_MAX))
		die("%s:%d: %s: '%s' is not an absolute cgroup path", TSJ_CONF, policy_line(key), key, v);
	copy(out, outlen, v);
}

/* ---- the transient cgroup ---- */

/* The start of a small file opened as fd (closed here), NUL-terminated;
 * false when fd is -1 or nothing could be read. */
static bool read_text(int fd, char *buf, size_t size)
{
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

static unsigned long long start_time(pid_t pid, bool *alive)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	*alive = false;
	if (!read_text(open(path, O_RDONLY | O_CLOEXEC), buf, sizeof buf))
		return 0;
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return 0;
	/* Fields after the command: state is field 3, starttime field 22. */
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p == NULL)
		return 0;
	*alive = true;
	return strtoull(p, NULL, 10);
}

/* Removes the cgroups an earlier tsjail left when it was killed. */
static void sweep_stale(struct slot *s)
{
	int fd = openat(s->parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open %s", s->parent);
	DIR *d = fdopendir(fd);
	if (d == NULL)
		die_errno("fdopendir %s", s->parent);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		int pid;
		unsigned long long start;
		char again[64];
		if (e->d_type != DT_DIR || sscanf(e->d_name, "tsjail-%d-%llu", &pid, &start) != 2 ||
		    pid <= 0)
			continue;
		snprintf(again, sizeof again, "tsjail-%d-%llu", pid, start);
		if (strcmp(again, e->d_name) != 0)
			continue;
		bool alive;
		unsigned long long now = start_time(pid, &alive);
		if (alive && now == start)
			continue;
		if (unlinkat(s->parent_fd, e->d_name, AT_REMOVEDIR) == 0)
			debug("removed the stale cgroup %s/%s", s->parent, e->d_name);
	}
	closedir(d);
}

static void write_at(int dirfd, const char *dir, const char *file, const char *text, bool optional)
{
	int fd = openat(dirfd, file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && optional && errno == ENOENT)
		return;
	if (fd < 0)
		die_errno("open %s/%s", dir, file);
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n)
		die_errno("write '%s' to %s/%s", text, dir, file);
	if (close(fd) != 0)
		die_errno("close %s/%s", dir, file);
	debug("%s/%s = %s", dir, file, text);
}

/* A number from a flat-keyed file (memory.events, pids.events, ...). */
static unsigned long long read_key(int dirfd, const char *file, const char *key)
{
	char buf[4096];
	if (!read_text(openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), buf, sizeof buf))
		return 0;
	size_t k = strlen(key);
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, k) == 0 && l[k] == ' ')
			return strtoull(l + k + 1, NULL, 10);
	return 0;
}

static bool subtree_has(const char *dir, const char *ctrl)
{
	char path[PATH_MAX + 32], buf[1024];
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", dir);
	return read_text(open_beneath(path, O_RDONLY), buf, sizeof buf) && has_token(buf, ctrl, " \n");
}

/* The parent directory for a hierarchy: the conf's, else the caller's own
 * cgroup, seen through the mount (whose root may be a sub-cgroup). */
static void parent_dir(const struct mount_info *m, const char *ctrl, char *out, size_t n)
{
	char cg[PATH_MAX];
	conf_parent(ctrl ? ctrl : "unified", cg, sizeof cg);
	if (cg[0] != '\0') {
		debug("tsjail.conf: cgroup parent %s for %s", cg, ctrl ? ctrl : "cgroup v2");
	} else if (!own_cgroup(ctrl, cg, sizeof cg)) {
		die("cannot find your %s cgroup in /proc/self/cgroup", ctrl ? ctrl : "v2");
	}
	if (!path_normal(cg))
		die("your %s cgroup '%s' is not a clean path", ctrl ? ctrl : "v2", cg);
	const char *rest = cg;
	if (strcmp(m->root, "/") != 0) {
		size_t r = strlen(m->root);
		if (strncmp(cg, m->root, r) != 0 || (cg[r] != '/' && cg[r] != '\0'))
			die("the cgroup %s is not visible under %s", cg, m->point);
		rest = cg + r;
	}
	if ((size_t)snprintf(out, n, "%s%s", m->point, strcmp(rest, "/") == 0 ? "" : rest) >= n)
		die("cgroup path too long: %s%s", m->point, rest);
}

static struct slot *slot_for(const struct mount_info *m, const char *ctrl)
{
	for (size_t i = 0; i < st.nslots; i++)
		if (strcmp(st.slots[i].mount, m->point) == 0)
			return &st.slots[i];
	struct slot *s = &st.slots[st.nslots++];
	memset(s, 0, sizeof *s);
	s->parent_fd = s->dir_fd = -1;
	s->v2 = m->v2;
	copy(s->mount, sizeof s->mount, m->point);
	parent_dir(m, m->v2 ? NULL : ctrl, s->parent, sizeof s->parent);
	return s;
}

/* v2 where the parent has the controller enabled for its children, v1
 * otherwise. */
static void choose(const struct mount_info *mounts, size_t nm, int ctrl, bool required)
{
	for (size_t i = 0; i < nm; i++) {
		if (!mounts[i].v2)
			continue;
		char dir[PATH_MAX];
		parent_dir(&mounts[i], NULL, dir, sizeof dir);
		if (subtree_has(dir, ctrl_name[ctrl])) {
			slot_for(&mounts[i], NULL)->ctrls |= 1u << ctrl;
			return;
		}
		break;
	}
	for (size_t i = 0; i < nm; i++)
		if (!mounts[i].v2 && has_token(mounts[i].opts, ctrl_name[ctrl], ",")) {
			slot_for(&mounts[i], ctrl_name[ctrl])->ctrls |= 1u << ctrl;
			return;
		}
	if (required)
		die("%s needs the %s cgroup controller: it is neither mounted (cgroup v1) under "
		    TSJ_CGROUP_ROOT " nor enabled in the parent's cgroup.subtree_control (cgroup v2; "
		    "a parent with it can be named in " TSJ_CONF ")", ctrl_option[ctrl], ctrl_name[ctrl]);
}

static void create_slot(struct slot *s, const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	const struct tsj_resources *res = &plan->res;
	s->parent_fd = open_beneath(s->parent, O_RDONLY | O_DIRECTORY);
	if (s->parent_fd < 0) {
		if (errno == ELOOP)
			die("cgroup parent %s: the path holds a symbolic link", s->parent);
		die_errno("open the cgroup parent %s", s->parent);
	}
	struct stat sb;
	if (cgroup_version(s->parent_fd) != (s->v2 ? 2 : 1) || fstat(s->parent_fd, &sb) != 0)
		die("%s is not a cgroup directory", s->parent);
	s->dev = sb.st_dev;
	for (size_t i = 0; i < st.nfiles; i++)
		if (st.files[i].dev == s->dev)
			die("--cgroup=%s and %s both place the sandbox in the hierarchy at %s: use one",
			    st.files[i].path, ctrl_option[__builtin_ctz(s->ctrls)], s->mount);
	sweep_stale(s);
	if (mkdirat(s->parent_fd, st.name, 0755) != 0) {
		int err = errno;
		if (cr->mode == TSJ_MODE_ROOTLESS && (err == EACCES || err == EPERM || err == EROFS))
			die("cannot create a cgroup in %s: %s (tsjail runs without privilege and this "
			    "cgroup is not delegated to you)", s->parent, strerror(err));
		errno = err;
		die_errno("mkdir %s/%s", s->parent, st.name);
	}
	s->created = true;
	s->dir_fd = openat(s->parent_fd, st.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dir_fd < 0)
		die_errno("open %s/%s", s->parent, st.name);
	char dir[PATH_MAX + 64], v[64];
	snprintf(dir, sizeof dir, "%s/%s", s->parent, st.name);
	debug("created the cgroup %s (cgroup v%d)", dir, s->v2 ? 2 : 1);
	if (s->ctrls & (1u << C_CPU)) {
		if (s->v2) {
			snprintf(v, sizeof v, "%u %u", res->cpu_quota_us, res->cpu_period_us);
			write_at(s->dir_fd, dir, "cpu.max", v, false);
		} else {
			snprintf(v, sizeof v, "%u", res->cpu_period_us);
			write_at(s->dir_fd, dir, "cpu.cfs_period_us", v, false);
			snprintf(v, sizeof v, "%u", res->cpu_quota_us);
			write_at(s->dir_fd, dir, "cpu.cfs_quota_us", v, false);
		}
	}
	if (s->ctrls & (1u << C_MEMORY)) {
		snprintf(v, sizeof v, "%llu", (unsigned long long)res->memory_bytes);
		/* No swap either, so the limit means what it says. */
		if (s->v2) {
			write_at(s->dir_fd, dir, "memory.max", v, false);
			write_at(s->dir_fd, dir, "memory.swap.max", "0", true);
		} else {
			write_at(s->dir_fd, dir, "memory.limit_in_bytes", v, false);
			write_at(s->dir_fd, dir, "memory.memsw.limit_in_bytes", v, true);
		}
	}
	if (s->ctrls & (1u << C_PIDS)) {
		snprintf(v, sizeof v, "%u", res->pids_max);
		write_at(s->dir_fd, dir, "pids.max", v, false);
	}
}

/* Empties st: removes every cgroup created. Called after the sandbox ended
 * and from the die hook; never dies. */
static void remove_all(void)
{
	for (size_t i = 0; i < st.nslots; i++) {
		struct slot *s = &st.slots[i];
		if (s->dir_fd >= 0)
			close(s->dir_fd);
		s->dir_fd = -1;
		if (s->created) {
			/* The last exits may take a moment to leave the cgroup. */
			int tries = 0;
			while (unlinkat(s->parent_fd, st.name, AT_REMOVEDIR) != 0) {
				if (errno != EBUSY || ++tries > 200) {
					warn_msg("cannot remove the cgroup %s/%s: %s", s->parent, st.name,
						 strerror(errno));
					break;
				}
				nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
			}
			s->created = false;
			debug("removed the cgroup %s/%s", s->parent, st.name);
		}
		if (s->parent_fd >= 0)
			close(s->parent_fd);
		s->parent_fd = -1;
	}
	st.nslots = 0;
}

static void on_die(void)
{
	if (getpid() != st.owner)
		return;
	/* A die() with the caller's fsuid still set must not keep it. */
	setfsuid(geteuid());
	setfsgid(getegid());
	if (st.child > 0) {
		kill(st.child, SIGKILL);
		while (waitpid(st.child, NULL, 0) < 0 && errno == EINTR)
			;
	}
	remove_all();
}

void cgroup_prepare(const struct tsj_plan *plan, const struct tsj_creds *cr)
{
	const struct tsj_resources *res = &plan->res;
	bool transient = tsj_resources_transient(res);
	if (res->ncgroup_files == 0 && !transient)
		return;
	st.owner = getpid();
	tsj_die_hook = on_die;
	open_root();
	for (size_t i = 0; i < res->ncgroup_files; i++) {
		st.files[i].path = res->cgroup_files[i];
		st.files[i].fd = -1;
		open_file(&st.files[i], cr);
		st.nfiles = i + 1;
		for (size_t j = 0; j < i; j++)
			if (st.files[j].dev == st.files[i].dev)
				die("--cgroup=%s and --cgroup=%s are in the same hierarchy: give one",
				    st.files[j].path, st.files[i].path);
	}
	if (!transient)
		return;

	bool alive;
	unsigned long long start = start_time(getpid(), &alive);
	if (!alive)
		die("cannot read /proc/self/stat");
	snprintf(st.name, sizeof st.name, "tsjail-%d-%llu", (int)getpid(), start);
	/* (On the heap: 280 KB on the stack were faulted in, page by page, by
	 * every launch that enters this function.) */
	struct mount_info *mounts = calloc(MAX_MOUNTS, sizeof *mounts);
	if (mounts == NULL)
		die("out of memory");
	size_t nm = read_mounts(mounts, MAX_MOUNTS);
	if (res->cpu_quota_us) {
		choose(mounts, nm, C_CPU, true);
		/* With cpu in a v1 hierarchy of its own, join cpuacct too, so the
		 * sandbox's CPU time can be read (cpuacct.usage). */
		for (size_t i = 0; i < st.nslots; i++)
			if ((st.slots[i].ctrls & (1u << C_CPU)) && !st.slots[i].v2)
				choose(mounts, nm, C_CPUACCT, false);
	}
	if (res->memory_bytes)
		choose(mounts, nm, C_MEMORY, true);
	if (res->pids_max)
		choose(mounts, nm, C_PIDS, true);
	free(mounts);
	st.memory_bytes = res->memory_bytes;
	st.pids_max = res->pids_max;
	for (size_t i = 0; i < st.nslots; i++)
		create_slot(&st.slots[i], plan, cr);
}

void cgroup_child_close(void)
{
	tsj_die_hook = NULL;
	for (size_t i = 0; i < st.nfiles; i++)
		close(st.files[i].fd);
	for (size_t i = 0; i < st.nslots; i++) {
		close(st.slots[i].dir_fd);
		close(st.slots[i].parent_fd);
	}
	if (st.root_fd >= 0)
		close(st.root_fd);
}

static void write_pid(int fd, pid_t pid, const char *what)
{
	char v[32];
	int n = snprintf(v, sizeof v, "%d\n", (int)pid);
	if (write(fd, v, (size_t)n) != n)
		die_errno("cannot move the sandbox into %s (write %d)", what, (int)pid);
}

void cgroup_place(pid_t pid)
{
	st.child = pid;
	for (size_t i = 0; i < st.nfiles; i++) {
		char what[PATH_MAX + 16];
		snprintf(what, sizeof what, "--cgroup=%s", st.files[i].path);
		write_pid(st.files[i].fd, pid, what);
		close(st.files[i].fd);
		st.files[i].fd = -1;
		debug("sandbox init %d placed by %s", (int)pid, what);
	}
	for (size_t i = 0; i < st.nslots; i++) {
		struct slot *s = &st.slots[i];
		char what[PATH_MAX + 64];
		snprintf(what, sizeof what, "%s/%s", s->parent, st.name);
		int fd = openat(s->dir_fd, "cgroup.procs", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			die_errno("open %s/cgroup.procs", what);
		write_pid(fd, pid, what);
		close(fd);
		debug("sandbox init %d placed in %s", (int)pid, what);
	}
}

/* 33554432 -> "32M", as the option is written. */
static void fmt_size(char *out, size_t n, unsigned long long v)
{
	static const char units[] = "KMGT";
	int u = -1;
	while (u < 3 && v % 1024 == 0 && v >= 1024) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, n, "%llu", v);
	else
		snprintf(out, n, "%llu%c", v, units[u]);
}

void cgroup_finish(void)
{
	for (size_t i = 0; i < st.nslots; i++) {
		struct slot *s = &st.slots[i];
		if (s->dir_fd < 0)
			continue;
		if (s->ctrls & (1u << C_MEMORY)) {
			unsigned long long kills = s->v2 ? read_key(s->dir_fd, "memory.events", "oom_kill")
							 : read_key(s->dir_fd, "memory.oom_control", "oom_kill");
			char size[32];
			fmt_size(size, sizeof size, st.memory_bytes);
			if (kills)
				warn_msg("the sandbox ran out of memory (--memory=%s): the OOM killer "
					 "killed %llu process%s", size, kills, kills == 1 ? "" : "es");
		}
		if (s->ctrls & (1u << C_PIDS)) {
			unsigned long long refused = read_key(s->dir_fd, "pids.events", "max");
			if (refused)
				warn_msg("the sandbox reached --pids-max=%u: %llu fork%s refused",
					 st.pids_max, refused, refused == 1 ? " was" : "s were");
		}
	}
	st.child = 0;
	remove_all();
	tsj_die_hook = NULL;
}
