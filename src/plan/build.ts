/** options + context -> SandboxPlan. Pure: no I/O, so every plan can be
 * tested without running anything. */
import type { SandboxOptions } from '../options.js';
import type { ResolvedProgram } from '../program.js';
import { buildNetworkPlan } from '../net/plan.js';
import { PLAN_VERSION, type NamespaceName, type SandboxPlan } from './types.js';

export interface PlanContext {
  readonly resolved: ResolvedProgram;
  /** NAME=value, already reduced to the allowlist. */
  readonly env: readonly string[];
  readonly cwd: string;
  /** Contents of --hosts-file, read by the caller (main.ts). */
  readonly hosts?: string | null;
}

export function buildPlan(options: SandboxOptions, ctx: PlanContext): SandboxPlan {
  const namespaces: NamespaceName[] = ['pid', 'mount', 'ipc', 'uts'];
  if (options.network.namespace) namespaces.push('net');
  return {
    version: PLAN_VERSION,
    namespaces,
    noNewPrivs: true,
    log: options.log,
    hostname: options.hostname,
    program: ctx.resolved.program,
    argv: [...ctx.resolved.argv],
    env: [...ctx.env],
    cwd: ctx.cwd,
    capsKeep: [],
    sources: [],
    network: buildNetworkPlan(options.network, ctx.hosts ?? null),
  };
}
