/** --build as root: the program runs traced in a relaxed sandbox, the
 * profile it prints or writes allows what the run used, and the program
 * still works under that profile. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireInstalled, tsjail } from '../helpers.js';

let dir: string;
const home = homedir();
const dotProfile = join(home, '.profile');
let madeProfile = false;
const SCRIPT = 'cat ~/.profile; ls /usr/share';

beforeAll(() => {
  requireInstalled('strace', 'strace');
  dir = mkdtempSync(join(tmpdir(), 'tjtest-build-'));
  if (!existsSync(dotProfile)) {
    writeFileSync(dotProfile, '# made by tsjail\'s build test\n');
    madeProfile = true;
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (madeProfile) rmSync(dotProfile);
});

const leftovers = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('tsjail-build-')));

describe('--build', () => {
  it('writes a profile of what the program used, and the program runs the same under it', () => {
    const before = leftovers();
    const file = join(dir, 'sh.ini');
    const r = tsjail([`--build=${file}`, '--', 'sh', '-c', SCRIPT]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`profile written to ${file}`);
    const profile = readFileSync(file, 'utf8');
    const lines = profile.split('\n');
    expect(lines).toContain('whitelist = ${HOME}/.profile');
    expect(lines.find((l) => l.startsWith('private-bin = '))?.slice(14).split(',')).toEqual(expect.arrayContaining(['sh', 'cat', 'ls']));
    expect(lines.find((l) => l.startsWith('private-etc = '))).toMatch(/ld\.so\.cache/);
    expect(lines).toEqual(expect.arrayContaining(['private-dev', 'private-tmp', 'nosound', 'no3d', 'seccomp', 'protocol = unix',
      'net = none', 'dbus-user = none', 'dbus-system = none']));
    expect(leftovers()).toEqual(before);

    const again = tsjail([`--profile=${file}`, '--', 'sh', '-c', SCRIPT]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(r.stdout);
    expect(again.stdout).toContain(readFileSync(dotProfile, 'utf8'));
    // What the run did not use is gone: the home holds .profile alone.
    const ls = tsjail([`--profile=${file}`, '--', 'sh', '-c', 'ls -A ~; ls /etc']);
    expect(ls.status, ls.stderr).toBe(0);
    const [homeList, ...etc] = ls.stdout.trim().split('\n');
    expect(homeList).toBe('.profile');
    expect(etc).toEqual(lines.find((l) => l.startsWith('private-etc = '))?.slice(14).split(','));
  });

  it('prints the profile after the program\'s output without FILE', () => {
    const r = tsjail(['--build', '--', 'sh', '-c', 'echo out']);
    expect(r.status, r.stderr).toBe(0);
    const [out, profile] = r.stdout.split('; ---- tsjail --build: the profile follows ----\n');
    expect(out).toBe('out\n');
    expect(profile).toMatch(/^; tsjail profile for sh, made by tsjail .* --build from one run of:\n;   sh -c "echo out"\n/);
  });

  it('sees the socket families and the network the program used', () => {
    requireInstalled('/usr/bin/python3', 'python3');
    const r = tsjail(['--build', '--', '/usr/bin/python3', '-c', 'import socket; socket.socket(socket.AF_INET6); socket.socketpair()']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^protocol = inet6,unix$/m);
    expect(r.stdout).not.toMatch(/^net = none$/m);
    expect(r.stdout).toContain('; it used the network (AF_INET6)');
  });

  it('keeps the program\'s exit status', () => {
    const r = tsjail(['--build', '--', 'sh', '-c', 'exit 7']);
    expect(r.status).toBe(7);
    expect(r.stdout).toContain('tsjail --build: the profile follows');
  });

  it('refuses to overwrite FILE, and runs nothing then', () => {
    const file = join(dir, 'exists.ini');
    writeFileSync(file, 'mine\n');
    const marker = join(dir, 'ran');
    const r = tsjail([`--build=${file}`, '--', 'touch', marker]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`tsjail: --build: '${file}' exists; tsjail does not overwrite it`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    expect(existsSync(marker)).toBe(false);
    for (const [args, msg] of [[['--build'], /--build needs a program/], [['--build', '--profile=default', '--', 'true'], /cannot be used with --profile/]] as const) {
      const e = tsjail([...args]);
      expect(e.status).toBe(1);
      expect(e.stderr).toMatch(msg);
    }
  });
});
