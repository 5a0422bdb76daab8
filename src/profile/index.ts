/** Profiles for main.ts: pick the profile (--profile, --noprofile, the
 * program's name, default/server), load it, report what is not enforced
 * yet, merge it under the command line; --profile-check and
 * --profile-convert. */
import { homedir } from 'node:os';
import { TsjailError, UsageError } from '../errors.js';
import { debug, debugging } from '../log.js';
import type { RawOptions } from '../options.js';
import { toRawOptions, type OptionValue, type OptionValues } from '../options-schema.js';
import type { PlanSource } from './model.js';
import { FIREJAIL_CONFIG, siteSettings, type SiteSettings } from './conditions.js';
import { convertToIni } from './convert.js';
import { profileFromImage, noteProfileSource } from './image.js';
import { loadProfile, type LoadOptions } from './loader.js';
import { Macros } from './macros.js';
import { mergeValues } from './merge.js';
import type { LoadedProfile } from './model.js';
import { checkListing, notEnforcedLines, summaryLine } from './report.js';
import { defaultDirs, findProfile, selectProfile, type ProfileDirs } from './search.js';

export interface ProfileContext {
  readonly dirs: ProfileDirs;
  readonly macros: Macros;
  readonly site: SiteSettings;
  readonly uid: number;
  readonly cwd: string;
}

export function profileContext(env: Readonly<Record<string, string | undefined>>, cwd: string): ProfileContext {
  const home = homedir();
  const uid = process.getuid?.() ?? 0;
  let site: SiteSettings | undefined;
  return {
    dirs: defaultDirs(home, env),
    macros: Macros.fromProcess(env, home, uid),
    // Read when a condition asks (and so a dependency of the plan only then).
    get site() {
      site ??= siteSettings(FIREJAIL_CONFIG);
      return site;
    },
    uid,
    cwd,
  };
}

function strings(v: OptionValue | undefined): string[] {
  if (v === undefined || typeof v === 'boolean') return [];
  return typeof v === 'string' ? [v] : [...v];
}

function loadOptions(ctx: ProfileContext, cli: OptionValues, keepConditionals = false): LoadOptions {
  return {
    dirs: ctx.dirs,
    macros: ctx.macros,
    get site() {
      return ctx.site;
    },
    cliValues: cli,
    cliIgnores: strings(cli.get('ignore')),
    keepConditionals,
  };
}

function named(value: string, ctx: ProfileContext): string {
  const f = findProfile(value, ctx.cwd, ctx.dirs);
  if (f === null) {
    throw new TsjailError(`profile '${value}' not found (looked for a file, then ${value}.ini in ` +
      `${ctx.dirs.tsjail.join(', ')}, then ${value}.profile in ${ctx.dirs.firejail.join(', ')})`);
  }
  return f;
}

/** The profile of a run, or null with --noprofile. */
export function loadRunProfile(cli: OptionValues, command: readonly string[], ctx: ProfileContext): LoadedProfile | null {
  noteProfileSource(null);
  const asked = cli.get('profile');
  if (cli.get('noprofile') === true) {
    if (asked !== undefined) throw new UsageError('--profile and --noprofile cannot be used together');
    debug('profile: none (--noprofile)');
    return null;
  }
  let file: string;
  if (typeof asked === 'string') {
    file = named(asked, ctx);
    debug(`profile: ${file} (--profile=${asked})`);
  } else {
    const sel = selectProfile(command, ctx.uid, ctx.dirs);
    if (sel.file === null) {
      debug(`profile: none: ${sel.why}`);
      return null;
    }
    file = sel.file;
    debug(`profile: ${file} (${sel.why})`);
  }
  const image = profileFromImage(file, ctx, cli);
  noteProfileSource(image === null ? 'read' : 'image');
  if (image !== null) debug('profile: from its image (dist/images, made by the build)');
  const p = image ?? loadProfile(file, loadOptions(ctx, cli));
  if (debugging()) {
    debug(`profile: ${summaryLine(p)}`);
    for (const line of notEnforcedLines(p)) debug(line);
  }
  return p;
}

/** Profile and command line merged: the RawOptions to normalise. */
export function applyProfile(p: LoadedProfile | null, cli: OptionValues, command: readonly string[]): RawOptions {
  const raw = toRawOptions(mergeValues(p, cli), command);
  // The command line's caps.keep is a demand; a profile's a wish (seccomp/plan.ts).
  return raw.capsKeep !== undefined && !cli.has('caps.keep') ? { ...raw, capsKeepFromProfile: true } : raw;
}

/** The most SOURCE records a plan may hold (TSJ_MAX_SOURCES, native/plan.h). */
export const MAX_PLAN_SOURCES = 64;

export function profileSources(p: LoadedProfile | null): readonly PlanSource[] {
  if (p === null) return [];
  if (p.sources.length > MAX_PLAN_SOURCES) {
    throw new TsjailError(`profile ${p.file} reads ${p.sources.length} files; a sandbox plan records at most ${MAX_PLAN_SOURCES}`);
  }
  return p.sources;
}

/** --profile-check=FILE and --profile-convert=FILE: the text to print, or
 * null when neither was asked for. */
export function profileCommand(cli: OptionValues, ctx: ProfileContext, version: string): string | null {
  const check = cli.get('profile-check');
  const conv = cli.get('profile-convert');
  if (check !== undefined && conv !== undefined) {
    throw new UsageError('--profile-check and --profile-convert cannot be used together');
  }
  if (typeof check === 'string') return checkListing(loadProfile(named(check, ctx), loadOptions(ctx, cli)));
  if (typeof conv === 'string') return convertToIni(loadProfile(named(conv, ctx), loadOptions(ctx, cli, true)), version);
  return null;
}
