/** The wire format between the halves: TS encodes, the helper decodes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePlan, PLAN_MAX } from '../../src/plan/encode.js';
import type { SandboxPlan } from '../../src/plan/types.js';
import { HELPER, MINIMAL_PLAN } from '../helpers.js';

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
        { op: 'whitelist', path: '/home/u', entries: ['Downloads', '.config/app'], optional: false },
        { op: 'whitelist', path: '/home', entries: [], optional: true },
        { op: 'read-only', path: '/', optional: false },
        { op: 'read-write', path: '/home/u', optional: true },
        { op: 'noexec', path: '/tmp', optional: false },
        { op: 'tmpfs', path: '/tmp', mode: 0o1777, userOwned: true, optional: false },
        { op: 'blacklist', path: '/etc/shadow', optional: true },
        { op: 'bind', src: '/srv/a', dst: '/home/u', readOnly: true, optional: false },
        { op: 'dev', sound: true, dri: false },
      ],
      root: { base: '/srv/image', overlay: { upper: '/home/u/o/upper', work: '/home/u/o/work' }, lowers: ['/srv/l1', '/srv/l2'] },
      security: { noRoot: true, memoryDenyWriteExecute: true, seccomp: null },
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
    ['wrong version', patch(good, (b) => b.writeUInt16LE(2, 4)), /version 2, this helper reads version 1/],
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
    ['whitelist entry absolute', encodePlan({ ...base, mounts: [{ op: 'whitelist', path: '/tmp', entries: ['/etc'], optional: false }] }), /not a normalised relative path/],
    ['whitelist entry escaping', encodePlan({ ...base, mounts: [{ op: 'whitelist', path: '/tmp', entries: ['a/../..'], optional: false }] }), /not a normalised relative path/],
    ['tmpfs on /', encodePlan({ ...base, mounts: [{ op: 'tmpfs', path: '/', mode: 0o755, userOwned: false, optional: false }] }), /tmpfs of \/ is not allowed/],
    ['chroot into /', encodePlan({ ...base, root: { base: '/', overlay: null, lowers: [] } }), /a chroot into \/ changes nothing/],
    ['relative layer', encodePlan({ ...base, root: { base: '/srv', overlay: 'tmpfs', lowers: ['l1'] } }), /ROOT is not a normalised absolute path/],
    ['unknown mount kind', patch(encodePlan({ ...base, mounts: [{ op: 'mkdir', path: '/tmp/x' }] }), (b) => { b[b.length - 14] = 99; }), /unknown mount operation 99/],
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

/** A raw record. */
function rec(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt16LE(tag, 0);
  head.writeUInt32LE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** A valid plan with one more raw record appended. */
function encodeWith(plan: SandboxPlan, record: Buffer): Buffer {
  const b = encodePlan(plan);
  const out = Buffer.concat([b, record]);
  out.writeUInt32LE(out.length - 12, 8);
  return out;
}
