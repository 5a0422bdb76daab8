/* plan.c - decode and validate a plan (PLAN.md). Pure: no syscalls, so the
 * fuzzer exercises exactly what the helper runs. */
#include "plan.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const uint8_t *p;
	size_t left;
	char *err;
	size_t errlen;
};

static int fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

static const char *tag_name(unsigned tag)
{
	switch (tag) {
	case TSJ_TAG_NAMESPACES: return "NAMESPACES";
	case TSJ_TAG_FLAGS: return "FLAGS";
	case TSJ_TAG_HOSTNAME: return "HOSTNAME";
	case TSJ_TAG_PROGRAM: return "PROGRAM";
	case TSJ_TAG_ARGV: return "ARGV";
	case TSJ_TAG_ENV: return "ENV";
	case TSJ_TAG_CWD: return "CWD";
	case TSJ_TAG_CAPS_KEEP: return "CAPS_KEEP";
	case TSJ_TAG_SOURCE: return "SOURCE";
	case TSJ_TAG_NET_PARENT: return "NET_PARENT";
	case TSJ_TAG_NET_NAME: return "NET_NAME";
	case TSJ_TAG_NET_VETH: return "NET_VETH";
	case TSJ_TAG_NET_IP: return "NET_IP";
	case TSJ_TAG_NET_NETMASK: return "NET_NETMASK";
	case TSJ_TAG_NET_GATEWAY: return "NET_GATEWAY";
	case TSJ_TAG_NET_MAC: return "NET_MAC";
	case TSJ_TAG_NET_MTU: return "NET_MTU";
	case TSJ_TAG_NET_DNS: return "NET_DNS";
	case TSJ_TAG_NET_HOSTS: return "NET_HOSTS";
	default: return "unknown";
	}
}

/* A copy of v[0..n) as a C string; refuses NUL bytes and, unless
 * allow_empty, the empty string. */
static char *take_str(struct reader *r, unsigned tag, const uint8_t *v, size_t n,
		      size_t max, bool allow_empty)
{
	if (n > max) {
		fail(r, "plan: %s is %zu bytes, more than %zu", tag_name(tag), n, max);
		return NULL;
	}
	if (n == 0 && !allow_empty) {
		fail(r, "plan: %s is empty", tag_name(tag));
		return NULL;
	}
	if (n > 0 && memchr(v, 0, n) != NULL) {
		fail(r, "plan: %s contains a NUL byte", tag_name(tag));
		return NULL;
	}
	char *s = malloc(n + 1);
	if (s == NULL) {
		fail(r, "plan: out of memory");
		return NULL;
	}
	if (n > 0)
		memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

/* Absolute, normalised: no empty, "." or ".." component, no trailing '/'
 * except for "/" itself. */
static bool path_ok(const char *s)
{
	if (s[0] != '/')
		return false;
	if (s[1] == '\0')
		return true;
	const char *c = s + 1;
	for (;;) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (end == NULL)
			return true;
		c = end + 1;
	}
}

static char *take_path(struct reader *r, unsigned tag, const uint8_t *v, size_t n)
{
	char *s = take_str(r, tag, v, n, TSJ_MAX_PATH, false);
	if (s != NULL && !path_ok(s)) {
		fail(r, "plan: %s is not a normalised absolute path", tag_name(tag));
		free(s);
		return NULL;
	}
	return s;
}

static bool hostname_ok(const char *s)
{
	for (const char *c = s; *c; c++) {
		bool alnum = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			     (*c >= '0' && *c <= '9');
		if (!alnum && *c != '-' && *c != '.')
			return false;
	}
	return s[0] != '-' && s[0] != '.';
}

int tsj_env_name_denied(const char *name, size_t n)
{
	static const char *const denied[] = {
		"GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES",
		"LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE", "NIS_PATH", "NLSPATH",
		"RESOLV_HOST_CONF", "RES_OPTIONS", "TZDIR",
	};
	if (n >= 3 && memcmp(name, "LD_", 3) == 0)
		return 1;
	for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
		if (strlen(denied[i]) == n && memcmp(denied[i], name, n) == 0)
			return 1;
	return 0;
}

static bool env_ok(struct reader *r, const char *s)
{
	const char *eq = strchr(s, '=');
	if (eq == NULL || eq == s)
		return fail(r, "plan: ENV entry is not NAME=value"), false;
	for (const char *c = s; c < eq; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  *c == '_' || (c > s && *c >= '0' && *c <= '9');
		if (!ok)
			return fail(r, "plan: ENV name '%.*s' is not valid",
				    (int)(eq - s), s), false;
	}
	if (tsj_env_name_denied(s, (size_t)(eq - s)))
		return fail(r, "plan: ENV variable %.*s may not pass into a sandbox",
			    (int)(eq - s), s), false;
	return true;
}

/* Appends s to a NULL-terminated vector of capacity max. */
static int push(struct reader *r, char ***vec, size_t *count, size_t max,
		unsigned tag, char *s)
{
	if (*count >= max) {
		free(s);
		return fail(r, "plan: more than %zu %s records", max, tag_name(tag));
	}
	if (*vec == NULL) {
		*vec = calloc(max + 1, sizeof(char *));
		if (*vec == NULL) {
			free(s);
			return fail(r, "plan: out of memory");
		}
	}
	(*vec)[(*count)++] = s;
	return 0;
}

static int once(struct reader *r, unsigned tag, bool *seen)
{
	if (seen[tag])
		return fail(r, "plan: %s given twice", tag_name(tag));
	seen[tag] = true;
	return 0;
}

static int need_len(struct reader *r, unsigned tag, size_t n, size_t want)
{
	if (n != want)
		return fail(r, "plan: %s must be %zu bytes, not %zu", tag_name(tag), want, n);
	return 0;
}

/* ---- Network records (0x30-0x3f) ---- */

/* A Linux interface name: 1-15 printable bytes, no '/', ':' or space, not
 * "." or "..". */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TSJ_MAX_IFNAME || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *c = s; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '/' || *c == ':')
			return false;
	return true;
}

int tsj_ifname_ok(const char *s)
{
	return ifname_ok(s);
}

/* Dotted-quad IPv4 in the form inet_ntop writes it. */
static bool ipv4_canonical(const char *s, struct in_addr *out)
{
	char back[INET_ADDRSTRLEN];
	struct in_addr a;
	if (strlen(s) >= sizeof back || inet_pton(AF_INET, s, &a) != 1)
		return false;
	if (inet_ntop(AF_INET, &a, back, sizeof back) == NULL || strcmp(back, s) != 0)
		return false;
	if (out)
		*out = a;
	return true;
}

/* A unicast host address: not 0/8, loopback, multicast or broadcast. */
static bool ipv4_host(const char *s)
{
	struct in_addr a;
	if (!ipv4_canonical(s, &a))
		return false;
	uint32_t h = ntohl(a.s_addr);
	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) < 14;
}

static bool netmask_ok(const char *s)
{
	struct in_addr a;
	if (!ipv4_canonical(s, &a))
		return false;
	uint32_t m = ntohl(a.s_addr);
	return m != 0 && (~m & (~m + 1)) == 0; /* ones, then zeros */
}

static bool mac_ok(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (strlen(s) != 17)
		return false;
	bool zero = true;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return false;
		} else if (s[i] == '\0' || strchr(hex, s[i]) == NULL) {
			return false;
		} else if (s[i] != '0') {
			zero = false;
		}
	}
	/* The low bit of the first octet marks multicast. */
	return !zero && (strchr(hex, s[1]) - hex) % 2 == 0;
}

static bool dns_ok(const char *s)
{
	unsigned char a6[16];
	if (strchr(s, ':') != NULL)
		return inet_pton(AF_INET6, s, a6) == 1;
	return ipv4_canonical(s, NULL);
}

/* Takes a once-only string record into *slot, checking it with ok(). */
static int net_str(struct reader *r, unsigned tag, const uint8_t *v, size_t n, size_t max,
		   bool *seen, char **slot, bool (*ok)(const char *), const char *what)
{
	if (once(r, tag, seen))
		return -1;
	if ((*slot = take_str(r, tag, v, n, max, false)) == NULL)
		return -1;
	if (!ok(*slot))
		return fail(r, "plan: %s '%s' is not %s", tag_name(tag), *slot, what);
	return 0;
}

static bool ip_ok(const char *s)
{
	return strcmp(s, "none") == 0 || ipv4_host(s);
}

static int net_record(struct reader *r, struct tsj_plan_net *net, unsigned tag,
		      const uint8_t *v, size_t n, bool *seen)
{
	char *s;
	net->present = true;
	switch (tag) {
	case TSJ_TAG_NET_PARENT:
		return net_str(r, tag, v, n, TSJ_MAX_IFNAME, seen, &net->parent, ifname_ok,
			       "an interface name");
	case TSJ_TAG_NET_NAME:
		return net_str(r, tag, v, n, TSJ_MAX_IFNAME, seen, &net->name, ifname_ok,
			       "an interface name");
	case TSJ_TAG_NET_VETH:
		return net_str(r, tag, v, n, TSJ_MAX_IFNAME, seen, &net->veth, ifname_ok,
			       "an interface name");
	case TSJ_TAG_NET_IP:
		return net_str(r, tag, v, n, TSJ_MAX_ADDR_TEXT, seen, &net->ip, ip_ok,
			       "\"none\" or a unicast IPv4 address");
	case TSJ_TAG_NET_NETMASK:
		return net_str(r, tag, v, n, TSJ_MAX_ADDR_TEXT, seen, &net->netmask, netmask_ok,
			       "an IPv4 network mask");
	case TSJ_TAG_NET_GATEWAY:
		return net_str(r, tag, v, n, TSJ_MAX_ADDR_TEXT, seen, &net->gateway, ipv4_host,
			       "a unicast IPv4 address");
	case TSJ_TAG_NET_MAC:
		return net_str(r, tag, v, n, 17, seen, &net->mac, mac_ok,
			       "a unicast MAC address (xx:xx:xx:xx:xx:xx, lower case)");
	case TSJ_TAG_NET_MTU:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		net->mtu = le32(v);
		if (net->mtu < TSJ_MTU_MIN || net->mtu > TSJ_MTU_MAX)
			return fail(r, "plan: NET_MTU %u is outside %u-%u", net->mtu,
				    TSJ_MTU_MIN, TSJ_MTU_MAX);
		return 0;
	case TSJ_TAG_NET_DNS:
		if (net->ndns >= TSJ_MAX_DNS)
			return fail(r, "plan: more than %u NET_DNS records", TSJ_MAX_DNS);
		if ((s = take_str(r, tag, v, n, TSJ_MAX_ADDR_TEXT, false)) == NULL)
			return -1;
		net->dns[net->ndns++] = s;
		if (!dns_ok(s))
			return fail(r, "plan: NET_DNS '%s' is not an IP address", s);
		return 0;
	case TSJ_TAG_NET_HOSTS:
		if (once(r, tag, seen))
			return -1;
		return (net->hosts = take_str(r, tag, v, n, TSJ_MAX_HOSTS, true)) == NULL ? -1 : 0;
	default:
		return fail(r, "plan: unknown record tag 0x%x", tag);
	}
}

/* Records that only make sense together. */
static int net_check(struct reader *r, const struct tsj_plan *pl)
{
	const struct tsj_plan_net *net = &pl->net;
	if (net->parent != NULL && !(pl->namespaces & TSJ_NS_NET))
		return fail(r, "plan: NET_PARENT needs the net namespace");
	if (net->parent == NULL && (net->name || net->veth || net->ip || net->netmask ||
				    net->gateway || net->mac || net->mtu))
		return fail(r, "plan: interface settings without NET_PARENT");
	if (net->gateway != NULL && net->ip != NULL && strcmp(net->ip, "none") == 0)
		return fail(r, "plan: NET_GATEWAY with NET_IP none");
	return 0;
}

static int record(struct reader *r, struct tsj_plan *pl, unsigned tag,
		  const uint8_t *v, size_t n, unsigned last_cap, bool *seen)
{
	char *s;
	switch (tag) {
	case TSJ_TAG_NAMESPACES:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		pl->namespaces = le32(v);
		if (pl->namespaces & ~(uint32_t)TSJ_NS_ALL)
			return fail(r, "plan: unknown namespace bits 0x%x", pl->namespaces);
		if ((pl->namespaces & (TSJ_NS_PID | TSJ_NS_MOUNT)) != (TSJ_NS_PID | TSJ_NS_MOUNT))
			return fail(r, "plan: the pid and mount namespaces are required");
		return 0;
	case TSJ_TAG_FLAGS:
		if (once(r, tag, seen) || need_len(r, tag, n, 4))
			return -1;
		pl->flags = le32(v);
		if (pl->flags & ~(uint32_t)TSJ_FLAG_ALL)
			return fail(r, "plan: unknown flag bits 0x%x", pl->flags);
		return 0;
	case TSJ_TAG_HOSTNAME:
		if (once(r, tag, seen))
			return -1;
		if ((pl->hostname = take_str(r, tag, v, n, TSJ_MAX_HOSTNAME, false)) == NULL)
			return -1;
		if (!hostname_ok(pl->hostname))
			return fail(r, "plan: hostname '%s' is not valid", pl->hostname);
		return 0;
	case TSJ_TAG_PROGRAM:
		if (once(r, tag, seen))
			return -1;
		return (pl->program = take_path(r, tag, v, n)) == NULL ? -1 : 0;
	case TSJ_TAG_CWD:
		if (once(r, tag, seen))
			return -1;
		return (pl->cwd = take_path(r, tag, v, n)) == NULL ? -1 : 0;
	case TSJ_TAG_ARGV:
		if ((s = take_str(r, tag, v, n, TSJ_MAX_ARG_LEN, true)) == NULL)
			return -1;
		return push(r, &pl->argv, &pl->argc, TSJ_MAX_ARGV, tag, s);
	case TSJ_TAG_ENV:
		if ((s = take_str(r, tag, v, n, TSJ_MAX_ARG_LEN, false)) == NULL)
			return -1;
		if (!env_ok(r, s)) {
			free(s);
			return -1;
		}
		return push(r, &pl->envp, &pl->envc, TSJ_MAX_ENV, tag, s);
	case TSJ_TAG_CAPS_KEEP:
		if (once(r, tag, seen) || need_len(r, tag, n, 8))
			return -1;
		pl->caps_keep = le64(v);
		if (last_cap < 63 && (pl->caps_keep >> (last_cap + 1)) != 0)
			return fail(r, "plan: CAPS_KEEP names a capability above %u", last_cap);
		return 0;
	case TSJ_TAG_SOURCE: {
		if (n < 9)
			return fail(r, "plan: SOURCE is too short");
		if (pl->nsources >= TSJ_MAX_SOURCES)
			return fail(r, "plan: more than %u SOURCE records", TSJ_MAX_SOURCES);
		if (pl->sources == NULL) {
			pl->sources = calloc(TSJ_MAX_SOURCES, sizeof *pl->sources);
			if (pl->sources == NULL)
				return fail(r, "plan: out of memory");
		}
		if ((s = take_path(r, tag, v + 8, n - 8)) == NULL)
			return -1;
		pl->sources[pl->nsources].mtime_ns = le64(v);
		pl->sources[pl->nsources++].path = s;
		return 0;
	}
	default:
		if (tag >= TSJ_TAG_NET_PARENT && tag <= TSJ_TAG_NET_HOSTS)
			return net_record(r, &pl->net, tag, v, n, seen);
		return fail(r, "plan: unknown record tag 0x%x", tag);
	}
}

int tsj_plan_decode(const uint8_t *buf, size_t len, unsigned last_cap,
		    struct tsj_plan *plan, char *err, size_t errlen)
{
	struct reader r = { buf, len, err, errlen };
	memset(plan, 0, sizeof *plan);
	if (len > TSJ_PLAN_MAX)
		return fail(&r, "plan: %zu bytes, more than the limit of %u", len, TSJ_PLAN_MAX);
	if (len < TSJ_PLAN_HEADER)
		return fail(&r, "plan: truncated header (%zu bytes)", len);
	if (memcmp(buf, "TSJP", 4) != 0)
		return fail(&r, "plan: bad magic (not a tsjail plan)");
	if (le16(buf + 4) != TSJ_PLAN_VERSION)
		return fail(&r, "plan: version %u, this helper reads version %u",
			    le16(buf + 4), TSJ_PLAN_VERSION);
	if (le16(buf + 6) != 0)
		return fail(&r, "plan: reserved header field is not zero");
	size_t body = le32(buf + 8);
	if (body != len - TSJ_PLAN_HEADER)
		return fail(&r, "plan: header says %zu body bytes, got %zu (truncated or trailing data)",
			    body, len - TSJ_PLAN_HEADER);

	r.p = buf + TSJ_PLAN_HEADER;
	r.left = body;
	bool seen[TSJ_TAG_LIMIT] = { false };
	while (r.left > 0) {
		if (r.left < 6) {
			fail(&r, "plan: truncated record header");
			goto bad;
		}
		unsigned tag = le16(r.p);
		size_t n = le32(r.p + 2);
		if (tag >= TSJ_TAG_LIMIT) {
			fail(&r, "plan: unknown record tag 0x%x", tag);
			goto bad;
		}
		if (n > r.left - 6) {
			fail(&r, "plan: %s record overruns the plan", tag_name(tag));
			goto bad;
		}
		if (record(&r, plan, tag, r.p + 6, n, last_cap, seen) != 0)
			goto bad;
		r.p += 6 + n;
		r.left -= 6 + n;
	}
	if (!seen[TSJ_TAG_NAMESPACES] || !seen[TSJ_TAG_FLAGS] || !seen[TSJ_TAG_PROGRAM] ||
	    plan->argc == 0) {
		fail(&r, "plan: NAMESPACES, FLAGS, PROGRAM and ARGV are required");
		goto bad;
	}
	if (plan->hostname != NULL && !(plan->namespaces & TSJ_NS_UTS)) {
		fail(&r, "plan: a hostname needs the uts namespace");
		goto bad;
	}
	if (net_check(&r, plan) != 0)
		goto bad;
	return 0;
bad:
	tsj_plan_free(plan);
	return -1;
}

void tsj_plan_free(struct tsj_plan *pl)
{
	free(pl->hostname);
	free(pl->program);
	free(pl->cwd);
	for (size_t i = 0; i < pl->argc; i++)
		free(pl->argv[i]);
	free(pl->argv);
	for (size_t i = 0; i < pl->envc; i++)
		free(pl->envp[i]);
	free(pl->envp);
	for (size_t i = 0; i < pl->nsources; i++)
		free(pl->sources[i].path);
	free(pl->sources);
	struct tsj_plan_net *net = &pl->net;
	free(net->parent);
	free(net->name);
	free(net->veth);
	free(net->ip);
	free(net->netmask);
	free(net->gateway);
	free(net->mac);
	for (size_t i = 0; i < net->ndns; i++)
		free(net->dns[i]);
	free(net->hosts);
	memset(pl, 0, sizeof *pl);
}

static void json_str(FILE *out, const char *s)
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

static void json_list(FILE *out, const char *key, char *const *v, size_t n)
{
	fprintf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		json_str(out, v[i]);
	}
	fputc(']', out);
}

static void json_opt(FILE *out, const char *key, const char *v)
{
	fprintf(out, ",\"%s\":", key);
	if (v)
		json_str(out, v);
	else
		fputs("null", out);
}

int tsj_plan_dump(const struct tsj_plan *pl, FILE *out)
{
	static const char *const ns_names[] = { "pid", "mount", "ipc", "uts", "net", "cgroup" };
	fprintf(out, "{\"version\":%d,\"namespaces\":[", TSJ_PLAN_VERSION);
	for (unsigned i = 0, first = 1; i < 6; i++)
		if (pl->namespaces & (1u << i)) {
			fprintf(out, "%s\"%s\"", first ? "" : ",", ns_names[i]);
			first = 0;
		}
	fprintf(out, "],\"noNewPrivs\":%s,\"log\":\"%s\"",
		(pl->flags & TSJ_FLAG_NO_NEW_PRIVS) ? "true" : "false",
		(pl->flags & TSJ_FLAG_DEBUG) ? "debug" : (pl->flags & TSJ_FLAG_QUIET) ? "quiet" : "normal");
	json_opt(out, "hostname", pl->hostname);
	json_opt(out, "program", pl->program);
	json_list(out, "argv", pl->argv, pl->argc);
	json_list(out, "env", pl->envp, pl->envc);
	json_opt(out, "cwd", pl->cwd);
	fputs(",\"capsKeep\":[", out);
	for (unsigned c = 0, first = 1; c < 64; c++)
		if (pl->caps_keep & (1ULL << c)) {
			fprintf(out, "%s%u", first ? "" : ",", c);
			first = 0;
		}
	fputs("],\"sources\":[", out);
	for (size_t i = 0; i < pl->nsources; i++) {
		fprintf(out, "%s{\"path\":", i ? "," : "");
		json_str(out, pl->sources[i].path);
		fprintf(out, ",\"mtimeNs\":\"%llu\"}", (unsigned long long)pl->sources[i].mtime_ns);
	}
	fputc(']', out);
	const struct tsj_plan_net *net = &pl->net;
	if (!net->present) {
		fputs(",\"network\":null", out);
	} else {
		fputs(",\"network\":{", out);
		fputs("\"parent\":", out);
		if (net->parent)
			json_str(out, net->parent);
		else
			fputs("null", out);
		json_opt(out, "name", net->name ? net->name : "eth0");
		json_opt(out, "vethName", net->veth);
		json_opt(out, "ip", net->ip);
		json_opt(out, "netmask", net->netmask);
		json_opt(out, "gateway", net->gateway);
		json_opt(out, "mac", net->mac);
		if (net->mtu)
			fprintf(out, ",\"mtu\":%u", net->mtu);
		else
			fputs(",\"mtu\":null", out);
		json_list(out, "dns", net->dns, net->ndns);
		json_opt(out, "hosts", net->hosts);
		fputc('}', out);
	}
	fputs("}\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
