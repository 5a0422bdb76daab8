/** The plan's resources as wire records (native/PLAN.md, tags 0x40-0x4f). */
import { PlanError } from '../errors.js';
import { RLIMITS } from './options.js';
import type { ResourcePlan } from './plan.js';

export const enum ResourceTag {
  CgroupFile = 0x40,
  CpuQuota = 0x41,
  Memory = 0x42,
  PidsMax = 0x43,
  Cpus = 0x44,
  Rlimit = 0x45,
  Nice = 0x46,
  Timeout = 0x47,
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
}

function u64(v: number): Buffer {
  if (!Number.isSafeInteger(v) || v < 0) throw new PlanError(`plan: ${v} is not a valid 64-bit value`);
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v), 0);
  return b;
}

export function encodeResources(r: ResourcePlan): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (const f of r.cgroupFiles) {
    if (f.includes('\0')) throw new PlanError(`plan: a NUL byte in ${JSON.stringify(f)}`);
    out.push([ResourceTag.CgroupFile, Buffer.from(f, 'utf8')]);
  }
  if (r.cpuQuota !== null) {
    out.push([ResourceTag.CpuQuota, Buffer.concat([u32(r.cpuQuota.quotaUs), u32(r.cpuQuota.periodUs)])]);
  }
  if (r.memoryBytes !== null) out.push([ResourceTag.Memory, u64(r.memoryBytes)]);
  if (r.pidsMax !== null) out.push([ResourceTag.PidsMax, u32(r.pidsMax)]);
  if (r.cpus.length > 0) {
    const mask = Buffer.alloc(Math.floor(Math.max(...r.cpus) / 8) + 1);
    for (const c of r.cpus) mask[c >> 3] = (mask[c >> 3] as number) | (1 << (c & 7));
    out.push([ResourceTag.Cpus, mask]);
  }
  RLIMITS.forEach((name, i) => {
    const v = r.rlimits[name];
    if (v !== null) out.push([ResourceTag.Rlimit, Buffer.concat([u32(i), u64(v)])]);
  });
  if (r.nice !== null) out.push([ResourceTag.Nice, u32(r.nice)]);
  if (r.timeoutSeconds !== null) out.push([ResourceTag.Timeout, u32(r.timeoutSeconds)]);
  return out;
}
