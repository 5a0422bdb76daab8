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
