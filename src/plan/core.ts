/** The plan's core (native/PLAN.md, tags 0x01-0x0f): the namespaces, the
 * flags, the hostname, the program with its argv, environment and working
 * directory, the capabilities a root caller keeps, and the profile files
 * the plan came from. Its types, and its records on the wire. */
import type { PlanSource } from '../profile/model.js';
import { capabilityNumber } from '../seccomp/caps.js';
import { FLAG_BITS, NS_BITS, NS_BITS_KEYS, PLAN_VERSION } from '../wire/plan-def.js';
import { u64, type PlanWriter } from '../wire/writer.js';

/** In wire-bit order; a plan lists them in this order. */
export const NAMESPACES = NS_BITS_KEYS;
export type NamespaceName = (typeof NAMESPACES)[number];

export type PlanLogLevel = 'quiet' | 'normal' | 'debug';

export interface CorePlan {
  readonly version: typeof PLAN_VERSION;
  readonly namespaces: readonly NamespaceName[];
  readonly noNewPrivs: boolean;
  readonly log: PlanLogLevel;
  readonly hostname: string | null;
  /** Absolute path of the file to execute. */
  readonly program: string;
  readonly argv: readonly string[];
  /** NAME=value entries, in order. */
  readonly env: readonly string[];
  readonly cwd: string | null;
  /** Capabilities a root caller keeps, as cap_NAME (none by default). */
  readonly capsKeep: readonly string[];
  readonly sources: readonly PlanSource[];
}

export function encodeCore(p: CorePlan, w: PlanWriter): void {
  let ns = 0;
  for (const n of p.namespaces) ns |= NS_BITS[n];
  w.u32('NAMESPACES', ns);
  const log = p.log === 'debug' ? FLAG_BITS.debug : p.log === 'quiet' ? FLAG_BITS.quiet : 0;
  w.u32('FLAGS', (p.noNewPrivs ? FLAG_BITS.noNewPrivs : 0) | log);
  if (p.hostname !== null) w.str('HOSTNAME', p.hostname);
  w.str('PROGRAM', p.program);
  for (const a of p.argv) w.str('ARGV', a);
  for (const e of p.env) w.str('ENV', e);
  if (p.cwd !== null) w.str('CWD', p.cwd);
  if (p.capsKeep.length > 0) {
    let caps = 0n;
    for (const c of p.capsKeep) caps |= 1n << BigInt(capabilityNumber(c));
    w.record('CAPS_KEEP', u64(caps));
  }
  for (const s of p.sources) w.u64str('SOURCE', BigInt(s.mtimeNs), s.path);
}
