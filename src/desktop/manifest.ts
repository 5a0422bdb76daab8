/** What tsjail --setup-desktop made, so that --setup-desktop-remove undoes
 * exactly that: each link (with its target) and .desktop file (with a hash
 * of its content), and the directories it had to create. */
import { createRequire } from 'node:module';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { PlanError } from '../errors.js';
import type { Env } from './profiles.js';

export interface LinkRecord {
  readonly kind: 'link';
  readonly path: string;
  readonly target: string;
  /** The program it stands for (its name). */
  readonly program: string;
}

export interface DesktopRecord {
  readonly kind: 'desktop';
  readonly path: string;
  readonly sha256: string;
  /** The file it was made from. */
  readonly source: string;
  /** The program its Exec runs (absolute path). */
  readonly program: string;
}

export type ManifestRecord = LinkRecord | DesktopRecord;

export interface Manifest {
  readonly version: 1;
  readonly entries: readonly ManifestRecord[];
  /** Directories tsjail created, parents first. */
  readonly dirs: readonly string[];
}

export const EMPTY_MANIFEST: Manifest = { version: 1, entries: [], dirs: [] };

/** TSJAIL_DESKTOP_MANIFEST, else /var/lib/tsjail/desktop.json for root,
 * else $XDG_DATA_HOME/tsjail/desktop.json (~/.local/share/tsjail/...). */
export function manifestPath(env: Env, uid: number, home: string): string {
  const set = env['TSJAIL_DESKTOP_MANIFEST'];
  if (set !== undefined && isAbsolute(set)) return set;
  if (uid === 0) return '/var/lib/tsjail/desktop.json';
  const data = env['XDG_DATA_HOME'] && isAbsolute(env['XDG_DATA_HOME']) ? env['XDG_DATA_HOME'] : join(home, '.local', 'share');
  return join(data, 'tsjail', 'desktop.json');
}

/** node:crypto is loaded on first use: the launcher links never need it. */
export function sha256(content: string | Buffer): string {
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(content).digest('hex');
}

function bad(file: string, what: string): never {
  throw new PlanError(`${file}: ${what}; move it away to start afresh`);
}

function str(file: string, v: unknown, what: string): string {
  if (typeof v !== 'string' || !isAbsolute(v) || v.includes('\0')) bad(file, `${what} is not an absolute path`);
  return v;
}

function record(file: string, r: unknown): ManifestRecord {
  if (typeof r !== 'object' || r === null) bad(file, 'an entry is not an object');
  const o = r as Record<string, unknown>;
  const program = typeof o['program'] === 'string' ? o['program'] : bad(file, 'an entry has no program');
  if (o['kind'] === 'link') {
    return { kind: 'link', path: str(file, o['path'], 'path'), target: str(file, o['target'], 'target'), program };
  }
  if (o['kind'] === 'desktop') {
    const hash = o['sha256'];
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) bad(file, 'an entry has no sha256');
    return { kind: 'desktop', path: str(file, o['path'], 'path'), sha256: hash, source: str(file, o['source'], 'source'), program };
  }
  return bad(file, 'an entry has an unknown kind');
}

/** The manifest at file (empty when there is none). It must be the
 * caller's own and writable by nobody else. */
export function readManifest(file: string, uid: number): Manifest {
  let st;
  try {
    st = lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_MANIFEST;
    throw new PlanError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (!st.isFile()) bad(file, 'not a regular file');
  if (st.uid !== uid || (st.mode & 0o022) !== 0) bad(file, 'not owned by you or writable by others');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    bad(file, `not valid JSON (${(e as Error).message})`);
  }
  const o = data as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o['version'] !== 1) bad(file, 'not a version 1 manifest');
  if (!Array.isArray(o['entries']) || !Array.isArray(o['dirs'])) bad(file, 'no entries or dirs');
  return {
    version: 1,
    entries: (o['entries'] as unknown[]).map((r) => record(file, r)),
    dirs: (o['dirs'] as unknown[]).map((d) => str(file, d, 'a directory')),
  };
}

export type DiskState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'link'; readonly target: string }
  | { readonly kind: 'file'; readonly sha256: string }
  | { readonly kind: 'other' };

/** What is at path now, without following a link there. */
export function diskState(path: string): DiskState {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return { kind: 'absent' };
  }
  try {
    if (st.isSymbolicLink()) return { kind: 'link', target: readlinkSync(path) };
    if (st.isFile() && st.size <= 1 << 20) return { kind: 'file', sha256: sha256(readFileSync(path)) };
  } catch {
    // unreadable: not something tsjail made
  }
  return { kind: 'other' };
}

/** Is path still exactly what the record says tsjail made? */
export function matches(r: ManifestRecord, s: DiskState): boolean {
  return r.kind === 'link' ? s.kind === 'link' && s.target === r.target : s.kind === 'file' && s.sha256 === r.sha256;
}
