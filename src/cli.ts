/** The command line: firejail's spelling (--opt=value), yargs underneath.
 * tsjail [options] [--] [program [args...]] */
import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
import { DESKTOP_OPTIONS, desktopCommand, type DesktopCommand } from './desktop/commands.js';
import { UsageError } from './errors.js';
import type { RawOptions } from './options.js';
import type { OverlayCommand } from './overlay/commands.js';
import type { RawSecurityOptions } from './seccomp/options.js';

export const VERSION = '0.1.0';

/** 'done': yargs has printed the help or the version. */
export type CliResult =
  | { readonly kind: 'run'; readonly options: RawOptions }
  | { readonly kind: 'done' }
  | OverlayCommand
  | DesktopCommand;

/** Filesystem options: name, kind ('value': takes one; 'optional': bare or
 * with a value; 'flag'), help. */
const FS_OPTIONS: readonly [string, 'value' | 'optional' | 'flag', string][] = [
  ['blacklist', 'value', 'Make PATH an empty, unreadable node (repeatable)'],
  ['noblacklist', 'value', 'Cancel a blacklist of PATH from a profile or the defaults'],
  ['whitelist', 'value', 'Keep only whitelisted entries of their directory visible (repeatable)'],
  ['nowhitelist', 'value', 'Cancel a whitelist of PATH'],
  ['read-only', 'value', 'Make PATH read-only (repeatable)'],
  ['read-write', 'value', 'Make PATH writable again (not if read-only on the host)'],
  ['noexec', 'value', 'Mount PATH noexec, nosuid, nodev'],
  ['tmpfs', 'value', 'Mount an empty tmpfs on DIR (root only)'],
  ['bind', 'value', 'Bind-mount SRC on DST, given as SRC,DST (root only)'],
  ['mkdir', 'value', 'Create directory PATH (in your home, /tmp or /run/user) as you'],
  ['mkfile', 'value', 'Create empty file PATH (in your home, /tmp or /run/user) as you'],
  ['private', 'optional', 'An empty, temporary home; --private=DIR: DIR as home'],
  ['private-tmp', 'flag', 'An empty /tmp (without the X11 socket directory)'],
  ['private-dev', 'flag', 'A private /dev with only basic devices'],
  ['private-etc', 'value', 'Keep only these comma-separated entries of /etc'],
  ['disable-mnt', 'flag', 'Hide /mnt, /media, /run/media and /run/mount'],
];

/** Root options: the same shape. */
const ROOT_OPTIONS: readonly [string, 'value' | 'optional' | 'flag', string][] = [
  ['chroot', 'value', 'Switch root to DIR (fresh /proc, private /dev, /sys read-only, tmpfs /tmp inside)'],
  ['overlay', 'value', 'An overlay named NAME over / (or over --chroot=DIR), kept in ~/.local/share/tsjail'],
  ['overlay-tmpfs', 'flag', 'A throw-away overlay over / (or over --chroot=DIR)'],
  ['overlay-lower', 'value', 'More read-only layers A:B (top first) under the overlay'],
  ['overlay-list', 'flag', 'List your overlays and exit'],
  ['overlay-clean', 'value', 'Delete overlay NAME and exit'],
  ['overlay-export', 'value', 'Write overlay NAME\'s layer to the tar file given after it, and exit'],
  ['overlay-import', 'value', 'Read the layer tar FILE into the overlay named after it, and exit'],
];

/** Seccomp and privilege options (issue 3): the same shape. */
const SECURITY_OPTIONS: readonly [string, 'value' | 'optional' | 'flag', string][] = [
  ['seccomp', 'optional', 'Block the default syscall list; =LIST: it and LIST too (calls, @groups, !call, call:ERRNO)'],
  ['seccomp.drop', 'value', 'Block only the calls in LIST'],
  ['seccomp.keep', 'value', 'Allow only the calls in LIST (and execve), block every other'],
  ['seccomp-error-action', 'value', 'What a blocked call gets: errno (EPERM, the default), kill, log or an errno name'],
  ['seccomp.block-secondary', 'flag', 'Block the i386 and x32 syscall ABIs whole'],
  ['restrict-namespaces', 'optional', 'Refuse new namespaces; =LIST: of these types (cgroup,ipc,mnt,net,pid,time,user,uts)'],
  ['protocol', 'value', 'Allow only these socket families: unix, inet, inet6, netlink, packet, bluetooth'],
  ['memory-deny-write-execute', 'flag', 'No memory both writable and executable, and none made executable later'],
  ['caps.drop', 'value', 'Drop these capabilities, or all (the default; other users never have any)'],
  ['caps.keep', 'value', 'Keep only these capabilities (root only)'],
  ['nonewprivs', 'flag', 'Set no_new_privs (tsjail always does)'],
  ['noroot', 'flag', 'Run in a user namespace in which only your user and group exist'],
];

const ALL_OPTIONS = [...FS_OPTIONS, ...ROOT_OPTIONS, ...SECURITY_OPTIONS];

/** firejail's spelling gives an optional value with '=' only: a bare
 * --seccomp (or --private) must not swallow the program name after it. */
function bareOptionals(args: readonly string[]): string[] {
  const optional = new Set(ALL_OPTIONS.filter((o) => o[1] === 'optional').map((o) => `--${o[0]}`));
  const valued = new Set(['--hostname', '--env', '--rmenv', ...[...ALL_OPTIONS, ...DESKTOP_OPTIONS]
    .filter((o) => o[1] === 'value').map((o) => `--${o[0]}`)]);
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const a = out[i] as string;
    if (a === '--' || !a.startsWith('-')) break;
    if (optional.has(a)) out[i] = `${a}=`;
    else if (valued.has(a)) i++;
  }
  return out;
}

/** yargs takes about 70 ms to load: loaded only when a command line is
 * parsed, not by the launcher links (src/desktop/wrapper.ts). require() of
 * an ES module works on the Node versions yargs 18 itself needs. */
function loadYargs(): (args: string[]) => Argv {
  const mod = createRequire(import.meta.url)('yargs') as { default?: unknown };
  return (typeof mod === 'function' ? mod : mod.default) as (args: string[]) => Argv;
}

function parser(args: readonly string[]): Argv {
  return loadYargs()([...args])
    .scriptName('tsjail')
    .usage('Usage: tsjail [options] [--] [program [arguments...]]\n\n' +
      'Runs program (default: your shell) in a sandbox: new pid, mount, ipc and uts\n' +
      'namespaces, no capabilities, no_new_privs, a cleaned environment.')
    .parserConfiguration({
      'halt-at-non-option': true,
      'populate--': true,
      'dot-notation': false,
      'boolean-negation': false,
      'camel-case-expansion': false,
      'duplicate-arguments-array': true,
      'short-option-groups': false,
    })
    .option('debug', { type: 'boolean', description: 'Print a line for every step to stderr' })
    .option('quiet', { type: 'boolean', description: 'Print no messages but errors' })
    .option('print-plan', { type: 'boolean', description: 'Print the sandbox plan as JSON and run nothing' })
    .option('hostname', { type: 'string', requiresArg: true, description: 'Set the hostname inside the sandbox' })
    .option('noprofile', { type: 'boolean', description: 'Use no security profile' })
    .option('env', { type: 'string', requiresArg: true, description: 'Set NAME=VALUE in the program\'s environment' })
    .option('rmenv', { type: 'string', requiresArg: true, description: 'Remove NAME from the program\'s environment' })
    .group(FS_OPTIONS.map((o) => o[0]), 'Filesystem:')
    .group(ROOT_OPTIONS.map((o) => o[0]), 'Chroot and overlays:')
    .group(DESKTOP_OPTIONS.map((o) => o[0]), 'Launchers:')
    .group(SECURITY_OPTIONS.map((o) => o[0]), 'Seccomp and privileges:')
    .options(Object.fromEntries([...ALL_OPTIONS, ...DESKTOP_OPTIONS].map(([name, type, description]) => [
      name,
      type === 'flag' ? { type: 'boolean' as const, description }
        : { type: 'string' as const, requiresArg: type === 'value', description },
    ])))
    .help('help', 'Show this help and exit')
    .version('version', 'Show the version and exit', `tsjail ${VERSION}`)
    .strict()
    .wrap(Math.min(100, process.stdout.columns || 80))
    .exitProcess(false)
    .fail((msg: string | null, err: Error | null) => {
      throw new UsageError(msg ?? err?.message ?? 'invalid command line');
    })
    .epilog('Options take their value as --opt=value. Everything after -- is passed to the program unchanged.\nSee tsjail(1).');
}

function last(v: unknown): string | undefined {
  if (Array.isArray(v)) return last(v[v.length - 1]);
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The overlay commands: they run no sandbox. */
function overlayAction(a: Record<string, unknown>, rest: readonly string[]): CliResult | null {
  const one = (what: string): string => {
    if (rest.length !== 1 || !rest[0]) throw new UsageError(`${what} takes exactly one more argument`);
    return rest[0];
  };
  if (a['overlay-list'] === true) return { kind: 'overlay-list' };
  const clean = last(a['overlay-clean']);
  if (clean !== undefined) return { kind: 'overlay-clean', name: clean };
  const exp = last(a['overlay-export']);
  if (exp !== undefined) return { kind: 'overlay-export', name: exp, file: one('--overlay-export=NAME FILE.tar') };
  const imp = last(a['overlay-import']);
  if (imp !== undefined) return { kind: 'overlay-import', file: imp, name: one('--overlay-import=FILE.tar NAME') };
  return null;
}

/** An optional-value option: undefined (absent), true (bare), or its
 * values joined (repeated --seccomp=a --seccomp=b add up). */
function optionalList(v: unknown): boolean | string | undefined {
  const all = strings(v);
  if (all.length === 0) return undefined;
  const given = all.filter((x) => x !== '');
  return given.length === 0 ? true : given.join(',');
}

function securityOptions(a: Record<string, unknown>): RawSecurityOptions {
  return {
    seccomp: optionalList(a['seccomp']),
    seccompDrop: last(a['seccomp.drop']),
    seccompKeep: last(a['seccomp.keep']),
    seccompErrorAction: last(a['seccomp-error-action']),
    seccompBlockSecondary: a['seccomp.block-secondary'] === true,
    restrictNamespaces: optionalList(a['restrict-namespaces']),
    protocol: strings(a['protocol']),
    memoryDenyWriteExecute: a['memory-deny-write-execute'] === true,
    capsDrop: last(a['caps.drop']),
    capsKeep: last(a['caps.keep']),
    nonewprivs: a['nonewprivs'] === true,
    noroot: a['noroot'] === true,
  };
}

export function usageText(): string {
  // The help text never depends on the arguments.
  let text = '';
  parser([]).showHelp((s: string) => { text = s; });
  return text;
}

export function parseCommandLine(args: readonly string[]): CliResult {
  const a = parser(bareOptionals(args)).parseSync();
  if (a['help'] === true || a['version'] === true) return { kind: 'done' };
  const command = [...a._.map(String), ...strings(a['--'])];
  const action = overlayAction(a, command) ?? desktopCommand(a, command);
  if (action !== null) return action;
  return {
    kind: 'run',
    options: {
      command,
      hostname: last(a['hostname']),
      debug: a['debug'] === true,
      quiet: a['quiet'] === true,
      printPlan: a['print-plan'] === true,
      noProfile: a['noprofile'] === true,
      env: strings(a['env']),
      rmenv: strings(a['rmenv']),
      filesystem: {
        blacklist: strings(a['blacklist']),
        noblacklist: strings(a['noblacklist']),
        whitelist: strings(a['whitelist']),
        nowhitelist: strings(a['nowhitelist']),
        readOnly: strings(a['read-only']),
        readWrite: strings(a['read-write']),
        noexec: strings(a['noexec']),
        tmpfs: strings(a['tmpfs']),
        bind: strings(a['bind']),
        mkdir: strings(a['mkdir']),
        mkfile: strings(a['mkfile']),
        private: last(a['private']),
        privateTmp: a['private-tmp'] === true,
        privateDev: a['private-dev'] === true,
        privateEtc: last(a['private-etc']),
        disableMnt: a['disable-mnt'] === true,
      },
      ...securityOptions(a),
      root: {
        chroot: last(a['chroot']),
        overlay: last(a['overlay']),
        overlayTmpfs: a['overlay-tmpfs'] === true,
        overlayLower: last(a['overlay-lower']),
      },
    },
  };
}
