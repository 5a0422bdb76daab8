/** The new root as the ROOT record (native/PLAN.md, "Root"): u8 flags, u8
 * nlowers, then the paths: base, upper and work (an overlay on disk), the
 * lower layers. */
import { ROOT_FLAGS } from '../wire/plan-def.js';
import type { PlanWriter } from '../wire/writer.js';
import type { RootSpec } from './plan.js';

export function encodeRoot(r: RootSpec, w: PlanWriter): void {
  const flags = (r.overlay !== null ? ROOT_FLAGS.overlay : 0) | (r.overlay === 'tmpfs' ? ROOT_FLAGS.tmpfsUpper : 0);
  const paths = [r.base];
  if (r.overlay !== null && r.overlay !== 'tmpfs') paths.push(r.overlay.upper, r.overlay.work);
  w.prefixedRecord('ROOT', [flags, r.lowers.length], [...paths, ...r.lowers]);
}
