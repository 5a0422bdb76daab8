/** The plan's `security` part as wire records (native/PLAN.md, tags
 * 0x20-0x2f): the PRIVS bits, then the filter and its description. */
import { PRIV_BITS, SECCOMP_BITS } from '../wire/plan-def.js';
import { bitsOf, type PlanWriter } from '../wire/writer.js';
import type { SecurityPlan } from './plan.js';

export function encodeSecurity(s: SecurityPlan, w: PlanWriter): void {
  const privs = bitsOf(PRIV_BITS, s);
  if (privs !== 0) w.u32('PRIVS', privs);
  const f = s.seccomp;
  if (f === null) return;
  w.record('SECCOMP_BPF', Buffer.from(f.bpf, 'base64'));
  w.u32('SECCOMP_FLAGS', bitsOf(SECCOMP_BITS, f));
  w.str('SECCOMP_ACTION', f.action);
  for (const c of f.syscalls) w.str('SECCOMP_SYSCALL', c);
  for (const r of f.rules) w.str('SECCOMP_RULE', r);
}
