/** --cgroup=FILE: resolved as the caller (symlinks such as a distribution's
 * /sys/fs/cgroup/cpu -> cpu,cpuacct are followed here, with the caller's own
 * permissions), so the plan carries a real path. The helper then refuses any
 * symlink, '..' or path outside /sys/fs/cgroup, and checks that the caller
 * may write the file; this only turns mistakes into clear errors early. */
import { realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { CGROUP_ROOT } from './options.js';
import { noteMode, noteReal } from '../cache/deps.js';

export const CGROUP_FILE_NAMES = ['tasks', 'cgroup.procs'] as const;

export function resolveCgroupFile(f: string): string {
  let real: string;
  noteReal(f);
  try {
    real = realpathSync(f);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const why: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory' };
    throw new UsageError(`--cgroup: cannot use '${f}': ${why[code] ?? code}`);
  }
  if (!real.startsWith(`${CGROUP_ROOT}/`)) {
    throw new UsageError(`--cgroup: '${f}' is not under ${CGROUP_ROOT}`);
  }
  noteMode(real);
  const isDir = statSync(real).isDirectory();
  if (!isDir && !(CGROUP_FILE_NAMES as readonly string[]).includes(basename(real))) {
    throw new UsageError(`--cgroup: '${f}' is not a cgroup's tasks or cgroup.procs file, nor a cgroup directory`);
  }
  return real;
}
