/** A syscall list and guards -> one BPF program, through libseccomp.
 *
 * One filter covers every ABI a process on this machine can call the kernel
 * through: on x86_64 the native one, i386 (int 0x80) and x32 (numbers with
 * bit 30 set), each with its own syscall numbers. The program checks the
 * architecture first, so a blocked call cannot come back through another
 * ABI; with blockSecondary only the native ABI is in the filter and every
 * i386 or x32 call gets the error action (libseccomp sends x32 numbers on
 * x86_64 to the bad-architecture action when x32 is not in the filter). */
import { OptionError, PlanError } from '../errors.js';
import { actionName, actionValue, type Action } from './actions.js';
import type { Guard } from './guards.js';
import {
  ACT_ALLOW, ACT_NOTIFY, ARCH, ArchFilter, auditArch, BPF_MAXINSNS, CMP_MASKED_EQ, nativeArch, syscallNumber,
  syscallNumberOnArch, syscallOnArch,
} from './libseccomp.js';
import { AT_EMPTY_PATH, type TracedCall, type TracedShape } from './tracelog.js';

export interface ListEntry {
  /** Its own action (name:ENAME); null: the filter's. */
  readonly action: Action | null;
  /** Named directly, not through a group: an unknown name is an error. */
  readonly direct: boolean;
  /** The option (or directive) it came from, for error messages. */
  readonly option: string;
}

export interface FilterSpec {
  /** false: the calls are blocked, the rest allowed; true: the calls are
   * allowed, the rest blocked. */
  readonly allowlist: boolean;
  readonly action: Action;
  readonly syscalls: ReadonlyMap<string, ListEntry>;
  readonly guards: readonly Guard[];
  readonly blockSecondary: boolean;
  /** tracelog: calls the filter notifies where it would let them through
   * (a call the filter blocks stays blocked). */
  readonly notify?: readonly TracedShape[];
}

export interface CompiledFilter {
  /** struct sock_filter[], as seccomp(SECCOMP_SET_MODE_FILTER) takes it. */
  readonly bpf: Buffer;
  /** The calls in the filter, sorted; name:ACTION for their own action. */
  readonly syscalls: readonly string[];
  /** The calls notified, one per ABI (the plan's TRACE_CALL records). */
  readonly notified: readonly TracedCall[];
  /** libseccomp's pseudo code, when asked for. */
  readonly pfc?: string;
}

const SECONDARY: Readonly<Record<number, readonly number[]>> = {
  [ARCH.x86_64]: [ARCH.x86, ARCH.x32],
  [ARCH.aarch64]: [ARCH.arm],
};

/** On the i386 ABI socket() may also come through socketcall(), whose
 * arguments are in memory, out of a filter's sight: libseccomp's translation
 * of an argument rule on socket() is safe for a deny rule (it refuses
 * socketcall(SYS_SOCKET) whole) but not for an allow rule, so an allow-list
 * never lets a guarded socket() through there. (ipc() passes shmat()'s
 * arguments in registers, and libseccomp translates those exactly.) */
const X86_MULTIPLEXED = new Set(['socket']);

function inScope(g: Guard, arch: number): boolean {
  return g.arches === 'all' || (g.arches === 'x86') === (arch === ARCH.x86);
}

export function compileFilter(spec: FilterSpec, opts: { pfc?: boolean } = {}): CompiledFilter {
  const numbers = new Map<string, number>();
  for (const [name, e] of spec.syscalls) {
    const n = syscallNumber(name);
    if (n !== null) numbers.set(name, n);
    else if (e.direct) throw new OptionError(`${e.option}: unknown syscall '${name}'`);
  }
  for (const g of spec.guards) {
    const n = syscallNumber(g.syscall);
    if (n !== null) numbers.set(g.syscall, n); // else a call this libseccomp does not know: nothing to guard
  }

  const native = nativeArch();
  const arches = [native, ...(spec.blockSecondary ? [] : SECONDARY[native] ?? [])];
  const error = actionValue(spec.action);
  const fallback = spec.allowlist ? error : ACT_ALLOW;
  const filters = arches.map((arch) => new ArchFilter(arch, fallback, error));
  const notified: TracedCall[] = [];
  try {
    for (const f of filters) {
      // In an allow-list, a guarded call is allowed by its guard's patterns.
      const guarded = new Set(spec.guards.filter((g) => inScope(g, f.arch)).map((g) => g.syscall));
      const notify = notifiable(spec, f.arch, guarded);
      for (const [name, e] of spec.syscalls) {
        const n = numbers.get(name);
        if (n === undefined || !syscallOnArch(f.arch, name)) continue;
        if (!spec.allowlist) f.add(actionValue(e.action ?? spec.action), n);
        else if (!guarded.has(name) && !notify.has(name)) f.add(ACT_ALLOW, n);
      }
      for (const g of spec.guards) addGuard(f, g, spec, numbers, fallback);
      for (const t of notify.values()) notified.push(addNotify(f, t, spec.allowlist));
    }
    const [first, ...rest] = filters as [ArchFilter, ...ArchFilter[]];
    for (const f of rest) first.merge(f);
    const bpf = first.bpf();
    if (bpf.length === 0 || bpf.length % 8 !== 0 || bpf.length / 8 > BPF_MAXINSNS) {
      throw new PlanError(`seccomp: the filter has ${bpf.length / 8} instructions; the kernel takes at most ${BPF_MAXINSNS}`);
    }
    // The calls in the filter: those that exist on one of its ABIs.
    const syscalls = [...numbers.keys()]
      .filter((n) => spec.syscalls.has(n) && arches.some((a) => syscallOnArch(a, n)))
      .map((n) => {
        const a = spec.syscalls.get(n)?.action;
        return a ? `${n}:${actionName(a)}` : n;
      })
      .sort();
    return { bpf, syscalls, notified, ...(opts.pfc ? { pfc: first.pfc() } : {}) };
  } finally {
    for (const f of filters) f.release();
  }
}

/** The traced calls this architecture has and the filter lets through:
 * in an allow-list those it lists, otherwise those it does not block; never
 * one a guard inspects. */
function notifiable(spec: FilterSpec, arch: number, guarded: ReadonlySet<string>): Map<string, TracedShape> {
  const out = new Map<string, TracedShape>();
  for (const t of spec.notify ?? []) {
    if (guarded.has(t.name) || syscallNumberOnArch(arch, t.name) === null) continue;
    if (spec.syscalls.has(t.name) !== spec.allowlist) continue;
    out.set(t.name, t);
  }
  return out;
}

/** Notify for t, except, for a call given AT_EMPTY_PATH, which names no
 * path (fstat): that one goes on (in an allow-list, explicitly allowed). */
function addNotify(f: ArchFilter, t: TracedShape, allowlist: boolean): TracedCall {
  const n = syscallNumber(t.name) as number;
  if (t.emptyPathFlags === null) {
    f.add(ACT_NOTIFY, n);
  } else {
    const flags = (value: number) => [{ arg: t.emptyPathFlags as number, op: CMP_MASKED_EQ, a: AT_EMPTY_PATH, b: value }];
    f.add(ACT_NOTIFY, n, flags(0));
    if (allowlist) f.add(ACT_ALLOW, n, flags(AT_EMPTY_PATH));
  }
  return { name: t.name, arch: auditArch(f.arch), nr: syscallNumberOnArch(f.arch, t.name) as number, path: t.path, dirfd: t.dirfd };
}

function addGuard(f: ArchFilter, g: Guard, spec: FilterSpec, numbers: Map<string, number>, fallback: number): void {
  const n = numbers.get(g.syscall);
  if (n === undefined || !inScope(g, f.arch) || !syscallOnArch(f.arch, g.syscall)) return;
  const listed = spec.syscalls.has(g.syscall) && numbers.has(g.syscall);
  // A blacklist that names the call blocks it whole already.
  if (!spec.allowlist && listed) return;
  const act = actionValue(g.action);
  if (g.arg === null) {
    if (act !== fallback) f.add(act, n);
    return;
  }
  const arg = g.arg;
  const cmp = (p: { mask: number; value: number }) => [{ arg, op: CMP_MASKED_EQ, a: p.mask, b: p.value }];
  // libseccomp refuses a rule whose action is the filter's default, and
  // needs none: those values fall through to it.
  if (act !== fallback) for (const p of g.deny) f.add(act, n, cmp(p));
  if (spec.allowlist && listed && g.allow !== null && !(f.arch === ARCH.x86 && X86_MULTIPLEXED.has(g.syscall))) {
    for (const p of g.allow) f.add(ACT_ALLOW, n, cmp(p));
  }
}
