/** Writing a plan (native/PLAN.md): each concern's encoder
 * (src/CONCERN/encode.ts) adds its records by name, src/plan/encode.ts
 * frames them. Tags and bits come from plan-def.ts, generated from
 * native/plan.def. The helper re-checks everything; nothing is checked here
 * but what Buffer cannot write. */
import { PlanError } from '../errors.js';
import { PLAN_HEADER, PLAN_MAX, PLAN_VERSION, TAG, type RecordName } from './plan-def.js';
import { writeUtf8 } from './utf8.js';

/** The records go into one growing buffer as they come: a plan has
 * hundreds (a big profile's MOUNT records), and a Buffer for each record,
 * each field and each path, joined at the end, was most of encoding one. */
export class PlanWriter {
  private buf = Buffer.allocUnsafe(16384);
  private off = PLAN_HEADER;

  /** Room for n more bytes. */
  private room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.off + n));
    this.buf.copy(bigger, 0, 0, this.off);
    this.buf = bigger;
  }

  /** Bytes are stored one by one: Buffer's write methods check their
   * arguments, which costs more than the store itself in code that runs
   * once, as a cold launch's does. */
  private put16(at: number, v: number): void {
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
  }

  private put32(at: number, v: number): void {
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = (v >>> 16) & 0xff;
    this.buf[at + 3] = (v >>> 24) & 0xff;
  }

  /** A record's head, its length filled in by end(): returns where the
   * value begins. */
  private begin(name: RecordName, max: number): number {
    this.room(6 + max);
    this.put16(this.off, TAG[name]);
    this.off += 6;
    return this.off;
  }

  private end(start: number): void {
    this.put32(start - 4, this.off - start);
  }

  /** UTF-8 of s at the end (room made by the caller: 3 bytes a UTF-16
   * unit at most); returns its length. */
  private text(s: string): number {
    if (s.includes('\0')) throw new PlanError(`plan: a NUL byte in ${JSON.stringify(s)}`);
    const n = writeUtf8(this.buf, s, this.off);
    this.off += n;
    return n;
  }

  record(name: RecordName, value: Buffer): void {
    const start = this.begin(name, value.length);
    this.off += value.copy(this.buf, this.off);
    this.end(start);
  }

  /** A u64 then a string (SOURCE: a profile file's mtime and path). */
  u64str(name: RecordName, v: bigint, s: string): void {
    if (s.includes('\0')) throw new PlanError(`plan: a NUL byte in ${JSON.stringify(s)}`);
    const start = this.begin(name, 8 + 3 * s.length);
    this.put32(this.off, Number(v & 0xffffffffn));
    this.put32(this.off + 4, Number((v >> 32n) & 0xffffffffn));
    this.off += 8;
    this.off += writeUtf8(this.buf, s, this.off);
    this.end(start);
  }

  u32(name: RecordName, v: number): void {
    const start = this.begin(name, 4);
    this.put32(this.off, v >>> 0);
    this.off += 4;
    this.end(start);
  }

  str(name: RecordName, s: string): void {
    const start = this.begin(name, 3 * s.length);
    this.text(s);
    this.end(start);
  }

  /** A record of a fixed head (bytes) then u16-length-prefixed strings
   * (MOUNT, ROOT), written in place. */
  prefixedRecord(name: RecordName, head: readonly number[], strings: readonly string[]): void {
    let max = head.length;
    for (const s of strings) max += 2 + 3 * s.length;
    const start = this.begin(name, max);
    for (const b of head) this.buf[this.off++] = b;
    for (const s of strings) {
      const at = this.off;
      this.off += 2;
      const n = this.text(s);
      if (n > 0xffff) throw new PlanError(`plan: a string of ${n} bytes`);
      this.put16(at, n);
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
    this.put16(4, PLAN_VERSION);
    this.put16(6, 0);
    this.put32(8, this.off - PLAN_HEADER);
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
