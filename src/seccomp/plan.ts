/** SecurityOptions -> the plan's capabilities and its `security` part: the
 * compiled seccomp filter (with its syscall list and rules in words, for
 * --print-plan), no_new_privs, --noroot, --memory-deny-write-execute,
 * --nogroups, --apparmor and --tracelog. */
import { readFileSync } from 'node:fs';
import { koffi } from '../ffi.js';
import { frontEndFacts } from '../front-end.js';
import { OptionError, PlanError } from '../errors.js';
import { debug, warn } from '../log.js';
import type { PrivBits, SeccompBits } from '../wire/plan-def.js';
import { actionName, ENOSYS, EPERM } from './actions.js';
import { CAPABILITIES, capabilityNumber } from './caps.js';
import { compileFilter, type CompiledFilter, type FilterSpec, type ListEntry } from './compile.js';
import { DEFAULT_GROUP, expandGroup } from './groups.js';
import { noteSpec, precompiledFilter } from './precompiled.js';
import { syscallName } from './libseccomp.js';
import { mdweGuard, namespaceGuard, protocolGuard, terminalGuard, type GuardSet } from './guards.js';
import type { ListItem, SecurityOptions } from './options.js';
import { TRACED_CALLS, type TracelogPlan } from './tracelog.js';
import { noteFact } from '../cache/deps.js';

/** The plan's `security` part (native/PLAN.md, tags 0x20-0x2f): the PRIVS
 * bits (PrivBits, plan.def's: noRoot, memoryDenyWriteExecute, ...) and the
 * filter. Written by encode.ts. */
export interface SecurityPlan extends PrivBits {
  /** The AppArmor profile the program is confined to from its execve,
   * where the kernel has AppArmor; null: none. */
  readonly apparmor: string | null;
  /** --tracelog: the blacklisted paths init logs accesses to, and the calls
   * the filter notifies (then seccomp.notify is set); null: none. */
  readonly tracelog: TracelogPlan | null;
  /** null: no filter at all. */
  readonly seccomp: SeccompPlan | null;
}

/** The one seccomp filter the helper installs last, just before execve.
 * Only `bpf` is acted on; the rest says in words what it does (with
 * SeccompBits, plan.def's: allowlist, blockSecondary). */
export interface SeccompPlan extends SeccompBits {
  /** What a blocked call gets: an errno name (EPERM), kill or log. */
  readonly action: string;
  /** Sorted; name:ACTION for a call with its own action. */
  readonly syscalls: readonly string[];
  /** The argument-inspecting rules, one line each. */
  readonly rules: readonly string[];
  /** struct sock_filter[], base64. */
  readonly bpf: string;
}

/** What building the security part asks of the machine. */
export interface SecurityHost {
  compile(spec: FilterSpec): CompiledFilter;
  /** prctl(PR_SET_MDWE) is there (Linux 6.3 and later). */
  hasMdwe(): boolean;
  /** The capabilities this process may still have (CapBnd): a root
   * caller's helper has the same, and can keep no other. */
  boundingSet(): bigint;
}

const PR_GET_MDWE = 66;

function probeMdwe(): boolean {
  const prctl = koffi().load('libc.so.6').func('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)');
  return prctl(PR_GET_MDWE, 0, 0, 0, 0) >= 0;
}

export const hostSecurity: SecurityHost = {
  compile(spec) {
    noteSpec(spec);
    return precompiledFilter(spec) ?? compileFilter(spec);
  },
  hasMdwe() {
    // The front end asks the kernel the same (native/front/fhost.c).
    const has = frontEndFacts().mdwe ?? probeMdwe();
    noteFact('mdwe', has ? '1' : '0');
    return has;
  },
  boundingSet() {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapBnd:'));
    const set = BigInt(`0x${line?.split(/\s+/)[1] ?? '0'}`);
    noteFact('capbnd', set.toString(16));
    return set;
  },
};

export interface SecurityResult {
  /** cap_NAMEs the program keeps (a root caller only). */
  readonly capsKeep: readonly string[];
  readonly security: SecurityPlan;
}

/** The calls an item names: a group's, $N's (the native call of that
 * number, then blocked by name on every ABI, as a named call is), or the one
 * named. */
function callsOf(it: ListItem, option: string): string[] {
  if (it.name.startsWith('@')) return expandGroup(it.name);
  if (it.name.startsWith('$')) {
    const n = syscallName(Number(it.name.slice(1)));
    if (n === null) throw new OptionError(`${option}: there is no syscall number ${it.name.slice(1)} on this machine`);
    return [n];
  }
  return [it.name];
}

/** Adds (or with exclude, takes out) the calls of items. */
function apply(list: Map<string, ListEntry>, items: readonly ListItem[], option: string): void {
  for (const it of items.filter((i) => !i.exclude)) {
    for (const n of callsOf(it, option)) list.set(n, { action: it.action, direct: !it.name.startsWith('@'), option });
  }
  for (const it of items.filter((i) => i.exclude)) {
    for (const n of callsOf(it, option)) list.delete(n);
  }
}

function defaultList(): Map<string, ListEntry> {
  const list = new Map<string, ListEntry>();
  apply(list, [{ name: DEFAULT_GROUP, exclude: false, action: null }], '--seccomp');
  return list;
}

/** defaults: the default profile applies (no --noprofile). blacklisted:
 * the paths the filesystem part blacklists (what --tracelog logs). */
export function securityPlan(
  o: SecurityOptions,
  defaults: boolean,
  caller: { readonly uid: number },
  host: SecurityHost = hostSecurity,
  blacklisted: readonly string[] = [],
): SecurityResult {
  const root = caller.uid === 0;
  // As firejail: root has no user of its own to map; profiles that say
  // noroot still run for root, without it.
  if (o.noRoot && root) warn('--noroot is ignored for root: it maps only the calling user, who is not root');
  const noRoot = o.noRoot && !root;

  let allowlist = false;
  let list = new Map<string, ListEntry>();
  if (o.seccompKeep !== null) {
    allowlist = true;
    apply(list, o.seccompKeep, '--seccomp.keep');
    // The helper's last call, which starts the program.
    if (!list.has('execve')) list.set('execve', { action: null, direct: false, option: '--seccomp.keep' });
  } else if (o.seccompDrop !== null) {
    apply(list, o.seccompDrop, '--seccomp.drop');
  } else if (o.seccomp !== null || defaults) {
    list = defaultList();
    apply(list, o.seccomp ?? [], '--seccomp');
  }
  // firejail's block-secondary also fixes the execution domain.
  if (o.blockSecondary && !allowlist) list.set('personality', { action: null, direct: false, option: '--seccomp.block-secondary' });

  const sets: GuardSet[] = [terminalGuard(EPERM)];
  if (o.restrictNamespaces !== null && o.restrictNamespaces.length > 0) {
    sets.push(namespaceGuard(o.restrictNamespaces, o.errorAction, ENOSYS));
  }
  if (o.protocols !== null) sets.push(protocolGuard(o.protocols, o.errorAction));
  const mdwePrctl = o.memoryDenyWriteExecute && host.hasMdwe();
  if (o.memoryDenyWriteExecute && !mdwePrctl) sets.push(mdweGuard(o.errorAction));
  // An allow-list without clone3: ENOSYS, so the C library falls back to
  // clone() (which the list may name) instead of failing.
  if (allowlist && !list.has('clone3') && !sets.some((s) => s.guards.some((g) => g.syscall === 'clone3'))) {
    sets.push({ label: 'clone3: ENOSYS', guards: [{ syscall: 'clone3', arg: null, deny: [], allow: null, action: ENOSYS, arches: 'all' }] });
  }

  const tracelog = o.tracelog && blacklisted.length > 0;
  if (o.tracelog && !tracelog) debug('tracelog: nothing is blacklisted, so there is nothing to log');
  const compiled = host.compile({
    allowlist,
    action: o.errorAction,
    syscalls: list,
    guards: sets.flatMap((s) => s.guards),
    blockSecondary: o.blockSecondary,
    ...(tracelog ? { notify: TRACED_CALLS } : {}),
  });
  return {
    capsKeep: capsKept(o, root, host),
    security: {
      noRoot,
      memoryDenyWriteExecute: mdwePrctl,
      noGroups: o.noGroups,
      apparmor: o.apparmor,
      tracelog: tracelog ? { paths: [...new Set(blacklisted)].sort(), calls: [...compiled.notified] } : null,
      seccomp: {
        action: actionName(o.errorAction),
        allowlist,
        blockSecondary: o.blockSecondary,
        notify: tracelog,
        syscalls: [...compiled.syscalls],
        rules: sets.map((s) => s.label),
        bpf: compiled.bpf.toString('base64'),
      },
    },
  };
}

function capsKept(o: SecurityOptions, root: boolean, host: SecurityHost): string[] {
  if (!root) {
    if (o.capsKeep !== null && o.capsKeepFromProfile) {
      debug('profile: caps.keep is moot for a user, who has no capabilities in a sandbox');
      return [];
    }
    if (o.capsKeep !== null) throw new PlanError('--caps.keep: only root can keep capabilities; other users have none in a sandbox');
    return [];
  }
  if (o.capsKeep === null && o.capsDrop === 'all') return [];
  const bounding = host.boundingSet();
  const have = (c: string) => (bounding & (1n << BigInt(capabilityNumber(c)))) !== 0n;
  const byNumber = (a: string, b: string) => capabilityNumber(a) - capabilityNumber(b);
  if (o.capsKeep !== null) {
    for (const c of o.capsKeep) {
      if (have(c)) continue;
      const why = `${c} is not in the bounding set here (the kernel or the machine withholds it)`;
      if (!o.capsKeepFromProfile) throw new PlanError(`--caps.keep: ${why}`);
      warn(`caps.keep (profile): ${why}; not kept`);
    }
    return [...new Set(o.capsKeep.filter(have))].sort(byNumber);
  }
  // All the caller has, less the list.
  const drop = new Set(o.capsDrop === 'all' ? [] : o.capsDrop);
  return CAPABILITIES.map((c) => `cap_${c}`).filter((c) => have(c) && !drop.has(c));
}
