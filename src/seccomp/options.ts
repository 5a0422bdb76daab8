/** The seccomp and privilege options (issue 3): what the command line (and
 * profiles) hand over, checked and normalised once. */
import { OptionError } from '../errors.js';
import { apparmorProfile } from '../options-schema.js';
import { EPERM, parseAction, type Action } from './actions.js';
import { capabilityName } from './caps.js';
import { isGroup } from './groups.js';
import { NAMESPACE_TYPES, PROTOCOLS, type NamespaceType, type Protocol } from './guards.js';

/** As the command line and profiles give them (firejail's spelling). */
export interface RawSecurityOptions {
  /** --seccomp (true or '') or --seccomp=LIST. */
  seccomp?: boolean | string | undefined;
  seccompDrop?: string | undefined;
  seccompKeep?: string | undefined;
  seccompErrorAction?: string | undefined;
  seccompBlockSecondary?: boolean;
  memoryDenyWriteExecute?: boolean;
  /** --protocol=LIST, repeatable; the lists add up. */
  protocol?: readonly string[];
  /** --restrict-namespaces (true or '': all) or =LIST. */
  restrictNamespaces?: boolean | string | undefined;
  capsDrop?: string | undefined;
  capsKeep?: string | undefined;
  /** caps.keep came from a profile, not the command line. */
  capsKeepFromProfile?: boolean;
  nonewprivs?: boolean;
  noroot?: boolean;
  nogroups?: boolean;
  /** --apparmor (true or ''): tsjail-default; --apparmor=PROFILE. */
  apparmor?: boolean | string | undefined;
  tracelog?: boolean;
}

/** One entry of a syscall list: a call, @group or $N; !entry takes it out;
 * call:ACTION gives it its own action (ENAME, kill or log). */
export interface ListItem {
  readonly name: string;
  readonly exclude: boolean;
  readonly action: Action | null;
}

export interface SecurityOptions {
  /** --seccomp[=LIST]: the default list plus LIST; null: not given. */
  readonly seccomp: readonly ListItem[] | null;
  /** --seccomp.drop=LIST: only LIST. */
  readonly seccompDrop: readonly ListItem[] | null;
  /** --seccomp.keep=LIST: LIST allowed, every other call blocked. */
  readonly seccompKeep: readonly ListItem[] | null;
  readonly errorAction: Action;
  readonly blockSecondary: boolean;
  readonly memoryDenyWriteExecute: boolean;
  /** Socket families allowed; null: all. */
  readonly protocols: readonly Protocol[] | null;
  /** Namespace types that may not be created or joined; null: none. */
  readonly restrictNamespaces: readonly NamespaceType[] | null;
  /** cap_NAMEs a root caller drops ('all': every one, the default). */
  readonly capsDrop: 'all' | readonly string[];
  /** cap_NAMEs a root caller keeps, every other dropped; null: not given. */
  readonly capsKeep: readonly string[] | null;
  /** capsKeep is a profile's: for a user it is moot (nothing to keep), and
   * for root a capability this machine withholds is left out with a
   * warning, rather than refused as on the command line. */
  readonly capsKeepFromProfile: boolean;
  /** Always set in the plan; the option is accepted for firejail's sake. */
  readonly noNewPrivs: boolean;
  readonly noRoot: boolean;
  /** No supplementary groups (the helper decides for users, tsjail.conf). */
  readonly noGroups: boolean;
  /** The AppArmor profile the program is confined to; null: none. */
  readonly apparmor: string | null;
  /** Log accesses to blacklisted paths to syslog. */
  readonly tracelog: boolean;
}

/** The profile --apparmor names without a value (profiles/apparmor/). */
export const DEFAULT_APPARMOR_PROFILE = 'tsjail-default';

function apparmorOption(v: boolean | string | undefined): string | null {
  if (v === undefined || v === false) return null;
  if (v === true || v === '') return DEFAULT_APPARMOR_PROFILE;
  const wrong = apparmorProfile(v);
  if (wrong !== null) throw new OptionError(`--apparmor: ${wrong}`);
  return v;
}

/** A call by name, an @group, or (as firejail) $N: the call with native
 * number N, resolved to its name when the filter is built. */
const ITEM = /^(!)?(@[a-z0-9-]+|[a-z_][a-z0-9_]*|\$[0-9]{1,4})(?::([A-Za-z0-9]+))?$/;

function splitList(option: string, text: string, allowEmpty: boolean): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '') {
    if (allowEmpty) return [];
    throw new OptionError(`${option}: needs a list`);
  }
  if (items.some((s) => s === '')) throw new OptionError(`${option}: an empty entry in '${text}'`);
  return items;
}

function parseItems(option: string, text: string, allowEmpty: boolean, actions: boolean): ListItem[] {
  return splitList(option, text, allowEmpty).map((item) => {
    const m = ITEM.exec(item);
    if (m === null) throw new OptionError(`${option}: '${item}' is not a syscall name, @group or $number`);
    const [, bang, name = '', act] = m;
    if (name.startsWith('@') && !isGroup(name)) throw new OptionError(`${option}: unknown syscall group '${name}'`);
    let action: Action | null = null;
    if (act !== undefined) {
      if (!actions || bang) throw new OptionError(`${option}: '${item}': an action only goes with a blocked call`);
      action = parseAction(act);
      if (action === null) throw new OptionError(`${option}: '${item}': unknown action '${act}' (kill, log or an errno name)`);
    }
    return Object.freeze({ name, exclude: bang === '!', action });
  });
}

function namesOf<T extends string>(option: string, what: string, known: readonly T[], text: string): T[] {
  return splitList(option, text, false).map((s) => {
    if (!(known as readonly string[]).includes(s)) {
      throw new OptionError(`${option}: unknown ${what} '${s}' (${known.join(', ')})`);
    }
    return s as T;
  });
}

function capabilities(option: string, text: string): string[] {
  return splitList(option, text, false).map((s) => {
    const c = capabilityName(s);
    if (c === null) throw new OptionError(`${option}: unknown capability '${s}'`);
    return c;
  });
}

export function normalizeSecurity(raw: RawSecurityOptions): SecurityOptions {
  const seccomp = raw.seccomp === undefined || raw.seccomp === false ? null
    : raw.seccomp === true ? [] : parseItems('--seccomp', raw.seccomp, true, true);
  const drop = raw.seccompDrop === undefined ? null : parseItems('--seccomp.drop', raw.seccompDrop, false, true);
  const keep = raw.seccompKeep === undefined ? null : parseItems('--seccomp.keep', raw.seccompKeep, false, false);
  if (keep !== null && (seccomp !== null || drop !== null)) {
    throw new OptionError('--seccomp.keep (an allow-list) cannot be used with --seccomp or --seccomp.drop');
  }
  if (drop !== null && seccomp !== null) {
    throw new OptionError('--seccomp.drop (only these calls) cannot be used with --seccomp (the default list)');
  }
  let errorAction = EPERM;
  if (raw.seccompErrorAction !== undefined) {
    const a = parseAction(raw.seccompErrorAction);
    if (a === null) {
      throw new OptionError(`--seccomp-error-action: '${raw.seccompErrorAction}' is not errno, kill, log or an errno name`);
    }
    errorAction = a;
  }
  const protocols = raw.protocol === undefined || raw.protocol.length === 0 ? null
    : [...new Set(raw.protocol.flatMap((p) => namesOf('--protocol', 'protocol', PROTOCOLS, p)))];
  const rn = raw.restrictNamespaces;
  const restrictNamespaces = rn === undefined || rn === false ? null
    : rn === true || rn === '' ? [...NAMESPACE_TYPES]
      : [...new Set(namesOf('--restrict-namespaces', 'namespace', NAMESPACE_TYPES, rn))];
  const capsKeep = raw.capsKeep === undefined ? null : capabilities('--caps.keep', raw.capsKeep);
  const capsDrop = raw.capsDrop === undefined || raw.capsDrop === 'all' ? 'all' : capabilities('--caps.drop', raw.capsDrop);
  if (capsKeep !== null && raw.capsDrop !== undefined) {
    throw new OptionError('--caps.keep and --caps.drop cannot be used together');
  }
  return Object.freeze({
    seccomp: seccomp && Object.freeze(seccomp),
    seccompDrop: drop && Object.freeze(drop),
    seccompKeep: keep && Object.freeze(keep),
    errorAction,
    blockSecondary: raw.seccompBlockSecondary ?? false,
    memoryDenyWriteExecute: raw.memoryDenyWriteExecute ?? false,
    protocols: protocols && Object.freeze(protocols),
    restrictNamespaces: restrictNamespaces && Object.freeze(restrictNamespaces),
    capsDrop: capsDrop === 'all' ? 'all' : Object.freeze(capsDrop),
    capsKeep: capsKeep && Object.freeze(capsKeep),
    capsKeepFromProfile: capsKeep !== null && (raw.capsKeepFromProfile ?? false),
    noNewPrivs: true,
    noRoot: raw.noroot ?? false,
    noGroups: raw.nogroups ?? false,
    apparmor: apparmorOption(raw.apparmor),
    tracelog: raw.tracelog ?? false,
  });
}
