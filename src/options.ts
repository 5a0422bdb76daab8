/** SandboxOptions: what the user asked for, from the command line (and, in
 * time, profiles). Normalised and validated once, then frozen. */
import { OptionError } from './errors.js';
import { checkSandboxName } from './options-schema.js';
import type { DeviceClasses } from './fs/plan.js';
import { expandUserPath, shownPath } from './fs/paths.js';
import { checkOverlayName } from './overlay/store.js';
import type { LogLevel } from './log.js';
import { normalizeResources, type ResourceOptions } from './resources/options.js';
import { normalizeSecurity, type RawSecurityOptions, type SecurityOptions } from './seccomp/options.js';

/** The sandbox's filesystem (issue 4). Paths are absolute and normalised;
 * symlinks are resolved later, by the builder. */
export interface FilesystemOptions {
  readonly blacklist: readonly string[];
  /** The blacklists given on the command line (not by a profile): kept from
   * being created when they do not exist yet. */
  readonly blacklistExplicit: readonly string[];
  /** firejail's blacklist-nolog: blacklisted, but not logged by tracelog. */
  readonly blacklistNolog: readonly string[];
  readonly noblacklist: readonly string[];
  readonly whitelist: readonly string[];
  readonly nowhitelist: readonly string[];
  readonly readOnly: readonly string[];
  readonly readWrite: readonly string[];
  readonly noexec: readonly string[];
  readonly tmpfs: readonly string[];
  readonly mkdir: readonly string[];
  readonly mkfile: readonly string[];
  readonly bind: readonly (readonly [string, string])[];
  /** --private: true (empty home), a directory, or null. */
  readonly private: true | string | null;
  readonly privateTmp: boolean;
  readonly privateDev: boolean;
  /** --private-etc=a,b: the entries of /etc that stay; null: all of /etc. */
  readonly privateEtc: readonly string[] | null;
  /** --private-bin=a,b: the programs (names or glob patterns) the new
   * directory of programs holds; null: the host's. */
  readonly privateBin: readonly string[] | null;
  /** --private-opt, --private-srv: the entries of /opt, /srv that stay. */
  readonly privateOpt: readonly string[] | null;
  readonly privateSrv: readonly string[] | null;
  /** --private-cache: an empty ~/.cache. */
  readonly privateCache: boolean;
  /** --machine-id: a new random /etc/machine-id. */
  readonly machineId: boolean;
  /** The device classes kept (a private /dev) or left (the host's /dev):
   * false for each --nosound, --no3d, --novideo, ... */
  readonly devices: DeviceClasses;
  readonly disableMnt: boolean;
  /** writable-run-user: /run/user/UID/gnupg and systemd not hidden. */
  readonly writableRunUser: boolean;
  /** writable-etc, writable-var: not made read-only by the defaults;
   * writable-var-log: no tmpfs on /var/log. */
  readonly writableEtc: boolean;
  readonly writableVar: boolean;
  readonly writableVarLog: boolean;
  /** allusers: /home as the host has it, not only the caller's home. */
  readonly allUsers: boolean;
}

/** The filesystem fields of RawOptions (flat, as the options table maps
 * them). */
export interface RawFilesystemOptions {
  blacklist?: readonly string[];
  /** Set by main.ts from the command line alone (no row of the table). */
  blacklistExplicit?: readonly string[];
  blacklistNolog?: readonly string[];
  noblacklist?: readonly string[];
  whitelist?: readonly string[];
  nowhitelist?: readonly string[];
  readOnly?: readonly string[];
  readWrite?: readonly string[];
  noexec?: readonly string[];
  tmpfs?: readonly string[];
  mkdir?: readonly string[];
  mkfile?: readonly string[];
  bind?: readonly string[];
  /** true (or ''): an empty home; a string: that directory. */
  private?: string | boolean | undefined;
  privateTmp?: boolean;
  privateDev?: boolean;
  /** Entries, each possibly a comma-separated list. */
  privateEtc?: readonly string[] | undefined;
  privateBin?: readonly string[] | undefined;
  privateOpt?: readonly string[] | undefined;
  privateSrv?: readonly string[] | undefined;
  privateCache?: boolean;
  machineId?: boolean;
  nosound?: boolean;
  no3d?: boolean;
  novideo?: boolean;
  notv?: boolean;
  nodvd?: boolean;
  nou2f?: boolean;
  noinput?: boolean;
  disableMnt?: boolean;
  writableRunUser?: boolean;
  writableEtc?: boolean;
  writableVar?: boolean;
  writableVarLog?: boolean;
  allUsers?: boolean;
}

/** A new root (issue 7). */
export interface RootOptions {
  readonly chroot: string | null;
  /** --overlay=NAME: a managed overlay kept under ~/.local/share/tsjail. */
  readonly overlay: string | null;
  readonly overlayTmpfs: boolean;
  /** --overlay-lower=A:B: more read-only layers, top first. */
  readonly overlayLower: readonly string[];
}

/** The root fields of RawOptions. */
export interface RawRootOptions {
  chroot?: string | undefined;
  overlay?: string | undefined;
  overlayTmpfs?: boolean;
  overlayLower?: string | undefined;
}

function normalizeRoot(raw: RawRootOptions, home: string, cwd: string | null): RootOptions {
  const chroot = raw.chroot === undefined ? null : expandUserPath('--chroot', raw.chroot, home, cwd);
  if (chroot === '/') throw new OptionError('--chroot: / is already the root');
  const overlay = raw.overlay === undefined ? null : checkOverlayName('--overlay', raw.overlay);
  if (overlay !== null && raw.overlayTmpfs) throw new OptionError('--overlay and --overlay-tmpfs cannot be used together');
  const lowers = raw.overlayLower === undefined ? [] : raw.overlayLower.split(':').map((p) => expandUserPath('--overlay-lower', p, home, cwd));
  if (lowers.length > 0 && overlay === null && !raw.overlayTmpfs) {
    throw new OptionError('--overlay-lower needs --overlay=NAME or --overlay-tmpfs');
  }
  return Object.freeze({ chroot, overlay, overlayTmpfs: raw.overlayTmpfs ?? false, overlayLower: Object.freeze(lowers) });
}

/** What normalising needs to know about the caller. */
export interface OptionContext {
  readonly home: string;
  /** The working directory relative paths are resolved against, as
   * firejail does; absent: relative paths are refused. */
  readonly cwd?: string;
}

/** Entries of a comma-separated list option, each a name of one directory
 * (a program, an entry of /opt): no '/', not '.' or '..'. null when the
 * option is not given; an empty list is refused. */
function nameList(option: string, raw: readonly string[] | undefined, what: string, plural: string): readonly string[] | null {
  if (raw === undefined || raw.length === 0) return null;
  const names = raw.flatMap((l) => l.split(',')).map((e) => e.trim()).filter((e) => e !== '');
  for (const n of names) {
    if (n.includes('/') || n === '.' || n === '..' || /[\x00-\x1f\x7f]/.test(n)) {
      throw new OptionError(`${option}: '${shownPath(n)}' is not ${what} (a name, without '/')`);
    }
  }
  if (names.length === 0) throw new OptionError(`${option}: needs a list of ${plural}`);
  return Object.freeze(names);
}

/** --private-bin, -opt, -srv, -cache, --machine-id and the device options. */
function normalizePrivateDirs(raw: RawFilesystemOptions) {
  return {
    privateBin: nameList('--private-bin', raw.privateBin, 'a program', 'programs'),
    privateOpt: nameList('--private-opt', raw.privateOpt, 'an entry of /opt', 'entries of /opt'),
    privateSrv: nameList('--private-srv', raw.privateSrv, 'an entry of /srv', 'entries of /srv'),
    privateCache: raw.privateCache ?? false,
    machineId: raw.machineId ?? false,
    devices: Object.freeze({
      sound: !raw.nosound, dri: !raw.no3d, video: !raw.novideo, tv: !raw.notv,
      dvd: !raw.nodvd, u2f: !raw.nou2f, input: !raw.noinput,
    }),
  };
}

/** The filesystem fields that are lists of paths, and their options:
 * normalizeFilesystem expands each path alone. */
const PATH_LISTS = {
  blacklist: '--blacklist', blacklistNolog: '--blacklist-nolog', noblacklist: '--noblacklist', whitelist: '--whitelist', nowhitelist: '--nowhitelist',
  readOnly: '--read-only', readWrite: '--read-write', noexec: '--noexec', tmpfs: '--tmpfs', mkdir: '--mkdir', mkfile: '--mkfile',
} as const satisfies Partial<Record<keyof RawFilesystemOptions, string>>;

/** What normalizeOptions (with its default context) says of one path of a
 * path-list field given alone: null when it takes it, else its message;
 * undefined when field is not a list of paths. The same verdict without
 * normalising every other option: a profile checks each of its lines so
 * (src/profile/loader.ts), and a big one has hundreds of paths. */
export function checkPathAlone(field: string, path: string): string | null | undefined {
  if (!Object.hasOwn(PATH_LISTS, field)) return undefined;
  try {
    expandUserPath(PATH_LISTS[field as keyof typeof PATH_LISTS], path, '/', null);
    return null;
  } catch (e) {
    if (e instanceof OptionError) return e.message;
    throw e;
  }
}

/** Every field of RawFilesystemOptions (the compiler holds the list to
 * the interface both ways). */
const FS_FIELDS = [
  'blacklist', 'blacklistExplicit', 'blacklistNolog', 'noblacklist', 'whitelist', 'nowhitelist', 'readOnly', 'readWrite',
  'noexec', 'tmpfs', 'mkdir', 'mkfile', 'bind', 'private', 'privateTmp', 'privateDev', 'privateEtc', 'privateBin',
  'privateOpt', 'privateSrv', 'privateCache', 'machineId', 'nosound', 'no3d', 'novideo', 'notv', 'nodvd', 'nou2f',
  'noinput', 'disableMnt', 'writableRunUser', 'writableEtc', 'writableVar', 'writableVarLog', 'allUsers',
] as const satisfies readonly (keyof RawFilesystemOptions)[];
const FS_FIELDS_COMPLETE: Exclude<keyof RawFilesystemOptions, (typeof FS_FIELDS)[number]> extends never ? true : never = true;

/** The filesystem options of a command line or profile that sets none:
 * made once (a profile's directives are each checked by normalizeOptions
 * on their own, and most are not about the filesystem). */
let noFilesystem: FilesystemOptions | null = null;

function normalizeFilesystem(raw: RawFilesystemOptions, home: string, cwd: string | null): FilesystemOptions {
  if (FS_FIELDS_COMPLETE && FS_FIELDS.every((f) => raw[f] === undefined)) {
    return (noFilesystem ??= normalizeFilesystemNow({}, '/', null));
  }
  return normalizeFilesystemNow(raw, home, cwd);
}

function normalizeFilesystemNow(raw: RawFilesystemOptions, home: string, cwd: string | null): FilesystemOptions {
  const paths = (option: string, list: readonly string[] | undefined): readonly string[] =>
    Object.freeze((list ?? []).map((p) => expandUserPath(option, p, home, cwd)));
  const bind = (raw.bind ?? []).map((b) => {
    const parts = b.split(',');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new OptionError(`--bind: '${b}' is not SRC,DST`);
    }
    return Object.freeze([expandUserPath('--bind', parts[0], home, cwd), expandUserPath('--bind', parts[1], home, cwd)] as const);
  });
  let priv: true | string | null = null;
  if (raw.private === true || raw.private === '') priv = true;
  else if (typeof raw.private === 'string') priv = expandUserPath('--private', raw.private, home, cwd);
  let privateEtc: string[] | null = null;
  if (raw.privateEtc !== undefined && raw.privateEtc.length > 0) {
    privateEtc = raw.privateEtc.flatMap((l) => l.split(',')).map((e) => e.trim()).filter((e) => e !== '').map((e) => {
      const rel = e.replace(/^\/etc\//, '');
      if (rel.startsWith('/') || rel.split('/').some((c) => c === '' || c === '.' || c === '..')) {
        throw new OptionError(`--private-etc: '${e}' is not an entry of /etc`);
      }
      return rel;
    });
    if (privateEtc.length === 0) throw new OptionError('--private-etc: needs a list of entries of /etc');
  }
  return Object.freeze({
    ...normalizePrivateDirs(raw),
    blacklist: paths(PATH_LISTS.blacklist, raw.blacklist),
    blacklistExplicit: paths(PATH_LISTS.blacklist, raw.blacklistExplicit),
    blacklistNolog: paths(PATH_LISTS.blacklistNolog, raw.blacklistNolog),
    noblacklist: paths(PATH_LISTS.noblacklist, raw.noblacklist),
    whitelist: paths(PATH_LISTS.whitelist, raw.whitelist),
    nowhitelist: paths(PATH_LISTS.nowhitelist, raw.nowhitelist),
    readOnly: paths(PATH_LISTS.readOnly, raw.readOnly),
    readWrite: paths(PATH_LISTS.readWrite, raw.readWrite),
    noexec: paths(PATH_LISTS.noexec, raw.noexec),
    tmpfs: paths(PATH_LISTS.tmpfs, raw.tmpfs),
    mkdir: paths(PATH_LISTS.mkdir, raw.mkdir),
    mkfile: paths(PATH_LISTS.mkfile, raw.mkfile),
    bind: Object.freeze(bind),
    private: priv,
    privateTmp: raw.privateTmp ?? false,
    privateDev: raw.privateDev ?? false,
    privateEtc: privateEtc === null ? null : Object.freeze(privateEtc),
    disableMnt: raw.disableMnt ?? false,
    writableRunUser: raw.writableRunUser ?? false,
    writableEtc: raw.writableEtc ?? false,
    writableVar: raw.writableVar ?? false,
    writableVarLog: raw.writableVarLog ?? false,
    allUsers: raw.allUsers ?? false,
  });
}
import { normalizeNetwork, type NetworkOptions, type RawNetOptions } from './net/options.js';
import { normalizeDbus, type DbusOptions, type RawDbusOptions } from './dbus/options.js';
import { normalizeX11, type RawX11Options, type X11Options } from './desktop/x11.js';

export interface SandboxOptions {
  /** Program and its arguments; empty: the user's shell. */
  readonly command: readonly string[];
  /** --name: a label for the sandbox. */
  readonly name: string | null;
  readonly hostname: string | null;
  readonly log: LogLevel;
  readonly printPlan: boolean;
  readonly noProfile: boolean;
  /** --env=NAME=VALUE, applied after the allowlist. */
  readonly setEnv: ReadonlyMap<string, string>;
  /** --rmenv=NAME. */
  readonly removeEnv: readonly string[];
  readonly filesystem: FilesystemOptions;
  readonly root: RootOptions;
  /** --cgroup, --cpu-quota, --memory, --pids-max, --cpus, --rlimit-*, --nice, --timeout. */
  readonly resources: ResourceOptions;
  /** Seccomp and privileges (src/seccomp/options.ts). */
  readonly security: SecurityOptions;
  /** --net and friends, --dns, --hosts-file (src/net/options.ts). */
  readonly network: NetworkOptions;
  /** dbus-user, dbus-system and their rules, --nodbus (src/dbus/options.ts). */
  readonly dbus: DbusOptions;
  /** --x11=none (src/desktop/x11.ts). */
  readonly x11: X11Options;
}

/** What the CLI hands over, before checks: the general fields. */
export interface RawCoreOptions {
  command?: readonly string[];
  name?: string | undefined;
  hostname?: string | undefined;
  debug?: boolean;
  quiet?: boolean;
  printPlan?: boolean;
  noProfile?: boolean;
  env?: readonly string[];
  rmenv?: readonly string[];
}

/** The resource fields of RawOptions (src/resources). */
export interface RawResourceOptions {
  cgroup?: readonly string[];
  cpuQuota?: string | undefined;
  memory?: string | undefined;
  pidsMax?: string | undefined;
  cpus?: string | undefined;
  rlimitAs?: string | undefined;
  rlimitCpu?: string | undefined;
  rlimitFsize?: string | undefined;
  rlimitNofile?: string | undefined;
  rlimitNproc?: string | undefined;
  rlimitSigpending?: string | undefined;
  nice?: string | undefined;
  timeout?: string | undefined;
}

/** What the CLI and profiles hand over, before checks: one flat record,
 * each field filled by a row of the options table (options-schema.ts). */
export type RawOptions = RawCoreOptions & RawFilesystemOptions & RawRootOptions & RawResourceOptions & RawSecurityOptions &
  RawNetOptions & RawDbusOptions & RawX11Options;

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

function checkHostname(h: string): string {
  if (!HOSTNAME.test(h)) {
    throw new OptionError(
      `--hostname: '${h}' is not a valid hostname (letters, digits, '-' and '.', at most 64)`,
    );
  }
  return h;
}

function parseEnv(list: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !isEnvName(name)) {
      throw new OptionError(`--env: '${item}' is not NAME=VALUE`);
    }
    out.set(name, item.slice(eq + 1));
  }
  return out;
}

function checkEnvNames(list: readonly string[]): readonly string[] {
  for (const name of list) {
    if (!isEnvName(name)) throw new OptionError(`--rmenv: '${name}' is not a variable name`);
  }
  return Object.freeze([...list]);
}

function checkedName(n: string): string {
  const bad = checkSandboxName(n);
  if (bad !== null) throw new OptionError(`--name: ${bad}`);
  return n;
}

/** The fields of the concerns checkAlone sends a value to directly (the
 * compiler holds each list to its interface, both ways). */
const SECURITY_FIELDS = [
  'seccomp', 'seccompDrop', 'seccompKeep', 'seccompErrorAction', 'seccompBlockSecondary', 'memoryDenyWriteExecute',
  'protocol', 'restrictNamespaces', 'capsDrop', 'capsKeep', 'capsKeepFromProfile', 'nonewprivs', 'noroot', 'nogroups',
  'apparmor', 'tracelog',
] as const satisfies readonly (keyof RawSecurityOptions)[];
const NET_FIELDS = [
  'net', 'ip', 'netmask', 'defaultgw', 'mac', 'mtu', 'interfaceName', 'vethName', 'dns', 'hostsFile', 'netfilter',
] as const satisfies readonly (keyof RawNetOptions)[];
const DBUS_FIELDS = [
  'dbusUser', 'dbusUserSee', 'dbusUserTalk', 'dbusUserOwn', 'dbusUserCall', 'dbusUserBroadcast', 'dbusSystem',
  'dbusSystemSee', 'dbusSystemTalk', 'dbusSystemOwn', 'dbusSystemCall', 'dbusSystemBroadcast', 'nodbus',
] as const satisfies readonly (keyof RawDbusOptions)[];
const ALONE_COMPLETE: [
  Exclude<keyof RawSecurityOptions, (typeof SECURITY_FIELDS)[number]>,
  Exclude<keyof RawNetOptions, (typeof NET_FIELDS)[number]>,
  Exclude<keyof RawDbusOptions, (typeof DBUS_FIELDS)[number]>,
] extends [never, never, never] ? true : never = true;

type Concern = (raw: RawOptions) => unknown;
const CONCERN_OF = new Map<string, Concern>([
  ...SECURITY_FIELDS.map((f) => [f, (r: RawOptions) => normalizeSecurity(r)] as const),
  ...NET_FIELDS.map((f) => [f, (r: RawOptions) => normalizeNetwork(r, '/', null)] as const),
  ...DBUS_FIELDS.map((f) => [f, (r: RawOptions) => normalizeDbus(r)] as const),
]);

/** What normalizeOptions(raw) says of a raw set with one field (besides
 * an empty command), a profile line's value checked on its own: thrown
 * the same, or not. For a security, network or D-Bus field only that
 * concern's normaliser runs (the others, given nothing, refuse nothing:
 * test/unit/options-alone.test.ts); normalizeOptions for any other. */
export function checkAlone(raw: RawOptions): void {
  let only: string | null = null;
  for (const k of Object.keys(raw)) {
    if (k === 'command' || (raw as Record<string, unknown>)[k] === undefined) continue;
    if (only !== null) {
      only = null;
      break;
    }
    only = k;
  }
  const concern = only === null || (raw.command ?? []).length > 0 || !ALONE_COMPLETE ? undefined : CONCERN_OF.get(only);
  if (concern === undefined) normalizeOptions(raw);
  else concern(raw);
}

export function normalizeOptions(raw: RawOptions, ctx: OptionContext = { home: '/' }): SandboxOptions {
  if (raw.debug && raw.quiet) throw new OptionError('--debug and --quiet cannot be used together');
  return Object.freeze({
    command: Object.freeze([...(raw.command ?? [])]),
    name: raw.name === undefined ? null : checkedName(raw.name),
    hostname: raw.hostname === undefined ? null : checkHostname(raw.hostname),
    log: raw.debug ? 'debug' : raw.quiet ? 'quiet' : 'normal',
    printPlan: raw.printPlan ?? false,
    noProfile: raw.noProfile ?? false,
    setEnv: parseEnv(raw.env ?? []),
    removeEnv: checkEnvNames(raw.rmenv ?? []),
    filesystem: normalizeFilesystem(raw, ctx.home, ctx.cwd ?? null),
    root: normalizeRoot(raw, ctx.home, ctx.cwd ?? null),
    resources: normalizeResources({
      cgroup: raw.cgroup ?? [],
      cpuQuota: raw.cpuQuota,
      memory: raw.memory,
      pidsMax: raw.pidsMax,
      cpus: raw.cpus,
      rlimits: {
        as: raw.rlimitAs, cpu: raw.rlimitCpu, fsize: raw.rlimitFsize,
        nofile: raw.rlimitNofile, nproc: raw.rlimitNproc, sigpending: raw.rlimitSigpending,
      },
      nice: raw.nice,
      timeout: raw.timeout,
    }),
    security: normalizeSecurity(raw),
    network: normalizeNetwork(raw, ctx.home, ctx.cwd ?? null),
    dbus: normalizeDbus(raw),
    x11: normalizeX11(raw),
  });
}
