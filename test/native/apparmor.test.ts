/** The apparmor directive: the helper's request (apparmor_request in
 * native/apparmor.c, built here with a small driver) writes "exec PROFILE"
 * to attr/apparmor/exec, or attr/exec on kernels before 5.8, tested against
 * a directory standing in for /proc/self/attr; and a real sandbox on a
 * kernel without AppArmor says so on one line and runs. (What the kernel
 * does with the request needs a kernel with AppArmor: not tested here.) */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireInstalled, ROOT, tsjail } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tjtest-apparmor-'));
const DRIVER = join(dir, 'apparmor-request');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const native = join(ROOT, 'native');
  const cc = spawnSync('cc', ['-std=c11', '-D_GNU_SOURCE', '-Wall', '-Werror', `-I${native}`, '-o', DRIVER,
    join(ROOT, 'test/fixtures/apparmor-request.c'), join(native, 'apparmor.c'), join(native, 'log.c')], { encoding: 'utf8' });
  expect(cc.status, cc.stderr).toBe(0);
});

let n = 0;
function attrDir(files: readonly string[]): string {
  const d = join(dir, `attr${n++}`);
  mkdirSync(join(d, 'apparmor'), { recursive: true });
  for (const f of files) writeFileSync(join(d, f), '');
  return d;
}

function request(d: string, profile: string): string {
  const r = spawnSync(DRIVER, [d, profile], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('apparmor_request', () => {
  it('writes "exec PROFILE" to attr/apparmor/exec', () => {
    const d = attrDir(['apparmor/exec', 'exec']);
    expect(request(d, 'tsjail-default')).toBe('ok');
    expect(readFileSync(join(d, 'apparmor/exec'), 'utf8')).toBe('exec tsjail-default');
    expect(readFileSync(join(d, 'exec'), 'utf8')).toBe('');
  });

  it('falls back to attr/exec when there is no apparmor directory entry (Linux before 5.8)', () => {
    const d = attrDir(['exec']);
    expect(request(d, 'firejail-default')).toBe('ok');
    expect(readFileSync(join(d, 'exec'), 'utf8')).toBe('exec firejail-default');
  });

  it('reports the error when neither is there', () => {
    expect(request(attrDir([]), 'x')).toBe('ENOENT');
  });

  it('refuses a name too long for one write', () => {
    expect(request(attrDir(['apparmor/exec']), 'p'.repeat(400))).toBe('ENAMETOOLONG');
  });
});

describe('the shipped profile', () => {
  it('profiles/apparmor/tsjail-default parses (apparmor_parser, not loaded)', () => {
    requireInstalled('/usr/sbin/apparmor_parser', 'apparmor');
    const r = spawnSync('/usr/sbin/apparmor_parser', ['-Q', '-K', '--abort-on-error', join(ROOT, 'profiles/apparmor/tsjail-default')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe('a sandbox asking for AppArmor', () => {
  const hasAppArmor = existsSync('/sys/module/apparmor/parameters/enabled')
    && readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').startsWith('Y');

  it.skipIf(hasAppArmor)('on a kernel without AppArmor: one notice line, and the program runs', () => {
    const r = tsjail(['--noprofile', '--apparmor', '--', 'sh', '-c', 'echo ran']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('ran\n');
    expect(r.stderr).toBe('tsjail: warning: apparmor: this kernel has no AppArmor, so the program runs without the \'tsjail-default\' profile\n');
  });

  it.skipIf(hasAppArmor)('--apparmor=PROFILE names it; --quiet silences the notice', () => {
    expect(tsjail(['--noprofile', '--apparmor=my-profile', '--', 'true']).stderr).toMatch(/without the 'my-profile' profile/);
    const q = tsjail(['--noprofile', '--quiet', '--apparmor', '--', 'true']);
    expect(q.status).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('the plan carries the request (firejail\'s apparmor directive too)', () => {
    const profile = join(dir, 'aa.profile');
    writeFileSync(profile, 'apparmor\n');
    expect(JSON.parse(tsjail([`--profile=${profile}`, '--print-plan', '--', 'true']).stdout).security.apparmor).toBe('tsjail-default');
    writeFileSync(profile, 'apparmor firejail-default\n');
    expect(JSON.parse(tsjail([`--profile=${profile}`, '--print-plan', '--', 'true']).stdout).security.apparmor).toBe('firejail-default');
    expect(JSON.parse(tsjail(['--noprofile', '--print-plan', '--', 'true']).stdout).security.apparmor).toBeNull();
  });

  it('a profile name with a space: one line', () => {
    const r = tsjail(['--noprofile', '--apparmor=a b', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/--apparmor: 'a b' is not an AppArmor profile name/);
  });
});
