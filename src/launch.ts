/** Hand-over to the helper: the plan goes into a sealed memfd, fds 0-2 are
 * made inheritable and blocking again, and this process execve()s the helper,
 * so no Node process stays resident while the sandbox runs. Started by the
 * native front end, tsjail hands the launch back to it instead, which does
 * the same (src/handback.ts). */
import { accessSync, closeSync, constants, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as os } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_DIR } from './package-dir.js';
import { koffi } from './ffi.js';
import { frontEndFacts } from './front-end.js';
import { handBackHelper, handBackProgram } from './handback.js';
import { HelperError } from './errors.js';
import { debug } from './log.js';
import { noteStat } from './cache/deps.js';
import { mark, timingLine } from './timing.js';

const HELPER_NEXT_TO_US = join(PACKAGE_DIR, 'native', 'tsjail-helper');

/** TSJAIL_HELPER wins (tests point it at a setuid copy); otherwise the helper
 * built beside this package. */
export function findHelper(env: Readonly<Record<string, string | undefined>>): string {
  const helper = env['TSJAIL_HELPER'] || HELPER_NEXT_TO_US;
  noteStat(helper);
  try {
    accessSync(helper, constants.X_OK);
  } catch {
    throw new HelperError('find', `cannot run the helper '${helper}' (build it with: npm run build)`);
  }
  return helper;
}

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const FD_CLOEXEC = 1;
const O_NONBLOCK = 0o4000;
const F_ADD_SEALS = 1033;
const F_SEAL_ALL = 1 | 2 | 4 | 8; /* SEAL, SHRINK, GROW, WRITE */
const MFD_ALLOW_SEALING = 2;

interface Libc {
  memfd_create(name: string, flags: number): number;
  fcntl(fd: number, cmd: number, ...rest: unknown[]): number;
  lseek(fd: number, offset: number, whence: number): number;
  execve(path: string, argv: (string | null)[], envp: (string | null)[]): number;
  strerror(errnum: number): string;
}

function libc(): Libc {
  const lib = koffi().load('libc.so.6');
  return {
    memfd_create: lib.func('int memfd_create(const char *name, unsigned int flags)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
    lseek: lib.func('long lseek(int fd, long offset, int whence)'),
    execve: lib.func('int execve(const char *path, const char **argv, const char **envp)'),
    strerror: lib.func('const char *strerror(int errnum)'),
  };
}

function check(c: Libc, stage: string, r: number): number {
  if (r < 0) {
    const errno = koffi().errno();
    throw new HelperError(stage, `${stage}: ${c.strerror(errno)}`, errno);
  }
  return r;
}

/** Writes the plan to a sealed memfd; returns its fd (inheritable). */
function planFd(c: Libc, plan: Buffer): number {
  const fd = check(c, 'memfd_create', c.memfd_create('tsjail-plan', MFD_ALLOW_SEALING));
  let off = 0;
  while (off < plan.length) off += writeSync(fd, plan, off);
  check(c, 'seal plan', c.fcntl(fd, F_ADD_SEALS, 'int', F_SEAL_ALL));
  check(c, 'rewind plan', c.lseek(fd, 0, 0));
  return fd;
}

/** Node marks 0-2 close-on-exec and may make them non-blocking. */
function restoreStdio(c: Libc): void {
  for (const fd of [0, 1, 2]) {
    const fdFlags = c.fcntl(fd, F_GETFD);
    if (fdFlags < 0) continue; /* closed: the helper opens /dev/null there */
    check(c, `fcntl(${fd}, F_SETFD)`, c.fcntl(fd, F_SETFD, 'int', fdFlags & ~FD_CLOEXEC));
    const flFlags = check(c, `fcntl(${fd}, F_GETFL)`, c.fcntl(fd, F_GETFL));
    if (flFlags & O_NONBLOCK) {
      check(c, `fcntl(${fd}, F_SETFL)`, c.fcntl(fd, F_SETFL, 'int', flFlags & ~O_NONBLOCK));
    }
  }
}

/** Replaces this process with the helper. Returns only by throwing.
 * after: what is left to do once the helper has its plan (it does not
 * throw): through the front end, done while the helper starts; here,
 * before the exec. */
export function execHelper(helper: string, plan: Buffer, after: () => void = () => {}): never {
  const back = frontEndFacts().handback;
  if (back !== null) {
    debug(`handing back to the front end: ${helper} (${plan.length} byte plan)`);
    timing();
    return handBackHelper(back, helper, plan, after);
  }
  after();
  const c = libc();
  const fd = planFd(c, plan);
  restoreStdio(c);
  const argv = [helper, `--plan-fd=${fd}`];
  debug(`handing over to ${argv.join(' ')} (${plan.length} byte plan)`);
  timing();
  c.execve(helper, [...argv, null], [null]);
  const errno = koffi().errno();
  throw new HelperError('execve', `cannot execute the helper '${helper}': ${c.strerror(errno)}`, errno);
}

/** Runs the helper as a child (for --build, which reads what the sandbox
 * left when it ends): the plan on a sealed memfd as its fd 3, the terminal
 * its own. Returns the exit status: the program's, or 128+N for signal N. */
export function runHelper(helper: string, plan: Buffer): number {
  const c = libc();
  const fd = planFd(c, plan);
  restoreStdio(c);
  debug(`running ${helper} --plan-fd=3 (${plan.length} byte plan)`);
  try {
    // node:child_process (and node:net, which it loads) only here: a few
    // milliseconds of every launch otherwise.
    const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const r = spawnSync(helper, ['--plan-fd=3'], { stdio: ['inherit', 'inherit', 'inherit', fd], env: {} });
    if (r.error !== undefined) throw new HelperError('spawn', `cannot run the helper '${helper}': ${r.error.message}`);
    return r.status ?? 128 + (r.signal === null ? 0 : (os.signals[r.signal] ?? 0));
  } finally {
    closeSync(fd);
  }
}

/** TSJAIL_TIMING: the last mark and the line (src/timing.ts). */
export function timing(): void {
  mark('exec');
  const t = timingLine();
  if (t !== null) writeSync(2, `tsjail: timing: ${t}\n`);
}

/** Replaces this process with program itself, no sandbox (a launcher link
 * run inside a sandbox, src/desktop). Returns only by throwing. */
export function execProgram(
  program: string,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): never {
  const envp = Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  const back = frontEndFacts().handback;
  if (back !== null) return handBackProgram(back, program, argv, envp);
  const c = libc();
  restoreStdio(c);
  c.execve(program, [...argv, null], [...envp, null]);
  const errno = koffi().errno();
  throw new HelperError('execve', `cannot execute '${program}': ${c.strerror(errno)}`, errno);
}
