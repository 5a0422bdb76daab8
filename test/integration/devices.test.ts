/** The device options as root, in real sandboxes, on a /dev holding real
 * device nodes of every class (test/devices-fixture.ts: a mount namespace
 * of the test's own, the host's /dev untouched): a private /dev keeps a
 * class unless its option turns it off; the host's /dev (--noprofile)
 * keeps the nodes, and an option blacklists its class there. */
import { describe, expect, it } from 'vitest';
import { ALL_NODES, DEVICE_NODES, DEVICE_OPTIONS, isDevice, LIST_NODES, nodeStates, withDevices } from '../devices-fixture.js';
import { keepHostMountsUnchanged, TSJAIL } from '../helpers.js';

keepHostMountsUnchanged();

function nodesIn(args: readonly string[]): Map<string, string> {
  const r = withDevices([process.execPath, TSJAIL, '--quiet', ...args, '--', 'sh', '-c', LIST_NODES]);
  expect(r.status, r.stderr).toBe(0);
  return nodeStates(r.stdout);
}

describe('a private /dev (the default sandbox, --private-dev)', () => {
  it('keeps every device class the host has, with its nodes (and the cdrom link)', () => {
    for (const args of [[], ['--noprofile', '--private-dev']]) {
      const s = nodesIn(args);
      for (const p of ALL_NODES) expect(isDevice(s.get(p)), `${args} ${p}: ${s.get(p)}`).toBe(true);
      expect(s.get('/dev/snd/controlC9')).toBe('character special file 74:9');
      expect(s.get('/dev/cdrom')).toBe('block special file b:9');
    }
    const link = withDevices([process.execPath, TSJAIL, '--quiet', '--', 'sh', '-c', 'readlink /dev/cdrom']);
    expect(link.stdout.trim()).toBe('sr9');
  });

  it.each(DEVICE_OPTIONS)('--%s leaves its class out, and only it', (option) => {
    const s = nodesIn([`--${option}`]);
    for (const p of ALL_NODES) {
      const gone = (DEVICE_NODES[option] as readonly string[]).includes(p);
      expect(s.get(p), p).toBe(gone ? 'absent' : s.get(p));
      if (!gone) expect(isDevice(s.get(p)), `${p}: ${s.get(p)}`).toBe(true);
    }
  });

  it('the server profile (root\'s default) turns every class off', () => {
    const r = withDevices([process.execPath, TSJAIL, '--quiet', '--', 'ls', '-A', '/dev']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/snd|dri|video|sr9|input|hidraw|usb|dvb|nvidia|cdrom/);
  });

  it('all of them: only the basic nodes are left', () => {
    const r = withDevices([process.execPath, TSJAIL, '--quiet', ...DEVICE_OPTIONS.map((o) => `--${o}`), '--', 'ls', '-A', '/dev']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(
      ['fd', 'full', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero']);
  });
});

describe('the host\'s /dev (--noprofile)', () => {
  it('keeps the nodes without an option', () => {
    const s = nodesIn(['--noprofile']);
    for (const p of ALL_NODES) expect(isDevice(s.get(p)), p).toBe(true);
  });

  it.each(DEVICE_OPTIONS)('--%s blacklists its class: in the plan, and unopenable inside', (option) => {
    const plan = withDevices([process.execPath, TSJAIL, '--noprofile', `--${option}`, '--print-plan', '--', 'true']);
    expect(plan.status, plan.stderr).toBe(0);
    const black = (JSON.parse(plan.stdout) as { mounts: { op: string; path?: string; optional?: boolean }[] }).mounts
      .filter((m) => m.op === 'blacklist');
    expect(black.length).toBeGreaterThan(0);
    expect(black.every((m) => m.optional === true && m.path?.startsWith('/dev/'))).toBe(true);
    // The link stays; what it points to is hidden.
    expect(black.map((m) => m.path)).not.toContain('/dev/cdrom');

    const s = nodesIn(['--noprofile', `--${option}`]);
    for (const p of ALL_NODES) {
      if ((DEVICE_NODES[option] as readonly string[]).includes(p)) expect(isDevice(s.get(p)), `${p}: ${s.get(p)}`).toBe(false);
      else expect(isDevice(s.get(p)), `${p}: ${s.get(p)}`).toBe(true);
    }
    const first = DEVICE_NODES[option][0];
    // Refused by the blacklist (a node of no driver here would say ENXIO).
    const open = withDevices([process.execPath, TSJAIL, '--quiet', '--noprofile', `--${option}`, '--', 'sh', '-c', `exec 3<${first} && echo opened`]);
    expect(open.stdout).not.toContain('opened');
    expect(open.stderr).toMatch(/Permission denied/);
  });

  it('--nosound hides JACK\'s shared memory and a PulseAudio socket directory in /tmp too', () => {
    const r = withDevices([process.execPath, TSJAIL, '--quiet', '--noprofile', '--nosound', '--', 'sh', '-c',
      'cat /dev/shm/jack-tjtest 2>&1; ls /dev/shm']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/jack-tjtest: Permission denied/);
  });
});
