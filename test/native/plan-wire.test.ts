/** The wire format between the halves: TS encodes, the helper decodes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePlan, PLAN_MAX } from '../../src/plan/encode.js';
import { PLAN_VERSION } from '../../src/wire/plan-def.js';
import type { NetworkPlan, SandboxPlan } from '../../src/plan/types.js';
import { HELPER, MINIMAL_PLAN, requireInstalled } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tjtest-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: SandboxPlan = MINIMAL_PLAN;

let n = 0;
/** Runs the helper on plan bytes, optionally under strace to see clone(). */
function helper(bytes: Buffer, args: string[] = ['--dump-plan'], trace = false) {
  const file = join(dir, `plan${n++}`);
  writeFileSync(file, bytes);
  const fd = openSync(file, 'r');
  const log = `${file}.strace`;
  if (trace) requireInstalled('strace', 'strace');
  const cmd = trace ? 'strace' : HELPER;
  const argv = trace
    ? ['-f', '-qq', '-e', 'trace=clone,clone3,unshare,fork,vfork', '-o', log, HELPER, '--plan-fd=3', ...args]
    : ['--plan-fd=3', ...args];
  try {
    const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', fd] });
    return { ...r, trace: trace ? readFileSync(log, 'utf8') : '' };
  } finally {
    closeSync(fd);
  }
}

function patch(buf: Buffer, f: (b: Buffer) => void): Buffer {
  const c = Buffer.from(buf);
  f(c);
  return c;
}

describe('round trip', () => {
  it('a minimal plan comes back equal', () => {
    const r = helper(encodePlan(base));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(base);
  });

  it('a full plan comes back equal', () => {
    const plan: SandboxPlan = {
      ...base,
      namespaces: ['pid', 'mount', 'ipc', 'uts', 'net', 'cgroup'],
      log: 'debug',
      noNewPrivs: false,
      hostname: 'box.example',
      program: '/usr/bin/env',
      argv: ['env', '', 'a b', 'é', '"\\\n\t'],
      env: ['PATH=/bin', 'EMPTY=', 'X=a=b'],
      cwd: '/home/user/dir',
      capsKeep: ['cap_chown', 'cap_net_admin', 'cap_sys_admin', 'cap_checkpoint_restore'],
      sources: [{ path: '/etc/tsjail/default.ini', mtimeNs: '1763884800123456789' }],
      mounts: [
        { op: 'mkdir', path: '/home/u/new' },
        { op: 'mkfile', path: '/home/u/new/f' },
        { op: 'whitelist', path: '/home/u', entries: ['Downloads', '.config/app'], optional: false, keepCwd: false },
        { op: 'whitelist', path: '/home', entries: [], optional: true, keepCwd: false },
        { op: 'whitelist', path: '/tmp', entries: ['.X11-unix'], optional: false, keepCwd: true },
        { op: 'read-only', path: '/', optional: false },
        { op: 'read-write', path: '/home/u', optional: true },
        { op: 'noexec', path: '/tmp', optional: false },
        { op: 'tmpfs', path: '/tmp', mode: 0o1777, userOwned: true, optional: false },
        { op: 'blacklist', path: '/etc/shadow', optional: true },
        { op: 'bind', src: '/srv/a', dst: '/home/u', readOnly: true, optional: false },
        { op: 'dev', sound: true, dri: false, video: true, tv: false, dvd: true, u2f: false, input: true },
        { op: 'private-bin', files: ['/usr/bin/ls', '/usr/local/bin/tool', '/sbin/ip'] },
        { op: 'private-bin', files: [] },
        { op: 'machine-id', paths: ['/var/lib/dbus/machine-id', '/etc/machine-id'], optional: true },
      ],
      root: { base: '/srv/image', overlay: { upper: '/home/u/o/upper', work: '/home/u/o/work' }, lowers: ['/srv/l1', '/srv/l2'] },
      security: { noRoot: true, memoryDenyWriteExecute: true, noGroups: true, apparmor: 'tsjail-default', tracelog: null, seccomp: null },
      network: {
        parent: 'br0', name: 'net0', vethName: 'veth-x', ip: '10.0.3.7', netmask: '255.255.255.0',
        gateway: '10.0.3.1', mac: '02:00:5e:10:00:01', mtu: 1400,
        dns: ['192.0.2.53', '2001:db8::53', '::1', '9.9.9.9'], hosts: '127.0.0.1 localhost\n# é\n',
        netfilter: '/etc/tsjail/client.net',
      },
    };
    const r = helper(encodePlan(plan));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(plan);
  });

  it('the other root forms come back equal', () => {
    for (const root of [
      { base: '/srv/image', overlay: null, lowers: [] },
      { base: '/', overlay: 'tmpfs', lowers: ['/srv/l1'] },
    ] as const) {
      const plan: SandboxPlan = { ...base, root: { ...root, lowers: [...root.lowers] } };
      const r = helper(encodePlan(plan));
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(plan);
    }
  });

  it('a plan at the size limit is read whole', () => {
    // Many arguments, just under 1 MiB in all.
    const arg = 'x'.repeat(1000);
    const argv = ['true', ...Array.from({ length: 1030 }, () => arg)];
    const bytes = encodePlan({ ...base, argv });
    expect(bytes.length).toBeLessThanOrEqual(PLAN_MAX);
    expect(bytes.length).toBeGreaterThan(PLAN_MAX - 20_000);
    const r = helper(bytes);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).argv).toHaveLength(argv.length);
  });
});

describe('malformed plans are refused before any namespace is created', () => {
  const good = encodePlan(base);
  const cases: [string, Buffer, RegExp][] = [
    ['empty', Buffer.alloc(0), /truncated header/],
    ['truncated', good.subarray(0, good.length - 3), /header says \d+ body bytes/],
    ['oversized', Buffer.concat([good, Buffer.alloc(PLAN_MAX)]), /more than the limit/],
    ['wrong magic', patch(good, (b) => b.write('XXXX', 0)), /bad magic/],
    ['wrong version', patch(good, (b) => b.writeUInt16LE(PLAN_VERSION + 1, 4)), new RegExp(`version ${PLAN_VERSION + 1}, this helper reads version ${PLAN_VERSION}`)],
    ['trailing data', Buffer.concat([good, Buffer.from([1])]), /trailing data/],
    ['record overrun', patch(good, (b) => b.writeUInt32LE(0xffff, 14)), /overruns/],
    ['unknown tag', encodeWith(base, Buffer.from([0x7f, 0, 0, 0, 0, 0])), /unknown record tag 0x7f/],
    ['relative program', encodePlan({ ...base, program: 'bin/true' }), /PROGRAM is not a normalised absolute path/],
    ['dot-dot path', encodePlan({ ...base, cwd: '/tmp/../etc' }), /CWD is not a normalised absolute path/],
    ['loader variable', encodePlan({ ...base, env: ['LD_PRELOAD=/x.so'] }), /LD_PRELOAD may not pass/],
    ['bad env name', encodePlan({ ...base, env: ['A-B=1'] }), /ENV name 'A-B' is not valid/],
    ['no argv', encodePlan({ ...base, argv: [] }), /ARGV are required/],
    ['no pid namespace', encodePlan({ ...base, namespaces: ['mount', 'uts'] }), /pid and mount namespaces are required/],
    ['hostname without uts', encodePlan({ ...base, namespaces: ['pid', 'mount'], hostname: 'h' }), /needs the uts namespace/],
    ['bad hostname', encodePlan({ ...base, hostname: 'a/b' }), /hostname 'a\/b' is not valid/],
    ['capability above the last', encodeWith(base, rec(0x08, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80]))), /CAPS_KEEP names a capability above/],
    ['mount with ..', encodePlan({ ...base, mounts: [{ op: 'blacklist', path: '/a/../b', optional: false }] }), /blacklist path '\/a\/..\/b' is not a normalised absolute path/],
    ['whitelist entry absolute', encodePlan({ ...base, mounts: [{ op: 'whitelist', path: '/tmp', entries: ['/etc'], optional: false, keepCwd: false }] }), /not a normalised relative path/],
    ['whitelist entry escaping', encodePlan({ ...base, mounts: [{ op: 'whitelist', path: '/tmp', entries: ['a/../..'], optional: false, keepCwd: false }] }), /not a normalised relative path/],
    ['tmpfs on /', encodePlan({ ...base, mounts: [{ op: 'tmpfs', path: '/', mode: 0o755, userOwned: false, optional: false }] }), /tmpfs of \/ is not allowed/],
    ['chroot into /', encodePlan({ ...base, root: { base: '/', overlay: null, lowers: [] } }), /a chroot into \/ changes nothing/],
    ['relative layer', encodePlan({ ...base, root: { base: '/srv', overlay: 'tmpfs', lowers: ['l1'] } }), /ROOT is not a normalised absolute path/],
    ['keep-cwd on a tmpfs', patch(encodePlan({ ...base, mounts: [{ op: 'tmpfs', path: '/tmp/x', mode: 0o755, userOwned: false, optional: false }] }), (b) => { b[b.length - 13] = 4; }), /tmpfs has unknown flags 0x400/],
    ['unknown mount kind', patch(encodePlan({ ...base, mounts: [{ op: 'mkdir', path: '/tmp/x' }] }), (b) => { b[b.length - 15] = 99; }), /unknown mount operation 99/],
    ...netCases(),
  ];

  it.each(cases)('%s', (_name, bytes, message) => {
    const r = helper(bytes, [], true);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.trace).not.toMatch(/clone|unshare|fork/);
  });

  it('a NUL byte inside a string is refused', () => {
    const bytes = patch(encodePlan({ ...base, program: '/bin/trux' }), (b) => {
      b[b.indexOf('/bin/trux') + 8] = 0;
    });
    const r = helper(bytes);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/PROGRAM contains a NUL byte/);
  });
});

describe('the helper\'s own command line', () => {
  it('refuses anything but its few options', () => {
    const r = spawnSync(HELPER, ['--plan-fd=3', '--chroot=/'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/usage: tsjail-helper/);
  });

  it('refuses a plan fd that is not open', () => {
    const r = spawnSync(HELPER, ['--plan-fd=77'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/read plan from fd 77: Bad file descriptor/);
  });
});

/** Network records the helper refuses (tags 0x30-0x3f). */
function netCases(): [string, Buffer, RegExp][] {
  const net: NetworkPlan = {
    parent: 'eth1', name: 'eth0', vethName: null, ip: null, netmask: null, gateway: null,
    mac: null, mtu: null, dns: [], hosts: null, netfilter: null,
  };
  const withNet = { ...base, namespaces: ['pid', 'mount', 'net'] as SandboxPlan['namespaces'] };
  const p = (n: Partial<NetworkPlan>, plan: SandboxPlan = withNet) => encodePlan({ ...plan, network: { ...net, ...n } });
  return [
    ['an interface without the net namespace', p({}, base), /NET_PARENT needs the net namespace/],
    ['an interface name with a slash', p({ parent: 'a/b' }), /NET_PARENT 'a\/b' is not an interface name/],
    ['a filter without the net namespace', p({ parent: null, name: 'eth0', netfilter: 'default' }, base), /NETFILTER needs the net namespace/],
    ['a filter file by a relative path', p({ parent: null, netfilter: 'client.net' }), /NETFILTER 'client.net' is not "default" or a normalised absolute path/],
    ['a filter file with a dot-dot', p({ parent: null, netfilter: '/etc/../x.net' }), /NETFILTER '\/etc\/..\/x.net' is not/],
    ['an interface name too long', p({ name: 'x'.repeat(16) }), /NET_NAME is 16 bytes, more than 15/],
    ['an interface name with a space', p({ vethName: 'a b' }), /NET_VETH 'a b' is not an interface name/],
    ['an IP with a leading zero', p({ ip: '10.0.0.01' }), /NET_IP '10\.0\.0\.01' is not "none" or a unicast IPv4 address/],
    ['a loopback IP', p({ ip: '127.0.0.2' }), /NET_IP '127\.0\.0\.2' is not/],
    ['a multicast gateway', p({ gateway: '224.0.0.1' }), /NET_GATEWAY '224\.0\.0\.1' is not a unicast IPv4 address/],
    ['a mask with a hole', p({ netmask: '255.0.255.0' }), /NET_NETMASK '255\.0\.255\.0' is not an IPv4 network mask/],
    ['a multicast MAC', p({ mac: '01:00:00:00:00:01' }), /NET_MAC '01:00:00:00:00:01' is not a unicast MAC/],
    ['an upper-case MAC', p({ mac: '02:00:00:00:00:AA' }), /NET_MAC '02:00:00:00:00:AA' is not/],
    ['an MTU out of range', p({ mtu: 67 }), /NET_MTU 67 is outside 68-65535/],
    ['five name servers', p({ dns: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5'] }), /more than 4 NET_DNS records/],
    ['a name server that is a name', p({ dns: ['ns.example'] }), /NET_DNS 'ns\.example' is not an IP address/],
    ['a gateway with no address', p({ ip: 'none', gateway: '10.0.0.1' }), /NET_GATEWAY with NET_IP none/],
    ['interface settings without an interface', encodeWith(base, rec(0x33, '10.0.0.5')), /interface settings without NET_PARENT/],
    ['the interface twice', encodeWith(encodePlan({ ...withNet, network: net }), rec(0x30, 'eth2')), /NET_PARENT given twice/],
  ];
}

/** A raw record. */
function rec(tag: number, value: Buffer | string): Buffer {
  const v = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const h = Buffer.alloc(6);
  h.writeUInt16LE(tag, 0);
  h.writeUInt32LE(v.length, 2);
  return Buffer.concat([h, v]);
}

/** A valid plan with one more raw record appended. */
function encodeWith(plan: SandboxPlan | Buffer, record: Buffer): Buffer {
  const b = Buffer.isBuffer(plan) ? plan : encodePlan(plan);
  const out = Buffer.concat([b, record]);
  out.writeUInt32LE(out.length - 12, 8);
  return out;
}
