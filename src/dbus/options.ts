/** D-Bus options: dbus-user and dbus-system (none or filter), the filter's
 * rules (.see, .talk, .own, .call, .broadcast) and --nodbus, checked and
 * normalised once. Names follow the D-Bus specification's well-known name
 * grammar, with firejail's `.*` suffix (that name and the names below it);
 * rules follow xdg-dbus-proxy's NAME=[METHOD][@PATH]. The helper
 * (native/dbus.c) checks the same again. */
import { OptionError } from '../errors.js';

export type BusPolicy = 'allow' | 'none' | 'filter';
export const BUSES = ['user', 'system'] as const;
export type BusName = (typeof BUSES)[number];
/** The filter's rules, as xdg-dbus-proxy names them (--see=, --talk=, ...). */
export const RULE_KINDS = ['see', 'talk', 'own', 'call', 'broadcast'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface BusOptions {
  /** allow: the bus as it is (no option given). */
  readonly policy: BusPolicy;
  /** filter was asked for after none, which stays (as in firejail: none
   * cannot be relaxed). */
  readonly relaxRefused: boolean;
  readonly rules: Readonly<Record<RuleKind, readonly string[]>>;
}

export interface DbusOptions {
  readonly user: BusOptions;
  readonly system: BusOptions;
}

/** The D-Bus fields of RawOptions: each a list, in the order given
 * (profile first, then the command line). */
export interface RawDbusOptions {
  dbusUser?: readonly string[];
  dbusUserSee?: readonly string[];
  dbusUserTalk?: readonly string[];
  dbusUserOwn?: readonly string[];
  dbusUserCall?: readonly string[];
  dbusUserBroadcast?: readonly string[];
  dbusSystem?: readonly string[];
  dbusSystemSee?: readonly string[];
  dbusSystemTalk?: readonly string[];
  dbusSystemOwn?: readonly string[];
  dbusSystemCall?: readonly string[];
  dbusSystemBroadcast?: readonly string[];
  nodbus?: boolean;
}

/** The D-Bus specification's limit on a name. */
export const MAX_BUS_NAME = 255;

/** Two or more elements joined by '.', each matching element. */
function dotted(s: string, element: RegExp): boolean {
  const parts = s.split('.');
  return parts.length >= 2 && parts.every((p) => element.test(p));
}

/** A well-known bus name (not a unique ":1.2"), or one followed by ".*":
 * that name and the names below it. */
export function isBusName(s: string): boolean {
  const n = s.endsWith('.*') ? s.slice(0, -2) : s;
  return n.length > 0 && n.length <= MAX_BUS_NAME && dotted(n, /^[A-Za-z_-][A-Za-z0-9_-]*$/);
}

/** xdg-dbus-proxy's RULE, [METHOD][@PATH]: METHOD `*`, an interface (maybe
 * followed by `.*`) or INTERFACE.METHOD; PATH an object path, maybe
 * followed by `/*` (that subtree). Not both empty. */
export function isCallRule(rule: string): boolean {
  const at = rule.indexOf('@');
  const method = at < 0 ? rule : rule.slice(0, at);
  if (at < 0 && method === '') return false;
  if (method !== '' && method !== '*') {
    const m = method.endsWith('.*') ? method.slice(0, -2) : method;
    if (!dotted(m, /^[A-Za-z_][A-Za-z0-9_]*$/)) return false;
  }
  if (at < 0) return true;
  let path = rule.slice(at + 1);
  if (path.endsWith('/*')) path = path === '/*' ? '/' : path.slice(0, -2);
  return path === '/' || /^(\/[A-Za-z0-9_]+)+$/.test(path);
}

/** NAME=RULE (.call, .broadcast). */
export function isNameRule(s: string): boolean {
  const eq = s.indexOf('=');
  return eq > 0 && isBusName(s.slice(0, eq)) && isCallRule(s.slice(eq + 1));
}

/** The checks of the options table's rows (a profile's file:line). */
export function checkBusName(v: string): string | null {
  return isBusName(v) ? null : `'${v}' is not a well-known D-Bus name (like org.example.App, or org.example.*)`;
}

export function checkNameRule(v: string): string | null {
  return isNameRule(v) ? null : `'${v}' is not NAME=RULE (a D-Bus name, then [METHOD][@PATH], like org.example.App=org.example.App.*@/org/example)`;
}

export function checkPolicy(v: string): string | null {
  return v === 'none' || v === 'filter' ? null : `'${v}' is not none or filter`;
}

type Lists = { [K in RuleKind]?: readonly string[] | undefined };

function bus(option: string, policies: readonly string[], lists: Lists, nodbus: boolean): BusOptions {
  let policy: BusPolicy = nodbus ? 'none' : 'allow';
  let relaxRefused = false;
  for (const p of policies) {
    const bad = checkPolicy(p);
    if (bad !== null) throw new OptionError(`--${option}: ${bad}`);
    if (p === 'none') policy = 'none';
    else if (policy === 'none') relaxRefused = true;
    else policy = 'filter';
  }
  const rules = {} as Record<RuleKind, readonly string[]>;
  for (const k of RULE_KINDS) {
    const check = k === 'call' || k === 'broadcast' ? checkNameRule : checkBusName;
    for (const v of lists[k] ?? []) {
      const bad = check(v);
      if (bad !== null) throw new OptionError(`--${option}.${k}: ${bad}`);
    }
    rules[k] = Object.freeze([...new Set(lists[k] ?? [])]);
  }
  return Object.freeze({ policy, relaxRefused, rules: Object.freeze(rules) });
}

export function normalizeDbus(raw: RawDbusOptions): DbusOptions {
  const nodbus = raw.nodbus ?? false;
  return Object.freeze({
    user: bus('dbus-user', raw.dbusUser ?? [], {
      see: raw.dbusUserSee, talk: raw.dbusUserTalk, own: raw.dbusUserOwn, call: raw.dbusUserCall, broadcast: raw.dbusUserBroadcast,
    }, nodbus),
    system: bus('dbus-system', raw.dbusSystem ?? [], {
      see: raw.dbusSystemSee, talk: raw.dbusSystemTalk, own: raw.dbusSystemOwn, call: raw.dbusSystemCall,
      broadcast: raw.dbusSystemBroadcast,
    }, nodbus),
  });
}

export const NO_DBUS_OPTIONS: DbusOptions = normalizeDbus({});
