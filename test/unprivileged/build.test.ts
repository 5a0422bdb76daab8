/** --build as an ordinary user through a setuid copy of the helper: strace
 * traces the program inside the sandbox, as the user; the built profile
 * then runs the program with the default protections and nothing more of
 * the home than it used. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { asUser, requireInstalled, setuidHelper, tsjailAsUser } from '../helpers.js';

const user = inject('testUser');
const SCRIPT = 'cat ~/.profile; ls /usr/share';
let suid: ReturnType<typeof setuidHelper>;
const file = join(user.home, 'built.ini');

beforeAll(() => {
  requireInstalled('strace', 'strace');
  suid = setuidHelper();
  // useradd copies /etc/skel's .profile; a machine without one gets one.
  if (!existsSync(join(user.home, '.profile'))) {
    const r = asUser(user, ['sh', '-c', 'echo "# .profile" > ~/.profile'], { cwd: user.home, env: { HOME: user.home } });
    expect(r.status, r.stderr).toBe(0);
  }
  const w = asUser(user, ['sh', '-c', 'echo secret > ~/other'], { cwd: user.home, env: { HOME: user.home } });
  expect(w.status, w.stderr).toBe(0);
});

afterAll(() => {
  suid?.dispose();
  rmSync(file, { force: true });
  rmSync(join(user.home, 'other'), { force: true });
});

const run = (args: readonly string[]) => tsjailAsUser(args, { user, env: { TSJAIL_HELPER: suid.path }, cwd: user.home });

describe('--build as a user', () => {
  it('builds a profile under which the program still works, and sees no more of the home', () => {
    const built = run([`--build=${file}`, '--', 'sh', '-c', SCRIPT]);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toContain(readFileSync(join(user.home, '.profile'), 'utf8'));
    const profile = readFileSync(file, 'utf8').split('\n');
    expect(profile).toContain('whitelist = ${HOME}/.profile');
    expect(profile).toContain('noroot');
    expect(profile).not.toContain('whitelist = ${HOME}/other');

    const again = run([`--profile=${file}`, '--', 'sh', '-c', SCRIPT]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(built.stdout);
    const home = run([`--profile=${file}`, '--', 'sh', '-c', 'ls -A ~; cat ~/other 2>/dev/null || echo hidden']);
    expect(home.status, home.stderr).toBe(0);
    expect(home.stdout).toBe('.profile\nhidden\n');
  });
});
