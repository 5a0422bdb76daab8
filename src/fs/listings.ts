/** Directory listings the build took (dist/images/listings.json): the
 * directories of ${PATH} and the others the shipped profiles' glob
 * patterns list. Listing /usr/bin and the rest took a cold launch of
 * firefox's profile about a millisecond (Node makes a string of each of
 * some 1,500 names); a listing the build took is used instead while the
 * directory's device, inode, size, mtime and ctime are the ones it had
 * then, as a stored plan that depends on a listing is (a name added,
 * removed or renamed changes the directory's mtime and ctime). Only of a
 * directory anyone may read and search: the listing shows nothing a
 * caller could not list. The plan depends on the directory's stat either
 * way (src/fs/probe.ts). */
import { readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statKey, type StatFields } from '../cache/deps.js';
import { PACKAGE_DIR } from '../package-dir.js';

export const LISTINGS_FILE = join(PACKAGE_DIR, 'dist', 'images', 'listings.json');
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

type DirStat = StatFields & { readonly mode: number };

/** A directory listing's key: what must be the same for it to hold; null
 * for a directory not everyone may read and search. */
function key(st: DirStat): string | null {
  if ((st.mode & S_IFMT) !== S_IFDIR || (st.mode & 0o005) !== 0o005) return null;
  return statKey(st);
}

/** A directory changed this recently when the build lists it might change
 * again within the same tick of the clock its timestamps come from, and
 * look as it was (git's "racy" case): not kept. */
const SETTLED_NS = 2_000_000_000n;

/** The build: each directory's listing, by its canonical path, into file
 * (now: the time, in ns since the epoch). */
export function writeListings(dirs: Iterable<string>, file = LISTINGS_FILE, now = BigInt(Date.now()) * 1_000_000n): number {
  const out: [string, string, string[]][] = [];
  const seen = new Set<string>();
  for (const d of dirs) {
    let c: string;
    let k: string | null;
    let names: string[];
    try {
      c = realpathSync(d);
      if (seen.has(c)) continue;
      const st = statSync(c, { bigint: true });
      k = now - st.ctimeNs < SETTLED_NS ? null : key({ ...st, mode: Number(st.mode) });
      names = readdirSync(c).sort();
    } catch {
      continue;
    }
    seen.add(c);
    if (k !== null) out.push([c, k, names]);
  }
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  writeFileSync(file, JSON.stringify(out));
  return out.length;
}

let known: Map<string, readonly [string, readonly string[]]> | null = null;

/** dir's names as the build listed them (sorted), if dir (canonical) is as
 * it was then; else null: list it. st: what stat says of it now. */
export function listedAtBuild(dir: string, st: DirStat, file = LISTINGS_FILE): readonly string[] | null {
  if (known === null) {
    known = new Map();
    try {
      const all = JSON.parse(readFileSync(file, 'utf8')) as [string, string, string[]][];
      for (let i = 0; i < all.length; i++) {
        const [d, k, names] = all[i] as [string, string, string[]];
        // (Shared by every lookup: frozen, so that none can change it.)
        known.set(d, [k, Object.freeze(names)]);
      }
    } catch {
      // none, or damaged: every directory is listed
    }
  }
  const entry = known.get(dir);
  return entry !== undefined && entry[0] === key(st) ? entry[1] : null;
}

/** For tests: forget what was read. */
export function forgetListings(): void {
  known = null;
}
