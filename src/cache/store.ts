/** Stored plans: after the full (Node) path has built a plan, it writes it
 * to the caller's cache with everything it depended on, so that the native
 * front end (native/front/front.c) can start the helper with it directly next
 * time. The file format is native/PLAN.md's "Stored plans"; this is its
 * only writer, native/front/fcache.c its only reader.
 *
 * Where: $XDG_CACHE_HOME/tsjail (an absolute XDG_CACHE_HOME), else
 * ~/.cache/tsjail; a 0700 directory owned by the caller, files 0600. A
 * directory that is not the caller's, or that others may write, is left
 * alone: nothing is stored. */
import { closeSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { PlanError } from '../errors.js';
import { debug } from '../log.js';
import type { FileDep, Recording } from './deps.js';
import { put16, put32, RecordBuffer } from '../wire/records.js';
import { writeUtf8 } from '../wire/utf8.js';

export const CACHE_VERSION = 1;
/** A stored plan is at most this big (the plan itself at most 1 MiB). */
export const CACHE_MAX = 2 * 1024 * 1024;

export const enum CacheTag {
  Uid = 0x01,
  Mode = 0x02,
  Arg = 0x03,
  Program = 0x04,
  EnvKey = 0x05,
  CwdKey = 0x06,
  File = 0x07,
  Fact = 0x08,
  EnvAllow = 0x10,
  EnvAllowPrefix = 0x11,
  EnvDeny = 0x12,
  EnvDenyPrefix = 0x13,
  EnvDefault = 0x14,
  EnvSet = 0x15,
  EnvRemove = 0x16,
  ArgvFixed = 0x20,
  ArgvFrom = 0x21,
  CwdFrom = 0x22,
  Helper = 0x30,
  Plan = 0x31,
}

/** How tsjail was started: its own command line, or a launcher link. */
export type LaunchMode = 'command' | 'link';

/** What locates a stored plan: the front end can compute it from its
 * argument list alone. */
export interface CacheKey {
  readonly mode: LaunchMode;
  /** command: the options before the program (with a '--' that ends
   * them); link: none. */
  readonly args: readonly string[];
  /** command: the program word as typed (null: none, the shell); link:
   * the link's name. */
  readonly program: string | null;
}

/** The environment policy of src/environment.ts, as data, so the front end
 * builds the same environment without a copy of the lists. */
export interface EnvPolicy {
  readonly allow: readonly string[];
  readonly allowPrefixes: readonly string[];
  readonly deny: readonly string[];
  readonly denyPrefixes: readonly string[];
  /** In order: ['default', NAME, value] sets NAME when it is missing, ['set',
   * NAME, value] sets it, ['remove', NAME] removes it. */
  readonly ops: readonly EnvOp[];
}

export type EnvOp =
  | { readonly op: 'default' | 'set'; readonly name: string; readonly value: string }
  | { readonly op: 'remove'; readonly name: string };

export interface StoredPlan {
  readonly key: CacheKey;
  readonly uid: number;
  readonly deps: Recording;
  /** The working directory, when the plan depended on it. */
  readonly cwd: string;
  readonly envPolicy: EnvPolicy;
  /** argv words the front end puts first; then, with argvFromLaunch, the
   * launch's own words (command: from the program word; link: argv[1..]). */
  readonly argvFixed: readonly string[];
  readonly argvFromLaunch: boolean;
  readonly helper: string;
  /** The encoded plan without ARGV, ENV and CWD records. */
  readonly template: Buffer;
}

/** pwHome: the password database's home, used when HOME is not an
 * absolute path (as native/front/fcache.c does). */
export function cacheDir(env: Readonly<Record<string, string | undefined>>, pwHome: string): string {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'tsjail');
  const home = env['HOME'];
  return join(home !== undefined && isAbsolute(home) ? home : pwHome, '.cache', 'tsjail');
}

/** FNV-1a, 64 bits: only to name the file; the file holds the whole key,
 * which the reader compares. */
export function fnv1a64(bytes: Buffer): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** The bytes hashed for the file name: "tsjail-plan", uid, mode, each
 * option followed by NUL, then 1 and the program word, or 2 for none. */
export function keyBytes(uid: number, key: CacheKey): Buffer {
  const parts: Buffer[] = [Buffer.from(`tsjail-plan\0${uid}\0${key.mode}\0`)];
  for (const a of key.args) parts.push(Buffer.from(a), Buffer.from([0]));
  parts.push(key.program === null ? Buffer.from([2]) : Buffer.concat([Buffer.from([1]), Buffer.from(key.program)]));
  return Buffer.concat(parts);
}

export function cacheFileName(uid: number, key: CacheKey): string {
  return `${fnv1a64(keyBytes(uid, key)).toString(16).padStart(16, '0')}.plan`;
}

/** Records written into one growing buffer as they come, bytes stored one
 * by one and strings by writeUtf8 (src/wire/utf8.ts), each record's length
 * filled in after its value: a big profile's stored plan has several
 * hundred records, and Buffer's checked write methods, Buffer.byteLength
 * per string and BigInt writes, in code that runs once, made encoding them
 * cost more than the rest of storing (it runs beside the helper, after the
 * hand-back, and takes CPU from it: native/FRONT.md). */
class Writer extends RecordBuffer {
  constructor() {
    // Zeroed: a FILE record's unused fields.
    super(65536, 12, true, 'stored plan');
  }

  record(tag: CacheTag, bytes: Buffer): void {
    this.bytesRecord(tag, bytes);
  }

  str(tag: CacheTag, s: string): void {
    this.textRecord(tag, s);
  }

  u32(tag: CacheTag, v: number): void {
    this.u32Record(tag, v);
  }

  /** FILE: u8 kind, u32 mode, u64 dev, ino, size, i64 mtime ns, ctime ns,
   * u16 path length, path, then (kind real) the canonical path. */
  file(dep: FileDep): void {
    const start = this.begin(CacheTag.File, 47 + 3 * (dep.path.length + (dep.real === null ? 0 : dep.real.length)));
    const b = this.buf;
    const o = this.off;
    b[o] = DEP_KINDS[dep.kind];
    put32(b, o + 1, dep.mode >>> 0);
    // Only full stat records carry these (the others' are 0, already).
    // (DataView's writes, built into V8: Buffer's BigInt writes are
    // JavaScript that checks its arguments, 0.2 of the storing's 1.6 ms.)
    if (dep.kind === 'stat' || dep.kind === 'lstat') {
      const v = new DataView(b.buffer, b.byteOffset + o, 45);
      v.setBigUint64(5, dep.dev, true);
      v.setBigUint64(13, dep.ino, true);
      v.setBigUint64(21, dep.size, true);
      v.setBigInt64(29, dep.mtimeNs, true);
      v.setBigInt64(37, dep.ctimeNs, true);
    }
    const n = writeUtf8(b, dep.path, o + 47);
    if (n > 0xffff) throw new PlanError(`stored plan: a path of ${n} bytes`);
    put16(b, o + 45, n);
    const m = dep.real === null ? 0 : writeUtf8(b, dep.real, o + 47 + n);
    this.off = o + 47 + n + m;
    this.end(start);
  }

  finish(): Buffer {
    const out = this.buf;
    out.write('TSJC', 0, 'latin1');
    put16(out, 4, CACHE_VERSION);
    put32(out, 8, this.off - 12);
    return out.subarray(0, this.off);
  }
}

const DEP_KINDS: Record<FileDep['kind'], number> = { mode: 1, lmode: 2, stat: 3, lstat: 4, real: 5 };

export function encodeStoredPlan(s: StoredPlan): Buffer {
  const w = new Writer();
  w.u32(CacheTag.Uid, s.uid);
  w.u32(CacheTag.Mode, s.key.mode === 'command' ? 0 : 1);
  for (const a of s.key.args) w.str(CacheTag.Arg, a);
  if (s.key.program !== null) w.str(CacheTag.Program, s.key.program);
  for (const [name, value] of s.deps.env) w.str(CacheTag.EnvKey, value === null ? name : `${name}=${value}`);
  if (s.deps.usesCwd) w.str(CacheTag.CwdKey, s.cwd);
  s.deps.files.forEach((d) => w.file(d));
  for (const [name, value] of s.deps.facts) w.str(CacheTag.Fact, `${name}=${value}`);
  const p = s.envPolicy;
  for (const n of p.allow) w.str(CacheTag.EnvAllow, n);
  for (const n of p.allowPrefixes) w.str(CacheTag.EnvAllowPrefix, n);
  for (const n of p.deny) w.str(CacheTag.EnvDeny, n);
  for (const n of p.denyPrefixes) w.str(CacheTag.EnvDenyPrefix, n);
  for (const o of p.ops) {
    if (o.op === 'remove') w.str(CacheTag.EnvRemove, o.name);
    else w.str(o.op === 'set' ? CacheTag.EnvSet : CacheTag.EnvDefault, `${o.name}=${o.value}`);
  }
  for (const a of s.argvFixed) w.str(CacheTag.ArgvFixed, a);
  w.u32(CacheTag.ArgvFrom, s.argvFromLaunch ? 1 : 0);
  w.u32(CacheTag.CwdFrom, 1);
  w.str(CacheTag.Helper, s.helper);
  w.record(CacheTag.Plan, s.template);
  const out = w.finish();
  if (out.length > CACHE_MAX) throw new PlanError(`stored plan: ${out.length} bytes, more than ${CACHE_MAX}`);
  return out;
}

/** The cache directory, made if missing; null (with a debug line) when it
 * is not the caller's alone. */
function ownDir(dir: string, uid: number): boolean {
  try {
    let st = lstatSync(dir, { throwIfNoEntry: false });
    if (st === undefined) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      st = lstatSync(dir);
    }
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
      debug(`stored plans: ${dir} is not a 0700 directory of uid ${uid}: nothing stored`);
      return false;
    }
    return true;
  } catch (e) {
    debug(`stored plans: cannot use ${dir}: ${(e as Error).message}`);
    return false;
  }
}

/** Writes the stored plan beside the others, atomically (a new 0600 file
 * renamed over the old one; no fsync: a file a crash cut short is refused
 * by its length and rewritten). Failing to store is not an error. Returns
 * the stored plan (which a launch through the front end hands back to it,
 * src/handback.ts), written or not; null when there is none to write. */
/** The stored plan's bytes; null (with a debug line) when it cannot be
 * encoded. */
export function encodeStored(s: StoredPlan): Buffer | null {
  try {
    return encodeStoredPlan(s);
  } catch (e) {
    debug(`stored plans: ${(e as Error).message}`);
    return null;
  }
}

/** Writes the stored plan's file into dir (the caller's own, or nothing is
 * written), through a temporary file renamed into place. */
export function writeStored(dir: string, s: StoredPlan, bytes: Buffer): void {
  if (!ownDir(dir, s.uid)) return;
  const file = `${dir}/${cacheFileName(s.uid, s.key)}`;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    debug(`stored plan: ${file}`);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* not made */ }
    debug(`stored plans: cannot write ${file}: ${(e as Error).message}`);
  }
}
