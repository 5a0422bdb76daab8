/** What the filesystem builder may ask of the host: one small interface, so
 * plan building stays testable without touching the disk. */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

export type NodeKind = 'dir' | 'file' | 'link' | 'other';

export interface FsProbe {
  kind(path: string): NodeKind | null;
  /** The path with every symlink resolved; a missing tail is kept as is. */
  canonical(path: string): string;
  list(dir: string): string[];
  /** The owner's uid of path (symlinks followed), null when absent; a
   * probe without it checks no owner. */
  owner?(path: string): number | null;
}

export const hostProbe: FsProbe = {
  kind(path) {
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
    try {
      return realpathSync(path);
    } catch {
      const parent = dirname(path);
      if (parent === path) return path;
      return join(this.canonical(parent), basename(path));
    }
  },
  list(dir) {
    try {
      return readdirSync(dir).sort();
    } catch {
      return [];
    }
  },
  owner(path) {
    try {
      return statSync(path).uid;
    } catch {
      return null;
    }
  },
};
