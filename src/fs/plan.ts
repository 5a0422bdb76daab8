/** The plan's filesystem part (native/PLAN.md, "Mount operations"): the
 * mount operations the helper applies in order inside the new mount
 * namespace. Built by build.ts, written by encode.ts. */
import type { MountFlags } from '../wire/plan-def.js';

/** One filesystem operation. `optional`: a missing path is skipped rather
 * than an error. The flags are plan.def's (MountFlags). */
export type MountOp =
  | ({ readonly op: 'read-only' | 'read-write' | 'noexec'; readonly path: string } & Pick<MountFlags, 'optional'>)
  /** nolog (firejail's blacklist-nolog): --tracelog does not log it. */
  | ({ readonly op: 'blacklist'; readonly path: string; readonly nolog?: true } & Pick<MountFlags, 'optional'>)
  | ({ readonly op: 'tmpfs'; readonly path: string; readonly mode: number } & Pick<MountFlags, 'userOwned' | 'optional'>)
  | ({ readonly op: 'bind'; readonly src: string; readonly dst: string } & Pick<MountFlags, 'readOnly' | 'optional'>)
  | ({ readonly op: 'whitelist'; readonly path: string; readonly entries: readonly string[] } & Pick<MountFlags, 'optional' | 'keepCwd'>)
  | { readonly op: 'mkdir' | 'mkfile'; readonly path: string }
  | ({ readonly op: 'dev' } & DeviceClasses)
  /** A new directory of programs holding only these files (each in one of
   * plan.def's BIN_DIRS), over every directory of programs. */
  | { readonly op: 'private-bin'; readonly files: readonly string[] }
  /** A new random id on these files (plan.def's MACHINE_ID_FILES). */
  | ({ readonly op: 'machine-id'; readonly paths: readonly string[] } & Pick<MountFlags, 'optional'>);

export type MountOpName = MountOp['op'];

/** The device classes a private /dev keeps (plan.def's DEV_NODES): the
 * dev operation's flags. */
export type DeviceClass = 'sound' | 'dri' | 'video' | 'tv' | 'dvd' | 'u2f' | 'input';
export type DeviceClasses = Pick<MountFlags, DeviceClass>;
