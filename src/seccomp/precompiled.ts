/** Seccomp filters the build compiled ahead (dist/filters/), so that a
 * launch of a shipped profile needs neither koffi nor libseccomp: each file
 * holds one filter spec, exactly, the libseccomp it was compiled with (its
 * version and ELF build id), and what compileFilter returned for it. A
 * launch uses a file only when the spec it built is the same, word for
 * word, and the front end found the same libseccomp (src/front-end.ts);
 * anything else is compiled by libseccomp as before. So the helper gets
 * exactly the BPF libseccomp would write for the spec
 * (test/unit/seccomp/precompiled.test.ts compiles every file's spec again
 * and compares).
 *
 * File: "tsjail-filter 1\n", the libseccomp "V:BUILD-ID\n", the spec's key
 * (filterKey) "\n", the syscall list as JSON "\n", then the BPF program. */
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

/** The file a key goes in: FNV-1a (32 bits) of it; the file holds the key
 * itself, which is compared. */
export function filterFile(key: string, dir = FILTER_DIR): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return join(dir, `${(h >>> 0).toString(16).padStart(8, '0')}.bpf`);
}

export interface FilterEntry {
  readonly libseccomp: string;
  readonly key: string;
  readonly filter: CompiledFilter;
}

/** A file's entry; null when it is not one. */
export function readFilterFile(file: string): FilterEntry | null {
  let b: Buffer;
  try {
    b = readFileSync(file);
  } catch {
    return null;
  }
  const lines: string[] = [];
  let off = 0;
  for (let i = 0; i < 4; i++) {
    const nl = b.indexOf(10, off);
    if (nl < 0) return null;
    lines.push(b.toString('utf8', off, nl));
    off = nl + 1;
  }
  const [header, libseccomp, key, calls] = lines as [string, string, string, string];
  const bpf = Buffer.from(b.subarray(off));
  if (header !== HEADER || bpf.length === 0 || bpf.length % 8 !== 0) return null;
  let syscalls: unknown;
  try {
    syscalls = JSON.parse(calls);
  } catch {
    return null;
  }
  if (!Array.isArray(syscalls) || !syscalls.every((s) => typeof s === 'string')) return null;
  return { libseccomp, key, filter: { bpf, syscalls: syscalls as string[] } };
}

/** Where the last filter came from (--print-plan's launch.filter). */
export type FilterSource = 'precompiled' | 'libseccomp';

let source: FilterSource | null = null;

/** null: none was made. */
export function filterSource(): FilterSource | null {
  return source;
}

/** The build's filter for spec, or null: not precompiled, another
 * libseccomp, or the front end did not say which libseccomp. */
export function precompiledFilter(spec: FilterSpec): CompiledFilter | null {
  const lib = frontEndFacts().libseccomp;
  const key = lib === null ? null : filterKey(spec);
  const e = key === null ? null : readFilterFile(filterFile(key));
  const hit = e !== null && e.libseccomp === lib && e.key === key;
  source = hit ? 'precompiled' : 'libseccomp';
  return hit ? e.filter : null;
}

/** For the build: writes an entry (false: the file is another spec's). */
export function writeFilterFile(dir: string, libseccomp: string, spec: FilterSpec, filter: CompiledFilter): boolean {
  const key = filterKey(spec);
  const file = filterFile(key, dir);
  const there = readFilterFile(file);
  if (there !== null) return there.key === key;
  mkdirSync(dir, { recursive: true });
  const head = `${HEADER}\n${libseccomp}\n${key}\n${JSON.stringify(filter.syscalls)}\n`;
  writeFileSync(file, Buffer.concat([Buffer.from(head, 'utf8'), filter.bpf]));
  return true;
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
 * often empty) and every shipped profile. */
export function filterLaunches(emptyProfile: string): string[][] {
  const profiles = readdirSync(join(PACKAGE_DIR, 'profiles')).filter((f) => f.endsWith('.ini')).sort();
  return [['--noprofile'], [], [`--profile=${emptyProfile}`], ...profiles.map((p) => [`--profile=${p.slice(0, -4)}`])]
    .map((a) => ['--quiet', ...a, 'true']);
}
