/** Capability names (capabilities(7)), by number: plan.def's list. Options
 * take them with or without the cap_ prefix, in any case; the plan shows
 * them as cap_NAME. */
import { CAPABILITIES } from '../wire/plan-def.js';

export { CAPABILITIES };

/** cap_NAME for a capability given as NAME, cap_NAME or CAP_NAME; null when
 * there is no such capability. */
export function capabilityName(text: string): string | null {
  const bare = text.toLowerCase().replace(/^cap_/, '');
  return (CAPABILITIES as readonly string[]).includes(bare) ? `cap_${bare}` : null;
}

/** The number of cap_NAME. */
export function capabilityNumber(name: string): number {
  const n = (CAPABILITIES as readonly string[]).indexOf(name.replace(/^cap_/, ''));
  if (n < 0) throw new RangeError(`no capability ${name}`);
  return n;
}
