/** Loads a profile: reads the file with the reader its format needs,
 * follows includes (depth limit, loops refused, a missing .local skipped as
 * firejail does), reads NAME.local after a tsjail NAME.ini, evaluates
 * ?CONDITION: lines, expands macros, checks every value against the options
 * table and applies ignore. Every directive keeps its file:line; every
 * error is a ProfileError 'file:line: what is wrong'. */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { OptionError, ProfileError, TsjailError, UsageError } from '../errors.js';
import { checkAlone, checkPathAlone } from '../options.js';
import { optionRow, toRawOptions, type OptionRow, type OptionValue, type OptionValues } from '../options-schema.js';
import type { PlanSource } from './model.js';
import { evaluateCondition, FIREJAIL_CONFIG, isCondition, type SiteSettings } from './conditions.js';
import { parseFirejailProfile } from './firejail-reader.js';
import { parseIniProfile } from './ini-reader.js';
import type { Macros } from './macros.js';
import {
  directiveText, ignoreMatches, normalizePattern, type Directive, type IgnoreRule, type LoadedProfile, type ProfileFormat,
  type ProfileLine, type RawValue,
} from './model.js';
import { formatOf, isFile, localFiles, renamedFirejailInclude, resolveInclude, type ProfileDirs } from './search.js';
import { isRegularMode, noteStat } from '../cache/deps.js';

/** What ignores a firejail profile's tracelog where firejail.config does
 * not turn it on (--profile-check names it). */
const SITE_TRACELOG: IgnoreRule = Object.freeze({
  pattern: 'not acted on: tracelog is off in firejail\'s site settings (its default)',
  file: FIREJAIL_CONFIG, line: 0, condition: null,
});

export const MAX_INCLUDE_DEPTH = 16;
export const MAX_PROFILE_SIZE = 1024 * 1024;

export interface CachedFile {
  readonly text: string;
  readonly mtimeNs: string;
  readonly parsed: Map<ProfileFormat, readonly ProfileLine[]>;
}

/** Files read and parsed, which paths exist, and each directive value's
 * verdict: for a process that loads many profiles (the firejail corpus test,
 * whose 1,247 files check the same include lines over and over). */
export class ProfileCache {
  readonly files = new Map<string, CachedFile>();
  readonly verdicts = new Map<OptionRow, Map<RawValue, string | null>>();
  private readonly exists = new Map<string, boolean>();

  isFile = (path: string): boolean => {
    let e = this.exists.get(path);
    if (e === undefined) {
      e = isFile(path);
      this.exists.set(path, e);
    }
    return e;
  };
}

export interface LoadOptions {
  readonly dirs: ProfileDirs;
  readonly macros: Macros;
  readonly site: SiteSettings;
  /** What the command line set: conditions see it before the profile. */
  readonly cliValues?: OptionValues;
  /** --ignore patterns: they apply to every line of the profile. */
  readonly cliIgnores?: readonly string[];
  /** For the converter: keep conditional lines (and conditional ignores)
   * whatever their condition, marked with it. */
  readonly keepConditionals?: boolean;
  /** Files already read and parsed (a test loading many profiles). */
  readonly cache?: ProfileCache;
  /** Told of every line read, before it is acted on (the build's profile
   * images: src/profile/image.ts). */
  readonly onLine?: (l: ProfileLine) => void;
}

/** Adds one value to a value map as the options table says: a flag, value
 * or optional replaces, a list appends (in place: the map's arrays must be
 * its own). */
export function applyValue(map: Map<string, OptionValue>, row: OptionRow, value: RawValue): void {
  if (row.kind === 'list') {
    const prev = map.get(row.name);
    if (Array.isArray(prev)) (prev as string[]).push(String(value));
    else map.set(row.name, [String(value)]);
  } else {
    map.set(row.name, value);
  }
}

/** Rows with an option behind them are checked by normalizeOptions, the
 * command line's own checks, so both give the same verdict (through
 * checkAlone: for most values, only their concern's part of it). */
export function checkValue(row: OptionRow, value: RawValue): string | null {
  if (typeof value === 'string' && row.check !== undefined) {
    const bad = row.check(value);
    if (bad !== null) return `${row.name}: ${bad}`;
  }
  if (row.field !== undefined) {
    // A flag turned on alone is what normalizeOptions never refuses
    // (test/unit/options-alone.test.ts holds every flag to that).
    if (row.kind === 'flag' && value === true) return null;
    const alone = row.kind === 'list' && typeof value === 'string' ? checkPathAlone(row.field, value) : undefined;
    if (alone !== undefined) return alone?.replace(/^--/, '') ?? null;
    try {
      checkAlone(toRawOptions(new Map([[row.name, row.kind === 'list' ? [String(value)] : value]])));
    } catch (e) {
      if (e instanceof UsageError || e instanceof OptionError) return e.message.replace(/^--/, '');
      throw e;
    }
  }
  return null;
}

function readProfileFile(path: string, cache: ProfileCache | undefined): CachedFile | string {
  const hit = cache?.files.get(path);
  if (hit !== undefined) return hit;
  let entry: CachedFile;
  // While recording, what the note saw is the stat (one, not two).
  const seen = noteStat(path);
  try {
    const st = seen !== undefined && seen.mode !== 0 ? seen : statSync(path, { bigint: true });
    if (!isRegularMode(Number(st.mode))) return 'not a regular file';
    if (st.size > BigInt(MAX_PROFILE_SIZE)) return `larger than ${MAX_PROFILE_SIZE} bytes`;
    entry = { text: readFileSync(path, 'utf8'), mtimeNs: st.mtimeNs.toString(), parsed: new Map() };
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
  cache?.files.set(path, entry);
  return entry;
}

class Loader {
  readonly directives: Directive[] = [];
  readonly ignored: { directive: Directive; by: IgnoreRule }[] = [];
  readonly skipped: Directive[] = [];
  readonly conditionalIgnores: IgnoreRule[] = [];
  private readonly sources = new Map<string, string>();
  /** Active "following" ignores: --ignore, then firejail's ignore lines. */
  private readonly following: IgnoreRule[];
  /** tsjail INI ignores: they apply to the whole profile. */
  private readonly profileWide: IgnoreRule[] = [];
  /** What conditions look at: the command line, then the lines read so far. */
  private readonly state: Map<string, OptionValue>;
  private readonly stack: string[] = [];
  private readonly exists: (path: string) => boolean;

  constructor(private readonly o: LoadOptions) {
    this.exists = o.cache?.isFile ?? isFile;
    this.following = (o.cliIgnores ?? []).map((p) => ({ pattern: normalizePattern(p), file: null, line: 0, condition: null }));
    this.state = new Map([...(o.cliValues ?? [])].map(([k, v]) => [k, Array.isArray(v) ? [...(v as string[])] : v]));
  }

  sourceList(): PlanSource[] {
    return [...this.sources].map(([path, mtimeNs]) => ({ path, mtimeNs }));
  }

  /** checkValue, remembered in the cache when there is one. */
  private check(row: OptionRow, value: RawValue): string | null {
    const cache = this.o.cache;
    if (cache === undefined) return checkValue(row, value);
    let byValue = cache.verdicts.get(row);
    if (byValue === undefined) {
      byValue = new Map();
      cache.verdicts.set(row, byValue);
    }
    let bad = byValue.get(value);
    if (bad === undefined) {
      bad = checkValue(row, value);
      byValue.set(value, bad);
    }
    return bad;
  }

  private ignoredBy(rules: readonly IgnoreRule[], d: Directive): IgnoreRule | undefined {
    if (rules.length === 0) return undefined;
    const texts = [directiveText(d.spelled ?? d.name, d.spelled !== undefined ? true : d.raw), directiveText(d.name, d.raw), directiveText(d.name, d.value)];
    return rules.find((r) => texts.some((t) => ignoreMatches(r.pattern, t)));
  }

  /** Returns the file's format. */
  load(path: string, parent: ProfileFormat | null, from: { file: string; line: number } | null): ProfileFormat {
    const fail = (msg: string): never => {
      if (from === null) throw new TsjailError(`profile ${path}: ${msg}`);
      throw new ProfileError(from.file, from.line, msg);
    };
    if (this.stack.includes(path)) fail(`include loop: ${[...this.stack.slice(this.stack.indexOf(path)), path].join(' -> ')}`);
    if (this.stack.length >= MAX_INCLUDE_DEPTH) fail(`includes nested more than ${MAX_INCLUDE_DEPTH} deep at ${path}`);
    const entry = readProfileFile(path, this.o.cache);
    if (typeof entry === 'string') {
      return fail(from === null ? `cannot read it: ${entry}` : `cannot read ${path}: ${entry}`);
    }
    if (!this.sources.has(path)) this.sources.set(path, entry.mtimeNs);
    const format = formatOf(path, parent, entry.text);
    let lines = entry.parsed.get(format);
    if (lines === undefined) {
      lines = format === 'ini' ? parseIniProfile(path, entry.text) : parseFirejailProfile(path, entry.text);
      entry.parsed.set(format, lines);
    }
    this.stack.push(path);
    // (An index loop: for-of makes an iterator result per line in code
    // that runs once.)
    const onLine = this.o.onLine;
    for (let i = 0; i < lines.length; i++) {
      if (onLine !== undefined) onLine(lines[i] as ProfileLine);
      this.line(path, format, lines[i] as ProfileLine);
    }
    if (format === 'ini' && extname(path) === '.ini') {
      for (const local of localFiles(path, this.o.dirs, this.exists)) this.load(local, 'ini', null);
    }
    this.stack.pop();
    return format;
  }

  private conditionHolds(condition: string | null): boolean {
    if (condition === null || this.o.keepConditionals === true) return true;
    return isCondition(condition) && evaluateCondition(condition, this.state, this.o.site);
  }

  private line(file: string, format: ProfileFormat, l: ProfileLine): void {
    const fail = (msg: string): never => {
      throw new ProfileError(file, l.line, msg);
    };
    const firejail = format === 'firejail';
    switch (l.kind) {
      case 'include': {
        if (this.following.length > 0 && this.following.some((r) => ignoreMatches(r.pattern, `include ${l.target}`))) return;
        const expanded = this.o.macros.expand(l.target, firejail);
        if (typeof expanded === 'string') fail(expanded as string);
        if (expanded.length !== 1) fail(`include '${l.target}': names several files`);
        const target = expanded[0] as string;
        const candidates = resolveInclude(target, file, format, this.o.dirs);
        const found = candidates.find(this.exists) ?? (firejail ? renamedFirejailInclude(target, this.o.dirs, this.exists) : undefined);
        if (found === undefined) {
          if (target.endsWith('.local')) return; // optional, as in firejail
          fail(`include '${l.target}': not found (looked for ${candidates.join(', ')})`);
          return;
        }
        this.load(found, format, { file, line: l.line });
        return;
      }
      case 'ignore': {
        const rule: IgnoreRule = { pattern: normalizePattern(l.pattern), file, line: l.line, condition: l.condition };
        if (l.condition !== null && this.o.keepConditionals === true) {
          this.conditionalIgnores.push(rule);
          return;
        }
        if (!this.conditionHolds(l.condition)) return;
        (l.scope === 'following' ? this.following : this.profileWide).push(rule);
        return;
      }
      case 'directive': {
        const row = optionRow(l.name) as OptionRow;
        let values: RawValue[] = [l.value];
        if (typeof l.value === 'string' && row.macros !== false) {
          const expanded = this.o.macros.expand(l.value, firejail);
          if (typeof expanded === 'string') fail(expanded as string);
          values = expanded as string[];
          if (values.length > 1 && row.kind !== 'list') fail(`${l.name}: \${PATH} stands for several directories; '${l.name}' takes one value`);
        }
        // (A ${PATH} line makes eight values, a big profile some six
        // hundred: per value, no call that cannot change the outcome.)
        const uncached = this.o.cache === undefined;
        for (let i = 0; i < values.length; i++) {
          const v = values[i] as RawValue;
          const bad = uncached ? checkValue(row, v) : this.check(row, v);
          if (bad !== null) fail(bad);
          // (No spread: a big profile makes hundreds of these.)
          const d: Directive = l.spelled === undefined
            ? { name: l.name, value: v, raw: l.value, file, line: l.line, format, condition: l.condition }
            : { name: l.name, value: v, raw: l.value, file, line: l.line, format, condition: l.condition, spelled: l.spelled };
          if (l.condition !== null && !this.conditionHolds(l.condition)) {
            this.skipped.push(d);
            continue;
          }
          // As firejail: a firejail profile's tracelog only where the
          // site's firejail.config turns tracelog on (off by default).
          if (firejail && l.name === 'tracelog' && !this.o.site.tracelog) {
            this.ignored.push({ directive: d, by: SITE_TRACELOG });
            continue;
          }
          const by = this.following.length === 0 ? undefined : this.ignoredBy(this.following, d);
          if (by !== undefined) {
            this.ignored.push({ directive: d, by });
            continue;
          }
          this.directives.push(d);
          applyValue(this.state, row, v);
        }
        return;
      }
    }
  }

  /** tsjail INI ignores hold for the whole profile, its includes and its
   * .local files, wherever they stand. */
  applyProfileWideIgnores(): Directive[] {
    if (this.profileWide.length === 0) return this.directives;
    const kept: Directive[] = [];
    for (const d of this.directives) {
      const by = this.ignoredBy(this.profileWide, d);
      if (by === undefined) kept.push(d);
      else this.ignored.push({ directive: d, by });
    }
    return kept;
  }
}

export function loadProfile(file: string, o: LoadOptions): LoadedProfile {
  const loader = new Loader(o);
  // globals.local: read after a tsjail profile, for settings meant for all.
  if (loader.load(file, null, null) === 'ini') {
    for (const g of o.dirs.local.map((d) => `${d}/globals.local`).filter(isFile)) {
      loader.load(g, 'ini', null);
    }
  }
  const directives = loader.applyProfileWideIgnores();
  return {
    file,
    directives,
    ignored: loader.ignored,
    skipped: loader.skipped,
    sources: loader.sourceList(),
    conditionalIgnores: loader.conditionalIgnores,
  };
}
