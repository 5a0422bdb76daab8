/** The working directory: the program starts where tsjail was started
 * whenever the sandbox can see that directory. tsjail's own private /tmp
 * (a profile that decides nothing about /tmp: default.ini, and most of
 * firejail's) keeps the working directory in it visible, as firejail's
 * default profile, which leaves /tmp shared, would; a profile that makes
 * /tmp private itself (server.ini for root, as firejail's server profile;
 * --private-tmp) hides it, and so does a blacklist. Then the program
 * starts in the home, as in firejail, with a warning. As root and as the
 * test user through a setuid copy of the helper. */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT, setuidHelper, tsjail, tsjailAsUser } from '../helpers.js';

const user = inject('testUser');
let suid: ReturnType<typeof setuidHelper>;
let tmp: string;

beforeAll(() => {
  suid = setuidHelper();
  tmp = mkdtempSync('/tmp/tjtest-cwd-');
  chmodSync(tmp, 0o755);
  writeFileSync(join(tmp, 'beside'), 'x');
});
afterAll(() => {
  suid.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** A directory for the caller: owned by the user when given. */
function dir(path: string, owner?: { uid: number; gid: number }): string {
  mkdirSync(path, { recursive: true });
  if (owner !== undefined) chownSync(path, owner.uid, owner.gid);
  return path;
}

const SHOW = 'pwd; ls -A';

describe('as root', () => {
  it('server.ini (private-tmp, as firejail\'s server profile): a directory under /tmp is hidden, the program starts in /root', () => {
    const d = dir(join(tmp, 'root-server'));
    const r = tsjail(['--profile=server', '--', 'sh', '-c', SHOW], { cwd: d });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('/root');
    expect(r.stderr).toBe(`tsjail: warning: cannot enter ${d} (No such file or directory), starting in /root\n`);
    const q = tsjail(['--profile=server', '--quiet', '--', 'pwd'], { cwd: d });
    expect(q.stderr).toBe('');
  });

  it('a profile that leaves /tmp to tsjail keeps the working directory under /tmp, and only it', () => {
    const d = dir(join(tmp, 'root-default', 'deep'));
    writeFileSync(join(d, 'mine'), 'x');
    const r = tsjail([`--profile=${ROOT}/test/fixtures/bare.ini`, '--', 'sh', '-c', `${SHOW}; ls -A ${tmp}; touch made`], { cwd: d });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${d}\nmine\nroot-default\n`);
    expect(r.stderr).toBe('');
    expect(existsSync(join(d, 'made'))).toBe(true);
  });
});

describe('as a user', () => {
  const run = (args: readonly string[], cwd: string) => tsjailAsUser(args, { user, cwd, env: { TSJAIL_HELPER: suid.path } });

  it('default.ini: a directory under /tmp stays the working directory, writable, the rest of /tmp hidden', () => {
    const d = dir(join(tmp, 'user-tmp'), user);
    const r = run(['--profile=default', '--', 'sh', '-c', `${SHOW}; ls -A /tmp ${tmp} | grep -v '^.X11-unix$'; touch made`], d);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${d}\n/tmp:\n${tmp.slice(5)}\n\n${tmp}:\nuser-tmp\n`);
    expect(readdirSync(d)).toEqual(['made']);
  });

  it('a hidden directory the sandbox shows (~/.hidden/x) stays the working directory', () => {
    const d = dir(join(user.home, '.hidden-tjtest', 'x'), user);
    chownSync(join(user.home, '.hidden-tjtest'), user.uid, user.gid);
    const r = run(['--', 'pwd'], d);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${d}\n`);
    expect(r.stderr).toBe('');
  });

  it('a directory the profile blacklists (~/.ssh) or makes private (--private-tmp): the program starts in the home', () => {
    const ssh = dir(join(user.home, '.ssh'), user);
    const a = run(['--', 'pwd'], ssh);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toBe(`${user.home}\n`);
    expect(a.stderr).toBe(`tsjail: warning: cannot enter ${ssh} (Permission denied), starting in ${user.home}\n`);
    const d = dir(join(tmp, 'user-private'), user);
    const b = run(['--private-tmp', '--', 'pwd'], d);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toBe(`${user.home}\n`);
    expect(b.stderr).toMatch(/cannot enter .* \(No such file or directory\), starting in /);
  });
});
