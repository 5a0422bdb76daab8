/** Chroot and overlays for a non-root caller through the setuid helper. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keepHostMountsUnchanged, setuidHelper, TSJAIL, tsjailAsUser } from '../helpers.js';
import { makeRootfs, snapshot } from '../rootfs.js';

const user = inject('testUser');
let suid: ReturnType<typeof setuidHelper>;
let rootOwned = '';
let userOwned = '';
let parent = '';
const store = () => join(user.home, '.local', 'share', 'tsjail', 'overlays');
const run = (args: string[]) => tsjailAsUser(args, { user, env: { TSJAIL_HELPER: suid.path }, cwd: user.home });
let etc = '';

beforeAll(() => {
  suid = setuidHelper();
  parent = mkdtempSync('/var/tmp/tjtest-ovl-');
  spawnSync('chmod', ['755', parent]);
  rootOwned = makeRootfs(parent);
  userOwned = makeRootfs(parent, user);
  etc = snapshot('/etc');
});
afterAll(() => {
  suid.dispose();
  rmSync(parent, { recursive: true, force: true });
  rmSync(join(user.home, '.local'), { recursive: true, force: true });
});
keepHostMountsUnchanged(() => expect(snapshot('/etc')).toBe(etc));

describe('unprivileged chroot and overlays', () => {
  it('--overlay=NAME over a root-owned base works and stays in the user\'s own dirs', () => {
    const r = run(['--overlay=mine', `--chroot=${rootOwned}`, '--', '/bin/sh', '-c', 'id -u; echo x > /made; cat /made']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${user.uid}\nx\n`);
    expect(existsSync(join(rootOwned, 'made'))).toBe(false);
    expect(readFileSync(join(store(), 'mine', 'upper', 'made'), 'utf8')).toBe('x\n');
  });

  it('--chroot into a directory the user owns works', () => {
    const r = run([`--chroot=${userOwned}`, '--', '/bin/sh', '-c', 'cat /etc/os-release; id -u']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('tjtest rootfs');
  });

  it('--chroot into a directory the user does not own is refused unless tsjail.conf allows it', () => {
    const r = run([`--chroot=${rootOwned}`, '--', '/bin/sh', '-c', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/chroot .*: owned by uid 0, not by you \(user-chroot = yes in tsjail.conf allows root's\)/);
    // The same with user-chroot = yes: tsjail.conf replaced in a private
    // mount namespace made for this test only.
    const conf = join(parent, 'conf');
    mkdirSync(conf);
    writeFileSync(join(conf, 'tsjail.conf'), '# test\nuser-chroot = yes\n', { mode: 0o644 });
    const made = !existsSync('/etc/tsjail');
    if (made) mkdirSync('/etc/tsjail');
    try {
      const allowed = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
        `mount --bind ${conf} /etc/tsjail && exec setpriv --reuid=${user.uid} --regid=${user.gid} --clear-groups -- ` +
        `env TSJAIL_HELPER=${suid.path} HOME=${user.home} ${process.execPath} ${TSJAIL} --chroot=${rootOwned} -- cat /etc/os-release`],
      { encoding: 'utf8', cwd: '/' });
      expect(allowed.status, allowed.stderr).toBe(0);
      expect(allowed.stdout).toContain('tjtest rootfs');
    } finally {
      if (made) rmSync('/etc/tsjail', { recursive: true });
    }
  });

  it('refuses an upper directory that is not the user\'s', () => {
    const dirs = join(store(), 'stolen');
    mkdirSync(join(dirs, 'work'), { recursive: true });
    symlinkSync('/etc', join(dirs, 'upper'));
    spawnSync('chown', ['-hR', `${user.uid}:${user.gid}`, join(user.home, '.local')]);
    const r = run(['--overlay=stolen', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/overlay upper .*: a symbolic link on the path \(refused\)/);
    rmSync(dirs, { recursive: true });
  });

  it('an overlay over / keeps the home writable, through the upper layer only, all of it the user\'s', () => {
    // The overlay is made with the user's credentials: root's /home cannot
    // be copied up, so the home is made in the upper layer beforehand.
    const r = run(['--overlay=home', '--', 'sh', '-c', 'echo x > ~/tjtest-home && cat ~/tjtest-home']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('x\n');
    expect(existsSync(join(user.home, 'tjtest-home'))).toBe(false);
    const upper = join(store(), 'home', 'upper');
    expect(readFileSync(join(upper, user.home, 'tjtest-home'), 'utf8')).toBe('x\n');
    for (const p of [join(upper, 'home'), join(upper, user.home), join(upper, user.home, 'tjtest-home')])
      expect(statSync(p).uid, p).toBe(user.uid);
  });

  it('a symlink swapped into the upper path during start-up never redirects the mount', async () => {
    const r0 = run(['--overlay=swap', '--', 'true']);
    expect(r0.status, r0.stderr).toBe(0);
    const dir = join(store(), 'swap');
    const flipper = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'sh', '-c',
      `cd ${dir}; while :; do mv upper real; ln -s /etc upper; rm upper; mv real upper; done`], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 15; i++) {
        const r = run(['--overlay=swap', '--', 'sh', '-c', 'echo x > /tjtest-made']);
        if (r.status !== 0) expect(r.stderr).toMatch(/^tsjail: [^\n]+\n$/);
      }
    } finally {
      flipper.kill('SIGKILL');
      await new Promise((res) => flipper.on('close', res));
    }
    expect(existsSync('/etc/tjtest-made')).toBe(false);
    expect(existsSync('/tjtest-made')).toBe(false);
  });
});
