/* fplan.c - a stored plan made whole for this launch, and the hand-over:
 * the template's records, then ARGV (the stored words, then the launch's
 * own), ENV (the caller's environment through the stored allowlist and
 * --env/--rmenv operations, sorted by name, as src/environment.ts builds
 * it) and CWD, in a sealed memfd for `tsjail-helper --plan-fd=N`, started
 * with an empty environment, as the Node path starts it. The helper checks
 * this plan like any other. */
#include "front.h"
#include "../wire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;

#define PLAN_MAX (1024u * 1024u)
#define MAX_ENV 1024u

struct buf {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

static void put(struct buf *b, const void *v, size_t n)
{
	if (b->failed)
		return;
	if (n > PLAN_MAX || b->len + n > PLAN_MAX) {
		b->failed = true;
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap == 0 ? 65536 : b->cap;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (q == NULL) {
			b->failed = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, v, n);
	b->len += n;
}

static void record(struct buf *b, unsigned tag, const void *v, size_t n)
{
	uint8_t h[6] = { (uint8_t)tag, (uint8_t)(tag >> 8), (uint8_t)n, (uint8_t)(n >> 8),
			 (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
	put(b, h, sizeof h);
	put(b, v, n);
}

/* The plan records this writes: plan.def, through wire.h. */
enum { TAG_ARGV = TSJ_TAG_ARGV, TAG_ENV = TSJ_TAG_ENV, TAG_CWD = TSJ_TAG_CWD };

/* ---- the environment (src/environment.ts buildEnvironment) ---- */

struct env {
	char *items[MAX_ENV + 1];
	size_t n;
};

static bool rec_prefix(const struct fc_rec *r, const char *name)
{
	return r->len <= strlen(name) && memcmp(r->value, name, r->len) == 0;
}

static bool policy_has(const struct fc_file *f, unsigned tag, unsigned prefix_tag, const char *name)
{
	for (size_t i = 0; i < f->nrecs; i++) {
		const struct fc_rec *r = &f->recs[i];
		if ((r->tag == tag && fc_streq(r, name)) || (r->tag == prefix_tag && rec_prefix(r, name)))
			return true;
	}
	return false;
}

static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq == NULL ? strlen(entry) : (size_t)(eq - entry);
}

static ssize_t env_find(const struct env *e, const char *name, size_t n)
{
	for (size_t i = 0; i < e->n; i++)
		if (name_len(e->items[i]) == n && strncmp(e->items[i], name, n) == 0)
			return (ssize_t)i;
	return -1;
}

static int env_set(struct env *e, const char *entry, bool replace)
{
	ssize_t at = env_find(e, entry, name_len(entry));
	if (at >= 0) {
		if (replace)
			e->items[at] = (char *)entry;
		return 0;
	}
	if (e->n >= MAX_ENV)
		return -1;
	e->items[e->n++] = (char *)entry;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = name_len(x), ny = name_len(y);
	int c = memcmp(x, y, nx < ny ? nx : ny);
	return c != 0 ? c : (nx > ny) - (nx < ny);
}

/* A record's value as a new C string (the policy's operations). */
static char *dup_rec(const struct fc_rec *r)
{
	if (memchr(r->value, 0, r->len) != NULL)
		return NULL;
	char *s = malloc(r->len + 1);
	if (s != NULL) {
		memcpy(s, r->value, r->len);
		s[r->len] = '\0';
	}
	return s;
}

static int build_env(const struct fc_file *f, struct env *e, char *why)
{
	e->n = 0;
	for (char **p = environ; *p != NULL; p++) {
		const char *eq = strchr(*p, '=');
		if (eq == NULL || eq == *p)
			continue;
		char name[256];
		size_t n = (size_t)(eq - *p);
		if (n >= sizeof name)
			continue;
		memcpy(name, *p, n);
		name[n] = '\0';
		if (!policy_has(f, FC_ENV_ALLOW, FC_ENV_ALLOW_PREFIX, name) ||
		    policy_has(f, FC_ENV_DENY, FC_ENV_DENY_PREFIX, name))
			continue;
		if (env_set(e, *p, false) != 0)
			goto full;
	}
	for (size_t i = 0; i < f->nrecs; i++) {
		const struct fc_rec *r = &f->recs[i];
		if (r->tag != FC_ENV_DEFAULT && r->tag != FC_ENV_SET && r->tag != FC_ENV_REMOVE)
			continue;
		char *s = dup_rec(r);
		if (s == NULL) {
			fc_why(why, "a stored plan with a bad environment record");
			return -1;
		}
		if (r->tag == FC_ENV_REMOVE) {
			ssize_t at = env_find(e, s, strlen(s));
			if (at >= 0)
				e->items[at] = e->items[--e->n];
			free(s);
		} else if (strchr(s, '=') == NULL) {
			free(s);
			fc_why(why, "a stored plan with a bad environment record");
			return -1;
		} else if (env_set(e, s, r->tag == FC_ENV_SET) != 0) {
			goto full;
		}
	}
	qsort(e->items, e->n, sizeof e->items[0], by_name);
	return 0;
full:
	fc_why(why, "more than %u environment variables", MAX_ENV);
	return -1;
}

/* ---- the plan ---- */

static int build_plan(const struct fc_file *f, const struct fc_launch *l, struct buf *b, char *why)
{
	const struct fc_rec *tpl = fc_one(f, FC_PLAN);
	if (tpl == NULL || tpl->len < 12 || memcmp(tpl->value, "TSJP", 4) != 0) {
		fc_why(why, "a stored plan without a plan");
		return -1;
	}
	uint32_t argv_from = 0, cwd_from = 0;
	if (!fc_u32(f, FC_ARGV_FROM, &argv_from) || !fc_u32(f, FC_CWD_FROM, &cwd_from) ||
	    argv_from > 1 || cwd_from != 1) {
		fc_why(why, "a stored plan with a bad ARGV_FROM or CWD_FROM record");
		return -1;
	}
	put(b, tpl->value, tpl->len);
	for (size_t i = 0; i < f->nrecs; i++)
		if (f->recs[i].tag == FC_ARGV_FIXED)
			record(b, TAG_ARGV, f->recs[i].value, f->recs[i].len);
	if (argv_from == 1)
		for (size_t i = 0; i < l->nwords; i++)
			record(b, TAG_ARGV, l->words[i], strlen(l->words[i]));
	struct env e;
	if (build_env(f, &e, why) != 0)
		return -1;
	for (size_t i = 0; i < e.n; i++)
		record(b, TAG_ENV, e.items[i], strlen(e.items[i]));
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof cwd) == NULL || cwd[0] != '/') {
		fc_why(why, "no working directory");
		return -1;
	}
	record(b, TAG_CWD, cwd, strlen(cwd));
	if (b->failed) {
		fc_why(why, "the plan would be larger than %u bytes", PLAN_MAX);
		return -1;
	}
	uint32_t body = (uint32_t)(b->len - 12);
	b->p[8] = (uint8_t)body;
	b->p[9] = (uint8_t)(body >> 8);
	b->p[10] = (uint8_t)(body >> 16);
	b->p[11] = (uint8_t)(body >> 24);
	return 0;
}

/* A sealed memfd holding the plan, inheritable, at offset 0. */
static int plan_fd(const uint8_t *plan, size_t len, char *why)
{
	int fd = memfd_create("tsjail-plan", MFD_ALLOW_SEALING);
	if (fd < 0) {
		fc_why(why, "memfd_create: %s", strerror(errno));
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, plan + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fc_why(why, "write plan: %s", n < 0 ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) != 0 ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		fc_why(why, "seal plan: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int fc_hand_over(const char *helper, const uint8_t *plan, size_t len, const char *stored, char *why)
{
	if (len > PLAN_MAX) {
		fc_why(why, "a plan of %zu bytes", len);
		return -1;
	}
	int fd = plan_fd(plan, len, why);
	if (fd < 0)
		return -1;
	char arg[32];
	snprintf(arg, sizeof arg, "--plan-fd=%d", fd);
	if (stored != NULL) {
		char line[PATH_MAX + 128];
		int n = snprintf(line, sizeof line, "tsjail: debug: stored plan %s: handing over to %s %s\n",
				 stored, helper, arg);
		if (n > 0 && write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) {
			/* nothing to do: stderr is gone */
		}
	}
	char *argv[] = { (char *)helper, arg, NULL };
	char *envp[] = { NULL };
	execve(helper, argv, envp);
	fc_why(why, "cannot execute the helper '%s': %s", helper, strerror(errno));
	close(fd);
	return -1;
}

int fc_exec(const struct fc_file *f, const struct fc_launch *l, bool debug, char *why)
{
	const struct fc_rec *h = fc_one(f, FC_HELPER);
	char helper[PATH_MAX];
	if (h == NULL || h->len == 0 || h->len >= sizeof helper || memchr(h->value, 0, h->len) != NULL ||
	    h->value[0] != '/') {
		fc_why(why, "a stored plan without a helper");
		return -1;
	}
	memcpy(helper, h->value, h->len);
	helper[h->len] = '\0';
	struct buf b = { 0 };
	if (build_plan(f, l, &b, why) != 0) {
		free(b.p);
		return -1;
	}
	int r = fc_hand_over(helper, b.p, b.len, debug ? f->path : NULL, why);
	free(b.p);
	return r;
}
