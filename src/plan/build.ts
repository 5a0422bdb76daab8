/** options + context -> SandboxPlan. Pure: no I/O, so every plan can be
 * tested without running anything. */
import { filesystemOps, type Caller } from '../fs/build.js';
import type { FsProbe } from '../fs/probe.js';
import { warn } from '../log.js';
import type { SandboxOptions } from '../options.js';
import { securityPlan, type SecurityHost } from '../seccomp/plan.js';
import { mark } from '../timing.js';
import type { ResolvedProgram } from '../program.js';
import { buildNetworkPlan } from '../net/plan.js';
import { buildResources } from '../resources/plan.js';
import type { DbusPlan } from '../dbus/plan.js';
import { PLAN_VERSION, type NamespaceName, type PlanSource, type RootSpec, type SandboxPlan } from './types.js';

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
  /** The profile files the options came from, with their mtimes. */
  readonly sources?: readonly PlanSource[];
  /** --cgroup files resolved to real paths (default: as given). */
  readonly cgroupFiles?: readonly string[];
  /** How the seccomp filter is compiled and the kernel probed; tests may
   * swap it. Default: libseccomp and this machine. */
  readonly security?: SecurityHost;
  /** Contents of --hosts-file, read by the caller (main.ts). */
  readonly hosts?: string | null;
  /** The D-Bus part, built by the caller from the host's buses (main.ts). */
  readonly dbus?: DbusPlan | null;
}

export function buildPlan(options: SandboxOptions, ctx: PlanContext): SandboxPlan {
  const namespaces: NamespaceName[] = ['pid', 'mount', 'ipc', 'uts'];
  // An overlay over the host's root clones mounts a user namespace may not
  // clone (its submounts are locked there): --noroot gives way to it.
  // A host interface (--net=IFACE) is set up by the setuid helper as root:
  // --noroot gives way to both, as firejail lets --net win.
  const overHost = ctx.root !== null && ctx.root.overlay !== null && ctx.root.base === '/';
  const hostNet = options.network.parent !== null;
  const security = (overHost || hostNet) && options.security.noRoot ? { ...options.security, noRoot: false } : options.security;
  if (security !== options.security) {
    warn(`noroot is not possible with ${hostNet ? '--net=IFACE' : 'an overlay over /'}: ignored`);
  }
  mark('plan:start');
  // A new root brings its own /dev and /tmp, and files of its own: the
  // host's default policy does not apply inside it, but for /proc and /sys,
  // which are the same kernel's (the sysctls and kernel files of the host),
  // and, in an overlay over /, for what hides the host's own files.
  const mounts = filesystemOps(options.filesystem, !options.noProfile && ctx.root === null, ctx.caller, ctx.probe, {
    newRoot: ctx.root !== null, program: ctx.resolved.program, kernelDefaults: !options.noProfile,
    hostFiles: !options.noProfile && overHost,
  });
  mark('plan:mounts');
  const blacklisted = mounts.flatMap((m) => (m.op === 'blacklist' && m.nolog !== true ? [m.path] : []));
  const sec = securityPlan(security, !options.noProfile, ctx.caller, ctx.security, blacklisted);
  mark('plan:security');
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
    // Inside a new root the caller's directory means nothing.
    cwd: ctx.root === null ? ctx.cwd : '/',
    capsKeep: [...sec.capsKeep],
    sources: [...(ctx.sources ?? [])],
    mounts,
    root: ctx.root,
    resources: buildResources(options.resources, ctx.cgroupFiles),
    security: sec.security,
    network: buildNetworkPlan(options.network, ctx.hosts ?? null, ctx.probe),
    dbus: ctx.dbus ?? null,
  };
}
