/** options + context -> SandboxPlan. Pure: no I/O, so every plan can be
 * tested without running anything. */
import { filesystemOps, type Caller } from '../fs/build.js';
import type { FsProbe } from '../fs/probe.js';
import type { SandboxOptions } from '../options.js';
import { securityPlan, type SecurityHost } from '../seccomp/plan.js';
import type { ResolvedProgram } from '../program.js';
import { PLAN_VERSION, type NamespaceName, type RootSpec, type SandboxPlan } from './types.js';

export interface PlanContext {
  readonly resolved: ResolvedProgram;
  /** NAME=value, already reduced to the allowlist. */
  readonly env: readonly string[];
  readonly cwd: string;
  readonly caller: Caller;
  /** How the filesystem builder sees the host. */
  readonly probe: FsProbe;
  /** A new root, already prepared (overlay directories made). */
  readonly root: RootSpec | null;
  /** How the seccomp filter is compiled and the kernel probed; tests may
   * swap it. Default: libseccomp and this machine. */
  readonly security?: SecurityHost;
}

export function buildPlan(options: SandboxOptions, ctx: PlanContext): SandboxPlan {
  const namespaces: NamespaceName[] = ['pid', 'mount', 'ipc', 'uts'];
  const sec = securityPlan(options.security, !options.noProfile, ctx.caller, ctx.security);
  return {
    version: PLAN_VERSION,
    namespaces,
    noNewPrivs: true,
    log: options.log,
    hostname: options.hostname,
    program: ctx.resolved.program,
    argv: [...ctx.resolved.argv],
    env: [...ctx.env],
    // Inside a new root the caller's directory means nothing.
    cwd: ctx.root === null ? ctx.cwd : '/',
    capsKeep: [...sec.capsKeep],
    sources: [],
    // A new root brings its own /proc, /dev, /sys and /tmp; the host's
    // default policy does not apply inside it.
    mounts: filesystemOps(options.filesystem, !options.noProfile && ctx.root === null, ctx.caller, ctx.probe),
    root: ctx.root,
    security: sec.security,
  };
}
