/* fhost.c - facts of the host that the front end hands to the full path it
 * starts (TSJAIL_HOST), so that Node need not load koffi to learn them:
 *
 *   mdwe=0|1             prctl(PR_GET_MDWE) works (Linux 6.3 and later)
 *   libseccomp=V:ID      the libseccomp the dynamic loader picks for
 *                        "libseccomp.so.2" in this environment: its
 *                        seccomp_version() and its ELF build id (hex); "-"
 *                        when it cannot be loaded or has no build id
 *
 * The planner uses a precompiled seccomp filter only when libseccomp=
 * names the library it was compiled with (src/seccomp/precompiled.ts).
 * These are hints from the caller's own process: a wrong one costs the
 * caller a filter of another libseccomp, or an MDWE rule done by seccomp
 * instead of prctl, never a check of the helper (SECURITY.md). Built also
 * as a program of its own (front/host-facts, -DFH_MAIN), which the build
 * runs to label the filters it precompiles. */
#include "front.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#ifndef PR_GET_MDWE
#define PR_GET_MDWE 66
#endif

#define BUILD_ID_MAX 64

bool fc_has_mdwe(void)
{
	return prctl(PR_GET_MDWE, 0, 0, 0, 0) >= 0;
}

struct build_id {
	ElfW(Addr) base;
	char hex[2 * BUILD_ID_MAX + 1];
};

/* NT_GNU_BUILD_ID in the PT_NOTE segments of the object loaded at
 * base. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct build_id *b = data;
	if (info->dlpi_addr != b->base)
		return 0;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		size_t align = ph->p_align == 8 ? 8 : 4;
		const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
		const uint8_t *end = p + ph->p_memsz;
		while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)(const void *)p;
			size_t name = (n->n_namesz + align - 1) & ~(align - 1);
			size_t desc = (n->n_descsz + align - 1) & ~(align - 1);
			const uint8_t *nm = p + sizeof *n;
			if ((size_t)(end - nm) < name || (size_t)(end - nm - name) < n->n_descsz)
				break;
			const uint8_t *d = nm + name;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(nm, "GNU", 4) == 0 &&
			    n->n_descsz > 0 && n->n_descsz <= BUILD_ID_MAX) {
				for (size_t k = 0; k < n->n_descsz; k++)
					snprintf(b->hex + 2 * k, 3, "%02x", d[k]);
				return 1;
			}
			if ((size_t)(end - d) < desc)
				break;
			p = d + desc;
		}
	}
	return 1;
}

struct scmp_version {
	unsigned int major, minor, micro;
};

/* "V:ID" of the libseccomp dlopen() finds; false when there is none, or
 * it has no build id. The library stays loaded: this process execs next. */
static bool libseccomp_id(char *out, size_t size)
{
	void *h = dlopen("libseccomp.so.2", RTLD_LAZY | RTLD_LOCAL);
	if (h == NULL)
		return false;
	const struct scmp_version *(*version)(void) =
		(const struct scmp_version *(*)(void))dlsym(h, "seccomp_version");
	struct link_map *lm = NULL;
	if (version == NULL || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || lm == NULL)
		return false;
	const struct scmp_version *v = version();
	struct build_id b = { .base = lm->l_addr, .hex = "" };
	dl_iterate_phdr(find_build_id, &b);
	if (v == NULL || b.hex[0] == '\0')
		return false;
	int n = snprintf(out, size, "%u.%u.%u:%s", v->major, v->minor, v->micro, b.hex);
	return n > 0 && (size_t)n < size;
}

void fc_host_facts(char *out, size_t size)
{
	char lib[2 * BUILD_ID_MAX + 64];
	if (!libseccomp_id(lib, sizeof lib))
		snprintf(lib, sizeof lib, "-");
	snprintf(out, size, "mdwe=%d libseccomp=%s", fc_has_mdwe() ? 1 : 0, lib);
}

#ifdef FH_MAIN
int main(void)
{
	char facts[FC_HOST_FACTS];
	fc_host_facts(facts, sizeof facts);
	return printf("%s\n", facts) < 0 ? 1 : 0;
}
#endif
