/** The plan's `security` part as wire records (native/PLAN.md, tags
 * 0x20-0x2f): the PRIVS bits, then the filter and its description. */
import { PRIV_BITS, SECCOMP_BITS } from '../wire/plan-def.js';
import { bitsOf, text, type PlanWriter } from '../wire/writer.js';
import type { SecurityPlan } from './plan.js';
import type { TracedCall } from './tracelog.js';

/** TRACE_CALL's directory argument when the path is relative to the
 * working directory. */
const NO_DIRFD = 255;

export function encodeSecurity(s: SecurityPlan, w: PlanWriter): void {
  const privs = bitsOf(PRIV_BITS, s);
  if (privs !== 0) w.u32('PRIVS', privs);
  if (s.apparmor !== null) w.str('APPARMOR', s.apparmor);
  for (const p of s.tracelog?.paths ?? []) w.str('TRACE_PATH', p);
  for (const c of s.tracelog?.calls ?? []) w.record('TRACE_CALL', traceCall(c));
  const f = s.seccomp;
  if (f === null) return;
  w.record('SECCOMP_BPF', Buffer.from(f.bpf, 'base64'));
  w.u32('SECCOMP_FLAGS', bitsOf(SECCOMP_BITS, f));
  w.str('SECCOMP_ACTION', f.action);
  for (const c of f.syscalls) w.str('SECCOMP_SYSCALL', c);
  for (const r of f.rules) w.str('SECCOMP_RULE', r);
}

/** u32 arch, u32 number, u8 path argument, u8 directory argument (255:
 * none), then the name. */
function traceCall(c: TracedCall): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt32LE(c.arch >>> 0, 0);
  head.writeUInt32LE(c.nr >>> 0, 4);
  head.writeUInt8(c.path, 8);
  head.writeUInt8(c.dirfd ?? NO_DIRFD, 9);
  return Buffer.concat([head, text(c.name)]);
}
