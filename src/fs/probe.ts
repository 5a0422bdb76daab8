/** What the filesystem builder may ask of the host: one small interface, so
 * plan building stays testable without touching the disk. */
import { lstatSync, readdirSync } from 'node:fs';
import { canonicalPath, noteMode, noteReal, noteStat } from '../cache/deps.js';

export type NodeKind = 'dir' | 'file' | 'link' | 'other';

export interface FsProbe {
  kind(path: string): NodeKind | null;
  /** The path with every symlink resolved; a missing tail is kept as is. */
  canonical(path: string): string;
  list(dir: string): string[];
}

export const hostProbe: FsProbe = {
  kind(path) {
    noteMode(path, false);
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
    noteReal(path);
    return canonicalPath(path);
  },
  list(dir) {
    noteStat(dir);
    try {
      return readdirSync(dir).sort();
    } catch {
      return [];
    }
  },
};
