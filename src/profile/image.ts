/** Profile images: what the profile loader makes of a shipped profile,
 * made by the build (dist/images/NAME.ini.json) so that a launch need not
 * read, parse and expand the profile and its includes again (firefox's:
 * 4.6 -> 1.7 ms of a cold launch's planning; native/FRONT.md).
 *
 * The build loads each shipped profile as a launch would, but with
 * stand-ins for what belongs to the caller: the home, /run/user/UID and
 * the XDG directories expand to sentinel paths (macro expansion only puts
 * strings together, so a sentinel is replaced by the caller's value
 * afterwards exactly). It keeps what the loader looked at (the files read
 * and the paths it found absent, tracked by src/cache/deps.ts) and what it
 * made (LoadedProfile).
 *
 * A launch uses an image only when everything the loader would have seen
 * is as it was: the same profile directories (once the home is put in),
 * every file the loader looked at with the same mode (and, for one it
 * read, the same device, inode, size, mtime and ctime), no --ignore, and
 * no command-line option a ?HAS_ condition looks at when the profile has
 * such a condition. Each value that held a sentinel is checked again as
 * the loader checks it.
 * Anything else, or a damaged image, and the profile is loaded as before;
 * test/unit/profile/image.test.ts holds the two to the same result. The
 * helper's checks of the plan do not change: an image is the planner's
 * own data, in its own package directory. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { modeOf, noteMode, noteStat, startRecording, statKey, statOf, stopRecording } from '../cache/deps.js';
import { SSH_DIR } from '../fs/build.js';
import { isGlob } from '../fs/glob.js';
import { writeListings } from '../fs/listings.js';
import { PACKAGE_DIR } from '../package-dir.js';
import { optionRow, type OptionRow, type OptionValues } from '../options-schema.js';
import { CONDITION_STATE_KEYS, FIREJAIL_CONFIG, siteSettings, type SiteSettings } from './conditions.js';
import { checkValue, loadProfile } from './loader.js';
import { Macros, PATH_DIRS, XDG_MACROS } from './macros.js';
import type { Directive, IgnoreRule, LoadedProfile, PlanSource, ProfileLine, RawValue } from './model.js';
import { defaultDirs, SHIPPED_DIR, type ProfileDirs } from './search.js';

export const IMAGE_DIR = join(PACKAGE_DIR, 'dist', 'images');
const VERSION = 2;

/** The stand-ins: plain absolute paths no profile names, none a prefix of
 * another. */
const SENTINEL = '/tsjail-image-';
const HOME = `${SENTINEL}home`;
const RUNUSER = `${SENTINEL}runuser`;
const XDG = `${SENTINEL}xdg-`;
const xdgSentinel = (name: string) => XDG + name;

/** A file the loader looked at: 'mode' (stat's st_mode) or 'stat' (read:
 * also its device, inode, size, mtime and ctime, as a stored plan keeps
 * them), with what it saw (mode 0: not there). */
type ImageDep = readonly [kind: 'mode' | 'stat', path: string, mode: number, stat: string];

/** A directive: name, value (null: one of each ${PATH} directory, in
 * order, from raw), raw, its file (an index into files), line, format
 * (0: INI, 1: firejail's), condition, and how it was spelled. */
type Entry = readonly [string, RawValue | null, RawValue, number, number, 0 | 1, string | null, string?];

export interface ProfileImage {
  readonly version: number;
  /** The profile, as loadProfile was given it. */
  readonly file: string;
  /** The profile directories it was loaded with (the home a sentinel). */
  readonly dirs: ProfileDirs;
  /** Whether any file it read has a ?HAS_ condition. */
  readonly stateConditions: boolean;
  readonly deps: readonly ImageDep[];
  /** LoadedProfile, its directives as entries. */
  readonly files: readonly string[];
  readonly directives: readonly Entry[];
  readonly skipped: readonly Entry[];
  readonly ignored: readonly (readonly [Entry, IgnoreRule])[];
  readonly sources: readonly PlanSource[];
}

/** The macros a build loads with: the caller's own directories are
 * sentinels (the XDG ones without reading user-dirs.dirs). */
class SentinelMacros extends Macros {
  constructor() {
    super({ home: HOME, uid: 0, configHome: `${HOME}/.config`, firejailConfigDir: '/etc/firejail' });
  }

  override lookup(name: string, firejail: boolean): readonly string[] | string {
    if (name === 'RUNUSER') return [RUNUSER];
    if (XDG_MACROS.has(name)) return [xdgSentinel(name)];
    return super.lookup(name, firejail);
  }
}

/** The image of a shipped profile, or null when it cannot have one:
 * - it does not load;
 * - a line of it names a sentinel itself;
 * - an ignore line of it has a path (which might match a value once the
 *   caller's directory is in it, and not the sentinel's: a pattern reaches
 *   into an expanded directory only through its leading '/');
 * - it read a file not everyone may read (the build may run as root: the
 *   caller's loader could not read it, and the image would show it);
 * - it looked at a path made of /run/user/UID or an XDG directory, whose
 *   sentinel only the values are freed of. */
export function makeProfileImage(file: string): ProfileImage | null {
  const recording = startRecording();
  let profile: LoadedProfile;
  const dirs = defaultDirs(HOME, {});
  let site: SiteSettings | undefined;
  let stateConditions = false;
  let refused = false;
  const onLine = (l: ProfileLine) => {
    if (l.condition !== null && l.condition.startsWith('HAS_')) stateConditions = true;
    const text = l.kind === 'include' ? l.target : l.kind === 'ignore' ? l.pattern : typeof l.value === 'string' ? l.value : '';
    if (text.includes(SENTINEL) || (l.kind === 'ignore' && l.pattern.includes('/'))) refused = true;
  };
  try {
    profile = loadProfile(file, {
      dirs,
      macros: new SentinelMacros(),
      get site() {
        site ??= siteSettings(FIREJAIL_CONFIG);
        return site;
      },
      cliValues: new Map(),
      cliIgnores: [],
      onLine,
    });
  } catch {
    return null;
  } finally {
    stopRecording();
  }
  if (refused || recording.env.size > 0 || recording.usesCwd || recording.uncacheable !== null) return null;
  const deps: ImageDep[] = [];
  for (const d of recording.files.values()) {
    if (d.kind !== 'mode' && d.kind !== 'stat') return null;
    if (d.path.includes(SENTINEL) && !d.path.startsWith(`${HOME}/`)) return null;
    if (d.kind === 'stat' && d.mode !== 0 && (d.mode & 0o004) === 0) return null;
    deps.push([d.kind, d.path, d.mode, statKey(d)]);
  }
  const files: string[] = [];
  const entries = (list: readonly Directive[]) => toEntries(list, files);
  const ignored = profile.ignored.map((i) => [(entries([i.directive])[0] as Entry), i.by] as const);
  return {
    version: VERSION, file, dirs, stateConditions, deps, files, directives: entries(profile.directives),
    skipped: entries(profile.skipped), ignored, sources: profile.sources,
  };
}

/** Directives as entries; the eight of a ${PATH} line, one after the
 * other in a list, as one. */
function toEntries(list: readonly Directive[], files: string[]): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < list.length; i++) {
    const d = list[i] as Directive;
    let f = files.indexOf(d.file);
    if (f < 0) f = files.push(d.file) - 1;
    const whole = typeof d.raw === 'string' && d.raw.startsWith('${PATH}/') && wholePathRun(list, i);
    const head = [d.name, whole ? null : d.value, d.raw, f, d.line, d.format === 'ini' ? 0 : 1, d.condition] as const;
    out.push(d.spelled === undefined ? head : [...head, d.spelled]);
    if (whole) i += PATH_DIRS.length - 1;
  }
  return out;
}

/** Whether list[i] begins the expansion of its ${PATH} line, whole. */
function wholePathRun(list: readonly Directive[], i: number): boolean {
  const first = list[i] as Directive;
  const rest = (first.raw as string).slice('${PATH}'.length);
  return PATH_DIRS.every((dir, k) => {
    const d = list[i + k];
    return d !== undefined && d.name === first.name && d.value === dir + rest && d.raw === first.raw && d.file === first.file &&
      d.line === first.line && d.format === first.format && d.condition === first.condition && d.spelled === first.spelled;
  });
}

/** Entries as directives, each value that held a sentinel filled in (and
 * checked); null when one fails. */
function fromEntries(entries: readonly Entry[], files: readonly string[], fill: Fill): Directive[] | null {
  const out: Directive[] = [];
  for (let i = 0; i < entries.length; i++) {
    // (Indices, not destructuring: that iterates, in code run once.)
    const e = entries[i] as Entry;
    const name = e[0];
    const value = e[1];
    const raw = e[2];
    const file = files[e[3]] as string;
    const line = e[4];
    const fmt = e[5] === 0 ? 'ini' : 'firejail';
    const condition = e[6];
    const spelled = e[7];
    if (value === null) {
      const rest = (raw as string).slice('${PATH}'.length);
      for (let k = 0; k < PATH_DIRS.length; k++) {
        const v = (PATH_DIRS[k] as string) + rest;
        out.push(spelled === undefined ? { name, value: v, raw, file, line, format: fmt, condition }
          : { name, value: v, raw, file, line, format: fmt, condition, spelled });
      }
      continue;
    }
    const v = typeof value === 'string' && value.includes(SENTINEL) ? fill(name, value) : value;
    if (v === null) return null;
    out.push(spelled === undefined ? { name, value: v, raw, file, line, format: fmt, condition }
      : { name, value: v, raw, file, line, format: fmt, condition, spelled });
  }
  return out;
}

/** The build: an image of each shipped profile, into dir, and the listings
 * of the directories their launches list (src/fs/listings.ts: those of
 * ${PATH}, of each pattern whose directory is not one, the ssh host keys').
 * Returns how many images. */
export function writeProfileImages(dir: string, profiles = SHIPPED_DIR): number {
  mkdirSync(dir, { recursive: true });
  const listed = new Set<string>([...PATH_DIRS, SSH_DIR]);
  let n = 0;
  for (const name of readdirSync(profiles).sort()) {
    if (!name.endsWith('.ini')) continue;
    const image = makeProfileImage(join(profiles, name));
    if (image === null) continue;
    writeFileSync(imageFile(image.file, dir), JSON.stringify(image));
    for (const e of image.directives) {
      const v = e[1];
      if (typeof v === 'string' && v.startsWith('/') && isGlob(v) && !v.includes(SENTINEL) && !isGlob(dirname(v))) listed.add(dirname(v));
    }
    n++;
  }
  writeListings(listed, join(dir, 'listings.json'));
  return n;
}

function imageFile(profile: string, dir = IMAGE_DIR): string {
  return join(dir, `${basename(profile)}.json`);
}

export type ProfileSource = 'image' | 'read';
let source: ProfileSource | null = null;

/** Where this launch's profile came from (--print-plan); null: none. */
export function profileSource(): ProfileSource | null {
  return source;
}

export function noteProfileSource(s: ProfileSource | null): void {
  source = s;
}

/** What a launch needs of its context. */
export interface ImageContext {
  readonly dirs: ProfileDirs;
  readonly macros: Macros;
}

/** The profile from its image (in dir, for a profile in shipped), or
 * null: load it. */
export function profileFromImage(
  file: string, ctx: ImageContext, cli: OptionValues, dir = IMAGE_DIR, shipped = SHIPPED_DIR,
): LoadedProfile | null {
  if (dirname(file) !== shipped || cli.has('ignore')) return null;
  const home = ctx.macros.env.home;
  if (home.includes(SENTINEL)) return null;
  let image: ProfileImage;
  try {
    image = JSON.parse(readFileSync(imageFile(file, dir), 'utf8')) as ProfileImage;
  } catch {
    return null;
  }
  try {
    return fromImage(image, file, ctx, cli, home);
  } catch {
    // (An image of another shape: this build did not make it.)
    return null;
  }
}

function fromImage(image: ProfileImage, file: string, ctx: ImageContext, cli: OptionValues, home: string): LoadedProfile | null {
  if (image.version !== VERSION || image.file !== file) return null;
  if (image.stateConditions && CONDITION_STATE_KEYS.some((k) => cli.has(k))) return null;
  // (Paths in the home were joined to it: joined again.)
  const rebase = (p: string) => (p.startsWith(`${HOME}/`) ? join(home, p.slice(HOME.length + 1)) : p);
  if (!sameDirs(image.dirs, ctx.dirs, rebase)) return null;
  for (let i = 0; i < image.deps.length; i++) {
    const d = image.deps[i] as ImageDep;
    if (!seenAlike(d[0], rebase(d[1]), d[2], d[3])) return null;
  }
  const fill = filler(ctx.macros, home);
  if (fill === null) return null;
  const directives = fromEntries(image.directives, image.files, fill);
  const skipped = fromEntries(image.skipped, image.files, fill);
  if (directives === null || skipped === null) return null;
  const ignored: { directive: Directive; by: IgnoreRule }[] = [];
  for (let i = 0; i < image.ignored.length; i++) {
    const [e, by] = image.ignored[i] as readonly [Entry, IgnoreRule];
    const d = fromEntries([e], image.files, fill);
    if (d === null) return null;
    ignored.push({ directive: d[0] as Directive, by });
  }
  return { file, directives, ignored, skipped, sources: image.sources, conditionalIgnores: [] };
}

function sameDirs(a: ProfileDirs, b: ProfileDirs, rebase: (p: string) => string): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((d, i) => rebase(d) === y[i]);
  return same(a.tsjail, b.tsjail) && same(a.local, b.local) && same(a.firejail, b.firejail);
}

/** Whether path is as the build saw it (noted as the loader would: the
 * stored plan depends on it the same way). */
function seenAlike(kind: 'mode' | 'stat', path: string, mode: number, stat: string): boolean {
  if (kind === 'mode') return (noteMode(path) ?? modeOf(path, true)) === mode;
  const st = noteStat(path) ?? statOf(path, true);
  const now = st === null ? 0 : Number(st.mode);
  if (st === null || now === 0) return mode === 0;
  return now === mode && statKey(st) === stat;
}

type Fill = (name: string, value: string) => string | null;

/** What puts the caller's directories into a value that holds a sentinel
 * and checks it as the loader does: null when it fails (the loader then
 * fails with file:line). null when the home is not an absolute path or
 * /run/user/UID cannot expand. An XDG directory is looked up only when a
 * value names one (reading user-dirs.dirs, as the loader would). */
function filler(macros: Macros, home: string): Fill | null {
  const runUser = macros.lookup('RUNUSER', false);
  if (!home.startsWith('/') || typeof runUser === 'string' || runUser.length !== 1) return null;
  const swap = new Map<string, string | null>([[HOME, home], [RUNUSER, runUser[0] as string]]);
  const real = (sentinel: string): string | null => {
    let r = swap.get(sentinel);
    if (r === undefined) {
      const x = macros.lookup(sentinel.slice(XDG.length), false);
      r = typeof x === 'string' || x.length !== 1 || !(x[0] as string).startsWith('/') ? null : (x[0] as string);
      swap.set(sentinel, r);
    }
    return r;
  };
  const SENTINELS = /\/tsjail-image-(?:home|runuser|xdg-[A-Z]+)/g;
  return (name, value) => {
    let bad = false;
    const filled = value.replace(SENTINELS, (s) => {
      const r = real(s);
      if (r === null) bad = true;
      return r ?? s;
    });
    if (bad || filled.includes(SENTINEL)) return null;
    return checkValue(optionRow(name) as OptionRow, filled) === null ? filled : null;
  };
}
