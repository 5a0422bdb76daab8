/** Where profiles are found, as firejail does it: the profile named after
 * the program, searched in ~/.config/tsjail, /etc/tsjail, then the profiles
 * shipped with tsjail, then firejail's own (~/.config/firejail,
 * /etc/firejail) when installed; otherwise default.ini for users and
 * server.ini for root. */
import { statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { ProfileFormat } from './model.js';
import { isRegularMode, noteCwd, noteMode } from '../cache/deps.js';
import { PACKAGE_DIR } from '../package-dir.js';

export interface ProfileDirs {
  /** tsjail INI profiles, in search order: user, system, shipped. */
  readonly tsjail: readonly string[];
  /** Where NAME.local files are looked for, in reading order (system, then user). */
  readonly local: readonly string[];
  /** firejail's profiles, in search order: user, system. */
  readonly firejail: readonly string[];
}

/** The shipped profiles: <package>/profiles (dist/profile/.. /..). */
export const SHIPPED_DIR = join(PACKAGE_DIR, 'profiles');

const dirList = (v: string | undefined) => (v ?? '').split(':').filter((d) => d.startsWith('/'));

/** env: TSJAIL_PROFILE_PATH (colon-separated absolute directories) is
 * searched first; TSJAIL_PROFILE_DIRS, when set, replaces the standard
 * directories (and firejail's), for packagers and tests. */
export function defaultDirs(home: string, env: Readonly<Record<string, string | undefined>> = {}): ProfileDirs {
  const user = join(home, '.config', 'tsjail');
  const only = env['TSJAIL_PROFILE_DIRS'];
  if (only !== undefined) {
    const dirs = [...dirList(env['TSJAIL_PROFILE_PATH']), ...dirList(only)];
    return { tsjail: dirs, local: dirs, firejail: [] };
  }
  return {
    tsjail: [...dirList(env['TSJAIL_PROFILE_PATH']), user, '/etc/tsjail', SHIPPED_DIR],
    local: ['/etc/tsjail', user],
    firejail: [join(home, '.config', 'firejail'), '/etc/firejail'],
  };
}

export function isFile(path: string): boolean {
  // While recording, the mode noted is the answer (one stat, not two).
  const mode = noteMode(path);
  if (mode !== undefined) return isRegularMode(mode);
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The reader a file needs: .ini is tsjail's, .profile and .inc are
 * firejail's; anything else (.local, no extension) takes the format of the
 * file that includes it, or, at the top, is sniffed: INI when a line is a
 * [section] or key = value. */
export function formatOf(path: string, parent: ProfileFormat | null, text: string): ProfileFormat {
  const ext = extname(path);
  if (ext === '.ini') return 'ini';
  if (ext === '.profile' || ext === '.inc') return 'firejail';
  if (parent !== null) return parent;
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (l === '' || l.startsWith('#') || l.startsWith(';')) continue;
    return /^\[[^\]]*\]$/.test(l) || /^(\?[A-Z0-9_]+:\s*)?[A-Za-z0-9_.-]+(\[\])?\s*=/.test(l) ? 'ini' : 'firejail';
  }
  return 'firejail';
}

/** --profile=NAME: NAME.ini in the tsjail directories, then NAME.profile in
 * firejail's. A NAME that ends in .ini or .profile is looked for as is. */
export function findProfileByName(name: string, dirs: ProfileDirs): string | null {
  if (name === '' || name.includes('/') || name === '.' || name === '..') return null;
  const ext = extname(name);
  const tsjailName = ext === '.ini' ? name : ext === '.profile' ? null : `${name}.ini`;
  const firejailName = ext === '.profile' ? name : ext === '.ini' ? null : `${name}.profile`;
  if (tsjailName !== null) {
    for (const d of dirs.tsjail) if (isFile(join(d, tsjailName))) return join(d, tsjailName);
  }
  if (firejailName !== null) {
    for (const d of dirs.firejail) if (isFile(join(d, firejailName))) return join(d, firejailName);
  }
  return null;
}

/** --profile=VALUE: a path when it holds a '/' or names an existing file,
 * else a name. */
export function findProfile(value: string, cwd: string, dirs: ProfileDirs): string | null {
  if (!isAbsolute(value)) noteCwd();
  if (value.includes('/')) {
    const p = isAbsolute(value) ? value : resolve(cwd, value);
    return isFile(p) ? p : null;
  }
  const local = resolve(cwd, value);
  if (extname(value) !== '' && isFile(local)) return local;
  return findProfileByName(value, dirs);
}

/** Where an include points. Absolute: itself. Otherwise the directories of
 * the including file's kind are searched (tsjail's for an INI file, unless
 * the target is a .profile/.inc; firejail's for a firejail file), then the
 * including file's own directory. firejail also tries the current
 * directory first; tsjail does not. */
export function resolveInclude(target: string, from: string, format: ProfileFormat, dirs: ProfileDirs): string[] {
  if (isAbsolute(target)) return [target];
  const ext = extname(target);
  const firejailTarget = format === 'firejail' || ext === '.profile' || ext === '.inc';
  const roots = firejailTarget ? dirs.firejail : dirs.tsjail;
  return [...roots.map((d) => join(d, target)), join(dirname(from), target)];
}

/** Files firejail renamed while a profile of the same release still includes
 * the old name (firejail 0.9.72 itself cannot load electron-hardened.inc.profile
 * for this reason). Used only when the old name is found nowhere. */
export const FIREJAIL_RENAMED: ReadonlyMap<string, string> = new Map([
  ['chrome-common-hardened.inc.profile', 'chromium-common-hardened.inc.profile'],
]);

export function renamedFirejailInclude(target: string, dirs: ProfileDirs, exists = isFile): string | undefined {
  const now = FIREJAIL_RENAMED.get(target);
  if (now === undefined) return undefined;
  return dirs.firejail.map((d) => join(d, now)).find(exists);
}

/** The NAME.local files read after NAME.ini (system first, then the user's). */
export function localFiles(iniFile: string, dirs: ProfileDirs, exists = isFile): string[] {
  const name = `${basename(iniFile, '.ini')}.local`;
  return dirs.local.map((d) => join(d, name)).filter(exists);
}

export interface Selection {
  readonly file: string | null;
  /** How it was chosen, for --debug. */
  readonly why: string;
}

export function programProfileName(command: readonly string[]): string | null {
  const prog = command[0];
  if (prog === undefined || prog === '') return null;
  const name = basename(prog);
  return name === '' || name === '.' || name === '..' ? null : name;
}

/** The profile for a run without --profile: the program's, else default.ini
 * (users) or server.ini (root). */
export function selectProfile(command: readonly string[], uid: number, dirs: ProfileDirs): Selection {
  const name = programProfileName(command);
  if (name !== null) {
    const f = findProfileByName(name, dirs);
    if (f !== null) return { file: f, why: `the profile of ${name}` };
  }
  const fallback = uid === 0 ? 'server' : 'default';
  const f = findProfileByName(fallback, dirs);
  return f === null
    ? { file: null, why: `no profile for ${name ?? 'the shell'} and no ${fallback} profile` }
    : { file: f, why: `no profile for ${name ?? 'the shell'}: the ${fallback} profile${uid === 0 ? ' (root)' : ''}` };
}
