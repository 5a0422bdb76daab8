/** argv[0] dispatch: tsjail started through a link named PROGRAM (as
 * `tsjail --setup-desktop` makes them) runs the real PROGRAM, the next one
 * in PATH that is not tsjail, under PROGRAM's profile, with every argument
 * unchanged. Inside a tsjail sandbox it runs the program directly, as
 * firejail does: no sandbox in a sandbox, and never a loop. */
import { readFileSync } from 'node:fs';
import { PlanError } from '../errors.js';
import { DEFAULT_PATH } from '../environment.js';
import type { OptionValue, OptionValues } from '../options-schema.js';
import type { ResolvedProgram } from '../program.js';
import { findRealProgram } from './lookup.js';
import { profileFor, type Env } from './profiles.js';

export type WrapperRun =
  /** Start a sandbox around this program, with these command-line values
   * (the profile named after the program, when it has one). */
  | { readonly kind: 'sandbox'; readonly values: OptionValues; readonly command: readonly string[]; readonly resolved: ResolvedProgram }
  /** Already inside a sandbox: execve the program itself. */
  | { readonly kind: 'direct'; readonly resolved: ResolvedProgram };

/** True inside a tsjail sandbox: the helper sets container=tsjail and is the
 * init (PID 1) of the sandbox's PID namespace. */
export function insideSandbox(env: Env): boolean {
  if (env['container'] !== 'tsjail') return false;
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim() === 'tsjail-helper';
  } catch {
    return false;
  }
}

/** name: the link's name (wrapperName of argv[1]); args: everything after. */
export function wrapperRun(name: string, args: readonly string[], env: Env, cwd: string, home: string): WrapperRun {
  const program = findRealProgram(name, env['PATH'] ?? DEFAULT_PATH, cwd);
  if (program === null) {
    throw new PlanError(`cannot find the program '${name}' in PATH (only tsjail's own link to it)`);
  }
  // argv[0] is the name, as a shell looking the program up would pass it.
  const resolved: ResolvedProgram = { program, argv: [name, ...args] };
  if (insideSandbox(env)) return { kind: 'direct', resolved };
  const values = new Map<string, OptionValue>();
  if (profileFor(name, env, home) !== null) values.set('profile', name);
  return { kind: 'sandbox', values, command: [name, ...args], resolved };
}
