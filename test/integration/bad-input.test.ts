/** Bad input (issue 16): each case gives one line naming the culprit on
 * stderr, exit 1, runs nothing and changes nothing on the host. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asUser, keepHostMountsUnchanged, TSJAIL, tsjail, tsjailAsUser } from '../helpers.js';

const MARK = '/tmp/tjtest16-bad-input-ran';
afterAll(() => rmSync(MARK, { force: true }));

/** Runs tsjail with args and a program that would leave MARK behind. */
function refused(args: readonly string[]) {
  const r = tsjail([...args, '--', 'touch', MARK], { timeout: 10_000 });
  expect(r.error, 'tsjail did not end').toBeUndefined();
  expect(r.status, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(existsSync(MARK)).toBe(false);
  return r.stderr.trimEnd();
}

describe('bad command lines', () => {
  keepHostMountsUnchanged();
  it.each([
    [['-private'], "tsjail: '-private' is not an option: options start with two dashes"],
    [['--version=2'], 'tsjail: --version=2: --version takes no value'],
    [['--nonewprivs=x'], 'tsjail: --nonewprivs=x: --nonewprivs takes no value'],
    [['--memory-deny-write-execute=x'], 'tsjail: --memory-deny-write-execute=x: --memory-deny-write-execute takes no value'],
    [['--private-etc='], 'tsjail: --private-etc: needs a value'],
    [['--ignore='], 'tsjail: --ignore: needs a value'],
  ])('%j', (args, message) => {
    expect(refused(['--noprofile', ...args])).toBe(message);
  });
});

describe('bad filesystem options', () => {
  keepHostMountsUnchanged();
  it.each([
    [['--tmpfs=/proc'], "tsjail: --tmpfs: '/proc': a tmpfs may not cover /, /proc or /sys"],
    [['--tmpfs=/sys/fs'], "tsjail: --tmpfs: '/sys/fs': a tmpfs may not cover /, /proc or /sys"],
    [['--whitelist=/tmp/a\nb'], "tsjail: --whitelist: '/tmp/a\\nb' has a control character (a newline, tab, NUL, ...)"],
  ])('%j', (args, message) => {
    expect(refused(['--noprofile', ...args])).toBe(message);
  });

  it('a 5,000-character path', () => {
    expect(refused([`--read-only=/${'x'.repeat(4999)}`])).toMatch(/^tsjail: --read-only: '\/x{59}\.\.\.' is 5000 characters long, more than 4095$/);
  });

  it.each(['mkdir', 'mkfile'])('--%s outside the home, /tmp and /run/user, as root: nothing made on the host', (what) => {
    const p = '/etc/tjtest16-bad-input';
    expect(refused([`--${what}=${p}`])).toBe(`tsjail: --${what}: '${p}' is not in your home, /tmp or /run/user/0`);
    expect(existsSync(p)).toBe(false);
  });

  it('--private=/ for a user', () => {
    const r = tsjailAsUser(['--private=/', '--', 'touch', MARK]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe("tsjail: --private: '/' is not yours (owned by uid 0)\n");
    expect(existsSync(MARK)).toBe(false);
  });
});

describe('bad callers', () => {
  it('a uid with no entry in /etc/passwd: one line, exit 1', () => {
    const r = asUser({ uid: 54321, gid: 54321 }, [process.execPath, TSJAIL, '--', 'touch', MARK]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe('tsjail: uid 54321 has no entry in the user database (/etc/passwd): tsjail needs its home directory\n');
    expect(existsSync(MARK)).toBe(false);
  });
});

describe('bad --hosts-file', () => {
  it('/dev/zero is refused at once, not read forever', () => {
    const t = Date.now();
    expect(refused(['--noprofile', '--hosts-file=/dev/zero'])).toBe("tsjail: --hosts-file: '/dev/zero' is not a regular file");
    expect(Date.now() - t).toBeLessThan(5000);
  });
});

describe('bad --overlay-import', () => {
  const store = '/root/.local/share/tsjail/overlays';
  const work = mkdtempSync('/root/tjtest16-import-');
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const py = (file: string, code: string) => {
    execFileSync('python3', ['-c', `import tarfile,io\nt=tarfile.open('${file}','w')\n${code}\nt.close()`]);
    return file;
  };
  const add = (name: string, type: 'DIRTYPE' | 'REGTYPE') =>
    `i=tarfile.TarInfo('${name}'); i.type=tarfile.${type}; t.addfile(i, io.BytesIO(b''))`;

  it.each([
    ['a file that is not there', () => join(work, 'missing.tar'),
      /^tsjail: \/root\/tjtest16-import-\w+\/missing\.tar: cannot read it: no such file or directory \(ENOENT\)$/],
    ['a directory', () => work, /^tsjail: \/root\/tjtest16-import-\w+: not a regular file$/],
    ['a member with a name over 255 bytes', () => py(join(work, 'long.tar'), add('d/' + 'n'.repeat(300), 'REGTYPE')),
      /^tsjail: \/root\/tjtest16-import-\w+\/long\.tar: member 'd\/n{58}\.\.\.': name too long \(ENAMETOOLONG\)$/],
    ['a directory, then a file of the same name', () => py(join(work, 'dirfile.tar'), `${add('a', 'DIRTYPE')}\n${add('a', 'REGTYPE')}`),
      /^tsjail: \/root\/tjtest16-import-\w+\/dirfile\.tar: member 'a': file already exists \(EEXIST\)$/],
  ])('%s: one tsjail line, no overlay left', (_what, make, message) => {
    const name = `tjtest16-bad-${process.pid}`;
    const r = tsjail([`--overlay-import=${make()}`, name]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(join(store, name))).toBe(false);
  });
});
