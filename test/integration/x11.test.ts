/** --x11=none (firejail's x11 none) in real sandboxes: the X socket
 * directory and the cookie file hidden, DISPLAY and XAUTHORITY gone; an X
 * server's abstract socket reachable without a network namespace of the
 * sandbox's own is an error. The "X server" is socat listening on the
 * abstract name, started and ended by the test (no traffic: nothing
 * connects). /tmp/.X11-unix is made for the test when the host has none,
 * and removed again. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireInstalled, tsjail, waitFor } from '../helpers.js';

const X11 = '/tmp/.X11-unix';
const work = mkdtempSync('/srv/tjtest-x11-');
const cookie = join(work, 'cookie');
let madeX11 = false;
const marker = join(X11, `tjtest-${process.pid}`);

beforeAll(() => {
  if (!existsSync(X11)) {
    mkdirSync(X11);
    chmodSync(X11, 0o1777);
    madeX11 = true;
  }
  writeFileSync(marker, '');
  writeFileSync(cookie, 'MIT-MAGIC-COOKIE-1\n');
});
afterAll(() => {
  rmSync(marker, { force: true });
  if (madeX11) rmSync(X11, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const env = { DISPLAY: ':99', XAUTHORITY: cookie };
const probe = ['--', 'sh', '-c', `echo "D=$DISPLAY X=$XAUTHORITY"; ls ${X11} 2>/dev/null | grep -c tjtest; cat ${cookie} 2>/dev/null | wc -c`];

describe('--x11=none', () => {
  it('hides the X socket directory and the cookie, and unsets DISPLAY and XAUTHORITY', () => {
    const plain = tsjail(probe, { env });
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout.replace(/ +(\d)/g, '$1')).toBe(`D=:99 X=${cookie}\n1\n19\n`);
    const r = tsjail(['--x11=none', ...probe], { env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.replace(/ +(\d)/g, '$1')).toBe('D= X=\n0\n0\n');
  });

  it('as a firejail profile\'s x11 none', () => {
    const profile = join(work, 'x.profile');
    writeFileSync(profile, 'x11 none\n');
    const r = tsjail([`--profile=${profile}`, ...probe], { env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.replace(/ +(\d)/g, '$1')).toBe('D= X=\n0\n0\n');
  });

  it('refuses the modes that need an X server of tsjail\'s own, with one line', () => {
    for (const arg of ['--x11=xpra', '--x11']) {
      const r = tsjail([arg, '--', 'true']);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^tsjail: --x11(=xpra)?: only --x11=none is supported \(tsjail starts no X server of its own: no xephyr, xorg, xpra or xvfb\)\n$/);
    }
  });

  describe('with an X server on its abstract socket', () => {
    let server: ChildProcess;
    const name = `${X11}/X${90 + (process.pid % 9)}`;
    beforeAll(async () => {
      requireInstalled('socat', 'socat');
      server = spawn('socat', [`ABSTRACT-LISTEN:${name},fork`, 'EXEC:/bin/true'], { stdio: 'ignore' });
      await waitFor(() => readFileSync('/proc/net/unix', 'utf8').includes(`@${name}`));
    });
    afterAll(async () => {
      server.kill('SIGKILL');
      await new Promise((res) => (server.exitCode !== null || server.signalCode !== null ? res(null) : server.on('close', res)));
    });

    it('is an error without a network namespace of the sandbox\'s own, and nothing runs', () => {
      const r = tsjail(['--x11=none', '--', 'sh', '-c', `touch ${work}/ran`], { env });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('tsjail: --x11=none: an X server listens on its abstract socket (@/tmp/.X11-unix), which the sandbox ' +
        'reaches without a network namespace of its own: add --net=none\n');
      expect(existsSync(join(work, 'ran'))).toBe(false);
    });

    it('is fine with --net=none, where the abstract socket is out of reach', () => {
      const r = tsjail(['--x11=none', '--net=none', ...probe], { env });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.replace(/ +(\d)/g, '$1')).toBe('D= X=\n0\n0\n');
    });
  });
});
