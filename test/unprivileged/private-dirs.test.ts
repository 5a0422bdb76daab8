/** The device options, --private-bin, --private-cache, --machine-id and
 * --tmpfs as a user through a setuid-root copy of the helper: what the
 * user gets inside, that a user gains nothing (a program the user may not
 * run stays out, a setuid one runs without its privilege), and that the
 * helper itself refuses a tmpfs the user may not have, symlinks included. */
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodePlan } from '../../src/plan/encode.js';
import type { MountOp } from '../../src/plan/types.js';
import { ALL_NODES, isDevice, LIST_NODES, nodeStates, withDevices } from '../devices-fixture.js';
import { asUser, keepHostMountsUnchanged, MINIMAL_PLAN, setuidHelper, TSJAIL, tsjailAsUser } from '../helpers.js';

const user = inject('testUser');
const home = user.home;
let suid: ReturnType<typeof setuidHelper>;
const run = (args: string[], script: string) =>
  tsjailAsUser(['--quiet', ...args, '--', 'sh', '-c', script], { user, env: { TSJAIL_HELPER: suid.path }, cwd: home });
/** A plan written by hand, given to the setuid helper as the user. */
const byHand = (op: MountOp) => asUser(user, [suid.path, '--plan-fd=0'], { input: encodePlan({ ...MINIMAL_PLAN, mounts: [op] }) });

beforeAll(() => {
  suid = setuidHelper();
});
afterAll(() => suid.dispose());
keepHostMountsUnchanged();

/** A file or directory in the test user's home, owned by the user. */
function own(path: string, kind: 'dir' | 'file' = 'dir'): string {
  if (kind === 'dir') mkdirSync(path, { recursive: true });
  else writeFileSync(path, 'x');
  chownSync(path, user.uid, user.gid);
  return path;
}

describe('the device options for a user', () => {
  const asTestUser = (args: string[]) => withDevices(['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'env', '-i',
    `HOME=${home}`, 'PATH=/usr/local/bin:/usr/bin:/bin', `TSJAIL_HELPER=${suid.path}`, process.execPath, TSJAIL, '--quiet', ...args,
    '--', 'sh', '-c', LIST_NODES]);
  const options = ['--nosound', '--no3d', '--novideo', '--notv', '--nodvd', '--nou2f', '--noinput'];

  it('a private /dev keeps every class, as the user sees it, and none with every option', () => {
    const all = asTestUser([]);
    expect(all.status, all.stderr).toBe(0);
    const s = nodeStates(all.stdout);
    for (const p of ALL_NODES) expect(isDevice(s.get(p)), `${p}: ${s.get(p)}`).toBe(true);
    const none = asTestUser(options);
    expect(none.status, none.stderr).toBe(0);
    for (const [p, state] of nodeStates(none.stdout)) expect(state, p).toBe('absent');
  });

  it('on the host\'s /dev, every class turned off is hidden', () => {
    const kept = nodeStates(asTestUser(['--noprofile']).stdout);
    for (const p of ALL_NODES) expect(isDevice(kept.get(p)), p).toBe(true);
    const r = asTestUser(['--noprofile', ...options]);
    expect(r.status, r.stderr).toBe(0);
    for (const [p, state] of nodeStates(r.stdout)) expect(isDevice(state), `${p}: ${state}`).toBe(false);
  });
});

describe('--private-bin for a user', () => {
  const games = '/usr/games';
  const made = !existsSync(games);
  const secret = join(games, 'tjtest-secret');
  const setuid = join(games, 'tjtest-suid');
  beforeAll(() => {
    mkdirSync(games, { recursive: true });
    copyFileSync('/usr/bin/true', secret);
    chmodSync(secret, 0o700);
    copyFileSync('/usr/bin/id', setuid);
    chmodSync(setuid, 0o4755);
  });
  afterAll(() => {
    rmSync(secret, { force: true });
    rmSync(setuid, { force: true });
    if (made) rmSync(games, { recursive: true, force: true });
  });

  it('binds only what the user may run, and a setuid program gains nothing', () => {
    const r = tsjailAsUser(['--private-bin=sh,grep,tjtest-secret,tjtest-suid', '--', 'sh', '-c',
      'echo /usr/bin/*; tjtest-suid -u; grep " /usr/bin/tjtest-suid " /proc/self/mountinfo'], { user, env: { TSJAIL_HELPER: suid.path }, cwd: home });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(`tsjail: warning: private-bin: you may not run ${secret}: left out\n`);
    const [list, uid, mount] = r.stdout.trim().split('\n');
    expect(list?.split(' ')).toEqual(['/usr/bin/dash', '/usr/bin/grep', '/usr/bin/sh', '/usr/bin/tjtest-suid']);
    expect(uid).toBe(String(user.uid));
    expect(mount).toMatch(/\bnosuid\b/);
  });
});

describe('--private-cache, --machine-id for a user', () => {
  it('--private-cache: an empty ~/.cache of the user\'s', () => {
    const cache = own(join(home, '.cache'));
    own(join(cache, 'kept'), 'file');
    const r = run(['--private-cache'], 'ls -A ~/.cache | wc -l; stat -c "%u %a" ~/.cache; touch ~/.cache/new && echo written');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['0', `${user.uid} 700`, 'written']);
    expect(existsSync(join(cache, 'kept'))).toBe(true);
    expect(existsSync(join(cache, 'new'))).toBe(false);
  });

  it('--machine-id: a new id; the host\'s untouched', () => {
    // /etc/machine-id, else dbus's (a minimal Debian has only that one).
    const file = ['/etc/machine-id', '/var/lib/dbus/machine-id'].find((f) => existsSync(f));
    expect(file, 'neither /etc/machine-id nor /var/lib/dbus/machine-id (Debian: dbus-daemon)').toBeDefined();
    const before = readFileSync(file as string, 'utf8');
    const r = run(['--machine-id'], `cat ${file}`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[0-9a-f]{32}$/);
    expect(r.stdout).not.toBe(before);
    expect(readFileSync(file as string, 'utf8')).toBe(before);
  });
});

describe('--tmpfs for a user', () => {
  const outside = '/tmp/tjtest-tmpfs-outside';
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  it('on a directory of the user\'s in the home: an empty tmpfs of the user\'s', () => {
    const data = own(join(home, 'data'));
    own(join(data, 'kept'), 'file');
    const r = run([`--tmpfs=${data}`], `ls -A ${data} | wc -l; stat -f -c %T ${data}; stat -c %u ${data}; touch ${data}/new && echo written`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['0', 'tmpfs', String(user.uid), 'written']);
    expect(existsSync(join(data, 'kept'))).toBe(true);
    expect(existsSync(join(data, 'new'))).toBe(false);
  });

  it('is refused elsewhere, and on a directory of another user, with one line', () => {
    const rootDir = join(home, 'roots');
    mkdirSync(rootDir, { recursive: true });
    chownSync(rootDir, 0, 0);
    for (const [arg, message] of [
      ['--tmpfs=/etc', "tsjail: --tmpfs: '/etc' is not in your home: a tmpfs elsewhere is for root only\n"],
      ['--tmpfs=/tmp', "tsjail: --tmpfs: '/tmp' is not in your home: a tmpfs elsewhere is for root only\n"],
      [`--tmpfs=${rootDir}`, `tsjail: --tmpfs: '${rootDir}' is not yours (owned by uid 0)\n`],
    ] as const) {
      const r = run([arg], 'true');
      expect(r.status, arg).toBe(1);
      expect(r.stderr, arg).toBe(message);
    }
    // The helper decides again, on the directory itself.
    for (const op of [
      { op: 'tmpfs', path: rootDir, mode: 0o755, userOwned: true, optional: false },
      { op: 'tmpfs', path: own(join(home, 'a-file'), 'file'), mode: 0o755, userOwned: false, optional: false },
    ] as const) {
      const r = byHand(op);
      expect(r.status, op.path).toBe(1);
      expect(r.stderr).toBe(`tsjail: tmpfs on ${op.path}: not a directory you own\n`);
    }
  });

  it('a symlink planted in the home never points the tmpfs elsewhere', () => {
    mkdirSync(outside, { recursive: true });
    chownSync(outside, user.uid, user.gid);
    const link = join(home, 'to-outside');
    rmSync(link, { force: true });
    symlinkSync(outside, link);
    chownSync(link, user.uid, user.gid);
    // The planner follows it as the user, and finds it outside the home.
    const cli = run([`--tmpfs=${link}`], 'true');
    expect(cli.status).toBe(1);
    expect(cli.stderr).toBe(`tsjail: --tmpfs: '${link}' is not in your home: a tmpfs elsewhere is for root only\n`);
    // By hand: the helper follows no link, and refuses the place.
    const viaLink = byHand({ op: 'tmpfs', path: link, mode: 0o755, userOwned: true, optional: false });
    expect(viaLink.status).toBe(1);
    expect(viaLink.stderr).toBe(`tsjail: tmpfs ${link}: a symbolic link on the path (refused)\n`);
    const direct = byHand({ op: 'tmpfs', path: outside, mode: 0o755, userOwned: true, optional: false });
    expect(direct.status).toBe(1);
    expect(direct.stderr).toBe(`tsjail: tmpfs on ${outside} is for root only\n`);
    // A link to a directory of the user's in the home: the tmpfs lands there.
    const data = own(join(home, 'linked-data'));
    own(join(data, 'kept'), 'file');
    const inner = join(home, 'to-data');
    rmSync(inner, { force: true });
    symlinkSync(data, inner);
    const ok = run([`--tmpfs=${inner}`], `ls -A ${data} | wc -l`);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe('0');
  });
});
