/** Real programs under the profiles firejail ships for them, found by name
 * as a firejail user would start them (`tsjail tar ...`: no tsjail profile,
 * so /etc/firejail/tar.profile), as root and as the test user through a
 * setuid copy of the helper: tar and file (whose profiles whitelist
 * symbolic links of /etc and blacklist below blacklisted directories), the
 * transmission command-line tools (a whitelisted home, noroot, private-tmp)
 * and file-roller's profile (a whitelist in /usr/libexec). file-roller
 * itself would pull a GTK desktop stack onto the test machine: `true` runs
 * under its profile instead. */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requireInstalled, setuidHelper, tsjail, tsjailAsUser } from '../helpers.js';

const user = inject('testUser');
let suid: ReturnType<typeof setuidHelper>;
let work: string;

/** As the test user, from dir, through the setuid helper. */
const asTestUser = (args: readonly string[], cwd: string) =>
  tsjailAsUser(args, { user, cwd, env: { TSJAIL_HELPER: suid.path } });

beforeAll(() => {
  for (const [p, pkg] of [['tar', 'tar'], ['file', 'file'], ['transmission-create', 'transmission-cli'],
    ['transmission-show', 'transmission-cli'], ['transmission-edit', 'transmission-cli']] as const) {
    requireInstalled(p, pkg);
  }
  requireInstalled('/etc/firejail/file-roller.profile', 'firejail-profiles');
  suid = setuidHelper();
  // Under /tmp: the profiles that leave /tmp alone keep the working
  // directory there visible.
  work = mkdtempSync('/tmp/tjtest-programs-');
  chmodSync(work, 0o755);
});
afterAll(() => {
  suid.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** A directory of the caller's with a file in it. */
function workDir(name: string, owner: { uid: number; gid: number } | null): string {
  const d = join(work, name);
  mkdirSync(join(d, 'in'), { recursive: true });
  writeFileSync(join(d, 'in', 'hello.txt'), 'hello\n');
  if (owner !== null) for (const p of [d, join(d, 'in'), join(d, 'in', 'hello.txt')]) chownSync(p, owner.uid, owner.gid);
  return d;
}

describe.each([
  ['root', null],
  ['the test user', user],
] as const)('tar and file under their firejail profiles, as %s', (who, owner) => {
  const run = (args: readonly string[], cwd: string) => (owner === null ? tsjail(args, { cwd }) : asTestUser(args, cwd));

  it('tar starts (its profile whitelists /etc/localtime, a symbolic link) and archives in the working directory', () => {
    const dir = workDir(`tar-${owner === null ? 'root' : 'user'}`, owner);
    const v = run(['tar', '--version'], dir);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^tar \(GNU tar\)/);
    const c = run(['tar', '-czf', 'a.tgz', 'in'], dir);
    expect(c.status, c.stderr).toBe(0);
    const t = run(['tar', '-tzf', 'a.tgz'], dir);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout.split('\n').sort()).toEqual(['', 'in/', 'in/hello.txt']);
    // Inside, the zone is read through the link as on the host.
    const z = run(['--profile=/etc/firejail/tar.profile', 'sh', '-c', 'readlink /etc/localtime; date +%Z'], dir);
    expect(z.status, z.stderr).toBe(0);
    expect(z.stdout).toBe(execFileSync('sh', ['-c', 'readlink /etc/localtime; date +%Z'], { encoding: 'utf8' }));
  });

  it('file starts (its profile blacklists /usr/sbin/unix_chkpwd below the blacklisted /usr/sbin) and reads the file', () => {
    const dir = workDir(`file-${owner === null ? 'root' : 'user'}`, owner);
    const r = run(['file', 'in/hello.txt'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('in/hello.txt: ASCII text\n');
  });
});

describe('disable-common.inc\'s shell histories (blacklist-nolog with patterns), as the test user', () => {
  it('under firejail\'s default profile ~/.bash_history, ~/.python_history and ~/.viminfo cannot be read; the rest of the home can', () => {
    const names = ['.bash_history', '.python_history', '.viminfo', 'tjtest-notes'];
    for (const n of names) {
      writeFileSync(join(user.home, n), `${n}\n`);
      chownSync(join(user.home, n), user.uid, user.gid);
    }
    try {
      const r = asTestUser(['--profile=/etc/firejail/default.profile', 'sh', '-c',
        names.map((n) => `cat ~/${n} 2>/dev/null || echo "no ${n}"`).join('; ')], user.home);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('no .bash_history\nno .python_history\nno .viminfo\ntjtest-notes\n');
    } finally {
      for (const n of names) rmSync(join(user.home, n), { force: true });
    }
  });
});

describe('the transmission tools and file-roller\'s profile, as the test user', () => {
  it('transmission-create, -edit and -show work in ~/Downloads, which their profile whitelists', () => {
    const dl = join(user.home, 'Downloads');
    mkdirSync(dl, { recursive: true });
    writeFileSync(join(dl, 'payload.txt'), 'payload\n');
    for (const p of [dl, join(dl, 'payload.txt')]) chownSync(p, user.uid, user.gid);
    try {
      const c = asTestUser(['transmission-create', '-o', 'payload.torrent', 'payload.txt'], dl);
      expect(c.status, c.stderr + c.stdout).toBe(0);
      const e = asTestUser(['transmission-edit', '-a', 'http://tracker.invalid/announce', 'payload.torrent'], dl);
      expect(e.status, e.stderr + e.stdout).toBe(0);
      const s = asTestUser(['transmission-show', 'payload.torrent'], dl);
      expect(s.status, s.stderr).toBe(0);
      expect(s.stdout).toMatch(/^Name: payload\.txt$/m);
      expect(s.stdout).toMatch(/http:\/\/tracker\.invalid\/announce/);
      expect(readFileSync(join(dl, 'payload.torrent')).length).toBeGreaterThan(0);
    } finally {
      rmSync(dl, { recursive: true, force: true });
    }
  });

  it('every transmission profile starts true, and so does file-roller\'s (whitelist /usr/libexec/file-roller)', () => {
    for (const p of ['transmission-cli', 'transmission-create', 'transmission-daemon', 'transmission-edit', 'transmission-gtk',
      'transmission-qt', 'transmission-remote', 'transmission-remote-cli', 'transmission-remote-gtk', 'transmission-show',
      'file-roller']) {
      // true stands in for the profile's program, which its private-bin names.
      const r = asTestUser([`--profile=/etc/firejail/${p}.profile`, '--private-bin=true', 'true'], user.home);
      expect(r.status, `${p}: ${r.stderr}`).toBe(0);
    }
    const r = asTestUser(['--profile=/etc/firejail/file-roller.profile', '--private-bin=ls', 'sh', '-c', 'ls /usr/libexec'], user.home);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(''); // nothing but file-roller's own directory, which is not installed here
  });
});
