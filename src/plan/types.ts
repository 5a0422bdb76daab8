/** SandboxPlan: everything the helper does, and nothing else. Plain data;
 * JSON.stringify of a plan is what --print-plan shows, and what the helper's
 * --dump-plan gives back. The wire format is native/PLAN.md, defined in
 * native/plan.def.
 *
 * Each part is its concern's (src/CONCERN/plan.ts has its types,
 * encode.ts its records); this file only puts them together, and imports
 * from the concerns, never the other way round. */
import type { MountOp } from '../fs/plan.js';
import type { NetworkPlan } from '../net/plan.js';
import type { RootSpec } from '../overlay/plan.js';
import type { ResourcePlan } from '../resources/plan.js';
import type { SecurityPlan } from '../seccomp/plan.js';
import type { CorePlan } from './core.js';
import type { DbusPlan } from '../dbus/plan.js';

export { NAMESPACES, type NamespaceName, type PlanLogLevel } from './core.js';
export { PLAN_VERSION } from '../wire/plan-def.js';
export type { PlanSource } from '../profile/model.js';
export type { MountOp, MountOpName } from '../fs/plan.js';
export type { RootSpec } from '../overlay/plan.js';
export type { NetworkPlan } from '../net/plan.js';
export type { SecurityPlan, SeccompPlan } from '../seccomp/plan.js';
export type { BusPlan, DbusPlan } from '../dbus/plan.js';

export interface SandboxPlan extends CorePlan {
  /** In the order the helper applies them (src/fs/). */
  readonly mounts: readonly MountOp[];
  /** A new root (src/overlay/). */
  readonly root: RootSpec | null;
  /** Cgroup placement, transient cgroup limits, rlimits, nice, timeout (src/resources/). */
  readonly resources: ResourcePlan;
  /** Seccomp and privileges (src/seccomp/). */
  readonly security: SecurityPlan;
  /** null: the host's network as it is, nothing to set up (src/net/). */
  readonly network: NetworkPlan | null;
  /** null: both buses as they are (src/dbus/). */
  readonly dbus: DbusPlan | null;
}
