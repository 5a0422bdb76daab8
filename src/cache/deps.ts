/** What a plan depended on, noted while it is built, so that a stored plan
 * (src/cache/store.ts) is used again only while all of it is unchanged: the
 * environment variables the planner read, the files and directories it
 * looked at (and what it saw), whether it used the working directory, and a
 * few facts of the host. native/front/fdeps.c checks the same list before a
 * cached launch.
 *
 * The modules that look at the host call note*() at the place they look;
 * outside a recording (tests, --profile-check, ...) the calls do nothing.
 * One recording at a time: tsjail builds one plan per process. */
import { lstatSync, realpathSync, statSync, type BigIntStats, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** mode/lmode: st_mode only (stat, lstat); stat/lstat: also device, inode,
 * size, mtime and ctime; real: the canonical path. */
export type FileDepKind = 'mode' | 'lmode' | 'stat' | 'lstat' | 'real';

export interface FileDep {
  readonly kind: FileDepKind;
  readonly path: string;
  /** st_mode, 0 when the path does not exist (or cannot be reached). */
  readonly mode: number;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  /** kind 'real': the canonical path. */
  readonly real: string | null;
}

/** What a file's identity and last change are, as one string: its
 * device, inode, size, mtime and ctime (what a stored plan compares). */
export type StatFields = Pick<FileDep, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;

export function statKey(st: StatFields): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

export class Recording {
  /** NAME -> value, or null when it was unset. */
  readonly env = new Map<string, string | null>();
  readonly files = new Map<string, FileDep>();
  readonly facts = new Map<string, string>();
  usesCwd = false;
  /** Why this plan must not be stored, or null. */
  uncacheable: string | null = null;
}

let active: Recording | null = null;

/** While recording: the canonical path and the lstat mode (0: absent) of
 * each path looked at, so that each is looked at once (a profile's few
 * hundred paths share their parents, and a path made canonical is then
 * asked what it is). */
let canonSeen: Map<string, string> | null = null;
let lmodeSeen: Map<string, number> | null = null;
/** ... and the paths noteReal recorded. */
let realNoted: Set<string> | null = null;

export function startRecording(): Recording {
  active = new Recording();
  canonSeen = new Map();
  lmodeSeen = new Map();
  realNoted = new Set();
  return active;
}

export function stopRecording(): void {
  active = null;
  canonSeen = null;
  lmodeSeen = null;
  realNoted = null;
}

/** What (l)stat says of path, null when it cannot (noted by nothing). */
export function statOf(path: string, follow: boolean): BigIntStats | null {
  try {
    const o = { bigint: true, throwIfNoEntry: false } as const;
    return (follow ? statSync(path, o) : lstatSync(path, o)) ?? null;
  } catch {
    return null;
  }
}

/** (l)stat's st_mode of path, 0 when it cannot (noted by nothing). */
export function modeOf(path: string, follow: boolean): number {
  const seen = follow ? undefined : lmodeSeen?.get(path);
  if (seen !== undefined) return seen;
  let st: Stats | undefined;
  try {
    st = follow ? statSync(path, { throwIfNoEntry: false }) : lstatSync(path, { throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  const mode = st === undefined ? 0 : st.mode;
  // Remembered for canonicalPath, which looks at the same paths: an lstat
  // that failed (ENOTDIR, EACCES) is as good as absent there, as realpath
  // fails too.
  if (!follow) lmodeSeen?.set(path, mode);
  return mode;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Whether an st_mode (as noteMode and noteStat return it) is a regular
 * file's. */
export function isRegularMode(mode: number): boolean {
  return (mode & S_IFMT) === 0o100000;
}

/** The path with every symlink resolved; a missing tail kept as is (as
 * src/fs/probe.ts and native/front/fdeps.c do). */
export function canonicalPath(path: string): string {
  const seen = canonSeen?.get(path);
  if (seen !== undefined) return seen;
  const c = resolveCanonical(path);
  canonSeen?.set(path, c);
  return c;
}

/** realpath(3), and for a path it cannot resolve, the parent's canonical
 * path and the name. The same, with fewer system calls and no exceptions:
 * a path lstat finds absent is not resolved (realpath would fail), and an
 * existing one that is no symlink, in a path without '.', '..' or '//',
 * is its parent's canonical path and its name. */
function resolveCanonical(path: string): string {
  let mode = lmodeSeen?.get(path);
  if (mode === undefined) {
    try {
      mode = lstatSync(path, { throwIfNoEntry: false })?.mode ?? 0;
      lmodeSeen?.set(path, mode);
    } catch {
      mode = undefined; // ENOTDIR, EACCES, ...: realpath says
    }
  }
  const isNormal = normal(path);
  if (mode !== 0) {
    if (isNormal && mode !== undefined && (mode & S_IFMT) !== S_IFLNK) return child(path);
    try {
      return realpathSync.native(path);
    } catch {
      // below
    }
  }
  if (isNormal) return child(path);
  const parent = dirname(path);
  if (parent === path) return path;
  return join(canonicalPath(parent), basename(path));
}

/** A normal path other than / as its parent's canonical path and its
 * name (string operations: path.join normalises, in JavaScript). */
function child(path: string): string {
  const slash = path.lastIndexOf('/');
  const parent = slash === 0 ? '/' : canonicalPath(path.slice(0, slash));
  return `${parent === '/' ? '' : parent}/${path.slice(slash + 1)}`;
}

/** An absolute path other than / with no '.', '..' or empty component
 * and no trailing '/'. */
function normal(path: string): boolean {
  return path.length > 1 && path.startsWith('/') && !path.endsWith('/') && !path.endsWith('/.') && !path.endsWith('/..') &&
    !path.includes('//') && !path.includes('/./') && !path.includes('/../');
}

/** Records what kind's look at path sees, once per kind and path; returns
 * the dependency (undefined outside a recording). */
function note(kind: FileDepKind, path: string): FileDep | undefined {
  if (active === null) return undefined;
  const id = `${kind}:${path}`;
  const seen = active.files.get(id);
  if (seen !== undefined) return seen;
  if (!path.startsWith('/')) {
    active.uncacheable = `looked at a relative path '${path}'`;
    return undefined;
  }
  let dep: FileDep;
  if (kind === 'real') {
    dep = fileDep(kind, path, 0, canonicalPath(path));
  } else if (kind === 'mode' || kind === 'lmode') {
    dep = fileDep(kind, path, modeOf(path, kind === 'mode'), null);
  } else {
    const st = statOf(path, kind === 'stat');
    dep = st === null ? fileDep(kind, path, 0, null) : {
      kind, path, mode: Number(st.mode), dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs,
      real: null,
    };
  }
  active.files.set(id, dep);
  return dep;
}

/** A dependency without stat fields (one shape for all: a big profile
 * makes a thousand). */
function fileDep(kind: FileDepKind, path: string, mode: number, real: string | null): FileDep {
  return { kind, path, mode, dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n, real };
}

/** The planner asks whether path exists or what it is (stat/lstat).
 * Returns the st_mode seen (0: none), so the caller need not look again;
 * undefined outside a recording. */
export function noteMode(path: string, follow = true): number | undefined {
  return note(follow ? 'mode' : 'lmode', path)?.mode;
}

/** The planner reads path (a file's contents, a directory's entries). Call
 * it before reading: a change after the note makes the stored plan miss.
 * Returns what stat saw (mode 0: nothing), so the caller need not look
 * again; undefined outside a recording. */
export function noteStat(path: string, follow = true): FileDep | undefined {
  return note(follow ? 'stat' : 'lstat', path);
}

/** The planner resolves path's symlinks: the canonical path
 * (canonicalPath), or undefined outside a recording.
 *
 * A normal path that is not a symlink (or is not there at all) is its
 * parent's canonical path and its name for as long as its lstat mode stays
 * what it is: such a path depends on that mode and on its parent's
 * canonical path, which it shares with its siblings. A big profile's few
 * hundred paths so make a few dozen records more than their modes, not a
 * few hundred, and a launch with the stored plan checks them with lstat,
 * not realpath. Symlinks and other paths are recorded with their
 * canonical path. */
export function noteReal(path: string): string | undefined {
  if (active === null) return undefined;
  const c = canonicalPath(path); // (sees the lstat mode first)
  if (realNoted?.has(path)) return c;
  realNoted?.add(path);
  if (!normal(path)) return note('real', path)?.real ?? undefined;
  const mode = note('lmode', path)?.mode ?? 0;
  if ((mode & S_IFMT) === S_IFLNK) return note('real', path)?.real ?? undefined;
  noteReal(path.slice(0, path.lastIndexOf('/')) || '/');
  return c;
}

/** The planner resolved a relative path against the working directory. */
export function noteCwd(): void {
  if (active !== null) active.usesCwd = true;
}

/** A fact of the host the plan depends on (native/front/fdeps.c knows each). */
export function noteFact(name: 'mdwe' | 'capbnd' | 'pwhome', value: string): void {
  if (active !== null && !active.facts.has(name)) active.facts.set(name, value);
}

/** This plan cannot be stored (it did something a cached launch would
 * skip). */
export function noteUncacheable(why: string): void {
  if (active !== null && active.uncacheable === null) active.uncacheable = why;
}

/** env as the planner may read it: each variable read is noted; a planner
 * that lists the whole environment makes the plan uncacheable. */
export function recordedEnv(env: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string | undefined>> {
  const read = (name: string): string | undefined => {
    const v = env[name];
    if (active !== null && !active.env.has(name)) active.env.set(name, v ?? null);
    return v;
  };
  return new Proxy({}, {
    get: (_t, p) => (typeof p === 'string' ? read(p) : undefined),
    has: (_t, p) => typeof p === 'string' && read(p) !== undefined,
    ownKeys: () => {
      noteUncacheable('the planner listed the whole environment');
      return Reflect.ownKeys(env);
    },
    getOwnPropertyDescriptor: (_t, p) => {
      if (typeof p !== 'string') return undefined;
      const v = read(p);
      return v === undefined ? undefined : { value: v, enumerable: true, configurable: true, writable: false };
    },
  });
}
