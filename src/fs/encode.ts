/** The mount operations as MOUNT records (native/PLAN.md, "Mount
 * operations"): u8 kind, u16 flags, u16 mode, u16 npaths, the paths. The
 * kinds and flag bits are plan.def's. */
import { MOUNT_FLAGS, MOUNT_KINDS } from '../wire/plan-def.js';
import { bitsOf, prefixed, type PlanWriter } from '../wire/writer.js';
import type { MountOp } from './plan.js';

function paths(m: MountOp): readonly string[] {
  switch (m.op) {
    case 'dev':
      return [];
    case 'bind':
      return [m.src, m.dst];
    case 'whitelist':
      return [m.path, ...m.entries];
    case 'private-bin':
      return m.files;
    case 'machine-id':
      return m.paths;
    default:
      return [m.path];
  }
}

export function mountRecord(m: MountOp): Buffer {
  const p = paths(m);
  const head = Buffer.alloc(7);
  const kind = MOUNT_KINDS[m.op];
  head.writeUInt8(kind.kind, 0);
  head.writeUInt16LE(bitsOf(MOUNT_FLAGS, m) & kind.flags, 1);
  head.writeUInt16LE(m.op === 'tmpfs' ? m.mode : 0, 3);
  head.writeUInt16LE(p.length, 5);
  return Buffer.concat([head, ...prefixed(p)]);
}

export function encodeMounts(mounts: readonly MountOp[], w: PlanWriter): void {
  for (const m of mounts) w.record('MOUNT', mountRecord(m));
}
