/** What the filesystem builder may ask of the host: one small interface, so
 * plan building stays testable without touching the disk. */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { canonicalPath, noteMode, noteReal, noteStat } from '../cache/deps.js';
import { listedAtBuild } from './listings.js';

export type NodeKind = 'dir' | 'file' | 'link' | 'other';

export interface FsProbe {
  kind(path: string): NodeKind | null;
  /** The path with every symlink resolved; a missing tail is kept as is. */
  canonical(path: string): string;
  list(dir: string): readonly string[];
  /** dir's names when it could be read (sorted), else null: what a
   * lookup of a name in it would find. A probe without it is taken at
   * its list's word. */
  listed?(dir: string): readonly string[] | null;
  /** The owner's uid of path (symlinks followed), null when absent; a
   * probe without it checks no owner. */
  owner?(path: string): number | null;
}

const S_IFMT = 0o170000;

function kindOfMode(mode: number): NodeKind {
  switch (mode & S_IFMT) {
    case 0o120000: return 'link';
    case 0o040000: return 'dir';
    case 0o100000: return 'file';
    default: return 'other';
  }
}

/** dir's names, sorted; null when it cannot be read. (While recording, a
 * directory the note found absent is not read, and one the build listed
 * and that is as it was then is not read again: src/fs/listings.ts.) */
function listing(dir: string): readonly string[] | null {
  const st = noteStat(dir);
  if (st?.mode === 0) return null;
  const built = st === undefined ? null : listedAtBuild(dir, st);
  if (built !== null) return built;
  try {
    return readdirSync(dir).sort();
  } catch {
    return null;
  }
}

export const hostProbe: FsProbe = {
  kind(path) {
    const seen = noteMode(path, false);
    if (seen !== undefined) return seen === 0 ? null : kindOfMode(seen);
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink()) return 'link';
      if (st.isDirectory()) return 'dir';
      if (st.isFile()) return 'file';
      return 'other';
    } catch {
      return null;
    }
  },
  canonical(path) {
    return noteReal(path) ?? canonicalPath(path);
  },
  list(dir) {
    return listing(dir) ?? [];
  },
  listed: listing,
  owner(path) {
    noteStat(path);
    try {
      return statSync(path).uid;
    } catch {
      return null;
    }
  },
};
