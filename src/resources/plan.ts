/** The plan's `resources` part: what the helper places, limits and times.
 * Plain data, the same shape as the options, with --cgroup paths resolved. */
import { NO_RESOURCES, type ResourceOptions } from './options.js';

export type ResourcePlan = ResourceOptions;

/** A plan that asks for nothing. */
export const NO_RESOURCE_PLAN: ResourcePlan = NO_RESOURCES;

export function buildResources(r: ResourceOptions, cgroupFiles?: readonly string[]): ResourcePlan {
  return {
    cgroupFiles: [...(cgroupFiles ?? r.cgroupFiles)],
    cpuQuota: r.cpuQuota === null ? null : { ...r.cpuQuota },
    memoryBytes: r.memoryBytes,
    pidsMax: r.pidsMax,
    cpus: [...r.cpus],
    rlimits: { ...r.rlimits },
    nice: r.nice,
    timeoutSeconds: r.timeoutSeconds,
  };
}
