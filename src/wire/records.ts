/** Tagged records (u16 tag, u32 length, value), little-endian, in one
 * growing buffer as they come, each length filled in after its value: a
 * plan's (src/wire/writer.ts) and a stored plan's (src/cache/store.ts).
 * Bytes are stored one by one and strings by writeUtf8: Buffer's write
 * methods check their arguments, which costs more than the store itself in
 * code that runs once, as a cold launch's does. */
import { PlanError } from '../errors.js';
import { writeUtf8 } from './utf8.js';

export function put16(b: Buffer, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

export function put32(b: Buffer, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

export function get16(b: Buffer, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}

export function get32(b: Buffer, at: number): number {
  return ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16) | ((b[at + 3] as number) << 24)) >>> 0;
}

export class RecordBuffer {
  protected buf: Buffer;

  /** header: the bytes left for the caller's header; zeroed: every byte
   * not written is 0 (else whatever the memory held). */
  constructor(size: number, protected off: number, private readonly zeroed: boolean, private readonly what: string) {
    this.buf = zeroed ? Buffer.alloc(size) : Buffer.allocUnsafe(size);
  }

  /** Room for n more bytes. */
  protected room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const size = Math.max(2 * this.buf.length, this.off + n);
    const bigger = this.zeroed ? Buffer.alloc(size) : Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.off);
    this.buf = bigger;
  }

  /** A record's head, its length filled in by end(): returns where the
   * value begins (with room for max bytes of it). */
  protected begin(tag: number, max: number): number {
    this.room(6 + max);
    put16(this.buf, this.off, tag);
    this.off += 6;
    return this.off;
  }

  protected end(start: number): void {
    put32(this.buf, start - 4, this.off - start);
  }

  /** UTF-8 of s at the end (room made by the caller: 3 bytes a UTF-16
   * unit at most), refusing a NUL byte (the helper reads C strings);
   * returns its length. */
  protected text(s: string): number {
    if (s.includes('\0')) throw new PlanError(`${this.what}: a NUL byte in ${JSON.stringify(s)}`);
    const n = writeUtf8(this.buf, s, this.off);
    this.off += n;
    return n;
  }

  protected bytesRecord(tag: number, value: Buffer): void {
    const start = this.begin(tag, value.length);
    this.off += value.copy(this.buf, this.off);
    this.end(start);
  }

  protected u32Record(tag: number, v: number): void {
    const start = this.begin(tag, 4);
    put32(this.buf, this.off, v >>> 0);
    this.off += 4;
    this.end(start);
  }

  protected textRecord(tag: number, s: string): void {
    const start = this.begin(tag, 3 * s.length);
    this.text(s);
    this.end(start);
  }
}
