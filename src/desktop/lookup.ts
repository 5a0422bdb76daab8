/** The real program behind a launcher link: the next one in PATH that is
 * not tsjail itself, so a link never finds itself (or another tsjail). */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { PACKAGE_DIR } from '../package-dir.js';
import { noteCwd, noteMode, noteReal } from '../cache/deps.js';

/** tsjail's entry point: what the launcher links point to. */
export const TSJAIL_ENTRY = join(PACKAGE_DIR, 'bin', 'tsjail.js');

/** The native front end (native/front/front.c), built beside the helper: what
 * the links point to when it is there, so that a click starts no Node
 * while a stored plan holds. */
export const TSJAIL_FRONT_END = join(PACKAGE_DIR, 'native', 'tsjail');

/** What the launcher links and .desktop files start: the front end, or the
 * Node entry point without it. */
export function tsjailCommand(): string {
  return isExecutableFile(TSJAIL_FRONT_END) ? TSJAIL_FRONT_END : TSJAIL_ENTRY;
}

/** Names under which tsjail is itself, not a launcher for a program. */
const SELF_NAMES = new Set(['tsjail', 'tsjail.js', 'tsjail.cjs']);

/** The program a launcher link stands for, from the path tsjail was started
 * as (process.argv[1]); null when that is tsjail itself. */
export function wrapperName(invokedAs: string): string | null {
  const name = basename(invokedAs);
  return name === '' || SELF_NAMES.has(name) ? null : name;
}

function realpath(path: string): string | null {
  if (isAbsolute(path)) noteReal(path);
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

let entryReal: string | null | undefined;

/** True when path is tsjail: a link to (or copy named like) its entry
 * point, of this installation or any other. */
export function isTsjailLauncher(path: string): boolean {
  const real = realpath(path);
  if (real === null) return false;
  if (entryReal === undefined) entryReal = realpath(TSJAIL_ENTRY);
  return real === entryReal || SELF_NAMES.has(basename(real));
}

let nodeReal: string | null | undefined;

/** True when path is the Node.js tsjail runs on: a launcher link for it
 * would make `#!/usr/bin/env node` start the link again, for ever. */
export function isOwnInterpreter(path: string): boolean {
  if (nodeReal === undefined) nodeReal = realpath(process.execPath);
  return nodeReal !== null && realpath(path) === nodeReal;
}

export function isExecutableFile(path: string): boolean {
  if (isAbsolute(path)) noteMode(path);
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** name looked up in pathVar as a shell would, skipping tsjail's links. */
export function findRealProgram(name: string, pathVar: string, cwd: string): string | null {
  if (name.includes('/')) return null;
  for (const dir of pathVar.split(':')) {
    if (dir === '') continue;
    if (!isAbsolute(dir)) noteCwd();
    const file = resolve(cwd, dir, name);
    if (isExecutableFile(file) && !isTsjailLauncher(file)) return file;
  }
  return null;
}

/** The real program for a command word (a name or a path) from a .desktop
 * Exec line: a path is taken as is unless it is a tsjail link. */
export function realProgramFor(word: string, pathVar: string, cwd: string): string | null {
  if (!isAbsolute(word)) return word.includes('/') ? null : findRealProgram(word, pathVar, cwd);
  if (isTsjailLauncher(word)) return findRealProgram(basename(word), pathVar, cwd);
  return isExecutableFile(word) ? resolve(word) : null;
}
