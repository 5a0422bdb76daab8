/** FilesystemOptions -> the plan's ordered mount operations. Pure: the host
 * is seen only through an FsProbe. The default sandbox (unless --noprofile)
 * follows DESIGN.md's filesystem policy. */
import { basename, dirname, join } from 'node:path';
import { PlanError, OptionError } from '../errors.js';
import { debug, warn } from '../log.js';
import type { FilesystemOptions } from '../options.js';
import { MACHINE_ID_FILES } from '../wire/plan-def.js';
import { hiddenDevices, soundSockets } from './devices.js';
import { expandPathGlob, isGlob, listingHas, matchesPathGlob } from './glob.js';
import type { MountOp } from './plan.js';
import { relativeTo, shownPath, within } from './paths.js';
import { checkProgram, privateBinFiles } from './private-bin.js';
import { PATH_DIRS } from '../profile/macros.js';
import type { FsProbe } from './probe.js';

export interface Caller {
  readonly uid: number;
  readonly home: string;
}

const SYSTEM_READ_ONLY = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/usr', '/etc', '/var', '/opt', '/srv'];
const SYSTEM_TMPFS: readonly [string, number][] = [['/var/tmp', 0o1777], ['/var/log', 0o755], ['/var/lock', 0o1777],
  ['/run/lock', 0o1777], ['/var/lib/sudo', 0o700]];
const PROC_HIDDEN = ['/proc/sysrq-trigger', '/proc/kcore', '/proc/kallsyms', '/proc/kmsg', '/proc/timer_list',
  '/proc/sched_debug', '/proc/sys/fs/binfmt_misc', '/proc/sys/kernel/core_pattern'];
const PROC_READ_ONLY = ['/proc/sys', '/proc/irq', '/proc/bus', '/proc/fs'];
const SYS_HIDDEN = ['/sys/firmware', '/sys/module', '/sys/power', '/sys/kernel/debug', '/sys/kernel/security'];
const SENSITIVE = [
  '/boot', '/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/sudoers', '/etc/sudoers.d',
  '/etc/crontab', '/etc/cron.d', '/etc/cron.hourly', '/etc/cron.daily', '/etc/cron.weekly', '/etc/cron.monthly',
  '/var/spool/cron', '/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d', '/run/docker.sock', '/run/containerd',
  '/run/podman', '/usr/bin/su', '/usr/bin/sudo', '/usr/bin/mount', '/usr/bin/umount', '/usr/bin/fusermount',
  '/usr/bin/fusermount3', '/usr/bin/pkexec', '/usr/bin/chsh', '/usr/bin/chfn', '/usr/bin/newgrp',
  '/usr/bin/gpasswd', '/usr/sbin/visudo',
];
const MNT_DIRS = ['/mnt', '/media', '/run/media', '/run/mount'];
/** Listed by the default policy, for the ssh host keys. */
export const SSH_DIR = '/etc/ssh';

/** The directory a whitelisted path's own directory becomes a tmpfs of (as
 * firejail: the home, /run/user/UID, any directory in / but /proc and /sys,
 * a directory in /usr, /sys/module, and a few nested ones), or null when
 * the path may not be whitelisted. A path that is such a directory itself
 * is kept whole: its own top. */
export function whitelistTop(p: string, caller: Caller): string | null {
  const nested = [caller.home, `/run/user/${caller.uid}`, '/run/media', '/sys/module'];
  const inside = nested.find((r) => within(p, r));
  if (inside !== undefined) return inside;
  const parts = p.split('/').filter((c) => c !== '');
  const first = parts[0];
  if (first === undefined || first === 'proc' || first === 'sys' || first === 'home') return null;
  if (first === 'usr' && parts.length > 1) return `/usr/${parts[1]}`;
  return first === 'usr' ? null : `/${first}`;
}

/** What --whitelist may name, for its error message. */
const WHITELIST_PLACES = 'below your home, /run/user/UID, a directory in / (not /proc, /sys, /home), a directory in /usr, or /sys/module';

class Ops {
  readonly list: MountOp[] = [];
  constructor(private readonly probe: FsProbe) {}

  /** Canonical path of p when it exists, else null. */
  existing(p: string): string | null {
    const c = this.probe.canonical(p);
    return this.probe.kind(c) === null ? null : c;
  }

  add(op: MountOp): void {
    this.list.push(op);
  }

  /** An operation on a system path: skipped when absent or a symlink. */
  system(op: 'read-only' | 'blacklist', p: string): void {
    const k = this.probe.kind(p);
    if (k !== null && k !== 'link') this.add({ op, path: p, optional: true });
  }
}

/** What else the builder needs to know of the sandbox. */
export interface FsContext {
  /** A new root (--chroot, --overlay): it brings its own /dev. */
  readonly newRoot?: boolean;
  /** The default policy's /proc and /sys part applies although defaults
   * is false: a new root's /proc and /sys are the same kernel's. */
  readonly kernelDefaults?: boolean;
  /** The new root is the host's own files (an overlay over /): the
   * default policy's part that hides them (the homes, /root, SENSITIVE,
   * the ssh host keys) applies too, though not what makes the system
   * read-only, which an overlay is there to make writable. */
  readonly hostFiles?: boolean;
  /** The file the sandbox runs (for --private-bin). */
  readonly program?: string;
}

/** The entries of dir (/opt, /srv) a --private-opt or --private-srv list
 * keeps: a symbolic link cannot be whitelisted, so it is left out. */
function privateEntries(option: string, dir: string, names: readonly string[], probe: FsProbe): string[] {
  return names.filter((n) => {
    if (probe.kind(`${dir}/${n}`) !== 'link') return true;
    warn(`${option}: ${dir}/${shownPath(n)} is a symbolic link: left out`);
    return false;
  });
}

export function filesystemOps(
  fs: FilesystemOptions,
  defaults: boolean,
  caller: Caller,
  probe: FsProbe,
  ctx: FsContext = {},
): MountOp[] {
  const root = caller.uid === 0;
  const ops = new Ops(probe);
  const canon = (p: string) => probe.canonical(p);
  /** Only the directory resolved: a link as the last component is kept. */
  const canonLast = (p: string) => (p === '/' ? p : join(canon(dirname(p)), basename(p)));
  const home = canon(caller.home);
  // Glob patterns (firejail's: ${HOME}/.*_history, /usr/share/lua*) name
  // what they find as the sandbox is made. Each directory is listed once,
  // by its canonical path: profiles match dozens of patterns in each
  // directory of ${PATH}, and /bin is /usr/bin on most systems.
  const listings = new Map<string, readonly string[] | null>();
  /** The same listings by the directory as written (null: unreadable). */
  const listedAs = new Map<string, readonly string[] | null>();
  const listOnce = (d: string): readonly string[] => {
    const c = canon(d);
    let names = listings.get(c);
    if (names === undefined) listings.set(c, (names = probe.listed === undefined ? probe.list(c) : probe.listed(c)));
    listedAs.set(d, names);
    return names ?? [];
  };
  const expanded = (list: readonly string[]): string[] => {
    const out: string[] = [];
    for (let i = 0; i < list.length; i++) {
      const q = list[i] as string;
      if (!isGlob(q)) out.push(q);
      else {
        const found = expandPathGlob(q, listOnce);
        for (let j = 0; j < found.length; j++) out.push(found[j] as string);
      }
    }
    return out;
  };
  /** Whether the listing of a directory of ${PATH} that a pattern has made
   * already says p is not there: no lstat for the names a profile
   * blacklists in each of them (some sixty each in firefox's). The
   * listing's directory is a dependency of the plan already. Only there,
   * and only from a listing that could be read: elsewhere a lookup may
   * find what a listing does not show (a directory that may be searched
   * but not read, an automount, case-folding, /proc's threads). False:
   * ask the probe. */
  const notListed = (p: string): boolean => {
    const slash = p.lastIndexOf('/');
    const dir = p.slice(0, slash);
    const listing = slash > 0 && PATH_DIRS.includes(dir) ? listedAs.get(dir) : undefined;
    return listing !== undefined && listing !== null && !listingHas(listing, p.slice(slash + 1));
  };
  /** The directory of ${PATH} that dir, another of them, is a symbolic
   * link to (/bin -> /usr/bin and /sbin -> /usr/sbin on a merged /usr),
   * else null. */
  const aliases = new Map<string, string | null>();
  const aliasOf = (dir: string): string | null => {
    let a = aliases.get(dir);
    if (a === undefined) {
      const c = PATH_DIRS.includes(dir) ? canon(dir) : dir;
      a = c !== dir && PATH_DIRS.includes(c) ? c : null;
      aliases.set(dir, a);
    }
    return a;
  };

  if (!root && fs.bind.length > 0) throw new OptionError('--bind is for root only');

  for (const p of fs.tmpfs) {
    const c = canon(p);
    // Kernel file systems the sandbox needs: a tmpfs would hide them.
    if (c === '/' || within(c, '/proc') || within(c, '/sys')) {
      throw new OptionError(`--tmpfs: '${p}': a tmpfs may not cover /, /proc or /sys`);
    }
    // As firejail: a user's tmpfs only on a directory of theirs in their
    // home (the helper decides again, on the directory it mounts on).
    if (!root && !within(c, home)) throw new OptionError(`--tmpfs: '${p}' is not in your home: a tmpfs elsewhere is for root only`);
    const owner = root ? null : probe.owner?.(c) ?? null;
    if (owner !== null && owner !== caller.uid) throw new OptionError(`--tmpfs: '${p}' is not yours (owned by uid ${owner})`);
  }

  // 1. Files and directories the user asked to have, created as the user,
  // on the host: as firejail, only in the home, /tmp and /run/user/UID (for
  // root too; the helper refuses the rest for other users).
  const runUser = `/run/user/${caller.uid}`;
  const makeRoots = [caller.home, canon(caller.home), '/tmp', runUser];
  const made = (option: string, p: string): string => {
    const c = canon(p);
    if (!makeRoots.some((r) => within(c, r) && c !== r)) {
      throw new OptionError(`${option}: '${p}' is not in your home, /tmp or ${runUser}`);
    }
    return c;
  };
  for (const p of fs.mkdir) ops.add({ op: 'mkdir', path: made('--mkdir', p) });
  for (const p of fs.mkfile) ops.add({ op: 'mkfile', path: made('--mkfile', p) });

  // 2. Whitelists, grouped by the directory that becomes a tmpfs. A
  // whitelisted symbolic link stays a link (the helper makes it again), so
  // only its directory is resolved here; what it points to is whitelisted
  // too when that lies in a directory the sandbox reduces (as firejail).
  const groups = new Map<string, string[]>();
  const addEntry = (base: string, p: string) => {
    const list = groups.get(base) ?? [];
    const rel = relativeTo(p, base);
    if (!list.includes(rel)) list.push(rel);
    groups.set(base, list);
  };
  const nowhite = new Set(fs.nowhitelist.filter((p) => !isGlob(p)).map(canon));
  const nowhitePatterns = fs.nowhitelist.filter(isGlob);
  const linkTargets: string[] = [];
  // A pattern that finds nothing still reduces its top directory, as a
  // whitelisted path that is not there does.
  for (const pattern of fs.whitelist.filter(isGlob)) {
    const base = whitelistTop(canonLast(pattern), caller);
    if (base === null) throw new OptionError(`--whitelist: '${pattern}' is not ${WHITELIST_PLACES}`);
    if (base !== canonLast(pattern) && !groups.has(base)) groups.set(base, []);
  }
  for (const raw of expanded(fs.whitelist)) {
    const p = canonLast(raw);
    if (nowhite.has(p) || nowhite.has(raw) || nowhite.has(canon(raw))) continue;
    if (nowhitePatterns.some((n) => matchesPathGlob(n, raw) || matchesPathGlob(n, p))) continue;
    const base = whitelistTop(p, caller);
    if (base === null) throw new OptionError(`--whitelist: '${raw}' is not ${WHITELIST_PLACES}`);
    if (probe.kind(p) === 'link') linkTargets.push(canon(p));
    // A whitelist of a whole top directory keeps all of it: nothing to do.
    if (base === p) continue;
    addEntry(base, p);
  }
  for (const e of fs.privateEtc ?? []) {
    if (probe.kind(`/etc/${e}`) === 'link') linkTargets.push(canon(`/etc/${e}`));
  }
  for (const [option, dir, names] of [['--private-opt', '/opt', fs.privateOpt], ['--private-srv', '/srv', fs.privateSrv]] as const) {
    if (names !== null) groups.set(dir, [...new Set([...privateEntries(option, dir, names, probe), ...(groups.get(dir) ?? [])])]);
  }
  if (fs.privateTmp) groups.delete('/tmp');
  // /tmp is reduced by tsjail's own default (a tmpfs) unless private-tmp.
  // A profile that decided nothing about /tmp (no private-tmp, no
  // whitelist in it) keeps the working directory there visible: firejail's
  // default shares /tmp whole.
  const tmpReduced = defaults && !fs.privateTmp;
  const keepCwd = tmpReduced && !groups.has('/tmp');
  for (const t of linkTargets) {
    const base = whitelistTop(t, caller);
    if (base !== null && base !== t && (groups.has(base) || (base === '/tmp' && tmpReduced))) addEntry(base, t);
  }
  const x11 = '.X11-unix';
  if (tmpReduced && probe.kind(`/tmp/${x11}`) === 'dir') {
    groups.set('/tmp', [...new Set([x11, ...(groups.get('/tmp') ?? [])])]);
  }

  // 3. Home: a new /home with only the caller's home; then --private.
  const hideHostFiles = defaults || ctx.hostFiles === true;
  if (hideHostFiles) {
    const inHome = within(home, '/home') && home !== '/home';
    if (probe.kind('/home') === 'dir' && !fs.allUsers) {
      ops.add({ op: 'whitelist', path: '/home', entries: inHome ? [relativeTo(home, '/home')] : [], optional: true, keepCwd: false });
    }
    if (!root) ops.system('blacklist', '/root');
  }
  if (fs.private === true) {
    ops.add({ op: 'tmpfs', path: home, mode: 0o700, userOwned: !root, optional: false });
  } else if (typeof fs.private === 'string') {
    // A directory the same profile makes (mkdir, applied first) need not
    // exist yet; the helper checks it is the caller's when it binds it.
    const making = fs.mkdir.map(canon).includes(canon(fs.private));
    const dir = making ? canon(fs.private) : ops.existing(fs.private);
    if (dir === null) throw new PlanError(`--private: '${fs.private}' does not exist`);
    if (!making && probe.kind(dir) !== 'dir') throw new PlanError(`--private: '${fs.private}' is not a directory`);
    const owner = making ? null : probe.owner?.(dir) ?? null;
    // As firejail: a user's private home is a directory the user owns.
    if (!root && owner !== null && owner !== caller.uid) {
      throw new PlanError(`--private: '${fs.private}' is not yours (owned by uid ${owner})`);
    }
    ops.add({ op: 'bind', src: dir, dst: home, readOnly: false, optional: false });
  }
  const homeEntries = groups.get(caller.home);
  if (homeEntries && fs.private === null) {
    ops.add({ op: 'whitelist', path: home, entries: homeEntries, optional: false, keepCwd: false });
  }
  groups.delete(caller.home);

  // 4. /etc reduced to a list, then the other whitelisted directories.
  if (fs.privateEtc !== null) {
    ops.add({ op: 'whitelist', path: '/etc', entries: [...new Set([...fs.privateEtc, ...(groups.get('/etc') ?? [])])], optional: false, keepCwd: false });
    groups.delete('/etc');
  }
  const tmpGroup = groups.get('/tmp');
  // The host's own /tmp (no default policy, no --private-tmp, nothing of it
  // whitelisted): only then are its entries the sandbox's concern.
  const hostTmp = !defaults && !fs.privateTmp && tmpGroup === undefined && ctx.newRoot !== true;
  groups.delete('/tmp');
  // /run first: it would hide /run/user/UID and /run/media, so they stay in
  // it as entries and are then reduced themselves.
  const runGroup = groups.get('/run');
  if (runGroup) {
    const inner = [`/run/user/${caller.uid}`, '/run/media'].filter((d) => groups.has(d)).map((d) => relativeTo(d, '/run'));
    ops.add({ op: 'whitelist', path: '/run', entries: [...new Set([...runGroup, ...inner])], optional: true, keepCwd: false });
    groups.delete('/run');
  }
  for (const [dir, entries] of groups) {
    if (dir === '/dev') continue;
    ops.add({ op: 'whitelist', path: dir, entries, optional: true, keepCwd: false });
  }

  // 5. The system read-only (but what writable-etc and writable-var
  // leave); private tmpfs over the places programs write (but /var/log
  // with writable-var-log).
  const leftWritable = new Set([...(fs.writableEtc ? ['/etc'] : []), ...(fs.writableVar ? ['/var'] : [])]);
  if (defaults) for (const p of SYSTEM_READ_ONLY) if (!leftWritable.has(p)) ops.system('read-only', p);
  if (tmpGroup || keepCwd) {
    ops.add({ op: 'whitelist', path: '/tmp', entries: tmpGroup ?? [], optional: false, keepCwd });
  } else if (defaults || fs.privateTmp) ops.add({ op: 'tmpfs', path: '/tmp', mode: 0o1777, userOwned: false, optional: false });
  if (defaults) {
    for (const [p, mode] of SYSTEM_TMPFS) {
      if (p === '/var/log' && fs.writableVarLog) continue;
      if (probe.kind(p) === 'dir') ops.add({ op: 'tmpfs', path: p, mode, userOwned: false, optional: true });
    }
  }

  // A new directory of programs; a new machine id.
  if (fs.privateBin !== null) {
    const files = privateBinFiles(fs.privateBin, probe);
    if (ctx.program !== undefined) checkProgram(ctx.program, fs.privateBin, probe);
    ops.add({ op: 'private-bin', files });
  }
  if (fs.machineId) {
    const ids = [...new Set(MACHINE_ID_FILES.map(canon))].filter((p) => (MACHINE_ID_FILES as readonly string[]).includes(p) && probe.kind(p) === 'file');
    if (ids.length > 0) ops.add({ op: 'machine-id', paths: ids, optional: true });
    else debug('--machine-id: no machine-id file here: nothing to replace');
  }

  // 6. A private /dev (with the device classes not turned off), /proc and
  // /sys cleaned up.
  const privateDev = defaults || fs.privateDev;
  if (privateDev) ops.add({ op: 'dev', ...fs.devices });
  if (defaults || ctx.kernelDefaults === true) {
    for (const p of PROC_HIDDEN) ops.add({ op: 'blacklist', path: p, optional: true });
    for (const p of PROC_READ_ONLY) ops.add({ op: 'read-only', path: p, optional: true });
    ops.system('read-only', '/sys');
    // A whitelist in /sys/module has hidden the rest of it already.
    for (const p of SYS_HIDDEN) if (!(p === '/sys/module' && groups.has(p))) ops.system('blacklist', p);
  }

  // 7. The user's own read-only, read-write, noexec, tmpfs and bind. As in
  // firejail, a path that does not exist is skipped (profiles name many):
  // here already, unless the plan makes it (mkdir, mkfile), and the helper
  // skips one that is gone by then.
  const planMade = [...fs.mkdir, ...fs.mkfile].map(canon);
  const there = (p: string) => (!notListed(p) && probe.kind(p) !== null) || planMade.some((m) => within(p, m));
  const unlessMissing = (op: 'read-only' | 'noexec' | 'read-write', list: readonly string[]) => {
    for (const p of expanded(list)) {
      if (there(p)) ops.add({ op, path: canon(p), optional: true });
      else debug(`${op} ${p}: not there, skipped`);
    }
  };
  unlessMissing('read-only', fs.readOnly);
  unlessMissing('noexec', fs.noexec);
  unlessMissing('read-write', fs.readWrite);
  // As firejail: ~/.cache empty, when it is a directory of the caller's.
  if (fs.privateCache) {
    const cache = `${home}/.cache`;
    const owner = probe.owner?.(cache) ?? caller.uid;
    if (probe.kind(cache) === 'dir' && owner === caller.uid) ops.add({ op: 'tmpfs', path: cache, mode: 0o700, userOwned: true, optional: true });
    else warn(`--private-cache: ${cache} is not a directory of yours (or is a symbolic link): left as it is`);
  }
  for (const p of fs.tmpfs) ops.add({ op: 'tmpfs', path: canon(p), mode: 0o755, userOwned: !root, optional: true });
  for (const [src, dst] of fs.bind) ops.add({ op: 'bind', src: canon(src), dst: canon(dst), readOnly: false, optional: false });

  // 8. Blacklists last, so nothing above uncovers them. Those given on the
  // command line are not optional: the helper keeps a missing one from being
  // created. The defaults' and profiles' are skipped when missing.
  // (A path that is not there is compared as written: resolving it would
  // find nothing to compare either.)
  // A noblacklist pattern (firejail's, such as ${HOME}/.gimp*) keeps each
  // blacklisted path it matches, as written or made canonical.
  const keep = new Set(fs.noblacklist.filter((p) => !isGlob(p)).map((p) => (there(p) ? canon(p) : p)));
  const keepPatterns = fs.noblacklist.filter(isGlob);
  const kept = (written: string, c: string) =>
    keep.has(c) || keepPatterns.some((k) => matchesPathGlob(k, written) || matchesPathGlob(k, c));
  const explicit = new Set(fs.blacklistExplicit.map(canon));
  const black: string[] = [];
  if (hideHostFiles) {
    for (const p of SENSITIVE) {
      const c = ops.existing(p);
      if (c !== null) black.push(c);
    }
    // As firejail's default (its writable-run-user turns it off): the gpg
    // agent's sockets (signing and decrypting with the user's keys) and
    // systemd's user manager.
    if (!fs.writableRunUser) {
      for (const p of [`${runUser}/gnupg`, `${runUser}/systemd`]) {
        const c = ops.existing(p);
        if (c !== null) black.push(c);
      }
    }
    for (const f of listOnce(SSH_DIR)) {
      if (/^ssh_host_.*_key$/.test(f)) black.push(`${SSH_DIR}/${f}`);
    }
  }
  if (fs.disableMnt) for (const p of MNT_DIRS) if (probe.kind(p) === 'dir') black.push(p);
  // The device classes turned off, on the host's /dev (a private one has
  // none of them); a link (cdrom -> sr0) stays, its target goes.
  const hostDev = !privateDev && ctx.newRoot !== true;
  if (hostDev) for (const p of hiddenDevices(fs.devices, probe)) if (probe.kind(p) !== 'link') black.push(p);
  if (!fs.devices.sound) black.push(...soundSockets({ uid: caller.uid, home }, probe, hostDev, hostTmp).map(canon));
  // A pattern names what its glob finds now (nothing: nothing), each an
  // optional blacklist; tracelog logs none of blacklist-nolog's.
  const written = new Map<string, string>();
  const logged = new Set<string>();
  const blacklist = (list: readonly string[], log: boolean) => {
    const all = expanded(list);
    // ${PATH}/NAME names /bin/NAME after /usr/bin/NAME: where /bin is a
    // link to /usr/bin, the same file, found or not found alike, with the
    // same canonical path. Once the list has had it by the directory it
    // links to, it is not looked at again (merged /usr: a quarter of a big
    // profile's lookups).
    const had = new Set<string>();
    for (let i = 0; i < all.length; i++) {
      const p = all[i] as string;
      const slash = p.lastIndexOf('/');
      const alias = slash > 0 ? aliasOf(p.slice(0, slash)) : null;
      if (alias !== null && had.has(alias + p.slice(slash))) continue;
      had.add(p);
      if (!there(p) && !explicit.has(p) && !fs.blacklistExplicit.includes(p)) continue;
      const c = canon(p);
      if (!explicit.has(c) && probe.kind(c) === null) continue;
      black.push(c);
      if (!written.has(c)) written.set(c, p);
      if (log) logged.add(c);
    }
  };
  for (const c of black) logged.add(c);
  blacklist(fs.blacklist, true);
  blacklist(fs.blacklistNolog, false);
  for (const p of [...new Set(black)]) {
    if (kept(written.get(p) ?? p, p)) continue;
    ops.add({ op: 'blacklist', path: p, optional: !explicit.has(p), ...(logged.has(p) ? {} : { nolog: true as const }) });
  }
  return ops.list;
}
