/** "Does program NAME have a tsjail profile?" for the launcher wrappers:
 * the profile module's search directories (TSJAIL_PROFILE_PATH first), tsjail
 * INI profiles only; firejail's own profiles do not make a launcher. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDirs } from '../profile/search.js';
import { noteMode } from '../cache/deps.js';

/** Profile names that are not programs: the fallbacks. */
const NOT_PROGRAMS = new Set(['default', 'server']);

const NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]{0,127}$/;

/** A plausible program (and profile) name: no '/', not '.' or '..'. */
export function isProgramName(name: string): boolean {
  return NAME.test(name) && name !== '.' && name !== '..';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Where NAME.ini is looked for, in order: TSJAIL_PROFILE_PATH
 * (colon-separated), ~/.config/tsjail, /etc/tsjail, the shipped profiles. */
export function profileDirs(env: Env, home: string): string[] {
  return [...defaultDirs(home, env).tsjail];
}

function isFile(path: string): boolean {
  noteMode(path);
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The profile file for program name, or null. */
export function profileFor(name: string, env: Env, home: string): string | null {
  if (!isProgramName(name) || NOT_PROGRAMS.has(name)) return null;
  for (const dir of profileDirs(env, home)) {
    const file = join(dir, `${name}.ini`);
    if (isFile(file)) return file;
  }
  return null;
}

/** Every program name that has a profile, sorted. */
export function profiledPrograms(env: Env, home: string): string[] {
  const names = new Set<string>();
  for (const dir of profileDirs(env, home)) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.endsWith('.ini')) continue;
      const name = e.slice(0, -4);
      if (isProgramName(name) && !NOT_PROGRAMS.has(name) && isFile(join(dir, e))) names.add(name);
    }
  }
  return [...names].sort();
}
