/** Issue 14's attacks, tried as an ordinary user through a setuid copy of
 * the helper, on the real kernel. Each test asserts what the host must look
 * like afterwards, not how the sandbox refused: an error (EPERM, a refused
 * plan) is as good an answer as a working sandbox that gave nothing away.
 *
 * 1. overlays must not read lower layers with root's credentials;
 * 2. copy-up must never leave a setuid, setgid or file-capability file (or
 *    anything not the caller's) in an upper layer;
 * 3. --read-write must never make writable what the host has read-only;
 * 4. a SIGKILL at any moment of start-up leaves nothing behind.
 *
 * The host's read-only mounts of group 3 live in a private mount namespace
 * made for each run (unshare -m), which is the "host" the helper starts in:
 * another suite may be running on this machine and checks that the real
 * host's mount table does not change under it. */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import koffi from 'koffi';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodePlan } from '../../src/plan/encode.js';
import type { MountOp } from '../../src/plan/types.js';
import { asUser, MINIMAL_PLAN, ROOT, setuidHelper, TSJAIL, tsjailAsUser } from '../helpers.js';
import { makeRootfs } from '../rootfs.js';

const user = inject('testUser');
const home = user.home;
const tag = `tjsec-${process.pid}`;
let suid: ReturnType<typeof setuidHelper>;
let parent = '';
let userArea = ''; // a directory of the user's outside the home

const PATH = '/usr/local/bin:/usr/bin:/bin';
const run = (args: readonly string[], opts: { timeout?: number } = {}) =>
  tsjailAsUser(args, { user, env: { TSJAIL_HELPER: suid.path }, cwd: home, timeout: opts.timeout ?? 30_000 });
const asTestUser = (argv: readonly string[]) => asUser(user, argv, { cwd: home });
const store = (name: string) => join(home, '.local', 'share', 'tsjail', 'overlays', name);
const out = (r: SpawnSyncReturns<string>) => `status ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** A directory (and its parents) made as the test user. */
function userDir(path: string): string {
  const r = asTestUser(['mkdir', '-p', path]);
  if (r.status !== 0) throw new Error(`mkdir -p ${path} as the test user: ${r.stderr}`);
  return path;
}

/** An overlay NAME whose upper layer already holds these directories, all
 * made by the user (as a user can, before running tsjail). */
function premadeOverlay(name: string, dirs: readonly string[]): string {
  const upper = join(store(name), 'upper');
  userDir(join(store(name), 'work'));
  for (const d of ['', ...dirs]) userDir(join(upper, d));
  return upper;
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// ---- xattrs, read without following links (koffi, as src/overlay does) ----

type Lgetxattr = (path: string, name: string, value: Buffer | null, size: number) => number;
let lgetxattr: Lgetxattr | null = null;
/** Whether path (not what it points to) has the xattr: size 0 asks only
 * for its length. */
function hasXattr(path: string, name: string): boolean {
  lgetxattr ??= koffi
    .load('libc.so.6')
    .func('long lgetxattr(const char *path, const char *name, _Out_ uint8_t *value, size_t size)') as unknown as Lgetxattr;
  return lgetxattr(path, name, null, 0) >= 0;
}

/** Everything in an upper layer that the caller could not have made: a file
 * of another owner, a setuid/setgid file not the caller's, a file with
 * capabilities. */
function upperViolations(upper: string): string[] {
  const bad: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const mode = `0${(st.mode & 0o7777).toString(8)}`;
      if (st.uid !== user.uid) bad.push(`${p}: owned by ${st.uid}:${st.gid} mode ${mode}`);
      if (st.mode & 0o6000 && (st.uid !== user.uid || st.gid !== user.gid))
        bad.push(`${p}: setuid/setgid (mode ${mode}) owned by ${st.uid}:${st.gid}`);
      if (!st.isSymbolicLink() && hasXattr(p, 'security.capability')) bad.push(`${p}: has security.capability`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(upper);
  return bad;
}

/** A recursive listing: to show a directory unchanged. */
function listing(dir: string): string[] {
  const res: string[] = [];
  const walk = (rel: string) => {
    for (const n of readdirSync(join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${n}` : n;
      const st = lstatSync(join(dir, p));
      res.push(`${p} ${st.size} ${st.mode.toString(8)}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk('');
  return res;
}

// ---------------------------------------------------------------------------

const otherHome = `/home/${tag}-other`;
const otherSecret = `other-user-secret-${process.pid}`;
const rootFile = `/root/${tag}-secret`;
const rootSecret = `root-secret-${process.pid}`;
const privSecret = `base-image-private-${process.pid}`;
let rootRfs = ''; // a root-owned base image
let userRfs = ''; // a user-owned base image
let hasSetcap = false;

beforeAll(() => {
  suid = setuidHelper();
  parent = mkdtempSync(`/var/tmp/${tag}-`);
  chmodSync(parent, 0o755);
  userArea = join(parent, 'user');
  mkdirSync(userArea, { mode: 0o755 });
  chownSync(userArea, user.uid, user.gid);

  // Another user's home: 0700, owned by uid 65533, a 0644 file inside.
  mkdirSync(otherHome, { mode: 0o700 });
  writeFileSync(join(otherHome, 'notes'), `${otherSecret}\n`, { mode: 0o644 });
  chownSync(join(otherHome, 'notes'), 65533, 65533);
  chownSync(otherHome, 65533, 65533);
  chmodSync(otherHome, 0o700);
  // A 0644 file in root's 0700 home.
  writeFileSync(rootFile, `${rootSecret}\n`, { mode: 0o644 });
  chmodSync(rootFile, 0o644);

  // A root-owned base image with a 0700 directory and setuid, setgid and
  // file-capability programs of its own.
  rootRfs = makeRootfs(parent);
  for (const a of ['mv', 'ln', 'chmod', 'cp', 'dirname', 'basename']) symlinkSync('busybox', join(rootRfs, 'bin', a));
  mkdirSync(join(rootRfs, 'private'), { mode: 0o700 });
  writeFileSync(join(rootRfs, 'private', 'key'), `${privSecret}\n`, { mode: 0o644 });
  for (const [name, mode] of [['tjsec-suid', 0o4755], ['tjsec-sgid', 0o2755], ['tjsec-cap', 0o755]] as const) {
    copyFileSync('/bin/busybox', join(rootRfs, 'bin', name));
    chmodSync(join(rootRfs, 'bin', name), mode);
  }
  hasSetcap = spawnSync('setcap', ['cap_net_raw+ep', join(rootRfs, 'bin', 'tjsec-cap')]).status === 0;
  userRfs = makeRootfs(parent, user);

  // The attacks need these to be closed to the user outside a sandbox.
  const control = asTestUser(['cat', join(otherHome, 'notes'), rootFile]);
  expect(control.stdout).toBe('');
  expect(control.stderr).toMatch(/Permission denied[^]*Permission denied/);
});

afterAll(() => {
  suid?.dispose();
  rmSync(otherHome, { recursive: true, force: true });
  rmSync(rootFile, { force: true });
  if (parent) rmSync(parent, { recursive: true, force: true });
  rmSync(join(home, '.local'), { recursive: true, force: true });
  for (const n of readdirSync(home)) if (n.startsWith('tjsec-')) rmSync(join(home, n), { recursive: true, force: true });
});

// ---------------------------------------------------------------------------

describe('1. overlays read no file the caller could not read', () => {
  const noSecrets = (r: SpawnSyncReturns<string>) => {
    for (const s of [otherSecret, rootSecret, privSecret]) {
      expect(r.stdout, out(r)).not.toContain(s);
      expect(r.stderr, out(r)).not.toContain(s);
    }
  };

  it('--overlay=NAME over / with upper/home/OTHER and upper/root made beforehand', () => {
    const other = otherHome.slice(1);
    premadeOverlay('peek', [other, 'root']);
    const r = run(['--overlay=peek', '--', 'sh', '-c', `cat ${otherHome}/notes; cat ${rootFile}; ls -la ${otherHome} /root`]);
    noSecrets(r);
    expect(r.stdout).not.toMatch(/notes/);
    expect(r.stdout).not.toContain(`${tag}-secret`);
  });

  it('--overlay=NAME over a root-owned --chroot base with a 0700 directory, upper/private made beforehand', () => {
    premadeOverlay('peek-chroot', ['private']);
    const r = run(['--overlay=peek-chroot', `--chroot=${rootRfs}`, '--', '/bin/sh', '-c', 'cat /private/key; ls -la /private']);
    noSecrets(r);
    expect(r.stdout).not.toMatch(/\bkey\b/);
  });

  it('--overlay-tmpfs with a user-owned lower layer standing in for the pre-made upper (--overlay-lower=L:/home)', () => {
    const lower = userDir(join(userArea, 'stub'));
    userDir(join(lower, otherHome.slice('/home/'.length)));
    const r = run(['--overlay-tmpfs', `--chroot=${userRfs}`, `--overlay-lower=${lower}:/home`, '--', '/bin/sh', '-c',
      `cat /${tag}-other/notes; ls -la /${tag}-other`]);
    noSecrets(r);
    expect(r.stdout).not.toMatch(/notes/);
  });

  it('--overlay-tmpfs with /root as a lower layer (root-owned, so "trusted") shows nothing of /root', () => {
    const r = run(['--overlay-tmpfs', `--chroot=${userRfs}`, '--overlay-lower=/root', '--', '/bin/sh', '-c',
      `cat /${tag}-secret; ls -la /`]);
    noSecrets(r);
    expect(r.stdout).not.toContain(`${tag}-secret`);
  });

  it('--overlay=NAME with /root as a lower layer shows nothing of /root either', () => {
    const r = run([`--overlay=peek-lower`, `--chroot=${userRfs}`, '--overlay-lower=/root', '--', '/bin/sh', '-c',
      `cat /${tag}-secret; ls -la /`]);
    noSecrets(r);
    expect(r.stdout).not.toContain(`${tag}-secret`);
  });
});

// ---------------------------------------------------------------------------

/** Everything the user can try on a privileged file B inside the overlay:
 * errors are ignored, only the upper layer afterwards counts. */
const PIN_SCRIPT = `for b in "$@"; do
  d=$(dirname "$b"); n=$(basename "$b")
  ln "$b" "$d/$n.ln"; ln "$b" "$HOME/$n.homeln"
  chmod u+s "$b"; chmod 6755 "$b"; touch "$b"; true >> "$b"
  cp -p "$b" "$d/$n.cp"; cp -a "$b" "$d/$n.cpa"
  mv "$b" "$d/$n.mv"
  chmod 6755 "$d/$n.mv"; touch "$d/$n.mv"; true >> "$d/$n.mv"; ln "$d/$n.mv" "$d/$n.mv.ln"
  mv "$d/$n.mv" "$HOME/$n.mv"
  cp -p "$d/$n.cp" "$d/$n.cp2"; chmod 6755 "$d/$n.cp2"
done 2>/dev/null; echo pinned`;

/** The host's setuid/setgid programs and those with file capabilities. */
function privilegedPrograms(): string[] {
  const found = spawnSync('find', ['/usr/bin', '/usr/sbin', '/usr/lib', '/usr/libexec', '-xdev', '-type', 'f', '-perm', '/6000'],
    { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const caps = spawnSync('getcap', ['-r', '/usr/bin', '/usr/sbin'], { encoding: 'utf8' });
  const withCaps = caps.status === 0 ? caps.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean) : [];
  for (const p of ['/usr/bin/ping', '/usr/bin/arping']) if (existsSync(p) && hasXattr(p, 'security.capability')) withCaps.push(p);
  return [...new Set([...found, ...withCaps])].filter((p) => !p.includes(tag) && !p.includes('tjtest')).sort();
}

describe('2. no setuid, setgid or file-capability file (nor any file not the caller\'s) in an upper layer', () => {
  it('renaming, linking, chmod-ing, touching, appending to and copying the host\'s setuid and capability programs under --overlay', () => {
    const programs = privilegedPrograms();
    expect(programs.length).toBeGreaterThan(0);
    // The user makes each program's directory in the upper layer, so that
    // the directory inside is the user's and rename works.
    const upper = premadeOverlay('pin', [...new Set(programs.map((p) => dirname(p).slice(1)))]);
    const r = run(['--overlay=pin', '--', 'sh', '-c', PIN_SCRIPT, 'sh', ...programs], { timeout: 60_000 });
    expect(upperViolations(upper), `${out(r)}\nprograms: ${programs.join(' ')}`).toEqual([]);
    // Nothing reached the real home either.
    const inHome = readdirSync(home).filter((n) => /\.(mv|homeln)$/.test(n));
    expect(inHome).toEqual([]);
  });

  it('the same with a root-owned base image\'s own setuid, setgid and capability programs (--overlay --chroot)', () => {
    const upper = premadeOverlay('pin-chroot', ['bin']);
    const progs = ['/bin/tjsec-suid', '/bin/tjsec-sgid', ...(hasSetcap ? ['/bin/tjsec-cap'] : [])];
    const r = run(['--overlay=pin-chroot', `--chroot=${rootRfs}`, '--', '/bin/sh', '-c', PIN_SCRIPT, 'sh', ...progs]);
    expect(upperViolations(upper), `${out(r)}\nsetcap worked: ${hasSetcap}`).toEqual([]);
  });

  it('without a pre-made upper: a plain write below / copies up nothing the caller does not own', () => {
    const upper = join(store('plain'), 'upper');
    run(['--overlay=plain', '--', 'sh', '-c', 'echo x > /tmp/tjsec-made; echo x > /var/tmp/tjsec-made; mv /usr/bin/ping /tmp/ 2>/dev/null; true']);
    if (existsSync(upper)) expect(upperViolations(upper)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------

/** Runs argv as the test user in a private mount namespace where each
 * [src, dst] is bind-mounted read-only (src onto dst; src === dst for a
 * directory made read-only in place). Before the run it checks, as the user,
 * that every dst really is read-only there (exit 99 otherwise). */
function withHostReadOnly(ro: readonly (readonly [string, string])[], argv: readonly string[], input?: Buffer) {
  const asU = `setpriv --reuid=${user.uid} --regid=${user.gid} --clear-groups --`;
  const lines = ['set -e'];
  for (const [src, dst] of ro) lines.push(`mount --bind ${q(src)} ${q(dst)}`, `mount -o remount,bind,ro ${q(dst)}`);
  for (const [, dst] of ro) lines.push(`if ${asU} touch ${q(join(dst, '.tjsec-probe'))} 2>/dev/null; then exit 99; fi`);
  lines.push(`exec ${asU} env -i PATH=${PATH} HOME=${q(home)} TSJAIL_HELPER=${q(suid.path)} ${argv.map(q).join(' ')}`);
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', lines.join('\n')],
    { encoding: 'utf8', cwd: home, input: input ?? '', timeout: 30_000 });
  expect(r.status, `the read-only set-up did not take: ${out(r)}`).not.toBe(99);
  return r;
}
const tsjailArgv = (args: readonly string[]) => [process.execPath, TSJAIL, ...args];

/** A fresh directory in the user's home, owned by the user. */
function fresh(name: string): string {
  const d = join(home, `tjsec-${name}`);
  rmSync(d, { recursive: true, force: true });
  return userDir(d);
}

describe('3. a mount the host has read-only stays unwritten', () => {
  const unchanged = (dir: string, before: string[], r: SpawnSyncReturns<string>) =>
    expect(listing(dir), `written on the host through a read-only mount; ${out(r)}`).toEqual(before);

  it('(a) --private=D --read-write=~ with D read-only on the host', () => {
    const d = fresh('ro-a');
    const before = listing(d);
    const r = withHostReadOnly([[d, d]], tsjailArgv([`--private=${d}`, `--read-write=${home}`, '--', 'sh', '-c', 'echo x > ~/pwned']));
    expect(existsSync(join(d, 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
  });

  it('(b) --private=D --read-write=~/sub, ~/sub missing on the host (skipped as optional) but D/sub a read-only mount', () => {
    const d = fresh('ro-b');
    userDir(join(d, 'sub'));
    expect(existsSync(join(home, 'sub'))).toBe(false);
    const before = listing(d);
    const r = withHostReadOnly([[join(d, 'sub'), join(d, 'sub')]],
      tsjailArgv([`--private=${d}`, `--read-write=${home}/sub`, '--', 'sh', '-c', 'echo x > ~/sub/pwned']));
    expect(existsSync(join(d, 'sub', 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
  });

  it('(c) --private=D --read-write=~/x: ~/x read-write on the host, D/x below the read-only D inside', () => {
    const d = fresh('ro-c');
    const x = fresh('x'); // ~/tjsec-x on the host: an ordinary, writable directory
    userDir(join(d, 'tjsec-x')); // and D has one too, so the path exists inside
    const before = listing(d);
    const r = withHostReadOnly([[d, d]],
      tsjailArgv([`--private=${d}`, `--read-write=${x}`, '--', 'sh', '-c', `echo x > ${x}/pwned`]));
    expect(existsSync(join(d, 'tjsec-x', 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
    expect(listing(x)).toEqual([]);
  });

  it('(c\') the same path reached through a whitelist: --private=D --whitelist=~/sub --read-write=~/sub', () => {
    const d = fresh('ro-wl');
    userDir(join(d, 'sub'));
    const before = listing(d);
    const r = withHostReadOnly([[d, d], [join(d, 'sub'), join(d, 'sub')]],
      tsjailArgv([`--private=${d}`, `--whitelist=${home}/sub`, `--read-write=${home}/sub`, '--', 'sh', '-c', 'echo x > ~/sub/pwned']));
    expect(existsSync(join(d, 'sub', 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
  });

  it('(d) --read-write=D on the host\'s read-only D itself is refused (regression)', () => {
    const d = fresh('ro-d');
    const before = listing(d);
    const r = withHostReadOnly([[d, d]], tsjailArgv([`--read-write=${d}`, '--', 'sh', '-c', `echo x > ${d}/pwned`]));
    expect(r.status, out(r)).toBe(1);
    expect(r.stderr).toMatch(/read-only on the host/);
    unchanged(d, before, r);
  });

  it('(e) a tsjail profile with private and read-write lines', () => {
    const d = fresh('ro-ini');
    userDir(join(d, 'sub'));
    const prof = join(fresh('prof-ini'), 'p.ini');
    writeFileSync(prof, `[filesystem]\nprivate = \${HOME}/tjsec-ro-ini\nread-write = \${HOME}/sub\n`);
    chownSync(prof, user.uid, user.gid);
    const before = listing(d);
    const r = withHostReadOnly([[d, d], [join(d, 'sub'), join(d, 'sub')]],
      tsjailArgv([`--profile=${prof}`, '--', 'sh', '-c', 'echo x > ~/sub/pwned; echo x > ~/pwned']));
    expect(existsSync(join(d, 'sub', 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
  });

  it('(e\') a firejail .profile with private and read-write lines', () => {
    const d = fresh('ro-fj');
    userDir(join(d, 'sub'));
    const prof = join(fresh('prof-fj'), 'p.profile');
    writeFileSync(prof, `private \${HOME}/tjsec-ro-fj\nread-write \${HOME}/sub\nread-write \${HOME}\n`);
    chownSync(prof, user.uid, user.gid);
    const before = listing(d);
    const r = withHostReadOnly([[d, d], [join(d, 'sub'), join(d, 'sub')]],
      tsjailArgv([`--profile=${prof}`, '--', 'sh', '-c', 'echo x > ~/sub/pwned; echo x > ~/pwned']));
    expect(existsSync(join(d, 'sub', 'pwned')) || existsSync(join(d, 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
  });

  it('(e\'\') --chroot=C --read-write=~/x: ~/x writable on the host, C/~/x a read-only mount of D', () => {
    const c = join(userArea, 'chroot-rw');
    rmSync(c, { recursive: true, force: true });
    copyRootfs(userRfs, c);
    const x = fresh('x'); // exists, read-write, on the host
    const inside = userDir(join(c, x.slice(1)));
    const d = fresh('ro-chroot');
    const before = listing(d);
    const r = withHostReadOnly([[d, inside]],
      tsjailArgv([`--chroot=${c}`, `--read-write=${x}`, '--', '/bin/sh', '-c', `echo x > ${x}/pwned`]));
    expect(existsSync(join(d, 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
  });

  it('(e\'\'\') --overlay=NAME --private=D --read-write=~ writes only to the upper layer (regression)', () => {
    const d = fresh('ro-ovl');
    const before = listing(d);
    const r = withHostReadOnly([[d, d]],
      tsjailArgv([`--overlay=rw`, `--private=${d}`, `--read-write=${home}`, '--', 'sh', '-c', 'echo x > ~/pwned']));
    expect(existsSync(join(d, 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
  });

  it('(f) a hand-written plan: bind D over the home, then read-write of the home (not optional)', () => {
    const d = fresh('ro-plan');
    const before = listing(d);
    const mounts: MountOp[] = [
      { op: 'bind', src: d, dst: home, readOnly: false, optional: false },
      { op: 'read-write', path: home, optional: false },
    ];
    const plan = encodePlan({ ...MINIMAL_PLAN, mounts, program: '/bin/sh', argv: ['sh', '-c', `echo x > ${home}/pwned`] });
    const r = withHostReadOnly([[d, d]], [suid.path, '--plan-fd=0'], plan);
    expect(existsSync(join(d, 'pwned')), out(r)).toBe(false);
    unchanged(d, before, r);
  });
});

/** A copy of a user-owned rootfs, owned by the user. */
function copyRootfs(from: string, to: string): void {
  const r = asTestUser(['cp', '-a', from, to]);
  if (r.status !== 0) throw new Error(`cp -a ${from} ${to}: ${r.stderr}`);
}

// ---------------------------------------------------------------------------

function userPids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
    try {
      const uid = readFileSync(`/proc/${p}/status`, 'utf8').match(/^Uid:\s+(\d+)/m);
      return uid !== null && Number(uid[1]) === user.uid;
    } catch {
      return false;
    }
  });
}

/** The host's mount table, less what others on this machine may mount
 * while this test runs: network namespaces pinned by another suite's net
 * fixtures, and firejail's own /run/firejail. */
function hostMounts(): string {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => !/ - nsfs /.test(l) && !/^\S+ \S+ \S+ \S+ \/run\/(netns|firejail)(\/| )/.test(l))
    .join('\n');
}

/** What the test user has in the shared temporary places. */
function userTempEntries(): string[] {
  const res: string[] = [];
  for (const dir of ['/tmp', '/var/tmp', '/dev/shm', `/run/user/${user.uid}`]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      try {
        if (lstatSync(join(dir, n)).uid === user.uid) res.push(join(dir, n));
      } catch {
        // gone meanwhile
      }
    }
  }
  return res.sort();
}

/** The helper's state under /run/tsjail (if there is one) that names this
 * user: another suite's sandboxes may use the directory meanwhile. */
function helperState(): string[] {
  const res: string[] = [];
  const walk = (dir: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        walk(p);
        continue;
      }
      let text = '';
      try {
        text = st.isFile() && st.size < 1 << 20 ? readFileSync(p, 'utf8') : '';
      } catch {
        // unreadable: judged by its name and owner
      }
      if (st.uid === user.uid || n.includes(String(user.uid)) || text.includes(home)) res.push(p);
    }
  };
  walk('/run/tsjail');
  return res.sort();
}

function spin(ms: number): void {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  while (process.hrtime.bigint() < end) {
    // busy: a timer would be late by a millisecond or more
  }
}

describe('4. no blacklist placeholder (or anything else) outlives the sandbox', () => {
  it('SIGKILL of the helper at random moments of start-up, 50 times: nothing left after the next run', async () => {
    const fixed = join(home, 'tjsec-ph-fixed');
    const before = { mounts: hostMounts(), temp: userTempEntries(), state: helperState() };
    expect(userPids()).toEqual([]);
    let killedAsHelper = 0;
    const leftAfterKill: string[] = [];
    for (let i = 0; i < 50; i++) {
      const child = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--',
        process.execPath, TSJAIL, `--blacklist=${fixed}`, `--blacklist=${join(home, `tjsec-ph-${i}`)}`, '--', 'sleep', '5'],
      { stdio: 'ignore', cwd: home, env: { PATH, HOME: home, TSJAIL_HELPER: suid.path } });
      const closed = new Promise((res) => child.on('close', res));
      const pid = child.pid as number;
      // setpriv and then node execve() in place: the pid becomes the helper's.
      const deadline = Date.now() + 10_000;
      for (;;) {
        let exe = '';
        try {
          exe = readlinkSync(`/proc/${pid}/exe`);
        } catch {
          break;
        }
        if (exe === suid.path) {
          killedAsHelper++;
          break;
        }
        if (Date.now() > deadline) break;
      }
      spin(Math.random() * 10);
      try {
        process.kill(pid, 'SIGKILL'); // our own child, not yet reaped: the pid is still its
      } catch {
        // already gone
      }
      await closed;
      if (existsSync(join(home, `tjsec-ph-${i}`))) leftAfterKill.push(`tjsec-ph-${i}`);
    }
    // The sandbox's own processes die with the helper (PR_SET_PDEATHSIG).
    const deadline = Date.now() + 10_000;
    while (userPids().length > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(killedAsHelper, 'the helper was reached before the kill').toBeGreaterThan(25);

    // The next run, as usual.
    const r = run([`--blacklist=${fixed}`, '--', 'true']);
    expect(r.status, out(r)).toBe(0);

    // Each is reported, not only the first that fails.
    const left = readdirSync(home).filter((n) => n.startsWith('tjsec-ph-'));
    expect.soft(left, `placeholders left (${leftAfterKill.length} of 50 killed runs left their own)`).toEqual([]);
    expect.soft(userPids(), 'processes of the test user left').toEqual([]);
    expect.soft(hostMounts(), 'the host\'s mount table changed').toBe(before.mounts);
    expect.soft(userTempEntries(), 'files of the test user left in /tmp, /var/tmp, /dev/shm, /run/user').toEqual(before.temp);
    expect.soft(helperState(), 'helper state about the test user left in /run/tsjail').toEqual(before.state);
  }, 120_000);

  it('a blacklist of a missing path inside --private=DIR leaves no placeholder in DIR', () => {
    // The host-side parent removes placeholders by their host path, which it
    // cannot know inside DIR: none is made there (the home inside is DIR,
    // the caller's own), and nothing is left in DIR.
    const d = fresh('ph-private');
    const r = run(['--debug', `--private=${d}`, `--blacklist=${home}/tjsec-later`, '--', 'true']);
    expect(r.status, out(r)).toBe(0);
    expect(r.stderr).toContain(`blacklist ${home}/tjsec-later: not there, and its directory is not the host's here: no placeholder`);
    expect(listing(d), 'left in DIR on the host').toEqual([]);
    expect(existsSync(join(home, 'tjsec-later'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------

describe('5. a whitelist makes and mounts nothing outside its own tmpfs', () => {
  it('entries "a" and "a/pwned" while the user swaps a between a link to a root directory and a directory: nothing made there', async () => {
    // The helper opens each entry as the user, a link last as itself (made
    // again in the tmpfs); then it makes their places in the tmpfs as root.
    // Seen as a link first and as a directory for "a/pwned", "a" was a link
    // in the tmpfs that "a/pwned" was then made and mounted through.
    const target = join(parent, 'wl-target');
    mkdirSync(target, { mode: 0o755 });
    const w = fresh('wl-swap');
    userDir(join(w, 'a'));
    expect(asTestUser(['sh', '-c', `touch ${q(join(w, 'a', 'pwned'))} && ln -s ${q(target)} ${q(join(w, 'd'))}`]).status).toBe(0);
    const exchange = join(parent, 'exchange');
    const cc = spawnSync('cc', ['-O1', '-o', exchange, join(ROOT, 'test/fixtures/exchange.c')], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const fillers = Array.from({ length: 100 }, (_, i) => `f${i}`);
    expect(asTestUser(['sh', '-c', `cd ${q(w)} && touch ${fillers.join(' ')}`]).status).toBe(0);
    const mounts: MountOp[] = [{ op: 'whitelist', path: w, entries: ['a', ...fillers, 'a/pwned'], optional: false, keepCwd: false }];
    const plan = encodePlan({ ...MINIMAL_PLAN, mounts });
    const flipper = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', exchange, 'a', 'd'],
      { cwd: w, stdio: 'ignore' });
    const results: string[] = [];
    try {
      for (let i = 0; i < 40 && !existsSync(join(target, 'pwned')); i++) {
        const r = asUser(user, [suid.path, '--plan-fd=0'], { cwd: home, input: plan });
        results.push(r.status === 0 ? 'ran' : r.stderr.trim());
      }
    } finally {
      flipper.kill('SIGKILL');
      await new Promise((res) => flipper.on('close', res));
    }
    expect(readdirSync(target), `made as root in ${target}; runs: ${[...new Set(results)].join(' | ')}`).toEqual([]);
    // Some runs got through with the two entries seen differently.
    expect(results).toContain('ran');
  }, 60_000);
});

