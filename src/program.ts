/** Which file the sandbox executes: the program looked up in PATH as a shell
 * would, or the user's shell when none is given (as firejail does). */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { PlanError } from './errors.js';
import { DEFAULT_PATH } from './environment.js';
import { isRegularMode, noteCwd, noteMode } from './cache/deps.js';

export interface ResolvedProgram {
  /** Absolute path to execute. */
  readonly program: string;
  /** argv, argv[0] as the user typed it. */
  readonly argv: readonly string[];
}

function executable(file: string): boolean {
  // While recording, the mode noted is the answer (one stat, and none that
  // throws for each directory of PATH without the program).
  const mode = noteMode(file);
  try {
    if (mode !== undefined ? !isRegularMode(mode) : !statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first layer (a directory seen as /) holding an executable file. */
function inLayers(file: string, layers: readonly string[]): boolean {
  return layers.some((l) => executable(l === '/' ? file : join(l, file)));
}

/** name looked up as a shell would; layers: the roots the sandbox will see,
 * top first ('/' for the host). */
export function findInPath(name: string, pathVar: string, cwd: string, layers: readonly string[] = ['/']): string | null {
  if (name.includes('/')) {
    if (!isAbsolute(name)) noteCwd();
    const file = isAbsolute(name) ? resolve(name) : resolve(cwd, name);
    return inLayers(file, layers) ? file : null;
  }
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    if (!isAbsolute(dir)) noteCwd();
    const file = resolve(cwd, dir, name);
    if (inLayers(file, layers)) return file;
  }
  return null;
}

export function resolveProgram(
  command: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  layers: readonly string[] = ['/'],
): ResolvedProgram {
  const argv = command.length > 0 ? [...command] : [env['SHELL'] || '/bin/sh'];
  const name = argv[0] ?? '';
  if (name === '') throw new PlanError(`cannot find program ''`);
  const program = findInPath(name, env['PATH'] ?? DEFAULT_PATH, cwd, layers);
  if (program === null) {
    const where = layers.length === 1 && layers[0] === '/' ? '' : ` in ${layers[layers.length - 1]}`;
    throw new PlanError(`cannot find program '${name}'${where}`);
  }
  return { program, argv };
}
