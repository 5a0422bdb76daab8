/** The option schema: ONE table, shared by the command line (cli.ts defines
 * its yargs options from it) and by profiles (tsjail INI keys and firejail
 * directives map onto the same rows), as nsjail does. A row's name is the
 * option on the command line (--name=value), the key in a tsjail INI
 * profile and the directive in a firejail profile.
 *
 * Adding an option = adding (or completing) one row:
 *  - `field`: where the value goes in RawOptions. A row with a field is on
 *    the command line and is enforced (options.ts normalises it, the plan
 *    builder uses it). A row without one is still recognised in profiles,
 *    kept with its file:line and reported as "not enforced yet".
 *  - `always`: tsjail does this in every sandbox, so the directive is
 *    satisfied without an option (the text says why).
 *  - `section`: the [section] of a tsjail INI profile; null = command line
 *    only. */
import { checkBusName, checkNameRule, checkPolicy } from './dbus/options.js';
import { isLoaderVariable } from './environment.js';
import type { RawOptions } from './options.js';

export const SECTIONS = [
  'sandbox', 'filesystem', 'devices', 'security', 'network', 'desktop', 'resources', 'environment',
] as const;
export type Section = (typeof SECTIONS)[number];

/** flag: no value. value: one value, the last one given wins. list: repeatable,
 * values accumulate in order. optional: a flag that may carry one value
 * (firejail's --seccomp and --seccomp=LIST). */
export type OptionKind = 'flag' | 'value' | 'list' | 'optional';

/** A value as the schema carries it: true for a flag (false: turned off in a
 * profile), a string for value/optional, an array for list. */
export type OptionValue = boolean | string | readonly string[];
export type OptionValues = ReadonlyMap<string, OptionValue>;

type Defined<T> = Exclude<T, undefined>;
type FieldOf<T> = {
  [K in keyof RawOptions]-?: Defined<RawOptions[K]> extends T ? (K extends 'command' ? never : K) : never;
}[keyof RawOptions];

interface RowBase {
  readonly name: string;
  readonly section: Section | null;
  /** --help text (and the summary in tsjail-profile(5)). */
  readonly describe: string;
  /** Placeholder for the value in the usage text. */
  readonly arg?: string;
  /** tsjail always does this; the reason. */
  readonly always?: string;
  /** On the command line although it has no field (main.ts reads it). */
  readonly cli?: boolean;
  /** Options of one group exclude each other: when the command line sets
   * one, the profile's settings of the whole group are dropped. */
  readonly group?: string;
  /** false: ${MACRO} and ~ are not expanded in the value (env). */
  readonly macros?: false;
  /** Checks a value coming from a profile; returns what is wrong. Rows with
   * a field are checked by normalizeOptions as well. */
  readonly check?: (value: string) => string | null;
}

export type OptionRow =
  | (RowBase & { readonly kind: 'flag'; readonly field?: FieldOf<boolean> })
  | (RowBase & { readonly kind: 'value'; readonly field?: FieldOf<string> })
  | (RowBase & { readonly kind: 'optional'; readonly field?: FieldOf<string | boolean> })
  | (RowBase & { readonly kind: 'list'; readonly field?: FieldOf<readonly string[]> });

// --- value checks for directives that have no option yet -----------------

function oneOf(...allowed: string[]) {
  return (v: string) => (allowed.includes(v) ? null : `'${v}' is not one of ${allowed.join(', ')}`);
}

function commaList(item: RegExp, what: string, extra: readonly string[] = []) {
  return (v: string) => {
    if (extra.includes(v)) return null;
    const bad = v.split(',').find((x) => !item.test(x.trim()));
    return bad === undefined ? null : `'${bad}' is not ${what}`;
  };
}

const NUMBER = /^[0-9]+$/;
function number(v: string): string | null {
  return NUMBER.test(v) ? null : `'${v}' is not a number`;
}
/** A size or count: digits, optionally K, M or G (firejail accepts these
 * for rlimit-as and rlimit-fsize). */
function size(v: string): string | null {
  return /^[0-9]+[KMGkmg]?[Bb]?$/.test(v) ? null : `'${v}' is not a number (K, M, G suffixes allowed)`;
}
function integer(v: string): string | null {
  return /^-?[0-9]+$/.test(v) ? null : `'${v}' is not an integer`;
}
function nonEmpty(v: string): string | null {
  return v.trim() === '' ? 'needs a value' : null;
}

const PROTOCOLS = ['unix', 'inet', 'inet6', 'netlink', 'packet', 'bluetooth'];
const NAMESPACE_NAMES = ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'time', 'user', 'uts'];
const CAP_LIST = commaList(/^[a-z_0-9]+$/, 'a capability name', ['all']);
const SYSCALL_LIST = commaList(/^[!@]?(\$[0-9]+|[a-z_0-9-]+)(:[A-Za-z0-9_]+)?$/, 'a syscall, $number, @group or !exception');
/** An AppArmor profile's name, as the helper writes it after "exec ". */
export function apparmorProfile(v: string): string | null {
  return /^[\x21-\x7e]{1,255}$/.test(v) ? null : `'${v}' is not an AppArmor profile name (printable, no space, at most 255)`;
}
/** firejail's FILE,ARG,... template form is not supported. */
function netfilterFile(v: string): string | null {
  if (v.trim() === '') return 'needs a file';
  return v.includes(',') ? `'${v}': filter templates (FILE,ARG,...) are not supported; give a file` : null;
}

/** A bus's rows: dbus-BUS and its filter's rules, each a list (the
 * command line's and the profile's values together). */
function dbusRows(bus: 'user' | 'system', label: string): OptionRow[] {
  const field = <K extends string>(k: K) => `dbus${bus === 'user' ? 'User' : 'System'}${k}` as const;
  const named = ' (NAME.*: and the names below it)';
  return [
    { name: `dbus-${bus}`, kind: 'list', section: 'desktop', field: field(''), check: checkPolicy, arg: 'none|filter', describe: `${label} D-Bus: none (hidden) or filter (through xdg-dbus-proxy); none cannot be relaxed` },
    { name: `dbus-${bus}.see`, kind: 'list', section: 'desktop', field: field('See'), check: checkBusName, arg: 'NAME', describe: `${label} D-Bus filter: may see NAME${named}` },
    { name: `dbus-${bus}.talk`, kind: 'list', section: 'desktop', field: field('Talk'), check: checkBusName, arg: 'NAME', describe: `${label} D-Bus filter: may talk to NAME${named}` },
    { name: `dbus-${bus}.own`, kind: 'list', section: 'desktop', field: field('Own'), check: checkBusName, arg: 'NAME', describe: `${label} D-Bus filter: may own NAME${named}` },
    { name: `dbus-${bus}.call`, kind: 'list', section: 'desktop', field: field('Call'), check: checkNameRule, arg: 'NAME=RULE', describe: `${label} D-Bus filter: may call NAME as RULE ([METHOD][@PATH]) allows` },
    { name: `dbus-${bus}.broadcast`, kind: 'list', section: 'desktop', field: field('Broadcast'), check: checkNameRule, arg: 'NAME=RULE', describe: `${label} D-Bus filter: receives the broadcasts of NAME that RULE allows` },
  ];
}

/** --name: what a user would type, as firejail takes it (spaces too), but
 * one line of at most 64 characters: it is shown in messages. */
export function checkSandboxName(n: string): string | null {
  if (n.trim() === '') return 'needs a name';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(n)) return `'${JSON.stringify(n).slice(1, -1)}' has a control character`;
  if ([...n].length > 64) return `'${n.slice(0, 20)}...' is longer than 64 characters`;
  return null;
}

/** What buildEnvironment would refuse later, said at the profile's line. */
function envCheck(v: string): string | null {
  const name = v.split('=')[0] ?? '';
  return isLoaderVariable(name) ? `${name} may not be passed into a sandbox` : null;
}

// --- the table ---------------------------------------------------------------

export const OPTION_TABLE: readonly OptionRow[] = [
  // command line only
  { name: 'debug', kind: 'flag', section: null, field: 'debug', group: 'log', describe: 'Print a line for every step to stderr' },
  { name: 'quiet', kind: 'flag', section: 'sandbox', field: 'quiet', group: 'log', describe: 'Print no messages but errors' },
  { name: 'print-plan', kind: 'flag', section: null, field: 'printPlan', describe: 'Print the sandbox plan as JSON and run nothing' },
  { name: 'noprofile', kind: 'flag', section: null, field: 'noProfile', describe: 'Use no security profile' },
  { name: 'profile', kind: 'value', section: null, cli: true, arg: 'NAME|FILE', describe: 'Use this profile (a name searched for, or a file) instead of the program\'s' },
  { name: 'ignore', kind: 'list', section: null, cli: true, arg: 'DIRECTIVE', describe: 'Drop the profile directives that start with DIRECTIVE (repeatable)' },
  { name: 'profile-check', kind: 'value', section: null, cli: true, arg: 'FILE', describe: 'Load a profile, list its directives and whether each is enforced, run nothing' },
  { name: 'profile-convert', kind: 'value', section: null, cli: true, arg: 'FILE', describe: 'Print a profile (a firejail one too) as a tsjail INI profile, run nothing' },
  { name: 'overlay-list', kind: 'flag', section: null, cli: true, describe: 'List your overlays and exit' },
  { name: 'overlay-clean', kind: 'value', section: null, cli: true, arg: 'NAME', describe: 'Delete overlay NAME and exit' },
  { name: 'overlay-export', kind: 'value', section: null, cli: true, arg: 'NAME', describe: 'Write overlay NAME\'s layer to the tar file given after it, and exit' },
  { name: 'overlay-import', kind: 'value', section: null, cli: true, arg: 'FILE', describe: 'Read the layer tar FILE into the overlay named after it, and exit' },
  { name: 'setup-desktop', kind: 'flag', section: null, cli: true, describe: 'Make launcher links (as root, in /usr/local/bin) or .desktop files (as a user) for every installed program with a profile, and exit' },
  { name: 'setup-desktop-list', kind: 'flag', section: null, cli: true, describe: 'List the links and .desktop files --setup-desktop made, and exit' },
  { name: 'setup-desktop-remove', kind: 'flag', section: null, cli: true, describe: 'Remove what --setup-desktop made (nothing else), and exit' },
  { name: 'dry-run', kind: 'flag', section: null, cli: true, describe: 'With --setup-desktop or --setup-desktop-remove: print what would change, change nothing' },
  { name: 'bin-dir', kind: 'value', section: null, cli: true, arg: 'DIR', describe: 'With --setup-desktop: make the launcher links in DIR' },
  { name: 'applications-dir', kind: 'value', section: null, cli: true, arg: 'DIR', describe: 'With --setup-desktop: make the .desktop files in DIR' },
  { name: 'build', kind: 'optional', section: null, cli: true, arg: 'FILE', describe: 'Run the program in a relaxed sandbox under strace, then print a profile that allows what it used (or write it to FILE, which must not exist)' },
  { name: 'nodbus', kind: 'flag', section: null, field: 'nodbus', describe: 'No D-Bus: --dbus-user=none and --dbus-system=none' },

  // [sandbox]
  { name: 'hostname', kind: 'value', section: 'sandbox', field: 'hostname', arg: 'NAME', describe: 'Set the hostname inside the sandbox' },
  { name: 'name', kind: 'value', section: 'sandbox', field: 'name', check: checkSandboxName, arg: 'NAME', describe: 'Name the sandbox (shown by --debug: tsjail has no --join, --list or --shutdown)' },
  { name: 'join-or-start', kind: 'value', section: 'sandbox', check: nonEmpty, describe: 'Join the sandbox of that name, or start it' },
  { name: 'ipc-namespace', kind: 'flag', section: 'sandbox', always: 'every sandbox has its own IPC namespace', describe: 'New IPC namespace' },
  { name: 'deterministic-exit-code', kind: 'flag', section: 'sandbox', always: 'tsjail exits with the program\'s status', describe: 'Exit with the first child\'s status' },
  { name: 'deterministic-shutdown', kind: 'flag', section: 'sandbox', always: 'the sandbox ends when the program ends', describe: 'End the sandbox when the first child ends' },
  { name: 'shell', kind: 'value', section: 'sandbox', check: oneOf('none'), always: 'tsjail never runs the program through a shell', describe: 'shell none: run the program directly' },
  { name: 'keep-fd', kind: 'value', section: 'sandbox', check: commaList(NUMBER, 'a file descriptor', ['all']), describe: 'Pass these file descriptors (or all) into the sandbox' },
  { name: 'timeout', kind: 'value', section: 'sandbox', field: 'timeout', check: (v) => (/^[0-9]+:[0-5][0-9]:[0-5][0-9]$/.test(v) ? null : `'${v}' is not hh:mm:ss`), describe: 'Kill the sandbox after hh:mm:ss' },
  { name: 'tracelog', kind: 'flag', section: 'sandbox', field: 'tracelog', describe: 'Log every access to a blacklisted path to syslog (logging only: the blacklist denies)' },
  { name: 'tab', kind: 'flag', section: 'sandbox', always: 'nothing to do (an obsolete firejail setting for tab completion)', describe: 'Obsolete; accepted and ignored' },

  // [filesystem]
  { name: 'blacklist', kind: 'list', section: 'filesystem', field: 'blacklist', check: nonEmpty, describe: 'Make a file or directory inaccessible (glob patterns allowed)' },
  { name: 'blacklist-nolog', kind: 'list', section: 'filesystem', field: 'blacklistNolog', check: nonEmpty, describe: 'As --blacklist, but an access to it is not logged by --tracelog' },
  { name: 'noblacklist', kind: 'list', section: 'filesystem', field: 'noblacklist', check: nonEmpty, describe: 'Exempt a path from the blacklist directives' },
  { name: 'whitelist', kind: 'list', section: 'filesystem', field: 'whitelist', check: nonEmpty, describe: 'Keep only the whitelisted paths of their top directory' },
  { name: 'whitelist-ro', kind: 'list', section: 'filesystem', check: nonEmpty, describe: 'whitelist, read-only' },
  { name: 'nowhitelist', kind: 'list', section: 'filesystem', field: 'nowhitelist', check: nonEmpty, describe: 'Exempt a path from the whitelist directives' },
  { name: 'read-only', kind: 'list', section: 'filesystem', field: 'readOnly', check: nonEmpty, describe: 'Make a path read-only' },
  { name: 'read-write', kind: 'list', section: 'filesystem', field: 'readWrite', check: nonEmpty, describe: 'Make a path read-write' },
  { name: 'noexec', kind: 'list', section: 'filesystem', field: 'noexec', check: nonEmpty, describe: 'Mount a path noexec, nodev, nosuid' },
  { name: 'tmpfs', kind: 'list', section: 'filesystem', field: 'tmpfs', check: nonEmpty, describe: 'Mount an empty tmpfs on a directory (users: a directory of their own in their home)' },
  { name: 'bind', kind: 'list', section: 'filesystem', field: 'bind', check: (v) => (/^[^,]+,[^,]+$/.test(v) ? null : `'${v}' is not SOURCE,TARGET`), describe: 'Bind-mount SOURCE on TARGET (root only)' },
  { name: 'mkdir', kind: 'list', section: 'filesystem', field: 'mkdir', check: nonEmpty, describe: 'Create a directory before the sandbox starts' },
  { name: 'mkfile', kind: 'list', section: 'filesystem', field: 'mkfile', check: nonEmpty, describe: 'Create an empty file before the sandbox starts' },
  { name: 'private', kind: 'optional', section: 'filesystem', field: 'private', describe: 'A private, empty home (or DIR as home)' },
  { name: 'private-bin', kind: 'list', section: 'filesystem', field: 'privateBin', check: nonEmpty, arg: 'PROGRAM,...', describe: 'A new /bin (and /usr/bin, /sbin, ...) holding only these programs (glob patterns allowed)' },
  { name: 'private-cache', kind: 'flag', section: 'filesystem', field: 'privateCache', describe: 'An empty ~/.cache' },
  { name: 'private-cwd', kind: 'optional', section: 'filesystem', describe: 'Working directory: home, or DIR' },
  { name: 'private-dev', kind: 'flag', section: 'filesystem', field: 'privateDev', describe: 'A new /dev with only the usual devices' },
  { name: 'private-etc', kind: 'list', section: 'filesystem', field: 'privateEtc', check: nonEmpty, describe: 'A new /etc holding only these files' },
  { name: 'private-home', kind: 'list', section: 'filesystem', check: nonEmpty, describe: 'A new home holding copies of these files' },
  { name: 'private-lib', kind: 'optional', section: 'filesystem', describe: 'A new /lib holding what the program needs (and these)' },
  { name: 'private-opt', kind: 'list', section: 'filesystem', field: 'privateOpt', check: nonEmpty, arg: 'NAME,...', describe: 'A new /opt holding only these entries of it' },
  { name: 'private-srv', kind: 'list', section: 'filesystem', field: 'privateSrv', check: nonEmpty, arg: 'NAME,...', describe: 'A new /srv holding only these entries of it' },
  { name: 'private-tmp', kind: 'flag', section: 'filesystem', field: 'privateTmp', describe: 'An empty /tmp' },
  { name: 'disable-mnt', kind: 'flag', section: 'filesystem', field: 'disableMnt', describe: 'Hide /mnt, /media, /run/mount and /run/media' },
  { name: 'keep-dev-shm', kind: 'flag', section: 'filesystem', describe: 'Leave /dev/shm as it is' },
  { name: 'keep-var-tmp', kind: 'flag', section: 'filesystem', describe: 'Leave /var/tmp as it is' },
  { name: 'writable-etc', kind: 'flag', section: 'filesystem', field: 'writableEtc', describe: 'Leave /etc as the host has it (not read-only)' },
  { name: 'writable-run-user', kind: 'flag', section: 'filesystem', field: 'writableRunUser', describe: 'Leave /run/user/UID/gnupg and systemd visible (the gpg agent\'s and systemd\'s sockets, which a profile hides)' },
  { name: 'writable-var', kind: 'flag', section: 'filesystem', field: 'writableVar', describe: 'Leave /var as the host has it (not read-only)' },
  { name: 'writable-var-log', kind: 'flag', section: 'filesystem', field: 'writableVarLog', describe: 'The host\'s /var/log, not an empty tmpfs' },
  { name: 'allusers', kind: 'flag', section: 'filesystem', field: 'allUsers', describe: 'Every directory of /home visible, not only your home' },
  { name: 'machine-id', kind: 'flag', section: 'filesystem', field: 'machineId', describe: 'A new random /etc/machine-id (and /var/lib/dbus/machine-id) for each sandbox' },
  { name: 'chroot', kind: 'value', section: 'filesystem', field: 'chroot', check: nonEmpty, arg: 'DIR', describe: 'Switch root to DIR (fresh /proc, private /dev, /sys read-only, tmpfs /tmp inside)' },
  { name: 'overlay', kind: 'value', section: 'filesystem', field: 'overlay', check: nonEmpty, arg: 'NAME', describe: 'An overlay named NAME over / (or over --chroot=DIR), kept in ~/.local/share/tsjail' },
  { name: 'overlay-tmpfs', kind: 'flag', section: 'filesystem', field: 'overlayTmpfs', describe: 'A throw-away overlay over / (or over --chroot=DIR)' },
  { name: 'overlay-lower', kind: 'value', section: 'filesystem', field: 'overlayLower', check: nonEmpty, arg: 'A:B', describe: 'More read-only layers (top first) under the overlay' },

  // [devices]
  { name: 'no3d', kind: 'flag', section: 'devices', field: 'no3d', describe: 'No 3D acceleration (/dev/dri, /dev/nvidia*)' },
  { name: 'nodvd', kind: 'flag', section: 'devices', field: 'nodvd', describe: 'No DVD or CD devices (/dev/sr*, /dev/cdrom, ...)' },
  { name: 'noinput', kind: 'flag', section: 'devices', field: 'noinput', describe: 'No input devices (/dev/input)' },
  { name: 'nosound', kind: 'flag', section: 'devices', field: 'nosound', describe: 'No sound (/dev/snd, the PulseAudio, PipeWire and JACK sockets)' },
  { name: 'notv', kind: 'flag', section: 'devices', field: 'notv', describe: 'No DVB TV devices (/dev/dvb)' },
  { name: 'nou2f', kind: 'flag', section: 'devices', field: 'nou2f', describe: 'No U2F security keys (/dev/hidraw*, /dev/usb)' },
  { name: 'novideo', kind: 'flag', section: 'devices', field: 'novideo', describe: 'No video capture devices (/dev/video*)' },
  { name: 'noprinters', kind: 'flag', section: 'devices', describe: 'No printers' },

  // [security]
  { name: 'seccomp', kind: 'optional', section: 'security', field: 'seccomp', group: 'seccomp', check: SYSCALL_LIST, describe: 'The default syscall blacklist (plus these syscalls)' },
  { name: 'seccomp.drop', kind: 'value', section: 'security', field: 'seccompDrop', group: 'seccomp', check: SYSCALL_LIST, describe: 'Blacklist only these syscalls' },
  { name: 'seccomp.keep', kind: 'value', section: 'security', field: 'seccompKeep', group: 'seccomp', check: SYSCALL_LIST, describe: 'Allow only these syscalls' },
  { name: 'seccomp.32', kind: 'optional', section: 'security', check: SYSCALL_LIST, describe: 'seccomp for 32-bit syscalls' },
  { name: 'seccomp.32.drop', kind: 'value', section: 'security', check: SYSCALL_LIST, describe: 'seccomp.drop for 32-bit syscalls' },
  { name: 'seccomp.32.keep', kind: 'value', section: 'security', check: SYSCALL_LIST, describe: 'seccomp.keep for 32-bit syscalls' },
  { name: 'seccomp.block-secondary', kind: 'flag', section: 'security', field: 'seccompBlockSecondary', describe: 'Allow the native syscall architecture only' },
  { name: 'seccomp-error-action', kind: 'value', section: 'security', field: 'seccompErrorAction', check: commaList(/^(kill|log|E[A-Z0-9]+)$/, 'kill, log or an errno name'), describe: 'What a blocked syscall does: kill, log or ERRNO' },
  { name: 'memory-deny-write-execute', kind: 'flag', section: 'security', field: 'memoryDenyWriteExecute', describe: 'No memory both writable and executable' },
  { name: 'protocol', kind: 'list', section: 'security', field: 'protocol', check: commaList(new RegExp(`^(${PROTOCOLS.join('|')})$`), 'a protocol'), describe: 'Allow only these socket families' },
  { name: 'restrict-namespaces', kind: 'optional', section: 'security', field: 'restrictNamespaces', check: commaList(new RegExp(`^(${NAMESPACE_NAMES.join('|')})$`), 'a namespace'), describe: 'Forbid creating (these) namespaces' },
  { name: 'caps', kind: 'flag', section: 'security', always: 'tsjail drops every capability', describe: 'The default capability filter' },
  { name: 'caps.drop', kind: 'value', section: 'security', field: 'capsDrop', check: CAP_LIST, always: 'tsjail drops every capability', describe: 'Drop these capabilities (or all)' },
  { name: 'caps.keep', kind: 'value', section: 'security', field: 'capsKeep', check: CAP_LIST, describe: 'Keep only these capabilities (root)' },
  { name: 'nonewprivs', kind: 'flag', section: 'security', field: 'nonewprivs', always: 'tsjail sets no_new_privs in every sandbox', describe: 'Set no_new_privs' },
  { name: 'noroot', kind: 'flag', section: 'security', field: 'noroot', describe: 'A user namespace with only the current user' },
  { name: 'nogroups', kind: 'flag', section: 'security', field: 'nogroups', describe: 'No supplementary groups: only your uid and gid (for users as tsjail.conf\'s user-nogroups allows)' },
  { name: 'allow-debuggers', kind: 'flag', section: 'security', describe: 'Allow ptrace (strace, gdb)' },
  { name: 'apparmor', kind: 'optional', section: 'security', field: 'apparmor', check: apparmorProfile, arg: 'PROFILE', describe: 'Confine the program by the AppArmor profile tsjail-default (or PROFILE), where the kernel has AppArmor' },
  { name: 'apparmor-replace', kind: 'optional', section: 'security', describe: 'AppArmor: replace the current confinement' },

  // [network]
  { name: 'net', kind: 'value', section: 'network', field: 'net', check: nonEmpty, describe: 'none: only lo; IFACE: a macvlan on IFACE (a veth if IFACE is a bridge)' },
  { name: 'ip', kind: 'value', section: 'network', field: 'ip', check: nonEmpty, describe: 'IPv4 address in the sandbox (none: no address; default: a free one)' },
  { name: 'ip6', kind: 'value', section: 'network', check: nonEmpty, describe: 'IPv6 address of the interface' },
  { name: 'iprange', kind: 'value', section: 'network', check: (v) => (/^[^,]+,[^,]+$/.test(v) ? null : `'${v}' is not FIRST,LAST`), describe: 'Pick the address from this range' },
  { name: 'netmask', kind: 'value', section: 'network', field: 'netmask', check: nonEmpty, describe: 'Network mask (default: the parent interface\'s)' },
  { name: 'defaultgw', kind: 'value', section: 'network', field: 'defaultgw', check: nonEmpty, describe: 'Default gateway (default: the host\'s, if on that subnet)' },
  { name: 'mac', kind: 'value', section: 'network', field: 'mac', check: (v) => (/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(v) ? null : `'${v}' is not a MAC address`), describe: 'MAC address of the sandbox\'s interface' },
  { name: 'mtu', kind: 'value', section: 'network', field: 'mtu', check: number, describe: 'MTU of the sandbox\'s interface' },
  { name: 'dns', kind: 'list', section: 'network', field: 'dns', check: nonEmpty, describe: 'Name server for the sandbox\'s resolv.conf (up to 4)' },
  { name: 'hosts-file', kind: 'value', section: 'network', field: 'hostsFile', check: nonEmpty, describe: 'File to use as /etc/hosts in the sandbox' },
  { name: 'netfilter', kind: 'optional', section: 'network', field: 'netfilter', check: netfilterFile, arg: 'FILE', describe: 'With --net: tsjail\'s client filter (no incoming connections), or FILE (iptables-restore format), in the sandbox\'s network namespace' },
  { name: 'netfilter6', kind: 'value', section: 'network', check: nonEmpty, describe: 'An IPv6 packet filter from FILE' },
  { name: 'netns', kind: 'value', section: 'network', check: nonEmpty, describe: 'Join a named network namespace' },
  { name: 'netlock', kind: 'flag', section: 'network', describe: 'Learn and lock a network filter' },
  { name: 'interface-name', kind: 'value', section: 'network', field: 'interfaceName', check: nonEmpty, describe: 'Name of the interface inside (default: eth0)' },
  { name: 'veth-name', kind: 'value', section: 'network', field: 'vethName', check: nonEmpty, describe: 'Name of the host end of the veth pair (bridge only)' },

  // [desktop]
  ...dbusRows('user', 'Session'),
  ...dbusRows('system', 'System'),
  { name: 'x11', kind: 'optional', section: 'desktop', field: 'x11', arg: 'none', check: oneOf('none', 'xephyr', 'xorg', 'xpra', 'xvfb'), describe: 'none: no way to the X server (its sockets and cookies hidden, DISPLAY unset); the other modes are not supported' },
  { name: 'xephyr-screen', kind: 'value', section: 'desktop', check: (v) => (/^[0-9]+x[0-9]+$/.test(v) ? null : `'${v}' is not WIDTHxHEIGHT`), describe: 'Screen size for x11 xephyr' },
  { name: 'keep-config-pulse', kind: 'flag', section: 'desktop', describe: 'Leave ~/.config/pulse as it is' },

  // [resources]
  { name: 'rlimit-as', kind: 'value', section: 'resources', field: 'rlimitAs', check: size, describe: 'Limit of virtual memory, bytes' },
  { name: 'rlimit-cpu', kind: 'value', section: 'resources', field: 'rlimitCpu', check: number, describe: 'Limit of CPU time, seconds' },
  { name: 'rlimit-fsize', kind: 'value', section: 'resources', field: 'rlimitFsize', check: size, describe: 'Limit of file size, bytes' },
  { name: 'rlimit-nofile', kind: 'value', section: 'resources', field: 'rlimitNofile', check: number, describe: 'Limit of open files' },
  { name: 'rlimit-nproc', kind: 'value', section: 'resources', field: 'rlimitNproc', check: number, describe: 'Limit of processes of the user' },
  { name: 'rlimit-sigpending', kind: 'value', section: 'resources', field: 'rlimitSigpending', check: number, describe: 'Limit of pending signals' },
  { name: 'cpu', kind: 'value', section: 'resources', field: 'cpus', check: commaList(NUMBER, 'a CPU number'), describe: 'Run on these CPUs only' },
  { name: 'nice', kind: 'value', section: 'resources', field: 'nice', check: integer, describe: 'Nice value of the sandbox' },
  { name: 'cgroup', kind: 'list', section: 'resources', field: 'cgroup', check: nonEmpty, arg: 'FILE', describe: 'Place the sandbox in this cgroup: a tasks or cgroup.procs file, or a cgroup directory under /sys/fs/cgroup (repeatable)' },
  { name: 'cpus', kind: 'value', section: 'resources', field: 'cpus', arg: 'LIST', describe: 'Set the CPU affinity: a list like 0,1 or 0-3 (as firejail\'s cpu)' },
  { name: 'cpu-quota', kind: 'value', section: 'resources', field: 'cpuQuota', arg: 'PCT', describe: 'Limit CPU time to PCT% of one CPU, or QUOTA/PERIOD in microseconds (transient cgroup)' },
  { name: 'memory', kind: 'value', section: 'resources', field: 'memory', arg: 'SIZE', describe: 'Limit memory to SIZE (K, M, G, T suffixes; transient cgroup)' },
  { name: 'pids-max', kind: 'value', section: 'resources', field: 'pidsMax', arg: 'N', describe: 'Allow at most N processes and threads, init included (transient cgroup)' },

  // [environment]
  { name: 'env', kind: 'list', section: 'environment', field: 'env', macros: false, check: envCheck, arg: 'NAME=VALUE', describe: 'Set NAME=VALUE in the program\'s environment' },
  { name: 'rmenv', kind: 'list', section: 'environment', field: 'rmenv', arg: 'NAME', describe: 'Remove NAME from the program\'s environment' },
];

/** Old firejail spellings, read as their replacements. */
export const FIREJAIL_ALIASES: ReadonlyMap<string, readonly (readonly [string, string | true])[]> = new Map([
  ['nodbus', [['dbus-user', 'none'], ['dbus-system', 'none']] as const],
  ['noautopulse', [['keep-config-pulse', true]] as const],
]);

const BY_NAME = new Map(OPTION_TABLE.map((r) => [r.name, r]));

export function optionRow(name: string): OptionRow | undefined {
  return BY_NAME.get(name);
}

/** Rows that are profile directives. */
export function directiveRows(): OptionRow[] {
  return OPTION_TABLE.filter((r) => r.section !== null);
}

/** Rows that are command-line options. */
export function commandLineRows(): OptionRow[] {
  return OPTION_TABLE.filter((r) => r.field !== undefined || r.cli === true);
}

/** Edit distance (insertions, deletions, substitutions, swaps of
 * neighbours) between two names. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const up = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The candidate closest to name, when it is close enough to be what was
 * meant (a typo: at most a third of the name, at least 1, at most 3 edits;
 * or name is the start of exactly one candidate); else null. */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const starts: string[] = [];
  for (const c of candidates) {
    if (c.startsWith(name)) starts.push(c);
    const dd = distance(name, c);
    if (dd < bestD || (dd === bestD && best !== null && c < best)) {
      best = c;
      bestD = dd;
    }
  }
  if (best !== null && bestD <= Math.min(3, Math.max(1, Math.floor(name.length / 3)))) return best;
  return name.length >= 3 && starts.length === 1 ? (starts[0] as string) : null;
}

/** A profile line's unknown directive, with the closest known one. */
export function unknownDirective(name: string): string {
  const near = closestName(name, ['include', 'ignore', ...directiveRows().map((r) => r.name), ...FIREJAIL_ALIASES.keys()]);
  return `unknown directive '${name}'${near === null ? '' : ` (did you mean '${near}'?)`}`;
}

export type Enforcement = 'option' | 'always' | 'not-enforced';

export function enforcement(row: OptionRow): Enforcement {
  if (row.field !== undefined) return 'option';
  if (row.always !== undefined) return 'always';
  return 'not-enforced';
}

/** Values (as the command line or a profile gives them) -> RawOptions. */
export function toRawOptions(values: OptionValues, command: readonly string[] = []): RawOptions {
  const raw: Record<string, unknown> = { command: [...command] };
  for (const [name, value] of values) {
    const row = BY_NAME.get(name);
    if (row?.field === undefined) continue;
    switch (row.kind) {
      case 'flag': raw[row.field] = value === true; break;
      case 'value': if (typeof value === 'string') raw[row.field] = value; break;
      case 'optional': raw[row.field] = value; break;
      case 'list': raw[row.field] = Array.isArray(value) ? [...value] : [String(value)]; break;
    }
  }
  return raw as RawOptions;
}
