/** --private-bin: the host files the new directory of programs holds, as
 * firejail finds them. Each name (or glob pattern) is looked for in
 * plan.def's BIN_DIRS, in order, and the first found wins; a symbolic link
 * brings the program it ends at when that is in one of those directories
 * too (sh -> dash). The helper binds them in as the caller. */
import { basename, dirname } from 'node:path';
import { OptionError, PlanError } from '../errors.js';
import { BIN_DIRS, MOUNT_KINDS } from '../wire/plan-def.js';
import { globRegExp, isGlob } from './glob.js';
import type { FsProbe } from './probe.js';

/** The directories of programs that are directories here (on a merged
 * /usr, /bin and /sbin are links into /usr). */
function binDirs(probe: FsProbe): string[] {
  return BIN_DIRS.filter((d) => probe.kind(d) === 'dir');
}

export function privateBinFiles(names: readonly string[], probe: FsProbe): string[] {
  const dirs = binDirs(probe);
  const files = new Map<string, string>();
  const add = (dir: string, name: string): void => {
    const p = `${dir}/${name}`;
    const kind = probe.kind(p);
    if (files.has(name) || (kind !== 'file' && kind !== 'link')) return;
    files.set(name, p);
    if (kind === 'link') {
      const end = probe.canonical(p);
      if (dirs.includes(dirname(end))) add(dirname(end), basename(end));
    }
  };
  for (const name of names) {
    if (isGlob(name)) {
      const re = globRegExp(name);
      for (const dir of dirs) for (const n of probe.list(dir)) if (re.test(n)) add(dir, n);
    } else {
      const dir = dirs.find((d) => probe.kind(`${d}/${name}`) !== null);
      if (dir !== undefined) add(dir, name);
    }
  }
  const max = MOUNT_KINDS['private-bin'].max;
  if (files.size > max) throw new OptionError(`--private-bin: the list names ${files.size} programs, more than ${max}`);
  return [...files.values()];
}

/** As firejail: a program run from a directory of programs must be in the
 * list (by name or pattern), or the sandbox would not have it. */
export function checkProgram(program: string, names: readonly string[], probe: FsProbe): void {
  const dir = probe.canonical(dirname(program));
  if (!binDirs(probe).includes(dir)) return;
  const name = basename(program);
  if (!names.some((n) => (isGlob(n) ? globRegExp(n).test(name) : n === name))) {
    throw new PlanError(`--private-bin: the program '${name}' is not in the list: the sandbox would not have it`);
  }
}
