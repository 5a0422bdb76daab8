/** SandboxPlan -> the wire format of native/PLAN.md: the header, then each
 * concern's records, in this order. The concerns write their own records
 * (src/CONCERN/encode.ts) with the tags of native/plan.def. The helper
 * re-checks everything; the checks here only turn a mistake into a clear
 * error before the helper runs. */
import { encodeDbus } from '../dbus/encode.js';
import { encodeMounts } from '../fs/encode.js';
import { encodeNetwork } from '../net/encode.js';
import { encodeRoot } from '../overlay/encode.js';
import { encodeResources } from '../resources/encode.js';
import { encodeSecurity } from '../seccomp/encode.js';
import { PLAN_HEADER, TAG } from '../wire/plan-def.js';
import { PlanWriter } from '../wire/writer.js';
import { encodeCore } from './core.js';
import type { SandboxPlan } from './types.js';

export { PLAN_MAX } from '../wire/plan-def.js';

export function encodePlan(plan: SandboxPlan): Buffer {
  const w = new PlanWriter();
  encodeCore(plan, w);
  encodeMounts(plan.mounts, w);
  if (plan.root !== null) encodeRoot(plan.root, w);
  encodeResources(plan.resources, w);
  encodeSecurity(plan.security, w);
  if (plan.network !== null) encodeNetwork(plan.network, w);
  if (plan.dbus !== null) encodeDbus(plan.dbus, w);
  return w.finish();
}

const LAUNCH_TAGS: ReadonlySet<number> = new Set([TAG.ARGV, TAG.ENV, TAG.CWD]);

/** An encoded plan without its launch's records (ARGV, ENV, CWD): the
 * bytes encodePlan gives the same plan with no argv, environment or working
 * directory (a stored plan's template), cut out of the plan already encoded
 * instead of encoding it again. */
export function withoutLaunch(encoded: Buffer): Buffer {
  const out = Buffer.allocUnsafe(encoded.length);
  encoded.copy(out, 0, 0, PLAN_HEADER);
  let o = PLAN_HEADER;
  for (let i = PLAN_HEADER; i < encoded.length;) {
    const tag = encoded.readUInt16LE(i);
    const end = i + 6 + encoded.readUInt32LE(i + 2);
    if (!LAUNCH_TAGS.has(tag)) o += encoded.copy(out, o, i, end);
    i = end;
  }
  out.writeUInt32LE(o - PLAN_HEADER, 8);
  return out.subarray(0, o);
}
