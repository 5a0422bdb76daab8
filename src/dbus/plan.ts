/** DbusOptions -> the plan's D-Bus part (native/PLAN.md, tags 0x60-0x6f)
 * and the program's environment for it.
 *
 * Where each bus is: DBUS_SESSION_BUS_ADDRESS (default
 * unix:path=/run/user/UID/bus) and DBUS_SYSTEM_BUS_ADDRESS (default
 * unix:path=/run/dbus/system_bus_socket), read from the caller's
 * environment. The sandbox finds a bus at its default socket and at the
 * address's unix:path=: those are the SOCKET records, which the helper hides
 * (none) or replaces by the filter's socket (filter). The filter's proxy
 * connects to the address as the caller, so it reaches only what the caller
 * could. */
import { lstatSync } from 'node:fs';
import { noteMode } from '../cache/deps.js';
import type { EnvOp } from '../cache/store.js';
import { debug, warn } from '../log.js';
import { RECORDS } from '../wire/plan-def.js';
import { BUSES, RULE_KINDS, type BusName, type BusOptions, type DbusOptions, type RuleKind } from './options.js';

/** One bus in the plan; a bus left as it is has none. */
export type BusPlan = {
  readonly policy: 'none' | 'filter';
  /** filter: the bus the proxy connects to. */
  readonly address: string | null;
  /** Where the sandbox finds the bus: hidden, or the proxy's socket put there. */
  readonly sockets: readonly string[];
} & { readonly [K in RuleKind]: readonly string[] };

export interface DbusPlan {
  readonly user: BusPlan | null;
  readonly system: BusPlan | null;
}

/** What building the part asks of the host. */
export interface DbusHost {
  /** The caller's environment (recorded: the stored plan depends on it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly uid: number;
  /** st_mode of path, not following a last symlink (0: missing). */
  mode(path: string): number;
  /** path with its symlinks resolved. */
  canonical(path: string): string;
  /** The sandbox has a network namespace (abstract sockets stay outside). */
  readonly netns: boolean;
}

export interface DbusResult {
  /** null: both buses as they are. */
  readonly plan: DbusPlan | null;
  /** What the program's environment needs for it (after --env). */
  readonly env: readonly EnvOp[];
}

interface BusSpec {
  readonly option: string;
  readonly label: string;
  readonly variable: string;
  defaultSocket(uid: number): string;
}

const SPECS: Readonly<Record<BusName, BusSpec>> = {
  user: { option: 'dbus-user', label: 'session', variable: 'DBUS_SESSION_BUS_ADDRESS', defaultSocket: (uid) => `/run/user/${uid}/bus` },
  system: { option: 'dbus-system', label: 'system', variable: 'DBUS_SYSTEM_BUS_ADDRESS', defaultSocket: () => '/run/dbus/system_bus_socket' },
};

const MAX_ADDRESS = RECORDS.DBUS_USER_ADDRESS.len;
const S_IFMT = 0o170000;
const S_IFSOCK = 0o140000;

/** What the helper takes as a D-Bus address (native/dbus.c). */
export function isUnixAddress(a: string): boolean {
  return a.length <= MAX_ADDRESS && a.startsWith('unix:') && /^[\x21-\x7e]+$/.test(a);
}

/** The first address's unix:path=, %-escapes decoded; null for another
 * kind (abstract, tmpdir, tcp) or a malformed one. */
export function unixPath(address: string): string | null {
  const first = address.split(';')[0] ?? '';
  if (!first.startsWith('unix:')) return null;
  for (const kv of first.slice(5).split(',')) {
    if (!kv.startsWith('path=')) continue;
    try {
      const p = decodeURIComponent(kv.slice(5));
      return p.startsWith('/') ? p : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** A normalised absolute path (what the plan's PATH records take). */
function normalised(p: string): boolean {
  return p === '/' || (p.length < 4096 && /^(\/[^/\0]+)+$/.test(p) && !p.split('/').some((c) => c === '.' || c === '..'));
}

function none(sockets: readonly string[]): BusPlan {
  return { policy: 'none', address: null, sockets, see: [], talk: [], own: [], call: [], broadcast: [] };
}

function rulesGiven(b: BusOptions): number {
  return RULE_KINDS.reduce((n, k) => n + b.rules[k].length, 0);
}

/** One bus: its part of the plan and its environment operations. */
function busPlan(name: BusName, b: BusOptions, host: DbusHost): { plan: BusPlan | null; env: EnvOp[] } {
  const spec = SPECS[name];
  if (b.relaxRefused) warn(`${spec.option}: none cannot be relaxed to filter: the ${spec.label} bus stays hidden`);
  if (b.policy === 'allow') {
    if (rulesGiven(b) > 0) debug(`${spec.option}: its .see/.talk/.own/.call/.broadcast rules need ${spec.option} filter: ignored`);
    return { plan: null, env: [] };
  }
  const given = host.env[spec.variable];
  const address = given ?? `unix:path=${spec.defaultSocket(host.uid)}`;
  const fromAddress = unixPath(address);
  const sockets = [...new Set([fromAddress, spec.defaultSocket(host.uid)].filter((p): p is string => p !== null).map((p) => host.canonical(p)))]
    .filter((p) => {
      if (!normalised(p)) debug(`${spec.option}: '${p}' (from ${spec.variable}) is not a plain absolute path: not looked at`);
      return normalised(p);
    });
  if (fromAddress === null && !host.netns) {
    warn(`${spec.option}: the ${spec.label} bus is not (only) at a socket file (${spec.variable}=${address}); ` +
      'an abstract socket stays reachable without --net');
  }
  const remove: EnvOp = { op: 'remove', name: spec.variable };
  if (b.policy === 'none') {
    if (rulesGiven(b) > 0) debug(`${spec.option}: none: its filter rules are ignored`);
    return { plan: none(sockets), env: [remove] };
  }
  if (!isUnixAddress(address)) {
    warn(`${spec.option} filter: ${spec.variable}='${address}' is not a unix: D-Bus address tsjail can filter: the ${spec.label} bus is hidden instead`);
    return { plan: none(sockets), env: [remove] };
  }
  const present = sockets.filter((p) => (host.mode(p) & S_IFMT) === S_IFSOCK);
  const inside = present[0];
  if (inside === undefined) {
    debug(`${spec.option} filter: no ${spec.label} bus here (no socket at ${sockets.join(' or ')}): hidden, as none`);
    return { plan: none(sockets), env: [remove] };
  }
  const rules = Object.fromEntries(RULE_KINDS.map((k) => [k, [...b.rules[k]]])) as Record<RuleKind, string[]>;
  const env: EnvOp[] = name === 'system' && inside === spec.defaultSocket(host.uid)
    ? [remove]
    : [{ op: 'set', name: spec.variable, value: `unix:path=${inside}` }];
  debug(`${spec.option} filter: xdg-dbus-proxy to ${address}, in place of ${present.join(', ')}`);
  return { plan: { policy: 'filter', address, sockets, ...rules }, env };
}

export function buildDbus(options: DbusOptions, host: DbusHost): DbusResult {
  const parts = BUSES.map((name) => busPlan(name, options[name], host));
  const [user, system] = parts as [(typeof parts)[0], (typeof parts)[0]];
  const plan = user.plan === null && system.plan === null ? null : { user: user.plan, system: system.plan };
  return { plan, env: [...user.env, ...system.env] };
}

/** The host as the planner sees it, each look recorded for the stored plan. */
export function hostDbus(env: Readonly<Record<string, string | undefined>>, uid: number, netns: boolean,
  canonical: (p: string) => string): DbusHost {
  return {
    env, uid, netns, canonical,
    mode(path) {
      const seen = noteMode(path, false);
      if (seen !== undefined) return seen;
      try {
        return lstatSync(path).mode;
      } catch {
        return 0;
      }
    },
  };
}
