/** The few libseccomp calls tsjail needs, through koffi. libseccomp resolves
 * syscall names for each architecture and writes the BPF program; tsjail
 * never loads a filter into its own process (the helper installs it). */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { koffi } from '../ffi.js';
import { PlanError } from '../errors.js';

/** AUDIT_ARCH_* tokens, as libseccomp names architectures. */
export const ARCH = {
  x86_64: 0xc000003e,
  x86: 0x40000003,
  x32: 0x4000003e,
  aarch64: 0xc00000b7,
  arm: 0x40000028,
} as const;
export type ArchName = keyof typeof ARCH;

export const ACT_KILL_PROCESS = 0x80000000;
export const ACT_LOG = 0x7ffc0000;
export const ACT_ALLOW = 0x7fff0000;
/** SECCOMP_RET_USER_NOTIF: the listener's owner decides (tracelog). */
export const ACT_NOTIFY = 0x7fc00000;
export function actErrno(errno: number): number {
  return (0x00050000 | (errno & 0xffff)) >>> 0;
}

/** enum scmp_compare */
export const CMP_MASKED_EQ = 7;

const FLTATR_ACT_BADARCH = 2;
const FLTATR_CTL_NNP = 3;
const FLTATR_CTL_OPTIMIZE = 8;

/** Ceiling of a classic BPF program the kernel accepts (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

export interface ArgCmp {
  readonly arg: number;
  readonly op: number;
  readonly a: number;
  readonly b: number;
}

type Ctx = unknown;

interface Raw {
  init(defAction: number): Ctx;
  release(ctx: Ctx): void;
  archNative(): number;
  archAdd(ctx: Ctx, arch: number): number;
  archRemove(ctx: Ctx, arch: number): number;
  attrSet(ctx: Ctx, attr: number, value: number): number;
  resolveName(name: string): number;
  resolveNameArch(arch: number, name: string): number;
  resolveNumArch(arch: number, num: number): unknown;
  free(p: unknown): void;
  ruleAdd(ctx: Ctx, action: number, syscall: number, count: number, cmps: ArgCmp[] | null): number;
  merge(dst: Ctx, src: Ctx): number;
  exportBpf(ctx: Ctx, fd: number): number;
  exportPfc(ctx: Ctx, fd: number): number;
  memfdCreate(name: string, flags: number): number;
}

let raw: Raw | null = null;

function bind(): Raw {
  if (raw !== null) return raw;
  let lib: ReturnType<ReturnType<typeof koffi>['load']>;
  try {
    lib = koffi().load('libseccomp.so.2');
  } catch (e) {
    throw new PlanError(`seccomp: cannot load libseccomp.so.2 (install libseccomp2): ${(e as Error).message}`);
  }
  const libc = koffi().load('libc.so.6');
  koffi().struct('tsjail_scmp_arg_cmp', { arg: 'uint', op: 'int', a: 'uint64_t', b: 'uint64_t' });
  raw = {
    init: lib.func('void *seccomp_init(uint32_t def_action)'),
    release: lib.func('void seccomp_release(void *ctx)'),
    archNative: lib.func('uint32_t seccomp_arch_native(void)'),
    archAdd: lib.func('int seccomp_arch_add(void *ctx, uint32_t arch)'),
    archRemove: lib.func('int seccomp_arch_remove(void *ctx, uint32_t arch)'),
    attrSet: lib.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
    resolveName: lib.func('int seccomp_syscall_resolve_name(const char *name)'),
    resolveNameArch: lib.func('int seccomp_syscall_resolve_name_arch(uint32_t arch, const char *name)'),
    // A malloc()ed string, freed by the caller.
    resolveNumArch: lib.func('void *seccomp_syscall_resolve_num_arch(uint32_t arch, int num)'),
    free: libc.func('void free(void *p)'),
    ruleAdd: lib.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int n, ' +
      'tsjail_scmp_arg_cmp *cmps)'),
    merge: lib.func('int seccomp_merge(void *dst, void *src)'),
    exportBpf: lib.func('int seccomp_export_bpf(void *ctx, int fd)'),
    exportPfc: lib.func('int seccomp_export_pfc(void *ctx, int fd)'),
    memfdCreate: libc.func('int memfd_create(const char *name, unsigned int flags)'),
  };
  return raw;
}

function check(what: string, r: number): void {
  if (r < 0) throw new PlanError(`seccomp: ${what} failed (libseccomp: error ${-r})`);
}

const MFD_CLOEXEC = 1;

/** Everything libseccomp writes goes through a memfd (2.5 has no
 * export-to-memory call). */
function exportVia(fn: (fd: number) => number, what: string): Buffer {
  const fd = bind().memfdCreate('tsjail-seccomp', MFD_CLOEXEC);
  if (fd < 0) throw new PlanError(`seccomp: memfd_create failed (errno ${koffi().errno()})`);
  try {
    check(what, fn(fd));
    const size = fstatSync(fd).size;
    const out = Buffer.alloc(size);
    let off = 0;
    while (off < size) off += readSync(fd, out, off, size - off, off);
    return out;
  } finally {
    closeSync(fd);
  }
}

/** One filter for one architecture; merged into one program at the end. */
export class ArchFilter {
  private ctx: Ctx;
  readonly arch: number;

  constructor(arch: number, defaultAction: number, badArchAction: number) {
    const r = bind();
    this.arch = arch;
    const ctx = r.init(defaultAction);
    if (ctx === null) throw new PlanError('seccomp: seccomp_init failed');
    this.ctx = ctx;
    try {
      check('setting the bad-architecture action', r.attrSet(ctx, FLTATR_ACT_BADARCH, badArchAction));
      check('setting no_new_privs off', r.attrSet(ctx, FLTATR_CTL_NNP, 0));
      // A binary tree of syscall numbers: a denied call walks log(n) jumps.
      check('choosing the binary-tree layout', r.attrSet(ctx, FLTATR_CTL_OPTIMIZE, 2));
      if (arch !== r.archNative()) {
        check('removing the native architecture', r.archRemove(ctx, 0));
        check(`adding architecture 0x${arch.toString(16)}`, r.archAdd(ctx, arch));
      }
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** syscall: the number seccomp_syscall_resolve_name gave (libseccomp
   * translates it to this filter's architecture). */
  add(action: number, syscall: number, cmps: ArgCmp[] = []): void {
    const r = bind().ruleAdd(this.ctx, action, syscall, cmps.length, cmps.length > 0 ? cmps : null);
    // -EEXIST: the same rule twice, which is harmless.
    if (r !== -17) check(`adding a rule for syscall ${syscall}`, r);
  }

  /** Moves other into this filter; other is released. */
  merge(other: ArchFilter): void {
    check('merging the architectures', bind().merge(this.ctx, other.ctx));
    other.ctx = null;
  }

  bpf(): Buffer {
    return exportVia((fd) => bind().exportBpf(this.ctx, fd), 'seccomp_export_bpf');
  }

  /** libseccomp's pseudo code, for --debug and tests. */
  pfc(): string {
    return exportVia((fd) => bind().exportPfc(this.ctx, fd), 'seccomp_export_pfc').toString('utf8');
  }

  release(): void {
    if (this.ctx !== null) bind().release(this.ctx);
    this.ctx = null;
  }
}

/** The native syscall number (or libseccomp's negative pseudo number for a
 * call that exists only on another architecture); null: libseccomp does
 * not know the name at all. */
export function syscallNumber(name: string): number | null {
  const n = bind().resolveName(name);
  return n === -1 ? null : n;
}

/** Whether the call exists on that architecture: a number, or one of
 * libseccomp's pseudo numbers above -10000, which stand for a call reached
 * through a multiplexer there (i386's socket() through socketcall(), shmat()
 * through ipc(); libseccomp writes rules for both ways in). Pseudo numbers
 * from -10000 down stand for calls the architecture does not have. */
export function syscallOnArch(arch: number, name: string): boolean {
  const n = bind().resolveNameArch(arch, name);
  return n >= 0 || (n < -1 && n > -10000);
}

/** The name of native syscall number n (firejail's $N); null: none. */
export function syscallName(n: number): string | null {
  const b = bind();
  const p = b.resolveNumArch(b.archNative(), n);
  if (p === null) return null;
  try {
    return koffi().decode(p, 'char', -1) as string;
  } finally {
    b.free(p);
  }
}

/** The call's number on that architecture as the kernel sees it (x32's
 * with bit 30 set); null when the architecture does not have it. */
export function syscallNumberOnArch(arch: number, name: string): number | null {
  const n = bind().resolveNameArch(arch, name);
  return n >= 0 ? n : null;
}

/** The AUDIT_ARCH_* value seccomp_data carries for calls of that ABI: x32
 * calls come as x86_64 ones, with bit 30 set in their number. */
export function auditArch(arch: number): number {
  return arch === ARCH.x32 ? ARCH.x86_64 : arch;
}

export function nativeArch(): number {
  return bind().archNative();
}
