/** nogroups: the program keeps the caller's uid and gid and loses the
 * supplementary groups. The test user is put in a group the test makes (and
 * removes); a file only that group may read shows the effect. For users of
 * the setuid helper tsjail.conf's user-nogroups decides; the rootless helper
 * cannot drop groups (a user namespace may not call setgroups). */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { asUser as runAs, HELPER, ROOT, TSJAIL, tsjailAsUser } from '../helpers.js';

const user = inject('testUser');
const GROUP = `tjg${process.pid}`;
let gid: number;
let dir: string;
let secret: string;
let helper: string;
let confPath: string;

beforeAll(() => {
  execFileSync('groupadd', [GROUP]);
  execFileSync('gpasswd', ['-a', user.name, GROUP], { stdio: 'ignore' });
  gid = Number(execFileSync('getent', ['group', GROUP], { encoding: 'utf8' }).split(':')[2]);
  // Not under /tmp (a private tmpfs inside the default sandbox).
  dir = mkdtempSync('/srv/tjtest-nogroups-');
  chmodSync(dir, 0o755);
  secret = join(dir, 'group-only');
  writeFileSync(secret, 'for the group\n');
  chownSync(secret, 0, gid);
  chmodSync(secret, 0o040);
  helper = join(dir, 'tsjail-helper');
  confPath = join(dir, 'tsjail.conf');
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), 'variant', `VARIANT=${helper}`, `VARIANT_CONF=${confPath}`]);
  chmodSync(helper, 0o4755);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  execFileSync('groupdel', [GROUP]);
});
beforeEach(() => rmSync(confPath, { force: true }));

const PROBE = ['--', 'sh', '-c', `id -u; id -g; id -G; cat ${'$0'}`];
const asUser = (args: string[], helperPath = helper) =>
  tsjailAsUser([...args, ...PROBE, secret], { user, groups: [user.gid, gid], env: { TSJAIL_HELPER: helperPath } });

describe('setuid helper', () => {
  it('without nogroups the program has the caller\'s supplementary group and reads the group\'s file', () => {
    const r = asUser([]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${user.uid}\n${user.gid}\n${user.gid} ${gid}\nfor the group\n`);
  });

  it('with nogroups only the uid and gid remain, and the group\'s file is closed', () => {
    const r = asUser(['--nogroups']);
    expect(r.status).toBe(1); // cat's
    expect(r.stdout).toBe(`${user.uid}\n${user.gid}\n${user.gid}\n`);
    expect(r.stderr).toMatch(/group-only: Permission denied/);
  });

  it('with --noroot too: the setuid helper drops them before it gives up root (firejail\'s profiles have both)', () => {
    const r = asUser(['--noroot', '--nogroups']);
    expect(r.status).toBe(1); // cat's
    expect(r.stdout).toBe(`${user.uid}\n${user.gid}\n${user.gid}\n`);
    expect(r.stderr).toMatch(/group-only: Permission denied/);
    expect(r.stderr).not.toMatch(/warning/);
  });

  it('from a profile too (firejail\'s nogroups)', () => {
    const profile = join(dir, 'ng.profile');
    writeFileSync(profile, 'nogroups\n');
    chmodSync(profile, 0o644);
    const r = asUser([`--profile=${profile}`]);
    expect(r.stdout).toBe(`${user.uid}\n${user.gid}\n${user.gid}\n`);
  });

  it('user-nogroups = no in tsjail.conf: the groups stay, with one line', () => {
    writeFileSync(confPath, 'user-nogroups = no\n');
    const r = asUser(['--nogroups']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${user.uid}\n${user.gid}\n${user.gid} ${gid}\nfor the group\n`);
    expect(r.stderr).toBe(`tsjail: warning: nogroups: the supplementary groups stay (user-nogroups = no in ${confPath})\n`);
  });

  it('a bad user-nogroups value: one line naming file:line', () => {
    writeFileSync(confPath, 'user-nogroups = sometimes\n');
    const r = asUser(['--nogroups']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsjail: ${confPath}:1: user-nogroups must be yes or no, not 'sometimes'\n`);
  });
});

describe('rootless helper', () => {
  it('cannot drop the groups: they stay, with one line', () => {
    const r = asUser(['--nogroups'], HELPER);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/for the group\n$/);
    expect(r.stderr).toBe('tsjail: warning: nogroups: the supplementary groups stay: a user namespace may not drop them (the helper runs rootless)\n');
  });
});

describe('root', () => {
  it('nogroups drops root\'s supplementary groups too', () => {
    const root = { uid: 0, gid: 0, home: '/root' };
    const args = [process.execPath, TSJAIL, '--noprofile', '--nogroups', '--', 'id', '-G'];
    const without = runAs(root, args.filter((a) => a !== '--nogroups'), { groups: [0, gid] });
    expect(without.stdout).toBe(`0 ${gid}\n`);
    const r = runAs(root, args, { groups: [0, gid] });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('0\n');
  });
});
