/** The plan's filesystem part (native/PLAN.md, "Mount operations"): the
 * mount operations the helper applies in order inside the new mount
 * namespace. Built by build.ts, written by encode.ts. */
import type { MountFlags } from '../wire/plan-def.js';

/** One filesystem operation. `optional`: a missing path is skipped rather
 * than an error. The flags are plan.def's (MountFlags). */
export type MountOp =
  | ({ readonly op: 'read-only' | 'read-write' | 'noexec' | 'blacklist'; readonly path: string } & Pick<MountFlags, 'optional'>)
  | ({ readonly op: 'tmpfs'; readonly path: string; readonly mode: number } & Pick<MountFlags, 'userOwned' | 'optional'>)
  | ({ readonly op: 'bind'; readonly src: string; readonly dst: string } & Pick<MountFlags, 'readOnly' | 'optional'>)
  | ({ readonly op: 'whitelist'; readonly path: string; readonly entries: readonly string[] } & Pick<MountFlags, 'optional' | 'keepCwd'>)
  | { readonly op: 'mkdir' | 'mkfile'; readonly path: string }
  | ({ readonly op: 'dev' } & Pick<MountFlags, 'sound' | 'dri'>);

export type MountOpName = MountOp['op'];
