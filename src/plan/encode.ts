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
import { get16, get32, put32 } from '../wire/records.js';
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
  // (Bytes read and stored one by one, runs of kept records copied at
  // once: Buffer's checked methods cost most of this, in code run once.)
  const e = encoded;
  const out = Buffer.allocUnsafe(e.length);
  let o = 0;
  let keptFrom = 0;
  for (let i = PLAN_HEADER; i < e.length;) {
    const end = i + 6 + get32(e, i + 2);
    if (LAUNCH_TAGS.has(get16(e, i))) {
      out.set(e.subarray(keptFrom, i), o);
      o += i - keptFrom;
      keptFrom = end;
    }
    i = end;
  }
  out.set(e.subarray(keptFrom), o);
  o += e.length - keptFrom;
  put32(out, 8, o - PLAN_HEADER);
  return out.subarray(0, o);
}
