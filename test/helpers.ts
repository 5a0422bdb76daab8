/** Shared by the tests: run the built tsjail, read /proc, make a setuid copy
 * of the helper for unprivileged runs. */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, expect } from 'vitest';
import type { SandboxPlan } from '../src/plan/types.js';
import { NO_RESOURCE_PLAN } from '../src/resources/plan.js';
import { PLAN_VERSION } from '../src/wire/plan-def.js';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

// The full path stores each plan it builds (src/cache/): in the run's own
// cache directory, which test/global-setup.ts makes and removes (a
// directory made here, one per test file, outlived the forked test
// process: its exit handler never ran).
export const TSJAIL = join(ROOT, 'bin', 'tsjail.js');
export const HELPER = join(ROOT, 'native', 'tsjail-helper');
/** The native front end: the `tsjail` command, and what launcher links point to. */
export const FRONT_END = join(ROOT, 'native', 'tsjail');
/** The unprivileged test user: Debian's nobody. */
export const TEST_UID = 65534;
export const TEST_GID = 65534;

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  timeout?: number;
  cwd?: string;
}

export function tsjail(args: readonly string[], opts: RunOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [TSJAIL, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    input: opts.input ?? '',
    timeout: opts.timeout ?? 20_000,
    // Not the checkout: it may be under /tmp, a private tmpfs inside.
    cwd: opts.cwd ?? '/',
  });
}

export interface User {
  readonly uid: number;
  readonly gid: number;
  readonly home?: string;
}

/** A command run as a user through setpriv. */
export function asUser(
  user: User,
  argv: readonly string[],
  opts: RunOptions & { groups?: readonly number[] } = {},
): SpawnSyncReturns<string> {
  const groups = opts.groups && opts.groups.length > 0 ? [`--groups=${opts.groups.join(',')}`] : ['--clear-groups'];
  return spawnSync(
    'setpriv',
    [`--reuid=${user.uid}`, `--regid=${user.gid}`, ...groups, '--', ...argv],
    {
      encoding: 'utf8',
      // Stored plans (src/cache/) in the user's own home; a user without one
      // (nobody) stores none, rather than in a shared /tmp/.cache.
      env: {
        PATH: '/usr/local/bin:/usr/bin:/bin', HOME: user.home ?? '/tmp',
        XDG_CACHE_HOME: user.home === undefined ? '/dev/null' : join(user.home, '.cache'), ...opts.env,
      },
      input: opts.input ?? '',
      timeout: opts.timeout ?? 20_000,
      cwd: opts.cwd ?? '/tmp',
    },
  );
}

/** tsjail run as a user (default: nobody) through setpriv. */
export function tsjailAsUser(
  args: readonly string[],
  opts: RunOptions & { groups?: readonly number[]; user?: User } = {},
): SpawnSyncReturns<string> {
  return asUser(opts.user ?? { uid: TEST_UID, gid: TEST_GID }, [process.execPath, TSJAIL, ...args], opts);
}

/** A setuid-root copy of the helper in a temp dir the test user can reach. */
export function setuidHelper(): { path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tjtest-suid-'));
  chmodSync(dir, 0o755);
  const path = join(dir, 'tsjail-helper');
  copyFileSync(HELPER, path);
  chmodSync(path, 0o4755);
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Fails, naming the Debian package, when a program (looked up in PATH) or a
 * file that a test reads is not installed. scripts/setup-deps installs every
 * package named here. */
export function requireInstalled(what: string, pkg: string): void {
  const found = what.includes('/') ? existsSync(what) : spawnSync('sh', ['-c', 'command -v "$1"', 'sh', what]).status === 0;
  if (!found) throw new Error(`${what} is missing: apt-get install ${pkg} (scripts/setup-deps installs it)`);
}

export function nsId(pid: number | 'self', ns: string): string {
  return readlinkSync(`/proc/${pid}/ns/${ns}`);
}

export function ppidOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return null;
  }
}

export function commOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** pid and every process below it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of allPids()) {
    const pp = ppidOf(p);
    if (pp !== null) children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop() as number;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Host processes whose command line contains marker. */
export function processesWith(marker: string): number[] {
  return allPids().filter((p) => {
    if (p === process.pid) return false;
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(marker);
    } catch {
      return false;
    }
  });
}

export async function waitFor<T>(fn: () => T | null | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts tsjail in the background; resolves with its exit code and output. */
export function startTsjail(args: readonly string[]) {
  const child = spawn(process.execPath, [TSJAIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return { child, done, output: () => stdout };
}

export function fieldOf(status: string, key: string): string | undefined {
  return status.split('\n').find((l) => l.startsWith(`${key}:`))?.split(/\s+/).slice(1).join(' ');
}

/** Registers hooks that check the host's mount table is the same after
 * each test as before it; extra(), if given, runs after each test too. */
export function keepHostMountsUnchanged(extra?: () => void): void {
  const mountinfo = () => readFileSync('/proc/self/mountinfo', 'utf8');
  let before = '';
  beforeEach(() => {
    before = mountinfo();
  });
  afterEach(() => {
    expect(mountinfo()).toBe(before);
    extra?.();
  });
}

/** The smallest valid plan: tests spread it and change what they test. */
export const MINIMAL_PLAN: SandboxPlan = {
  version: PLAN_VERSION,
  namespaces: ['pid', 'mount', 'ipc', 'uts'],
  noNewPrivs: true,
  log: 'normal',
  hostname: null,
  program: '/bin/true',
  argv: ['true'],
  env: [],
  cwd: null,
  capsKeep: [],
  sources: [],
  mounts: [],
  root: null,
  resources: NO_RESOURCE_PLAN,
  security: { noRoot: false, memoryDenyWriteExecute: false, noGroups: false, apparmor: null, tracelog: null, seccomp: null },
  network: null,
  dbus: null,
};

/** The helper's --dump-plan of plan bytes, given on its stdin. */
export function dumpPlan(bytes: Buffer): SpawnSyncReturns<string> {
  return spawnSync(HELPER, ['--plan-fd=0', '--dump-plan'], { encoding: 'utf8', input: bytes });
}
