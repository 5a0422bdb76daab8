/* plan.c - the plan's framing (PLAN.md): the header, then each record's
 * tag, count and value type checked against its row of plan.def, before
 * the module of the record's concern decodes it (plan.h). Pure: no
 * syscalls, so the fuzzer exercises exactly what the helper runs. */
#include "plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* plan.def's rows, by tag. */
struct row {
	const char *name;
	enum tsj_vtype type;
	unsigned min, max;
	size_t len;
	const struct tsj_records *concern;
};

#define ROW_(name, tag, concern, type, min, max, len, ...) \
	[tag] = { #name, TSJ_V_##type, (min), (max), (len), &tsj_records_##concern },
static const struct row rows[TSJ_TAG_LIMIT] = { TSJ_RECORDS(ROW_) };
#undef ROW_

/* The concerns, in the order they are checked and dumped. */
#define CONCERN_(name, ...) &tsj_records_##name,
static const struct tsj_records *const concerns[] = { TSJ_CONCERNS(CONCERN_) };
#undef CONCERN_
#define NCONCERNS (sizeof concerns / sizeof concerns[0])

int tsj_fail(struct tsj_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	/* Messages quote plan bytes (a hostname, an ENV name, a mount path):
	 * keep the reason on one line, free of control characters. */
	for (char *c = r->err; r->errlen > 0 && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return -1;
}

const char *tsj_tag_name(unsigned tag)
{
	return tag < TSJ_TAG_LIMIT && rows[tag].name != NULL ? rows[tag].name : "unknown";
}

char *tsj_take_str(struct tsj_reader *r, unsigned tag, const uint8_t *v, size_t n, size_t max,
		   bool allow_empty)
{
	if (n > max) {
		tsj_fail(r, "plan: %s is %zu bytes, more than %zu", tsj_tag_name(tag), n, max);
		return NULL;
	}
	if (n == 0 && !allow_empty) {
		tsj_fail(r, "plan: %s is empty", tsj_tag_name(tag));
		return NULL;
	}
	if (n > 0 && memchr(v, 0, n) != NULL) {
		tsj_fail(r, "plan: %s contains a NUL byte", tsj_tag_name(tag));
		return NULL;
	}
	char *s = malloc(n + 1);
	if (s == NULL) {
		tsj_fail(r, "plan: out of memory");
		return NULL;
	}
	if (n > 0)
		memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

char *tsj_take_path(struct tsj_reader *r, unsigned tag, const uint8_t *v, size_t n)
{
	char *s = tsj_take_str(r, tag, v, n, TSJ_MAX_PATH, false);
	if (s != NULL && !path_normal(s)) {
		tsj_fail(r, "plan: %s is not a normalised absolute path", tsj_tag_name(tag));
		free(s);
		return NULL;
	}
	return s;
}

int tsj_push(struct tsj_reader *r, char ***vec, size_t *count, struct tsj_value *v)
{
	size_t max = rows[v->tag].max;
	if (*vec == NULL) {
		*vec = calloc(max + 1, sizeof(char *));
		if (*vec == NULL)
			return tsj_fail(r, "plan: out of memory");
	}
	/* plan.c counted the record: *count < max here. */
	(*vec)[(*count)++] = tsj_take(v);
	return 0;
}

/* The record's count, then its value by type (plan.def). */
static int frame(struct tsj_reader *r, const struct row *row, struct tsj_value *v)
{
	unsigned tag = v->tag;
	if (r->count[tag] >= row->max) {
		if (row->max == 1)
			return tsj_fail(r, "plan: %s given twice", row->name);
		return tsj_fail(r, "plan: more than %u %s records", row->max, row->name);
	}
	r->count[tag]++;
	switch (row->type) {
	case TSJ_V_U32:
	case TSJ_V_U64:
	case TSJ_V_FIXED:
		if (v->n != row->len)
			return tsj_fail(r, "plan: %s must be %zu bytes, not %zu", row->name, row->len, v->n);
		if (row->type == TSJ_V_U32)
			v->u32 = tsj_le32(v->p);
		else if (row->type == TSJ_V_U64)
			v->u64 = tsj_le64(v->p);
		return 0;
	case TSJ_V_STR:
	case TSJ_V_STR0:
		v->s = tsj_take_str(r, tag, v->p, v->n, row->len, row->type == TSJ_V_STR0);
		return v->s == NULL ? -1 : 0;
	case TSJ_V_PATH:
		v->s = tsj_take_path(r, tag, v->p, v->n);
		return v->s == NULL ? -1 : 0;
	case TSJ_V_BYTES:
	case TSJ_V_REC:
		return 0;
	}
	return tsj_fail(r, "plan: %s has no type", row->name);
}

/* Records plan.def says a plan must have. */
static int required(struct tsj_reader *r)
{
	char names[256] = "";
	unsigned n = 0, missing = 0;
	for (unsigned tag = 0; tag < TSJ_TAG_LIMIT; tag++)
		if (rows[tag].min > 0) {
			n++;
			missing |= r->count[tag] < rows[tag].min;
		}
	if (!missing)
		return 0;
	/* "A, B, C and D are required" */
	for (unsigned tag = 0, i = 0; tag < TSJ_TAG_LIMIT; tag++)
		if (rows[tag].min > 0) {
			size_t len = strlen(names);
			snprintf(names + len, sizeof names - len, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
				 rows[tag].name);
			i++;
		}
	return tsj_fail(r, "plan: %s %s required", names, n == 1 ? "is" : "are");
}

int tsj_plan_decode(const uint8_t *buf, size_t len, unsigned last_cap,
		    struct tsj_plan *plan, char *err, size_t errlen)
{
	struct tsj_reader r = { .err = err, .errlen = errlen, .last_cap = last_cap };
	memset(plan, 0, sizeof *plan);
	if (len > TSJ_PLAN_MAX)
		return tsj_fail(&r, "plan: %zu bytes, more than the limit of %u", len, TSJ_PLAN_MAX);
	if (len < TSJ_PLAN_HEADER)
		return tsj_fail(&r, "plan: truncated header (%zu bytes)", len);
	if (memcmp(buf, "TSJP", 4) != 0)
		return tsj_fail(&r, "plan: bad magic (not a tsjail plan)");
	if (tsj_le16(buf + 4) != TSJ_PLAN_VERSION)
		return tsj_fail(&r, "plan: version %u, this helper reads version %u",
				tsj_le16(buf + 4), TSJ_PLAN_VERSION);
	if (tsj_le16(buf + 6) != 0)
		return tsj_fail(&r, "plan: reserved header field is not zero");
	size_t body = tsj_le32(buf + 8);
	if (body != len - TSJ_PLAN_HEADER)
		return tsj_fail(&r, "plan: header says %zu body bytes, got %zu (truncated or trailing data)",
				body, len - TSJ_PLAN_HEADER);

	const uint8_t *p = buf + TSJ_PLAN_HEADER;
	size_t left = body;
	while (left > 0) {
		if (left < 6) {
			tsj_fail(&r, "plan: truncated record header");
			goto bad;
		}
		struct tsj_value v = { .tag = tsj_le16(p), .n = tsj_le32(p + 2), .p = p + 6 };
		if (v.tag >= TSJ_TAG_LIMIT) {
			tsj_fail(&r, "plan: unknown record tag 0x%x", v.tag);
			goto bad;
		}
		if (v.n > left - 6) {
			tsj_fail(&r, "plan: %s record overruns the plan", tsj_tag_name(v.tag));
			goto bad;
		}
		const struct row *row = &rows[v.tag];
		if (row->concern == NULL) {
			tsj_fail(&r, "plan: unknown record tag 0x%x", v.tag);
			goto bad;
		}
		int rc = frame(&r, row, &v);
		if (rc == 0)
			rc = row->concern->decode(&r, plan, &v);
		free(v.s);
		if (rc != 0)
			goto bad;
		p += 6 + v.n;
		left -= 6 + v.n;
	}
	if (required(&r) != 0)
		goto bad;
	for (size_t i = 0; i < NCONCERNS; i++)
		if (concerns[i]->check != NULL && concerns[i]->check(&r, plan) != 0)
			goto bad;
	return 0;
bad:
	tsj_plan_free(plan);
	return -1;
}

void tsj_plan_free(struct tsj_plan *pl)
{
	for (size_t i = 0; i < NCONCERNS; i++)
		concerns[i]->free(pl);
	memset(pl, 0, sizeof *pl);
}

int tsj_plan_dump(const struct tsj_plan *pl, FILE *out)
{
	fprintf(out, "{\"version\":%d", TSJ_PLAN_VERSION);
	for (size_t i = 0; i < NCONCERNS; i++)
		concerns[i]->dump(pl, out);
	fputs("}\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* ---- JSON ---- */

void tsj_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(out, "\\u%04x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

void tsj_json_list(FILE *out, const char *key, char *const *v, size_t n)
{
	fprintf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		tsj_json_str(out, v[i]);
	}
	fputc(']', out);
}

void tsj_json_opt(FILE *out, const char *key, const char *v)
{
	fprintf(out, ",\"%s\":", key);
	if (v)
		tsj_json_str(out, v);
	else
		fputs("null", out);
}

void tsj_json_bits(FILE *out, const struct tsj_bit *bits, size_t n, uint32_t value)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, ",\"%s\":%s", bits[i].key, (value & bits[i].mask) ? "true" : "false");
}
