/** The filesystem as a non-root user through a setuid-root helper: what a
 * user may not do is refused, rm -rf / inside harms nothing, and symlinks
 * planted on the way never make the helper act outside the user's reach. */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodePlan } from '../../src/plan/encode.js';
import type { MountOp } from '../../src/plan/types.js';
import { asUser, HELPER, keepHostMountsUnchanged, MINIMAL_PLAN, setuidHelper, TSJAIL, tsjailAsUser } from '../helpers.js';

const user = inject('testUser');
const home = user.home;
let suid: ReturnType<typeof setuidHelper>;
const run = (args: string[], script: string) =>
  tsjailAsUser([...args, '--', 'sh', '-c', script], { user, env: { TSJAIL_HELPER: suid.path }, cwd: home });

const etcPasswd = readFileSync('/etc/passwd', 'utf8');

beforeAll(() => {
  suid = setuidHelper();
});
afterAll(() => suid.dispose());
keepHostMountsUnchanged(() => {
  expect(readFileSync('/etc/passwd', 'utf8')).toBe(etcPasswd);
  for (const f of ['/etc/tjtest-made', '/root/tjtest-made', '/root/sub']) expect(existsSync(f), f).toBe(false);
});

/** A file or directory in the test user's home, owned by the user. */
function own(path: string, kind: 'dir' | 'file' = 'dir'): string {
  if (kind === 'dir') mkdirSync(path, { recursive: true });
  else writeFileSync(path, 'x');
  chownSync(path, user.uid, user.gid);
  return path;
}

describe('unprivileged filesystem', () => {
  it('the default sandbox works for the user: own home only, system read-only', () => {
    own(join(home, 'visible'), 'file');
    const r = run([], `ls -A /home; ls ${home}; touch /usr/x 2>&1; cat /etc/shadow 2>&1; ls /root 2>&1; true`);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(user.name);
    expect(lines).toContain('visible');
    expect(r.stdout).toMatch(/Read-only file system/);
    expect(r.stdout).toMatch(/shadow: Permission denied/);
    expect(r.stdout).toMatch(/\/root.*Permission denied/);
  });

  it('a profile\'s blacklisted file in a directory the user may search but not read is hidden, beside a pattern there', () => {
    // The pattern lists the directory: its listing (nothing, unreadable) must not say the file is not there.
    // root's, 0711: the user may search it, not list it.
    const dir = join(home, 'search-only');
    mkdirSync(dir);
    own(join(dir, 'secret'), 'file');
    const profile = join(home, 'search-only.ini');
    writeFileSync(profile, `[filesystem]\nblacklist = ${dir}/secret\nblacklist = ${dir}/zz*\n`);
    chownSync(profile, user.uid, user.gid);
    chmodSync(dir, 0o711);
    try {
      const r = run([`--profile=${profile}`], `cat ${dir}/secret 2>&1 || true`);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Permission denied|No such file/);
      expect(r.stdout).not.toMatch(/^x$/m);
    } finally {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
      rmSync(profile, { force: true });
    }
  });

  it('rm -rf / inside --private returns and harms nothing outside', () => {
    const canaryHome = own(join(home, 'canary'), 'file');
    const canaryTmp = '/tmp/tjtest-canary';
    writeFileSync(canaryTmp, 'x');
    chownSync(canaryTmp, user.uid, user.gid);
    try {
      const r = run(['--private'], 'rm -rf --no-preserve-root / 2>/dev/null; echo returned');
      expect(r.stdout).toContain('returned');
      expect(existsSync(canaryHome)).toBe(true);
      expect(existsSync(canaryTmp)).toBe(true);
    } finally {
      rmSync(canaryTmp, { force: true });
    }
  });

  it('a blacklist of a missing path in the home keeps it from being made, and is gone after', () => {
    const later = join(home, 'later-secret');
    const r = run([`--blacklist=${later}`], `mkdir ${later} 2>&1; echo done`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/File exists/);
    expect(existsSync(later)).toBe(false);
  });

  it('--tmpfs and --bind are refused for a user', () => {
    for (const args of [['--tmpfs=/etc'], [`--bind=${home},/etc`]]) {
      const r = run(args, 'true');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/is for root only/);
    }
  });

  it('a whitelist outside the allowed places is refused', () => {
    const r = run(['--whitelist=/proc/sys'], 'true');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--whitelist: '\/proc\/sys' is not below your home/);
    // A plan written by hand: the helper refuses it too.
    for (const path of ['/proc', '/sys/fs', '/', '/home/nobody-else']) {
      const h = asUser(user, [suid.path, '--plan-fd=0'],
        { input: encodePlan({ ...MINIMAL_PLAN, mounts: [{ op: 'whitelist', path, entries: ['x'], optional: false, keepCwd: false }] }) });
      expect(h.status, path).toBe(1);
      expect(h.stderr, path).toMatch(/is outside the directories a user may whitelist|whitelist of \/ is not allowed/);
    }
  });

  it('as firejail, any directory in / or in /usr (and /sys/module) may be whitelisted: the rest is hidden', () => {
    const r = run(['--whitelist=/usr/libexec/tjtest-missing', '--whitelist=/usr/sbin/nologin'],
      'ls /usr/libexec | wc -l; ls /usr/sbin; ls /usr/bin/true');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['0', 'nologin', '/usr/bin/true']);
  });

  it('--read-write cannot make a host read-only mount writable', () => {
    // The read-only mount lives in a private mount namespace made for this
    // test only, so the host never sees it.
    const dir = own(join(home, 'host-ro'));
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
      `mount --bind ${dir} ${dir} && mount -o remount,bind,ro ${dir} && exec setpriv --reuid=${user.uid} --regid=${user.gid} --clear-groups -- ` +
      `env TSJAIL_HELPER=${suid.path} ${process.execPath} ${TSJAIL} --read-write=${dir} -- true`], { encoding: 'utf8', cwd: '/' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain(`read-write: ${dir} is read-only on the host`);
  });

  it('--mkdir/--mkfile create as the user; --private=DIR needs a directory the user owns', () => {
    const r = run([`--mkdir=${home}/made/a`, `--mkfile=${home}/made/f`], 'true');
    expect(r.status, r.stderr).toBe(0);
    const out = asUser(user, ['stat', '-c', '%u', `${home}/made/a`, `${home}/made/f`]);
    expect(out.stdout.trim().split('\n')).toEqual([String(user.uid), String(user.uid)]);
    const p = run(['--private=/usr/share'], 'true');
    expect(p.status).toBe(1);
  });
});

describe('symlink attacks', () => {
  const links = () => {
    const dir = own(join(home, 'links'));
    const make = (name: string, target: string) => {
      const p = join(dir, name);
      rmSync(p, { force: true, recursive: true });
      symlinkSync(target, p);
      return p;
    };
    return {
      passwd: make('passwd', '/etc/passwd'),
      root: make('root', '/root'),
      dangling: make('dangling', '/etc/tjtest-made'),
      etc: make('etc', '/etc'),
    };
  };

  it('through the CLI: targets are followed as the user, and refused outside the user\'s reach', () => {
    const l = links();
    const cases: [string[], RegExp | null][] = [
      [[`--mkdir=${l.root}/sub`], /is not in your home, \/tmp or \/run\/user/],
      [[`--mkfile=${l.dangling}`], /a symbolic link on the path \(refused\)/],
      [[`--mkdir=${l.etc}/tjtest-made`], /is not in your home/],
      // Refused by the planner now (the helper refuses it too: see below).
      [[`--private=${l.etc}`], /not a directory you own|'[^']+' is not yours \(owned by uid 0\)/],
      [[`--read-only=${l.passwd}`], null],
      [[`--blacklist=${l.passwd}`], null],
    ];
    for (const [args, message] of cases) {
      const r = run(args, 'true');
      if (message === null) expect(r.status, `${args} ${r.stderr}`).toBe(0);
      else {
        expect(r.status, args.join(' ')).toBe(1);
        expect(r.stderr, args.join(' ')).toMatch(message);
      }
    }
  });

  /** Plans written by hand: the helper itself must refuse the links. */
  it('in a hand-written plan: every operation on a symlinked path is refused', () => {
    const l = links();
    const ops: MountOp[] = [
      { op: 'mkdir', path: `${l.root}/sub` },
      { op: 'mkdir', path: `${l.etc}/tjtest-made` },
      { op: 'mkfile', path: l.dangling },
      { op: 'mkfile', path: `${l.etc}/tjtest-made` },
      { op: 'read-only', path: l.passwd, optional: false },
      { op: 'blacklist', path: l.passwd, optional: false },
      { op: 'whitelist', path: `${home}/links`, entries: ['etc/passwd'], optional: false, keepCwd: false },
      { op: 'whitelist', path: home, entries: ['links/etc/passwd'], optional: false, keepCwd: false },
      { op: 'tmpfs', path: l.etc, mode: 0o755, userOwned: true, optional: false },
      { op: 'bind', src: l.etc, dst: home, readOnly: false, optional: false },
    ];
    for (const op of ops) {
      const r = asUser(user, [suid.path, '--plan-fd=0'], { input: encodePlan({ ...MINIMAL_PLAN, mounts: [op] }) });
      expect(r.status, JSON.stringify(op)).toBe(1);
      expect(r.stderr, JSON.stringify(op)).toMatch(/symbolic link|not in your home|for root only|not a directory you own|only your home/);
    }
  });

  it('a whitelisted link stays a link: the helper makes it again and never follows it', () => {
    const l = links();
    // Through the CLI (as firejail) and in a hand-written plan alike.
    const r = run([`--whitelist=${l.root}`, `--whitelist=${l.passwd}`],
      `readlink ${l.root} ${l.passwd}; ls ${l.root}/ 2>&1; ls ${home}/links; true`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\/root\n\/etc\/passwd\n.*Permission denied\npasswd\nroot\n$/);
    const h = asUser(user, [suid.path, '--plan-fd=0'], {
      input: encodePlan({
        ...MINIMAL_PLAN, program: '/bin/sh', argv: ['sh', '-c', `readlink ${l.root}; ls ${l.root}/ 2>&1; true`],
        mounts: [{ op: 'whitelist', path: home, entries: ['links/root'], optional: false, keepCwd: false }],
      }),
    });
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/^\/root\n.*Permission denied\n$/);
  });

  /** The path_open_trusted rule (SECURITY.md): a link is followed only when
   * root owns it and the directory it is in, and no one else may write that
   * directory. Each plan blacklists /etc/hostname through a link and shows
   * what the sandbox then reads there. */
  describe('links the caller could not have planted are followed, the others refused', () => {
    let rootDir: string;
    let sticky: string;
    beforeAll(() => {
      // Root's directory, root's link: like /etc/localtime or /bin.
      rootDir = mkdtempSync('/srv/tjtest-rootlinks-');
      chmodSync(rootDir, 0o755);
      symlinkSync('/etc', join(rootDir, 'etc'));
      // Root's link in a sticky directory anyone may write, and in the
      // user's own directory: either could have been put there by the user
      // (renamed in from a directory the user may write).
      sticky = mkdtempSync('/tmp/tjtest-sticky-');
      chmodSync(sticky, 0o1777);
      symlinkSync('/etc', join(sticky, 'etc'));
      const mine = own(join(home, 'rootlinks'));
      rmSync(join(mine, 'etc'), { force: true });
      symlinkSync('/etc', join(mine, 'etc'));
      lchownSync(join(mine, 'etc'), 0, 0);
    });
    afterAll(() => {
      rmSync(rootDir, { recursive: true, force: true });
      rmSync(sticky, { recursive: true, force: true });
    });
    const hide = (path: string, who: 'user' | 'root') => {
      const plan = encodePlan({
        ...MINIMAL_PLAN, program: '/bin/sh', argv: ['sh', '-c', 'cat /etc/hostname 2>&1; true'],
        mounts: [{ op: 'blacklist', path, optional: false }],
      });
      return who === 'user' ? asUser(user, [suid.path, '--plan-fd=0'], { input: plan })
        : spawnSync(HELPER, ['--plan-fd=0'], { input: plan, encoding: 'utf8', cwd: '/' });
    };

    it.each(['user', 'root'] as const)('root\'s link in root\'s directory is followed (as %s)', (who) => {
      const r = hide(join(rootDir, 'etc', 'hostname'), who);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Permission denied|^$/);
      expect(r.stdout).not.toBe(readFileSync('/etc/hostname', 'utf8'));
    });

    it.each(['user', 'root'] as const)('a link the user could have planted is refused (as %s)', (who) => {
      for (const path of [join(sticky, 'etc', 'hostname'), join(home, 'rootlinks', 'etc', 'hostname'),
        join(home, 'links', 'etc', 'hostname')]) {
        links();
        const r = hide(path, who);
        expect(r.status, path).toBe(1);
        expect(r.stderr, path).toBe(`tsjail: blacklist ${path}: a symbolic link on the path (refused)\n`);
      }
    });
  });

  it('a link swapped in a loop during start-up never redirects the helper', async () => {
    const dir = own(join(home, 'swap'));
    const target = join(dir, 'x');
    // A second process, as the user, flips x between a real directory and a
    // symlink to /etc as fast as it can.
    const flipper = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'sh', '-c',
      `cd ${dir}; while :; do rm -rf x; mkdir x; rm -rf x; ln -s /etc x; done`], { stdio: 'ignore' });
    try {
      // Each run either works on the real directory or fails cleanly.
      for (let i = 0; i < 15; i++) {
        const r = run([`--mkdir=${target}/tjtest-made`, `--read-only=${target}`, `--whitelist=${target}`], 'true');
        if (r.status !== 0) expect(r.stderr).toMatch(/^tsjail: [^\n]+\n$/);
      }
    } finally {
      flipper.kill('SIGKILL');
      await new Promise((res) => flipper.on('close', res));
    }
    expect(existsSync('/etc/tjtest-made')).toBe(false);
  });
});
