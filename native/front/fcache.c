/* fcache.c - where stored plans are, and reading one: the directory must be
 * the caller's alone (owned by the caller, no group or other access, not a
 * symlink), the file too (a regular file of the caller, no group or other
 * access, one link), and its framing exact. Anything else is "no stored
 * plan", never an error: the Node path builds the plan instead. */
#include "front.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fc_why(char *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, FC_WHY, fmt, ap);
	va_end(ap);
}

bool fc_streq(const struct fc_rec *r, const char *s)
{
	size_t n = strlen(s);
	return r->len == n && (n == 0 || memcmp(r->value, s, n) == 0);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* The home the cache is under: HOME when absolute, else the password
 * database's (src/cache/store.ts does the same). */
static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h != NULL && h[0] == '/')
		return h;
	struct passwd *pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

int fc_dir(char *out, size_t size, char *why)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	int n;
	if (xdg != NULL && xdg[0] == '/') {
		n = snprintf(out, size, "%s/tsjail", xdg);
	} else {
		const char *home = home_dir();
		if (home == NULL) {
			fc_why(why, "no home directory");
			return -1;
		}
		n = snprintf(out, size, "%s/.cache/tsjail", home);
	}
	if (n < 0 || (size_t)n >= size) {
		fc_why(why, "the cache directory's name is too long");
		return -1;
	}
	return 0;
}

/* FNV-1a, 64 bits, over the key bytes of src/cache/store.ts (keyBytes). */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t fc_hash(unsigned uid, const struct fc_launch *l)
{
	char head[64];
	int n = snprintf(head, sizeof head, "tsjail-plan%c%u%c%s%c", 0, uid, 0,
			 l->link ? "link" : "command", 0);
	uint64_t h = fnv(0xcbf29ce484222325ULL, head, n > 0 ? (size_t)n : 0);
	for (size_t i = 0; i < l->nargs; i++)
		h = fnv(h, l->args[i], strlen(l->args[i]) + 1);
	const char *prog = l->link ? l->name : l->program;
	if (prog == NULL)
		return fnv(h, "\2", 1);
	h = fnv(h, "\1", 1);
	return fnv(h, prog, strlen(prog));
}

/* Frames the records: TSJC, version, reserved, length, then tag/len/value
 * records that fill the body exactly. */
static int frame(struct fc_file *f, size_t len, char *why)
{
	const uint8_t *b = f->buf;
	if (len < 12 || memcmp(b, "TSJC", 4) != 0) {
		fc_why(why, "not a stored plan");
		return -1;
	}
	if ((b[4] | (b[5] << 8)) != FC_VERSION || b[6] != 0 || b[7] != 0) {
		fc_why(why, "a stored plan of another version");
		return -1;
	}
	if (le32(b + 8) != len - 12) {
		fc_why(why, "a stored plan of the wrong length");
		return -1;
	}
	size_t count = 0;
	for (size_t off = 12; off < len; count++) {
		if (len - off < 6 || le32(b + off + 2) > len - off - 6) {
			fc_why(why, "a stored plan with a cut record");
			return -1;
		}
		off += 6 + le32(b + off + 2);
	}
	f->recs = calloc(count == 0 ? 1 : count, sizeof *f->recs);
	if (f->recs == NULL) {
		fc_why(why, "out of memory");
		return -1;
	}
	size_t off = 12;
	for (size_t i = 0; i < count; i++) {
		f->recs[i].tag = (unsigned)(b[off] | (b[off + 1] << 8));
		f->recs[i].len = le32(b + off + 2);
		f->recs[i].value = b + off + 6;
		off += 6 + f->recs[i].len;
	}
	f->nrecs = count;
	return 0;
}

static int read_all(int fd, uint8_t *buf, size_t len, char *why)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fc_why(why, "cannot read the stored plan: %s", n < 0 ? strerror(errno) : "cut short");
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int fc_open(const char *dir, const struct fc_launch *l, struct fc_file *f, char *why)
{
	memset(f, 0, sizeof *f);
	uid_t uid = getuid();
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		fc_why(why, "no cache directory %s: %s", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	int rc = -1, fd = -1;
	if (fstat(dfd, &st) != 0) {
		fc_why(why, "fstat %s: %s", dir, strerror(errno));
		goto out;
	}
	if (st.st_uid != uid || (st.st_mode & 077) != 0) {
		fc_why(why, "%s is not the caller's alone (owner %u, mode %03o)", dir,
		       (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777));
		goto out;
	}
	char name[32];
	snprintf(name, sizeof name, "%016llx.plan", (unsigned long long)fc_hash((unsigned)uid, l));
	snprintf(f->path, sizeof f->path, "%s/%s", dir, name);
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fc_why(why, "no stored plan %s: %s", f->path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		fc_why(why, "fstat %s: %s", f->path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != uid || (st.st_mode & 077) != 0 || st.st_nlink != 1) {
		fc_why(why, "%s is not a file of the caller's alone (owner %u, mode %03o, %lu links)",
		       f->path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777),
		       (unsigned long)st.st_nlink);
		goto out;
	}
	if (st.st_size < 12 || (size_t)st.st_size > FC_MAX) {
		fc_why(why, "%s has a bad size (%lld bytes)", f->path, (long long)st.st_size);
		goto out;
	}
	size_t len = (size_t)st.st_size;
	f->buf = malloc(len);
	if (f->buf == NULL) {
		fc_why(why, "out of memory");
		goto out;
	}
	if (read_all(fd, f->buf, len, why) != 0 || frame(f, len, why) != 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	close(dfd);
	if (rc != 0)
		fc_free(f);
	return rc;
}

int fc_parse(struct fc_file *f, uint8_t *buf, size_t len, char *why)
{
	memset(f, 0, sizeof *f);
	f->buf = buf;
	snprintf(f->path, sizeof f->path, "(handed back by the full path)");
	if (len < 12 || len > FC_MAX) {
		fc_why(why, "a stored plan of %zu bytes", len);
		fc_free(f);
		return -1;
	}
	if (frame(f, len, why) != 0) {
		fc_free(f);
		return -1;
	}
	return 0;
}

void fc_free(struct fc_file *f)
{
	free(f->buf);
	free(f->recs);
	f->buf = NULL;
	f->recs = NULL;
	f->nrecs = 0;
}

const struct fc_rec *fc_one(const struct fc_file *f, unsigned tag)
{
	const struct fc_rec *found = NULL;
	for (size_t i = 0; i < f->nrecs; i++) {
		if (f->recs[i].tag != tag)
			continue;
		if (found != NULL)
			return NULL;
		found = &f->recs[i];
	}
	return found;
}

bool fc_u32(const struct fc_file *f, unsigned tag, uint32_t *out)
{
	const struct fc_rec *r = fc_one(f, tag);
	if (r == NULL || r->len != 4)
		return false;
	*out = le32(r->value);
	return true;
}
