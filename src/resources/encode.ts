/** The plan's resources as wire records (native/PLAN.md, tags 0x40-0x4f). */
import { PlanError } from '../errors.js';
import { RLIMITS } from '../wire/plan-def.js';
import { text, u32, u64, type PlanWriter } from '../wire/writer.js';
import type { ResourcePlan } from './plan.js';

/** A JSON number as u64: exact only up to 2^53-1. */
function u64n(v: number): Buffer {
  if (!Number.isSafeInteger(v) || v < 0) throw new PlanError(`plan: ${v} is not a valid 64-bit value`);
  return u64(BigInt(v));
}

export function encodeResources(r: ResourcePlan, w: PlanWriter): void {
  for (const f of r.cgroupFiles) w.record('CGROUP_FILE', text(f));
  if (r.cpuQuota !== null) w.record('CPU_QUOTA', Buffer.concat([u32(r.cpuQuota.quotaUs), u32(r.cpuQuota.periodUs)]));
  if (r.memoryBytes !== null) w.record('MEMORY', u64n(r.memoryBytes));
  if (r.pidsMax !== null) w.u32('PIDS_MAX', r.pidsMax);
  if (r.cpus.length > 0) {
    const mask = Buffer.alloc(Math.floor(Math.max(...r.cpus) / 8) + 1);
    for (const c of r.cpus) mask[c >> 3] = (mask[c >> 3] as number) | (1 << (c & 7));
    w.record('CPUS', mask);
  }
  RLIMITS.forEach((name, i) => {
    const v = r.rlimits[name];
    if (v !== null) w.record('RLIMIT', Buffer.concat([u32(i), u64n(v)]));
  });
  if (r.nice !== null) w.u32('NICE', r.nice);
  if (r.timeoutSeconds !== null) w.u32('TIMEOUT', r.timeoutSeconds);
}
