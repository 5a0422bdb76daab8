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

/** One filesystem operation; the helper applies them in order inside the new
 * mount namespace (native/PLAN.md, "Mount operations"). `optional`: a
 * missing path is skipped rather than an error. */
export type MountOp =
  | { readonly op: 'read-only' | 'read-write' | 'noexec' | 'blacklist'; readonly path: string; readonly optional: boolean }
  | { readonly op: 'tmpfs'; readonly path: string; readonly mode: number; readonly userOwned: boolean; readonly optional: boolean }
  | { readonly op: 'bind'; readonly src: string; readonly dst: string; readonly readOnly: boolean; readonly optional: boolean }
  | {
      readonly op: 'whitelist'; readonly path: string; readonly entries: readonly string[]; readonly optional: boolean;
      /** The working directory, when below path, stays visible too (tsjail's
       * default /tmp: a profile that did not decide /tmp keeps the cwd). */
      readonly keepCwd?: boolean;
    }
  | { readonly op: 'mkdir' | 'mkfile'; readonly path: string }
  | { readonly op: 'dev'; readonly sound: boolean; readonly dri: boolean };

export type MountOpName = MountOp['op'];

/** A new root: a chroot directory, or an overlay whose lowest layer is
 * that directory ('/' for the host's root). */
export interface RootSpec {
  readonly base: string;
  /** null: a plain chroot; 'tmpfs': a throw-away upper layer. */
  readonly overlay: null | 'tmpfs' | { readonly upper: string; readonly work: string };
  /** More read-only layers above base, top first. */
  readonly lowers: readonly string[];
}

/** The network: the host interface, the sandbox's interface and what goes in
 * its resolv.conf and hosts. See src/net/. */
export interface NetworkPlan {
  /** Host interface the sandbox's interface hangs off (macvlan; a veth pair
   * if it is a bridge); null: none (with the net namespace, only lo). */
  readonly parent: string | null;
  /** The interface's name inside the sandbox. */
  readonly name: string;
  /** Host end of the veth pair when parent is a bridge; null: tsjail picks. */
  readonly vethName: string | null;
  /** IPv4 address; 'none': no address; null: the helper picks a free one. */
  readonly ip: string | null;
  readonly netmask: string | null;
  readonly gateway: string | null;
  readonly mac: string | null;
  readonly mtu: number | null;
  /** Name servers for the sandbox's own /etc/resolv.conf (at most 4). */
  readonly dns: readonly string[];
  /** Contents of the sandbox's /etc/hosts (--hosts-file, read as the caller). */
  readonly hosts: string | null;
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
  /** Capabilities a root caller keeps, as cap_NAME (none by default). */
  readonly capsKeep: readonly string[];
  readonly sources: readonly PlanSource[];
  readonly mounts: readonly MountOp[];
  readonly root: RootSpec | null;
  /** Cgroup placement, transient cgroup limits, rlimits, nice, timeout. */
  readonly resources: ResourcePlan;
  readonly security: SecurityPlan;
  /** null: the host's network as it is, nothing to set up. */
  readonly network: NetworkPlan | null;
}

/** Seccomp and privileges (issue 3; PLAN.md tags 0x20-0x2f). */
export interface SecurityPlan {
  /** Run as rootless: a user namespace that maps only the caller. */
  readonly noRoot: boolean;
  /** prctl(PR_SET_MDWE) before execve (Linux 6.3); on older kernels the
   * filter carries the same rule instead. */
  readonly memoryDenyWriteExecute: boolean;
  /** null: no filter at all. */
  readonly seccomp: SeccompPlan | null;
}

/** The one seccomp filter the helper installs last, just before execve.
 * Only `bpf` is acted on; the rest says in words what it does. */
export interface SeccompPlan {
  /** What a blocked call gets: an errno name (EPERM), kill or log. */
  readonly action: string;
  /** true: `syscalls` are the calls allowed; false: the calls blocked. */
  readonly allowlist: boolean;
  /** The i386 and x32 ABIs are blocked whole. */
  readonly blockSecondary: boolean;
  /** Sorted; name:ACTION for a call with its own action. */
  readonly syscalls: readonly string[];
  /** The argument-inspecting rules, one line each. */
  readonly rules: readonly string[];
  /** struct sock_filter[], base64. */
  readonly bpf: string;
}
