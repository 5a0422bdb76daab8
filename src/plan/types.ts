/** SandboxPlan: everything the helper does, and nothing else. Plain data;
 * JSON.stringify of a plan is what --print-plan shows, and what the helper's
 * --dump-plan gives back. The wire format is native/PLAN.md. */

import type { ResourcePlan } from '../resources/plan.js';

export const PLAN_VERSION = 1;

/** In wire-bit order; a plan lists them in this order. */
export const NAMESPACES = ['pid', 'mount', 'ipc', 'uts', 'net', 'cgroup'] as const;
export type NamespaceName = (typeof NAMESPACES)[number];

export type PlanLogLevel = 'quiet' | 'normal' | 'debug';

export interface PlanSource {
  readonly path: string;
  /** Nanoseconds since the epoch, as a decimal string (exceeds 2^53). */
  readonly mtimeNs: string;
}

export interface SandboxPlan {
  readonly version: typeof PLAN_VERSION;
  readonly namespaces: readonly NamespaceName[];
  readonly noNewPrivs: boolean;
  readonly log: PlanLogLevel;
  readonly hostname: string | null;
  /** Absolute path of the file to execute. */
  readonly program: string;
  readonly argv: readonly string[];
  /** NAME=value entries, in order. */
  readonly env: readonly string[];
  readonly cwd: string | null;
  /** Capability numbers a root caller keeps (none by default). */
  readonly capsKeep: readonly number[];
  readonly sources: readonly PlanSource[];
  /** Cgroup placement, transient cgroup limits, rlimits, nice, timeout. */
  readonly resources: ResourcePlan;
}
