/** Writing a plan (native/PLAN.md): each concern's encoder
 * (src/CONCERN/encode.ts) adds its records by name, src/plan/encode.ts
 * frames them. Tags and bits come from plan-def.ts, generated from
 * native/plan.def. The helper re-checks everything; nothing is checked here
 * but what Buffer cannot write. */
import { PlanError } from '../errors.js';
import { PLAN_HEADER, PLAN_MAX, PLAN_VERSION, TAG, type RecordName } from './plan-def.js';
import { put16, put32, RecordBuffer } from './records.js';

/** The records go into one growing buffer as they come: a plan has
 * hundreds (a big profile's MOUNT records), and a Buffer for each record,
 * each field and each path, joined at the end, was most of encoding one. */
export class PlanWriter extends RecordBuffer {
  constructor() {
    super(16384, PLAN_HEADER, false, 'plan');
  }

  record(name: RecordName, value: Buffer): void {
    this.bytesRecord(TAG[name], value);
  }

  /** A u64 then a string (SOURCE: a profile file's mtime and path). */
  u64str(name: RecordName, v: bigint, s: string): void {
    const start = this.begin(TAG[name], 8 + 3 * s.length);
    put32(this.buf, this.off, Number(v & 0xffffffffn));
    put32(this.buf, this.off + 4, Number((v >> 32n) & 0xffffffffn));
    this.off += 8;
    this.text(s);
    this.end(start);
  }

  u32(name: RecordName, v: number): void {
    this.u32Record(TAG[name], v);
  }

  str(name: RecordName, s: string): void {
    this.textRecord(TAG[name], s);
  }

  /** A record of a fixed head (bytes) then u16-length-prefixed strings
   * (MOUNT, ROOT), written in place. */
  prefixedRecord(name: RecordName, head: readonly number[], strings: readonly string[]): void {
    let max = head.length;
    for (let i = 0; i < strings.length; i++) max += 2 + 3 * (strings[i] as string).length;
    const start = this.begin(TAG[name], max);
    for (let i = 0; i < head.length; i++) this.buf[this.off++] = head[i] as number;
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i] as string;
      const at = this.off;
      this.off += 2;
      const n = this.text(s);
      if (n > 0xffff) throw new PlanError(`plan: a string of ${n} bytes`);
      put16(this.buf, at, n);
    }
    this.end(start);
  }

  /** The header, then the records in the order they were added. */
  finish(): Buffer {
    if (this.off > PLAN_MAX) {
      throw new PlanError(`plan: ${this.off} bytes, more than the limit of ${PLAN_MAX}`);
    }
    const out = this.buf.subarray(0, this.off);
    out[0] = 0x54; // TSJP
    out[1] = 0x53;
    out[2] = 0x4a;
    out[3] = 0x50;
    put16(out, 4, PLAN_VERSION);
    put16(out, 6, 0);
    put32(out, 8, this.off - PLAN_HEADER);
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

/** The bits of table whose keys are true in flags (keys it does not
 * have are clear). */
export function bitsOf(table: Readonly<Record<string, number>>, flags: object): number {
  let entries = BIT_ENTRIES.get(table);
  if (entries === undefined) {
    entries = Object.entries(table);
    BIT_ENTRIES.set(table, entries);
  }
  let v = 0;
  for (const [key, bit] of entries) {
    if ((flags as Record<string, unknown>)[key] === true) v |= bit;
  }
  return v;
}

/** Each table's entries, made once (a plan has hundreds of MOUNT records). */
const BIT_ENTRIES = new WeakMap<object, (readonly [string, number])[]>();
