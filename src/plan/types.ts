/** SandboxPlan: everything the helper does, and nothing else. Plain data;
 * JSON.stringify of a plan is what --print-plan shows, and what the helper's
 * --dump-plan gives back. The wire format is native/PLAN.md. */

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
  /** Capability numbers a root caller keeps (none by default). */
  readonly capsKeep: readonly number[];
  readonly sources: readonly PlanSource[];
  /** null: the host's network as it is, nothing to set up. */
  readonly network: NetworkPlan | null;
}
