/** Writing a plan (native/PLAN.md): each concern's encoder
 * (src/CONCERN/encode.ts) adds its records by name, src/plan/encode.ts
 * frames them. Tags and bits come from plan-def.ts, generated from
 * native/plan.def. The helper re-checks everything; nothing is checked here
 * but what Buffer cannot write. */
import { PlanError } from '../errors.js';
import { PLAN_HEADER, PLAN_MAX, PLAN_VERSION, TAG, type RecordName } from './plan-def.js';

export class PlanWriter {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  record(name: RecordName, value: Buffer): void {
    const head = Buffer.alloc(6);
    head.writeUInt16LE(TAG[name], 0);
    head.writeUInt32LE(value.length, 2);
    this.chunks.push(head, value);
    this.size += 6 + value.length;
  }

  u32(name: RecordName, v: number): void {
    this.record(name, u32(v));
  }

  str(name: RecordName, s: string): void {
    this.record(name, text(s));
  }

  /** The header, then the records in the order they were added. */
  finish(): Buffer {
    const header = Buffer.alloc(PLAN_HEADER);
    header.write('TSJP', 0, 'latin1');
    header.writeUInt16LE(PLAN_VERSION, 4);
    header.writeUInt16LE(0, 6);
    header.writeUInt32LE(this.size, 8);
    const out = Buffer.concat([header, ...this.chunks]);
    if (out.length > PLAN_MAX) {
      throw new PlanError(`plan: ${out.length} bytes, more than the limit of ${PLAN_MAX}`);
    }
    return out;
  }
}

export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
}

export function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v, 0);
  return b;
}

/** UTF-8, refusing a NUL byte (the helper reads C strings). */
export function text(s: string): Buffer {
  if (s.includes('\0')) throw new PlanError(`plan: a NUL byte in ${JSON.stringify(s)}`);
  return Buffer.from(s, 'utf8');
}

/** u16-length-prefixed strings (MOUNT and ROOT paths). */
export function prefixed(strings: readonly string[]): Buffer[] {
  return strings.flatMap((s) => {
    const b = text(s);
    const len = Buffer.alloc(2);
    len.writeUInt16LE(b.length, 0);
    return [len, b];
  });
}

/** The bits of table whose keys are true in flags (keys it does not
 * have are clear). */
export function bitsOf(table: Readonly<Record<string, number>>, flags: object): number {
  let v = 0;
  for (const [key, bit] of Object.entries(table)) {
    if ((flags as Record<string, unknown>)[key] === true) v |= bit;
  }
  return v;
}
