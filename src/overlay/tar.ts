/** A small tar (ustar + pax) writer and reader, enough for OCI image layers:
 * directories, regular files, symlinks, hard links. Synchronous, on file
 * descriptors, one block at a time. */
import { readSync, writeSync } from 'node:fs';
import { PlanError } from '../errors.js';

export type TarType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  readonly name: string;
  readonly type: TarType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly size: number;
  readonly linkname: string;
}

const BLOCK = 512;
const TYPE_FLAG: Record<TarType, string> = { file: '0', hardlink: '1', symlink: '2', dir: '5', other: '0' };

function octal(buf: Buffer, off: number, len: number, v: number): void {
  buf.write(`${v.toString(8).padStart(len - 1, '0')}\0`, off, len, 'latin1');
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function header(e: TarEntry, name: string, link: string, type: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, e.mode & 0o7777);
  octal(h, 108, 8, e.uid);
  octal(h, 116, 8, e.gid);
  octal(h, 124, 12, size);
  octal(h, 136, 12, Math.floor(e.mtime));
  h.fill(' ', 148, 156);
  h.write(type, 156, 1, 'latin1');
  h.write(link, 157, 100, 'utf8');
  h.write('ustar\0', 257, 6, 'latin1');
  h.write('00', 263, 2, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return h;
}

export class TarWriter {
  constructor(private readonly fd: number) {}

  private write(b: Buffer): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off);
  }

  private pad(size: number): void {
    const rest = size % BLOCK;
    if (rest) this.write(Buffer.alloc(BLOCK - rest));
  }

  /** Writes the header; the caller then writes exactly e.size bytes with data(). */
  entry(e: TarEntry): void {
    const ascii = (s: string) => /^[\x20-\x7e]*$/.test(s);
    const long = Buffer.byteLength(e.name) > 99 || Buffer.byteLength(e.linkname) > 99 || !ascii(e.name) || !ascii(e.linkname);
    if (long) {
      const pax = Buffer.from(paxRecord('path', e.name) + (e.linkname ? paxRecord('linkpath', e.linkname) : ''), 'utf8');
      this.write(header(e, 'PaxHeader', '', 'x', pax.length));
      this.write(pax);
      this.pad(pax.length);
    }
    const short = (s: string) => (long ? s.slice(0, 99).replace(/[^\x20-\x7e]/g, '_') : s);
    this.write(header(e, short(e.name), short(e.linkname), TYPE_FLAG[e.type], e.size));
  }

  data(chunk: Buffer): void {
    this.write(chunk);
  }

  endEntry(size: number): void {
    this.pad(size);
  }

  finish(): void {
    this.write(Buffer.alloc(BLOCK * 2));
  }
}

function str(h: Buffer, off: number, len: number): string {
  const end = h.indexOf(0, off);
  return h.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

function num(h: Buffer, off: number, len: number): number {
  const s = str(h, off, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

/** Reads entries from fd; for each, body(entry, read) may pull the data. */
export function readTar(fd: number, file: string, each: (e: TarEntry, read: () => Buffer) => void): void {
  const block = Buffer.alloc(BLOCK);
  const readExact = (b: Buffer) => {
    let off = 0;
    while (off < b.length) {
      const n = readSync(fd, b, off, b.length - off, null);
      if (n === 0) throw new PlanError(`${file}: truncated tar archive`);
      off += n;
    }
  };
  let pax: Record<string, string> = {};
  for (;;) {
    readExact(block);
    if (block.every((b) => b === 0)) return;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
    if (sum !== num(block, 148, 8)) throw new PlanError(`${file}: not a tar archive (bad header checksum)`);
    const type = String.fromCharCode(block[156] as number);
    const size = num(block, 124, 12);
    const data = (): Buffer => {
      const b = Buffer.alloc(size + ((BLOCK - (size % BLOCK)) % BLOCK));
      readExact(b);
      return b.subarray(0, size);
    };
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const body = data().toString('utf8');
      if (type === 'L') pax = { ...pax, path: body.replace(/\0+$/, '') };
      else if (type === 'K') pax = { ...pax, linkpath: body.replace(/\0+$/, '') };
      else if (type === 'x') {
        for (const rec of body.split('\n')) {
          const m = /^\d+ ([^=]+)=(.*)$/s.exec(rec);
          if (m && m[1] && m[2] !== undefined) pax[m[1]] = m[2];
        }
      }
      continue;
    }
    const prefix = str(block, 345, 155);
    const plain = str(block, 0, 100);
    const entry: TarEntry = {
      name: pax['path'] ?? (prefix ? `${prefix}/${plain}` : plain),
      type: type === '5' ? 'dir' : type === '2' ? 'symlink' : type === '1' ? 'hardlink' : type === '0' || type === '\0' || type === '7' ? 'file' : 'other',
      mode: num(block, 100, 8),
      uid: num(block, 108, 8),
      gid: num(block, 116, 8),
      mtime: num(block, 136, 12),
      size,
      linkname: pax['linkpath'] ?? str(block, 157, 100),
    };
    pax = {};
    let consumed = false;
    each(entry, () => {
      consumed = true;
      return data();
    });
    if (!consumed && size > 0) data();
  }
}
