/** tsjail --setup-desktop: launcher links and .desktop files for every
 * installed program that has a profile (firejail's firecfg is the model).
 * Install brings what tsjail made in the chosen directories in line with
 * what it would make now (a second run changes nothing); remove undoes what
 * the manifest records. Neither ever touches a file tsjail did not make, or
 * one changed since. */
import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { PlanError } from '../errors.js';
import { DEFAULT_PATH } from '../environment.js';
import { findRealProgram, isOwnInterpreter, tsjailCommand } from './lookup.js';
import {
  diskState, matches, sha256, type DesktopRecord, type LinkRecord, type Manifest,
  type ManifestRecord,
} from './manifest.js';
import { profiledPrograms, profileFor, type Env } from './profiles.js';
import { rewriteEntry } from './rewrite.js';

export interface SetupTargets {
  /** Where the links go (null: none). */
  readonly binDir: string | null;
  /** Where the .desktop files go (null: none). */
  readonly appsDir: string | null;
  readonly manifest: string;
}

export interface SetupContext {
  readonly env: Env;
  readonly home: string;
  readonly cwd: string;
  readonly uid: number;
  /** What links point to and Exec lines start with. */
  readonly tsjail: string;
}

export function setupContext(env: Env, home: string, uid: number): SetupContext {
  return { env, home, cwd: process.cwd(), uid, tsjail: tsjailCommand() };
}

type Wanted =
  | (LinkRecord & { readonly content?: undefined })
  | (DesktopRecord & { readonly content: string });

export type Change =
  | { readonly op: 'create' | 'update' | 'keep'; readonly want: Wanted }
  | { readonly op: 'remove'; readonly record: ManifestRecord }
  /** Left alone: someone else's file, or one changed since tsjail made it. */
  | { readonly op: 'skip'; readonly path: string; readonly why: string }
  /** Dropped from the manifest without touching the disk. */
  | { readonly op: 'forget'; readonly record: ManifestRecord; readonly why: string };

/** The data directories .desktop files come from (XDG_DATA_DIRS). */
export function dataDirs(env: Env): string[] {
  const v = env['XDG_DATA_DIRS'] || '/usr/local/share/:/usr/share/';
  return v.split(':').filter((d) => isAbsolute(d));
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Every .desktop file under dir, as paths relative to it (a few levels). */
function desktopFiles(dir: string, rel = '', depth = 0): string[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, rel)).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    const r = rel === '' ? n : `${rel}/${n}`;
    let st;
    try {
      st = statSync(join(dir, r));
    } catch {
      continue;
    }
    if (st.isDirectory() && depth < 4) out.push(...desktopFiles(dir, r, depth + 1));
    else if (st.isFile() && n.endsWith('.desktop') && st.size <= 1 << 20) out.push(r);
  }
  return out;
}

/** One line for a file that is for tsjail but cannot be made. */
export interface Problem {
  readonly path: string;
  readonly why: string;
}

function wantedLinks(binDir: string, ctx: SetupContext, problems: Problem[]): Wanted[] {
  const pathVar = ctx.env['PATH'] ?? DEFAULT_PATH;
  const out: Wanted[] = [];
  for (const name of profiledPrograms(ctx.env, ctx.home)) {
    const program = findRealProgram(name, pathVar, ctx.cwd);
    if (program === null) continue; // not installed
    const path = join(binDir, name);
    if (isOwnInterpreter(program)) {
      problems.push({ path, why: `no link: tsjail itself runs on ${program}` });
      continue;
    }
    out.push({ kind: 'link', path, target: ctx.tsjail, program: name });
  }
  return out;
}

function wantedDesktops(appsDir: string, ctx: SetupContext, problems: Problem[]): Wanted[] {
  const target = realOrNull(appsDir) ?? appsDir;
  const seen = new Set<string>();
  const out: Wanted[] = [];
  const rctx = {
    tsjail: ctx.tsjail,
    hasProfile: (name: string) => profileFor(name, ctx.env, ctx.home) !== null,
    pathVar: ctx.env['PATH'] ?? DEFAULT_PATH,
    cwd: ctx.cwd,
  };
  for (const data of dataDirs(ctx.env)) {
    const apps = join(data, 'applications');
    if ((realOrNull(apps) ?? apps) === target) continue;
    for (const rel of desktopFiles(apps)) {
      const id = rel.replace(/\//g, '-');
      if (seen.has(id)) continue; // the first data directory wins, as for launchers
      seen.add(id);
      const source = join(apps, rel);
      let text: string;
      try {
        text = readFileSync(source, 'utf8');
      } catch {
        continue;
      }
      const r = rewriteEntry(text, source, rctx);
      if (r.kind === 'unusable') problems.push({ path: source, why: r.why });
      if (r.kind !== 'rewritten') continue;
      out.push({ kind: 'desktop', path: join(appsDir, rel), sha256: sha256(r.content), source, program: r.program, content: r.content });
    }
  }
  return out;
}

function under(path: string, dir: string): boolean {
  const r = relative(dir, path);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

function same(want: Wanted, rec: ManifestRecord): boolean {
  return want.kind === 'link'
    ? rec.kind === 'link' && rec.target === want.target
    : rec.kind === 'desktop' && rec.sha256 === want.sha256;
}

/** What an install would change, given the manifest. */
export function planInstall(targets: SetupTargets, ctx: SetupContext, manifest: Manifest): { changes: Change[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const wanted = [
    ...(targets.binDir === null ? [] : wantedLinks(targets.binDir, ctx, problems)),
    ...(targets.appsDir === null ? [] : wantedDesktops(targets.appsDir, ctx, problems)),
  ];
  const records = new Map(manifest.entries.map((r) => [r.path, r]));
  const changes: Change[] = [];
  for (const want of wanted) {
    const rec = records.get(want.path);
    const state = diskState(want.path);
    if (state.kind === 'absent') {
      changes.push({ op: 'create', want });
    } else if (rec !== undefined && matches(rec, state)) {
      changes.push({ op: same(want, rec) ? 'keep' : 'update', want });
    } else if (rec !== undefined) {
      changes.push({ op: 'forget', record: rec, why: 'changed since tsjail made it; left alone' });
    } else {
      changes.push({ op: 'skip', path: want.path, why: 'exists, not made by tsjail' });
    }
  }
  // What tsjail made in these directories before and would not make now.
  const wantedPaths = new Set(wanted.map((w) => w.path));
  for (const rec of manifest.entries) {
    if (wantedPaths.has(rec.path)) continue;
    const dir = rec.kind === 'link' ? targets.binDir : targets.appsDir;
    if (dir === null || !under(rec.path, dir)) continue;
    changes.push(removal(rec));
  }
  return { changes, problems };
}

function removal(rec: ManifestRecord): Change {
  const state = diskState(rec.path);
  if (state.kind === 'absent') return { op: 'forget', record: rec, why: 'already gone' };
  if (!matches(rec, state)) return { op: 'forget', record: rec, why: 'changed since tsjail made it; left alone' };
  return { op: 'remove', record: rec };
}

export function planRemove(manifest: Manifest): Change[] {
  return manifest.entries.map(removal);
}

/** mkdir -p, noting each directory it made. */
function makeDirs(dir: string, made: string[]): void {
  const missing: string[] = [];
  for (let d = dir; diskState(d).kind === 'absent'; d = dirname(d)) {
    missing.unshift(d);
    if (d === dirname(d)) break;
  }
  for (const d of missing) {
    mkdirSync(d, { mode: 0o755 });
    made.push(d);
  }
}

function writeNew(path: string, content: string): void {
  writeFileSync(path, content, { flag: 'wx', mode: 0o644 });
}

function replace(path: string, content: string): void {
  const tmp = `${path}.tsjail-${process.pid}`;
  writeNew(tmp, content);
  renameSync(tmp, path);
}

function toRecord(want: Wanted): ManifestRecord {
  if (want.kind === 'link') return { kind: 'link', path: want.path, target: want.target, program: want.program };
  return { kind: 'desktop', path: want.path, sha256: want.sha256, source: want.source, program: want.program };
}

/** Carries out changes, stopping at the first that fails; returns the
 * manifest that records what is done, and that failure. */
export function apply(changes: readonly Change[], manifest: Manifest): { manifest: Manifest; error: PlanError | null } {
  const entries = new Map(manifest.entries.map((r) => [r.path, r]));
  const dirs = [...manifest.dirs];
  const result = (error: PlanError | null) => ({
    manifest: { version: 1 as const, entries: [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), dirs },
    error,
  });
  for (const c of changes) {
    try {
      applyOne(c, entries, dirs);
    } catch (e) {
      return result(new PlanError(`${describe(c)}: ${(e as Error).message}`));
    }
  }
  return result(null);
}

function applyOne(c: Change, entries: Map<string, ManifestRecord>, dirs: string[]): void {
  switch (c.op) {
    case 'create':
      makeDirs(dirname(c.want.path), dirs);
      if (c.want.kind === 'link') symlinkSync(c.want.target, c.want.path);
      else writeNew(c.want.path, c.want.content);
      entries.set(c.want.path, toRecord(c.want));
      break;
    case 'update':
      if (c.want.kind === 'link') {
        unlinkSync(c.want.path);
        symlinkSync(c.want.target, c.want.path);
      } else {
        replace(c.want.path, c.want.content);
      }
      entries.set(c.want.path, toRecord(c.want));
      break;
    case 'remove':
      unlinkSync(c.record.path);
      entries.delete(c.record.path);
      break;
    case 'forget':
      entries.delete(c.record.path);
      break;
    case 'keep':
    case 'skip':
      break;
  }
}

/** Writes the manifest, or, when it records nothing, removes it and every
 * directory tsjail made that is empty now. Returns the directories removed. */
export function saveManifest(file: string, before: Manifest, after: Manifest): string[] {
  if (after.entries.length > 0) {
    if (JSON.stringify(after) === JSON.stringify(before)) return [];
    const dirs = [...after.dirs];
    makeDirs(dirname(file), dirs);
    const text = `${JSON.stringify({ ...after, dirs }, null, 2)}\n`;
    if (diskState(file).kind === 'absent') writeNew(file, text);
    else replace(file, text);
    return [];
  }
  if (diskState(file).kind !== 'absent') unlinkSync(file);
  const removed: string[] = [];
  for (const d of [...after.dirs].reverse()) {
    try {
      rmdirSync(d);
      removed.push(d);
    } catch {
      // not empty (or gone): no longer tsjail's to remove
    }
  }
  return removed;
}

/** The text of a change, as --setup-desktop prints it. */
export function describe(c: Change): string {
  switch (c.op) {
    case 'create':
    case 'update':
    case 'keep':
      return c.want.kind === 'link'
        ? `${c.op} link ${c.want.path} -> ${c.want.target}`
        : `${c.op} ${c.want.path} (from ${c.want.source})`;
    case 'remove':
      return `remove ${c.record.kind === 'link' ? 'link ' : ''}${c.record.path}`;
    case 'skip':
      return `skip ${c.path}: ${c.why}`;
    case 'forget':
      return `forget ${c.record.path}: ${c.why}`;
  }
}
