/** --build's profile: what one traced run used (trace.ts), written as a
 * tsjail INI profile that allows that and little more, in the spirit of
 * firejail's --build. Pure: the observations and the facts of the host it
 * needs in, the profile's text out. */
import { posix } from 'node:path';
import type { Observations } from './trace.js';

/** A path the shipped includes blacklist or make read-only: as the profile
 * wrote it, and expanded. */
export interface IncludedPath {
  readonly raw: string;
  readonly path: string;
}

export interface BuildFacts {
  /** The program's name (its profile's name) and the command traced. */
  readonly program: string;
  readonly command: readonly string[];
  readonly version: string;
  readonly uid: number;
  /** The caller's home, as named and with its symlinks resolved. */
  readonly home: string;
  readonly homeReal: string;
  /** The includes the profile starts with, and what they hide or make
   * read-only. */
  readonly includes: readonly string[];
  readonly blacklisted: readonly IncludedPath[];
  readonly readOnly: readonly IncludedPath[];
  /** The buses' socket paths. */
  readonly sessionBus: readonly string[];
  readonly systemBus: readonly string[];
  /** Whether path is a symbolic link (an /etc entry private-etc cannot keep). */
  isSymlink(path: string): boolean;
  /** The file path resolves to (a program's real name), or null. */
  realpath(path: string): string | null;
  /** A script's interpreter (from its #! line), or null. */
  interpreter(path: string): string | null;
}

const within = (p: string, dir: string) => p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);

/** The /dev entries a private /dev has (native/mountlib.c, mnt_dev). */
const BASIC_DEV = new Set(['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'ptmx', 'shm', 'fd', 'stdin', 'stdout', 'stderr']);
const BIN_DIRS = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/usr/games'];
/** firejail's protocol names, by address family. */
const PROTOCOLS: Readonly<Record<string, string>> = {
  AF_UNIX: 'unix', AF_INET: 'inet', AF_INET6: 'inet6', AF_NETLINK: 'netlink', AF_PACKET: 'packet', AF_BLUETOOTH: 'bluetooth',
};

/** The entry of the home a path is under: the first component, or two or
 * three under the shared .config, .cache and .local directories. */
function homeEntry(rel: string): string {
  const parts = rel.split('/');
  const first = parts[0] as string;
  let depth = 1;
  if (first === '.config' || first === '.cache') depth = 2;
  else if (first === '.local') depth = ['share', 'state', 'lib'].includes(parts[1] ?? '') ? 3 : 2;
  return parts.slice(0, Math.min(depth, parts.length)).join('/');
}

/** A glob of a profile (only `*`, `?` and `[...]`) as a test of a path and
 * the directories above it. */
function covers(pattern: string, path: string): boolean {
  if (!/[*?[]/.test(pattern)) return within(path, pattern);
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(/|$)`);
  return re.test(path);
}

function sorted(s: Iterable<string>): string[] {
  return [...new Set(s)].sort();
}

export function buildProfile(obs: Observations, facts: BuildFacts): string {
  const used = sorted(obs.files);
  const inHome = (p: string): string | null => {
    for (const h of [facts.home, facts.homeReal]) if (within(p, h) && p !== h) return p.slice(h.length + 1);
    return null;
  };
  const homeEntries = sorted(used.map(inHome).filter((r): r is string => r !== null).map(homeEntry));
  const tmpEntries = sorted(used.filter((p) => within(p, '/tmp') && p !== '/tmp').map((p) => p.split('/')[2] as string)
    .filter((e) => e !== '.X11-unix'));
  const devEntries = sorted(used.filter((p) => within(p, '/dev') && p !== '/dev').map((p) => p.split('/')[2] as string));
  const etcEntries = sorted(used.filter((p) => within(p, '/etc') && p !== '/etc').map((p) => p.split('/')[2] as string));
  const etcLinks = etcEntries.filter((e) => facts.isSymlink(`/etc/${e}`));

  const bins = new Set<string>();
  for (const e of obs.execs) {
    const add = (p: string | null) => {
      if (p !== null && BIN_DIRS.some((d) => posix.dirname(p) === d)) bins.add(posix.basename(p));
    };
    add(e);
    add(facts.realpath(e));
    const interp = facts.interpreter(e);
    add(interp);
    if (interp !== null) add(facts.realpath(interp));
  }

  const protocols = sorted([...obs.families].map((f) => PROTOCOLS[f]).filter((p): p is string => p !== undefined));
  const otherFamilies = sorted([...obs.families].filter((f) => PROTOCOLS[f] === undefined));
  const network = ['AF_INET', 'AF_INET6', 'AF_PACKET'].filter((f) => obs.families.has(f));
  const usesBus = (paths: readonly string[]) => paths.some((p) => obs.connects.has(p));

  const touched = (list: readonly IncludedPath[], paths: readonly string[]) =>
    sorted(list.filter((b) => paths.some((p) => covers(b.path, p))).map((b) => b.raw));
  const noblacklist = touched(facts.blacklisted, used);
  const readWrite = touched(facts.readOnly, sorted(obs.written));

  const out: string[] = [
    `; tsjail profile for ${facts.program}, made by tsjail ${facts.version} --build from one run of:`,
    `;   ${facts.command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`,
    '; It allows what that run used and little more: a run that takes another',
    '; path (other files, options, features) may need more. Read it before you',
    '; use it (tsjail-profile(5)); --profile-check lists what each line does.',
    '',
    '[filesystem]',
  ];
  if (noblacklist.length > 0) out.push('; used, though the includes below would hide it:', ...noblacklist.map((p) => `noblacklist = ${p}`));
  out.push(...facts.includes.map((i) => `include = ${i}`));
  if (readWrite.length > 0) out.push('; changed, though the includes above make it read-only:', ...readWrite.map((p) => `read-write = ${p}`));
  if (homeEntries.length > 0) out.push('; the home holds only what the run used', ...homeEntries.map((e) => `whitelist = \${HOME}/${e}`));
  else out.push('; the run used nothing in the home: an empty one', 'private');
  if (tmpEntries.length > 0) out.push(...tmpEntries.map((e) => `whitelist = /tmp/${e}`));
  else out.push('private-tmp');
  const odd = devEntries.filter((e) => !BASIC_DEV.has(e));
  if (odd.length === 0) out.push('private-dev');
  else out.push(`; it used /dev/${odd.join(', /dev/')}: /dev is left as it is`);
  if (etcEntries.length > 0) {
    const line = `private-etc = ${etcEntries.join(',')}`;
    if (etcLinks.length === 0) out.push(line);
    else out.push(`; /etc/${etcLinks.join(', /etc/')}: symbolic link(s), which private-etc cannot keep yet:`, `; ${line}`);
  }
  if (bins.size > 0) out.push(`private-bin = ${sorted(bins).join(',')}`);
  out.push('', '[devices]');
  if (!devEntries.includes('snd')) out.push('nosound');
  if (!devEntries.includes('dri')) out.push('no3d');
  out.push('', '[security]', 'caps.drop = all', 'nonewprivs');
  if (facts.uid !== 0) out.push('noroot');
  out.push('seccomp', `; stricter: only the ${obs.syscalls.size} system calls the run made`, `; seccomp.keep = ${sorted(obs.syscalls).join(',')}`);
  out.push(`protocol = ${protocols.length > 0 ? protocols.join(',') : 'unix'}`);
  if (otherFamilies.length > 0) out.push(`; it also asked for ${otherFamilies.join(', ')}, which protocol cannot name`);
  out.push('', '[network]');
  if (network.length === 0) out.push('net = none');
  else out.push(`; it used the network (${network.join(', ')}): the host's is kept`);
  out.push('', '[desktop]');
  for (const [name, paths, what] of [['dbus-user', facts.sessionBus, 'session'], ['dbus-system', facts.systemBus, 'system']] as const) {
    if (usesBus(paths)) out.push(`; it used the ${what} bus: ${name} filter, with a ${name}.talk line for each service it needs, would narrow it`);
    else out.push(`${name} = none`);
  }
  return `${out.join('\n')}\n`;
}
