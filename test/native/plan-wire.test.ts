/** The wire format between the halves: TS encodes, the helper decodes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePlan, PLAN_MAX } from '../../src/plan/encode.js';
import type { SandboxPlan } from '../../src/plan/types.js';
import { NO_RESOURCE_PLAN } from '../../src/resources/plan.js';
import { HELPER } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tjtest-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: SandboxPlan = {
  version: 1,
  namespaces: ['pid', 'mount', 'ipc', 'uts'],
  noNewPrivs: true,
  log: 'normal',
  hostname: null,
  program: '/bin/true',
  argv: ['true'],
  env: [],
  cwd: null,
  capsKeep: [],
  sources: [],
  resources: NO_RESOURCE_PLAN,
};

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
      capsKeep: [0, 12, 21, 40],
      sources: [{ path: '/etc/tsjail/default.ini', mtimeNs: '1763884800123456789' }],
    };
    const r = helper(encodePlan(plan));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(plan);
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
    ['capability above the last', encodePlan({ ...base, capsKeep: [63] }), /CAPS_KEEP names a capability above/],
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

/** A valid plan with one more raw record appended. */
function encodeWith(plan: SandboxPlan, record: Buffer): Buffer {
  const b = encodePlan(plan);
  const out = Buffer.concat([b, record]);
  out.writeUInt32LE(out.length - 12, 8);
  return out;
}
