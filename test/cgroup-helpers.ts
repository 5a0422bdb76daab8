/** Test cgroups, made only beneath the cgroup this process is in (per
 * /proc/self/cgroup), and removed after. */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELPER } from './helpers.js';

interface CgroupMount {
  point: string;
  root: string;
  v2: boolean;
  opts: string[];
}

function mounts(): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const f = pre.split(' ');
    const [fstype, , superOpts] = post.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const point = f[4] as string;
    if (!point.startsWith('/sys/fs/cgroup')) continue;
    out.push({ point, root: f[3] as string, v2: fstype === 'cgroup2', opts: (superOpts ?? '').split(',') });
  }
  return out;
}

/** The mount of a v1 controller's hierarchy, or of the v2 one (null). */
export function cgroupMount(ctrl: string | null): string | null {
  const m = mounts().find((x) => (ctrl === null ? x.v2 : !x.v2 && x.opts.includes(ctrl)));
  return m ? m.point : null;
}

/** This process's cgroup path in a hierarchy, as /proc/self/cgroup says. */
export function ownCgroup(ctrl: string | null): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [id, ctrls, ...rest] = line.split(':');
    const path = rest.join(':');
    if (ctrl === null ? id === '0' && ctrls === '' : (ctrls ?? '').split(',').includes(ctrl)) return path;
  }
  throw new Error(`no ${ctrl ?? 'v2'} cgroup`);
}

/** The directory of this process's cgroup in a hierarchy. */
export function ownCgroupDir(ctrl: string | null): string {
  const mnt = mounts().find((x) => (ctrl === null ? x.v2 : !x.v2 && x.opts.includes(ctrl)));
  if (!mnt) throw new Error(`no ${ctrl ?? 'v2'} hierarchy`);
  const path = ownCgroup(ctrl);
  const rel = mnt.root === '/' ? path : path.slice(mnt.root.length);
  return rel === '/' || rel === '' ? mnt.point : `${mnt.point}${rel}`;
}

const made: string[] = [];
let seq = 0;

/** A new cgroup beneath our own in that hierarchy; removed by removeTestCgroups. */
export function makeTestCgroup(ctrl: string | null, tag = 'cg'): string {
  const dir = join(ownCgroupDir(ctrl), `tjtest-${tag}-${process.pid}-${seq++}`);
  mkdirSync(dir);
  made.push(dir);
  return dir;
}

export function removeTestCgroups(): void {
  while (made.length > 0) {
    const dir = made.pop() as string;
    for (let i = 0; i < 200 && existsSync(dir); i++) {
      try {
        rmdirSync(dir);
      } catch {
        spawnSync('sleep', ['0.02']);
      }
    }
  }
}

export function pidsIn(file: string): number[] {
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number);
}

/** Transient cgroups a helper with this pid made beneath our own cgroup. */
export function transientOf(ctrl: string | null, pid: number): string[] {
  const dir = ownCgroupDir(ctrl);
  return readdirSync(dir).filter((n) => n.startsWith(`tsjail-${pid}-`)).map((n) => join(dir, n));
}

/** Every tsjail-* cgroup beneath ours, in the hierarchies limits use. */
export function allTransient(): string[] {
  const out: string[] = [];
  for (const ctrl of ['cpu', 'cpuacct', 'memory', 'pids', null]) {
    if (cgroupMount(ctrl) === null) continue;
    const dir = ownCgroupDir(ctrl);
    out.push(...readdirSync(dir).filter((n) => n.startsWith('tsjail-')).map((n) => join(dir, n)));
  }
  return out;
}

/** Runs the helper on plan bytes (fd 3), optionally as the test user
 * through setpriv. */
export function runPlan(bytes: Buffer, opts: { helper?: string; asUser?: boolean; dir: string }) {
  const file = join(opts.dir, `plan-${process.pid}-${seq++}`);
  writeFileSync(file, bytes, { mode: 0o644 });
  const fd = openSync(file, 'r');
  const helper = opts.helper ?? HELPER;
  try {
    const [cmd, args] = opts.asUser
      ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', helper, '--plan-fd=3']]
      : [helper, ['--plan-fd=3']];
    return spawnSync(cmd as string, args as string[], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', fd], timeout: 20_000, cwd: '/',
    });
  } finally {
    closeSync(fd);
  }
}
