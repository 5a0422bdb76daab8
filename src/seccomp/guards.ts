/** Guards: rules that look at one argument of one call (the terminal
 * injection guard, --restrict-namespaces, --protocol and the seccomp form of
 * --memory-deny-write-execute).
 *
 * A guard's argument is compared on its low 32 bits only, always through a
 * mask (SCMP_CMP_MASKED_EQ): the kernel reads these arguments as int, so a
 * value with stray high bits (ioctl(fd, TIOCSTI | 1UL << 32)) means the same
 * to it, and a full 64-bit comparison would let it through.
 *
 * libseccomp allows one comparison per argument in a rule, and a rule that
 * allows a call whole swallows every narrower rule on that call. So a guard
 * carries both sides, as sets of (mask, value) patterns: `deny`, the values
 * refused, and `allow`, values disjoint from them that an allow-list
 * (--seccomp.keep) lets through when it names the call. */
import { actionName, type Action } from './actions.js';

export interface Pattern {
  readonly mask: number;
  readonly value: number;
}

export type ArchScope = 'all' | 'x86' | 'not-x86';

export interface Guard {
  readonly syscall: string;
  /** null: the whole call, whatever its arguments. */
  readonly arg: number | null;
  readonly deny: readonly Pattern[];
  /** null: an allow-list never lets the call through. */
  readonly allow: readonly Pattern[] | null;
  readonly action: Action;
  readonly arches: ArchScope;
}

/** A guard in words, for --print-plan. */
export interface GuardSet {
  readonly label: string;
  readonly guards: readonly Guard[];
}

const LOW32 = 0xffffffff;

function bits(mask: number): number[] {
  const out: number[] = [];
  for (let b = 31; b >= 0; b--) if ((mask >>> b) & 1) out.push((1 << b) >>> 0);
  return out;
}

/** Patterns matching exactly the values (under mask) that are NOT in
 * values: a walk down the binary trie of mask's bits, high to low, keeping
 * each subtree that holds none of the values. At most bits x |values|
 * patterns. */
export function complement(mask: number, values: readonly number[]): Pattern[] {
  const out: Pattern[] = [];
  const bs = bits(mask);
  // (Indices, not destructuring: every launch builds these, before any
  // code is optimised, and a copy of the rest of the bits per step was
  // most of the cost.)
  const walk = (i: number, pm: number, pv: number, vs: number[]): void => {
    if (vs.length === 0) {
      out.push({ mask: pm >>> 0, value: pv >>> 0 });
      return;
    }
    const b = bs[i];
    if (b === undefined) return; // a single value, which is in the set
    const clear: number[] = [];
    const set: number[] = [];
    for (const v of vs) ((v & b) === 0 ? clear : set).push(v);
    walk(i + 1, pm | b, pv, clear);
    walk(i + 1, pm | b, pv | b, set);
  };
  walk(0, 0, 0, [...new Set(values.map((v) => (v & mask) >>> 0))]);
  return out;
}

function exact(values: readonly number[], mask = LOW32): Pattern[] {
  return values.map((v) => ({ mask, value: (v & mask) >>> 0 }));
}

/** Any of these bits set. */
function anyBit(mask: number): Pattern[] {
  return bits(mask).map((b) => ({ mask: b, value: b }));
}

const TIOCSTI = 0x5412;
const TIOCLINUX = 0x541c;

/** TIOCSTI pushes characters into a terminal's input queue, as if typed:
 * a program handed the user's terminal could make the shell that started
 * tsjail run commands once the sandbox ends (CVE-2016-7545, and firejail's
 * own history). TIOCLINUX (selection paste on a virtual console) can do the
 * same. Both are refused by a filter rule rather than by starting the
 * program in a new session (setsid): a new session would take the terminal
 * away from the program, so job control, ^C and ^Z from that terminal would
 * stop reaching it, and it would not cover TIOCLINUX. The rule costs only
 * ioctl() calls a few nanoseconds (the kernel's cache cannot skip the
 * filter for ioctl); every other call keeps the cached fast path. The rule
 * is in every filter, whatever the error action, and always gives EPERM. */
export function terminalGuard(eperm: Action): GuardSet {
  return {
    label: 'ioctl(TIOCSTI, TIOCLINUX): EPERM',
    guards: [{
      syscall: 'ioctl',
      arg: 1,
      deny: exact([TIOCSTI, TIOCLINUX]),
      allow: complement(LOW32, [TIOCSTI, TIOCLINUX]),
      action: eperm,
      arches: 'all',
    }],
  };
}

export const NAMESPACE_FLAGS = {
  cgroup: 0x02000000,
  ipc: 0x08000000,
  mnt: 0x00020000,
  net: 0x40000000,
  pid: 0x20000000,
  time: 0x00000080,
  user: 0x10000000,
  uts: 0x04000000,
} as const;
export type NamespaceType = keyof typeof NAMESPACE_FLAGS;
export const NAMESPACE_TYPES = Object.keys(NAMESPACE_FLAGS) as NamespaceType[];

/** unshare() and clone() with a restricted CLONE_NEW* flag, and setns()
 * into a restricted type (or of unnamed type, 0) are refused; clone3()
 * passes its flags in memory, where a filter cannot look, so it gets
 * ENOSYS and the C library falls back to clone(). */
export function namespaceGuard(types: readonly NamespaceType[], action: Action, enosys: Action): GuardSet {
  const all = types.reduce((m, t) => (m | NAMESPACE_FLAGS[t]) >>> 0, 0);
  // clone()'s low byte is the exit signal: CLONE_NEWTIME works only through
  // clone3() and unshare().
  const cloneMask = (all & ~NAMESPACE_FLAGS.time) >>> 0;
  const allowedTypes = NAMESPACE_TYPES.filter((t) => !types.includes(t)).map((t) => NAMESPACE_FLAGS[t]);
  const guards: Guard[] = [
    { syscall: 'unshare', arg: 0, deny: anyBit(all), allow: [{ mask: all, value: 0 }], action, arches: 'all' },
    { syscall: 'setns', arg: 1, deny: [...anyBit(all), { mask: LOW32, value: 0 }], allow: exact(allowedTypes), action, arches: 'all' },
    { syscall: 'clone3', arg: null, deny: [], allow: null, action: enosys, arches: 'all' },
  ];
  if (cloneMask !== 0) {
    guards.push({ syscall: 'clone', arg: 0, deny: anyBit(cloneMask), allow: [{ mask: cloneMask, value: 0 }], action, arches: 'all' });
  }
  return { label: `unshare, clone, setns(${types.join(', ')}): ${actionName(action)}; clone3: ENOSYS`, guards };
}

export const PROTOCOL_FAMILIES = {
  unix: 1,
  inet: 2,
  inet6: 10,
  netlink: 16,
  packet: 17,
  bluetooth: 31,
} as const;
export type Protocol = keyof typeof PROTOCOL_FAMILIES;
export const PROTOCOLS = Object.keys(PROTOCOL_FAMILIES) as Protocol[];

const SYS_SOCKET = 1; // socketcall()'s number for socket()

/** socket() of another family is refused. On the i386 ABI, socket() may
 * also come through the socketcall() multiplexer, whose arguments are in
 * memory: there, creating a socket through socketcall() is refused whatever
 * the family (the direct i386 socket() call is checked like the native one). */
export function protocolGuard(protocols: readonly Protocol[], action: Action): GuardSet {
  const families = protocols.map((p) => PROTOCOL_FAMILIES[p]);
  return {
    label: `socket(family not ${protocols.join(', ')}): ${actionName(action)}`,
    guards: [
      { syscall: 'socket', arg: 0, deny: complement(LOW32, families), allow: exact(families), action, arches: 'all' },
      { syscall: 'socketcall', arg: 0, deny: exact([SYS_SOCKET]), allow: complement(LOW32, [SYS_SOCKET]), action, arches: 'x86' },
    ],
  };
}

const PROT_WRITE = 2;
const PROT_EXEC = 4;
const SHM_EXEC = 0o100000;

/** The filter form of --memory-deny-write-execute, for kernels without
 * prctl(PR_SET_MDWE) (before 6.3): no mapping both writable and executable,
 * no mapping made executable later, no executable shared memory. i386's old
 * mmap() passes its arguments in memory and is refused whole. */
export function mdweGuard(action: Action): GuardSet {
  const wx = PROT_WRITE | PROT_EXEC;
  const noWx = [{ mask: wx, value: 0 }, { mask: wx, value: PROT_WRITE }, { mask: wx, value: PROT_EXEC }];
  const noX = [{ mask: PROT_EXEC, value: 0 }];
  return {
    label: `mmap(PROT_WRITE|PROT_EXEC), mprotect(PROT_EXEC), shmat(SHM_EXEC): ${actionName(action)}`,
    guards: [
      { syscall: 'mmap', arg: 2, deny: [{ mask: wx, value: wx }], allow: noWx, action, arches: 'not-x86' },
      { syscall: 'mmap', arg: null, deny: [], allow: null, action, arches: 'x86' },
      { syscall: 'mmap2', arg: 2, deny: [{ mask: wx, value: wx }], allow: noWx, action, arches: 'all' },
      { syscall: 'mprotect', arg: 2, deny: [{ mask: PROT_EXEC, value: PROT_EXEC }], allow: noX, action, arches: 'all' },
      { syscall: 'pkey_mprotect', arg: 2, deny: [{ mask: PROT_EXEC, value: PROT_EXEC }], allow: noX, action, arches: 'all' },
      { syscall: 'shmat', arg: 2, deny: [{ mask: SHM_EXEC, value: SHM_EXEC }], allow: [{ mask: SHM_EXEC, value: 0 }], action, arches: 'all' },
    ],
  };
}
