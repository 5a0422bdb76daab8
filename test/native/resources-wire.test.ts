/** The resources records (tags 0x40-0x4f): TS encodes, the helper decodes,
 * and refuses malformed ones before anything is created. */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePlan } from '../../src/plan/encode.js';
import type { SandboxPlan } from '../../src/plan/types.js';
import { NO_RESOURCE_PLAN, type ResourcePlan } from '../../src/resources/plan.js';
import { HELPER, MINIMAL_PLAN, dumpPlan } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tjtest-rwire-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: SandboxPlan = MINIMAL_PLAN;

const dump = dumpPlan;

function withRes(r: Partial<ResourcePlan>): SandboxPlan {
  return { ...base, resources: { ...NO_RESOURCE_PLAN, ...r } };
}

/** A valid plan with one more raw record appended. */
function withRecord(tag: number, value: Buffer): Buffer {
  const b = encodePlan(base);
  const head = Buffer.alloc(6);
  head.writeUInt16LE(tag, 0);
  head.writeUInt32LE(value.length, 2);
  const out = Buffer.concat([b, head, value]);
  out.writeUInt32LE(out.length - 12, 8);
  return out;
}

function u32s(...v: number[]): Buffer {
  const b = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => b.writeUInt32LE(x >>> 0, i * 4));
  return b;
}

function rlimit(which: number, value: bigint): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(which, 0);
  b.writeBigUInt64LE(value, 4);
  return b;
}

describe('resources round trip', () => {
  it('a plan with every resource comes back equal', () => {
    const plan = withRes({
      cgroupFiles: ['/sys/fs/cgroup/cpu/g1/tasks', '/sys/fs/cgroup/unified/g2'],
      cpuQuota: { quotaUs: 150_000, periodUs: 100_000 },
      memoryBytes: 2 ** 53 - 1,
      pidsMax: 4_194_304,
      cpus: [0, 7, 8, 1023],
      rlimits: { as: 0, cpu: 1, fsize: 1024, nofile: 64, nproc: 2 ** 40, sigpending: 9 },
      nice: -20,
      timeoutSeconds: 10_000 * 3600 - 1,
    });
    const r = dump(encodePlan(plan));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(plan);
  });

  it('a few resources, the rest absent', () => {
    const plan = withRes({ pidsMax: 5, nice: 19, rlimits: { ...NO_RESOURCE_PLAN.rlimits, sigpending: 3 } });
    const r = dump(encodePlan(plan));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(plan);
  });
});

describe('malformed resource records are refused', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['cgroup file outside /sys/fs/cgroup', encodePlan(withRes({ cgroupFiles: ['/etc/passwd'] })), /CGROUP_FILE \/etc\/passwd is not under \/sys\/fs\/cgroup/],
    ['cgroup file with ..', encodePlan(withRes({ cgroupFiles: ['/sys/fs/cgroup/../../etc/passwd'] })), /CGROUP_FILE is not a normalised absolute path/],
    ['the cgroup root itself', encodePlan(withRes({ cgroupFiles: ['/sys/fs/cgroup'] })), /not under/],
    ['a cgroup prefix lookalike', encodePlan(withRes({ cgroupFiles: ['/sys/fs/cgroupx/tasks'] })), /not under/],
    ['17 cgroup files', encodePlan(withRes({ cgroupFiles: Array.from({ length: 17 }, (_, i) => `/sys/fs/cgroup/g${i}`) })), /more than 16 CGROUP_FILE/],
    ['quota below 1 ms', withRecord(0x41, u32s(999, 100_000)), /CPU_QUOTA quota 999/],
    ['quota above 1024 periods', withRecord(0x41, u32s(1024 * 1000 + 1, 1000)), /CPU_QUOTA quota/],
    ['period above 1 s', withRecord(0x41, u32s(10_000, 1_000_001)), /CPU_QUOTA period/],
    ['quota of the wrong size', withRecord(0x41, u32s(10_000)), /CPU_QUOTA must be 8 bytes/],
    ['memory below 1 MiB', encodePlan(withRes({ memoryBytes: 1000 })), /MEMORY 1000 is out of range/],
    ['memory above 2^53', withRecord(0x42, Buffer.alloc(8, 0xff)), /MEMORY .* is out of range/],
    ['pids 0', encodePlan(withRes({ pidsMax: 0 })), /PIDS_MAX 0 is out of range/],
    ['no cpu', withRecord(0x44, Buffer.alloc(4)), /CPUS names no CPU/],
    ['cpu bitmap too long', withRecord(0x44, Buffer.alloc(129, 1)), /CPUS is 129 bytes/],
    ['unknown rlimit', withRecord(0x45, rlimit(6, 1n)), /RLIMIT 6 is not a known limit/],
    ['rlimit above 2^53', withRecord(0x45, rlimit(3, 1n << 60n)), /RLIMIT nofile is out of range/],
    ['nice 20', encodePlan(withRes({ nice: 20 })), /NICE 20 is not -20 to 19/],
    ['nice -21', encodePlan(withRes({ nice: -21 })), /NICE -21/],
    ['timeout 0', encodePlan(withRes({ timeoutSeconds: 0 })), /TIMEOUT 0 is out of range/],
    ['unknown tag in the range', withRecord(0x4f, Buffer.alloc(4)), /unknown record tag 0x4f/],
  ];

  it.each(cases)('%s', (_name, bytes, message) => {
    const r = dump(bytes);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an rlimit or a quota given twice', () => {
    const twice = (tag: number, v: Buffer) => {
      const once = withRecord(tag, v);
      const head = Buffer.alloc(6);
      head.writeUInt16LE(tag, 0);
      head.writeUInt32LE(v.length, 2);
      const out = Buffer.concat([once, head, v]);
      out.writeUInt32LE(out.length - 12, 8);
      return out;
    };
    expect(dump(twice(0x45, rlimit(1, 5n))).stderr).toMatch(/RLIMIT cpu given twice/);
    expect(dump(twice(0x41, u32s(10_000, 100_000))).stderr).toMatch(/CPU_QUOTA given twice/);
  });
});
