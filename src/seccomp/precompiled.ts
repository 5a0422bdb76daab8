/** Seccomp filters the build compiled ahead (dist/filters/), so that a
 * launch of a shipped profile needs neither koffi nor libseccomp: each
 * entry holds one filter spec, exactly, the libseccomp it was compiled
 * with (its version and ELF build id), and what compileFilter returned for
 * it. A launch uses an entry only when the spec it built is the same, word
 * for word, and the front end found the same libseccomp
 * (src/front-end.ts); anything else is compiled by libseccomp as before.
 * So the helper gets exactly the BPF libseccomp would write for the spec
 * (test/unit/seccomp/precompiled.test.ts compiles every entry's spec again
 * and compares).
 *
 * A file holds the entries whose keys fall in its bucket (filterFile),
 * each: "tsjail-filter 1\n", the libseccomp "V:BUILD-ID\n", the spec's key
 * (filterKey) "\n", the syscall list as JSON "\n", the BPF program's
 * length "\n", then the BPF program. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_DIR } from '../package-dir.js';
import { frontEndFacts } from '../front-end.js';
import { actionValue } from './actions.js';
import type { CompiledFilter, FilterSpec } from './compile.js';

export const FILTER_DIR = join(PACKAGE_DIR, 'dist', 'filters');
const HEADER = 'tsjail-filter 1';

/** Everything of the spec compileFilter looks at, in its order; not the
 * options the calls came from (they only name a culprit in an error,
 * and a spec with an error is never written). */
export function filterKey(spec: FilterSpec): string {
  return JSON.stringify({
    allowlist: spec.allowlist,
    action: actionValue(spec.action),
    blockSecondary: spec.blockSecondary,
    syscalls: [...spec.syscalls].map(([name, e]) => [name, e.action === null ? null : actionValue(e.action), e.direct]),
    guards: spec.guards.map((g) => ({ ...g, action: actionValue(g.action) })),
  });
}

/** The file a key's entry is in: named by its length and 64 of its
 * characters, evenly spread (a hash of all of a default filter's 8,000
 * took a launch a millisecond of interpreted code); keys that share a
 * bucket share the file, and the whole key is compared. */
export function filterFile(key: string, dir = FILTER_DIR): string {
  let h = 0x811c9dc5;
  const step = Math.max(1, Math.floor(key.length / 64));
  for (let i = 0; i < key.length; i += step) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return `${dir}/${key.length}-${(h >>> 0).toString(16).padStart(8, '0')}.bpf`;
}

export interface FilterEntry {
  readonly libseccomp: string;
  readonly key: string;
  readonly filter: CompiledFilter;
}

/** A file's entries; an empty list when it is not there or is damaged
 * anywhere. */
export function readFilterFile(file: string): FilterEntry[] {
  let b: Buffer;
  try {
    b = readFileSync(file);
  } catch {
    return [];
  }
  const out: FilterEntry[] = [];
  let off = 0;
  while (off < b.length) {
    const lines: string[] = [];
    for (let i = 0; i < 5; i++) {
      const nl = b.indexOf(10, off);
      if (nl < 0) return [];
      lines.push(b.toString('utf8', off, nl));
      off = nl + 1;
    }
    const [header, libseccomp, key, calls, size] = lines as [string, string, string, string, string];
    const n = /^[1-9][0-9]*$/.test(size) ? Number(size) : 0;
    if (header !== HEADER || n % 8 !== 0 || n === 0 || off + n > b.length) return [];
    let syscalls: unknown;
    try {
      syscalls = JSON.parse(calls);
    } catch {
      return [];
    }
    if (!Array.isArray(syscalls) || !syscalls.every((s) => typeof s === 'string')) return [];
    out.push({ libseccomp, key, filter: { bpf: Buffer.from(b.subarray(off, off + n)), syscalls: syscalls as string[], notified: [] } });
    off += n;
  }
  return out;
}

/** Where the last filter came from (--print-plan's launch.filter). */
export type FilterSource = 'precompiled' | 'libseccomp';

let source: FilterSource | null = null;

/** null: none was made. */
export function filterSource(): FilterSource | null {
  return source;
}

/** The build's filter for spec, or null: not precompiled, another
 * libseccomp, the front end did not say which libseccomp, or a filter
 * that notifies (tracelog). */
export function precompiledFilter(spec: FilterSpec): CompiledFilter | null {
  // tracelog's filters (notified calls) are compiled at launch.
  if (spec.notify !== undefined && spec.notify.length > 0) return null;
  const lib = frontEndFacts().libseccomp;
  const key = lib === null ? null : filterKey(spec);
  const e = key === null ? undefined : readFilterFile(filterFile(key)).find((x) => x.key === key && x.libseccomp === lib);
  source = e !== undefined ? 'precompiled' : 'libseccomp';
  return e?.filter ?? null;
}

/** For the build: adds an entry (to the file of its bucket). */
export function writeFilterFile(dir: string, libseccomp: string, spec: FilterSpec, filter: CompiledFilter): void {
  const key = filterKey(spec);
  const file = filterFile(key, dir);
  const there = readFilterFile(file);
  if (there.some((e) => e.key === key && e.libseccomp === libseccomp)) return;
  mkdirSync(dir, { recursive: true });
  const entry = (e: FilterEntry) => Buffer.concat([
    Buffer.from(`${HEADER}\n${e.libseccomp}\n${e.key}\n${JSON.stringify(e.filter.syscalls)}\n${e.filter.bpf.length}\n`, 'utf8'),
    e.filter.bpf,
  ]);
  writeFileSync(file, Buffer.concat([...there, { libseccomp, key, filter }].map(entry)));
}

/** The specs compiled while collecting (the build's list of what to
 * precompile); null: not collecting. */
let collected: FilterSpec[] | null = null;

export function collectSpecs(on: boolean): FilterSpec[] {
  const out = collected ?? [];
  collected = on ? [] : null;
  return out;
}

export function noteSpec(spec: FilterSpec): void {
  collected?.push(spec);
}

/** What the build precompiles: the filters of these launches (argument
 * lists, as --print-plan builds them): --noprofile, the default profile,
 * an empty profile (emptyProfile, a file; a launcher link's profile is
 * often empty) and every shipped profile (its private-bin ignored: the
 * launch is of `true`, which such a list does not hold, and the filter
 * does not depend on it). */
export function filterLaunches(emptyProfile: string): string[][] {
  const profiles = readdirSync(join(PACKAGE_DIR, 'profiles')).filter((f) => f.endsWith('.ini')).sort();
  return [['--noprofile'], [], [`--profile=${emptyProfile}`], ...profiles.map((p) => [`--profile=${p.slice(0, -4)}`, '--ignore=private-bin'])]
    .map((a) => ['--quiet', ...a, 'true']);
}
