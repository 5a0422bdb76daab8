/** The mount operations as MOUNT records (native/PLAN.md, "Mount
 * operations"): u8 kind, u16 flags, u16 mode, u16 npaths, the paths. The
 * kinds and flag bits are plan.def's. */
import { MOUNT_FLAGS, MOUNT_KINDS } from '../wire/plan-def.js';
import type { PlanWriter } from '../wire/writer.js';
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

/** For each kind, the flags it may carry, as [name, bit] (a kind has one
 * to three of the dozen, and a profile's plan a hundred records). */
const KIND_FLAGS = new Map(Object.entries(MOUNT_KINDS).map(([op, k]) => [
  op, Object.entries(MOUNT_FLAGS).filter(([, bit]) => (k.flags & bit) !== 0),
]));

/** A MOUNT record: u8 kind, u16 flags, u16 mode, u16 count, the paths. */
function writeMount(m: MountOp, w: PlanWriter): void {
  const p = paths(m);
  const kind = MOUNT_KINDS[m.op];
  let flags = 0;
  const named = KIND_FLAGS.get(m.op) ?? [];
  for (let i = 0; i < named.length; i++) {
    const entry = named[i] as [string, number];
    if ((m as unknown as Record<string, unknown>)[entry[0]] === true) flags |= entry[1];
  }
  const mode = m.op === 'tmpfs' ? m.mode : 0;
  w.prefixedRecord('MOUNT', [kind.kind, flags & 0xff, flags >>> 8, mode & 0xff, mode >>> 8, p.length & 0xff, p.length >>> 8], p);
}

export function encodeMounts(mounts: readonly MountOp[], w: PlanWriter): void {
  for (let i = 0; i < mounts.length; i++) writeMount(mounts[i] as MountOp, w);
}
