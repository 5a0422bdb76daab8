/** Cgroups and resource limits, as root, on the real kernel: every test
 * cgroup is made beneath this process's own cgroup and removed after. */
import { spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodePlan } from '../../src/plan/encode.js';
import type { SandboxPlan } from '../../src/plan/types.js';
import { NO_RESOURCE_PLAN } from '../../src/resources/plan.js';
import {
  allTransient, cgroupMount, makeTestCgroup, ownCgroup, ownCgroupDir, pidsIn, removeTestCgroups, runPlan,
  transientOf,
} from '../cgroup-helpers.js';
import { commOf, processesWith, ppidOf, ROOT, startTsjail, tsjail, waitFor, MINIMAL_PLAN } from '../helpers.js';

/** The sleep started with this marker (not tsjail's own node process, whose
 * command line holds it too until the helper replaces it). */
const sleepers = (marker: string) => processesWith(marker).filter((p) => commOf(p) === 'sleep');

const tmp = mkdtempSync(join(tmpdir(), 'tjtest-cgroup-'));
/** Every tsjail a test started; a failed test's are killed after it. */
const started: ReturnType<typeof startTsjail>[] = [];
function start(args: string[]) {
  const t = startTsjail(args);
  started.push(t);
  return t;
}
afterEach(async () => {
  for (const t of started.splice(0)) {
    if (t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGKILL');
    await t.done;
  }
  removeTestCgroups();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BUSY = ['sh', '-c', 'while :; do :; done'];

/** CPU used per wall-clock second, from a cpuacct.usage (ns) counter. */
async function cpuShare(usageFile: string, ms = 2000): Promise<number> {
  await sleep(300); // let the loop settle into its periods
  const a = BigInt(readFileSync(usageFile, 'utf8').trim());
  const t0 = process.hrtime.bigint();
  await sleep(ms);
  const b = BigInt(readFileSync(usageFile, 'utf8').trim());
  const t1 = process.hrtime.bigint();
  return Number(b - a) / Number(t1 - t0);
}

async function stop(t: ReturnType<typeof startTsjail>) {
  t.child.kill('SIGTERM');
  return t.done;
}

describe('--cpu-quota', () => {
  it('holds a busy loop to about 10% of one CPU (the transient cgroup\'s own counter)', async () => {
    const t = start(['--cpu-quota=10', '--', ...BUSY]);
    const pid = t.child.pid as number;
    const [acct] = await waitFor(() => {
      const d = transientOf('cpuacct', pid);
      return d.length === 1 && pidsIn(join(d[0] as string, 'tasks')).length >= 2 && d;
    });
    const [cpu] = transientOf('cpu', pid);
    expect(readFileSync(join(cpu as string, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('10000');
    expect(readFileSync(join(cpu as string, 'cpu.cfs_period_us'), 'utf8').trim()).toBe('100000');
    const share = await cpuShare(join(acct as string, 'cpuacct.usage'));
    console.info(`--cpu-quota=10: busy loop used ${(share * 100).toFixed(1)}% of one CPU`);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.15);
    const res = await stop(t);
    expect(res.code).toBe(143);
    expect(transientOf('cpu', pid)).toEqual([]);
    expect(transientOf('cpuacct', pid)).toEqual([]);
  });

  it('the same loop with --cgroup=<test cgroup>/tasks whose cfs_quota the test set', async () => {
    const cpu = makeTestCgroup('cpu', 'quota');
    const acct = makeTestCgroup('cpuacct', 'quota');
    writeFileSync(join(cpu, 'cpu.cfs_quota_us'), '10000');
    const t = start([`--cgroup=${cpu}/tasks`, `--cgroup=${acct}/tasks`, '--', ...BUSY]);
    await waitFor(() => pidsIn(join(acct, 'tasks')).length >= 2);
    const share = await cpuShare(join(acct, 'cpuacct.usage'));
    console.info(`--cgroup with cfs_quota_us=10000: busy loop used ${(share * 100).toFixed(1)}% of one CPU`);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.15);
    expect((await stop(t)).code).toBe(143);
    expect(pidsIn(join(cpu, 'tasks'))).toEqual([]);
  });
});

describe('--memory and --pids-max', () => {
  it('--memory=32M: a 100M allocation is OOM-killed, reported, and tsjail exits non-zero', () => {
    const r = tsjail(['--memory=32M', '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=100M', 'count=1']);
    expect(r.status).toBe(137);
    expect(r.stderr).toMatch(/the sandbox ran out of memory \(--memory=32M\): the OOM killer killed 1 process/);
    expect(allTransient()).toEqual([]);
  });

  it('--memory=32M: a 10M allocation runs', () => {
    const r = tsjail(['--memory=32M', '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=10M', 'count=1', 'status=none']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('--pids-max=5: the sixth process (init counted) cannot be forked', () => {
    const r = tsjail(['--pids-max=5', '--', 'sh', '-c', 'for i in 1 2 3 4 5 6 7; do sleep 30 & echo started $i; done']);
    // init and sh are two; three sleeps make five; the next fork fails.
    expect(r.stdout.trim().split('\n')).toEqual(['started 1', 'started 2', 'started 3']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot fork/);
    expect(r.stderr).toMatch(/reached --pids-max=5: 1 fork was refused/);
    expect(allTransient()).toEqual([]);
  });

  it('the sandbox runs in its transient cgroups, which are gone when it ends', () => {
    const r = tsjail(['--memory=64M', '--pids-max=50', '--cpu-quota=50', '--', 'cat', '/proc/self/cgroup']);
    expect(r.status, r.stderr).toBe(0);
    const name = /pids:\/(?:.*\/)?(tsjail-\d+-\d+)$/m.exec(r.stdout)?.[1] as string;
    expect(name).toBeDefined();
    for (const ctrl of ['memory', 'pids', 'cpu', 'cpuacct']) {
      const own = ownCgroup(ctrl);
      expect(r.stdout).toContain(`:${ctrl}:${own === '/' ? '' : own}/${name}\n`);
      expect(existsSync(join(ownCgroupDir(ctrl), name))).toBe(false);
    }
  });
});

describe('--cgroup=FILE', () => {
  it('puts the sandbox init and the program in a v1 tasks file, not tsjail itself', async () => {
    const cg = makeTestCgroup('pids', 'place');
    const marker = '765.4321';
    const t = start([`--cgroup=${cg}/tasks`, '--', 'sleep', marker]);
    const pid = t.child.pid as number;
    const [app] = await waitFor(() => sleepers(marker).length === 1 && sleepers(marker));
    const tasks = pidsIn(join(cg, 'tasks'));
    const init = ppidOf(app as number) as number;
    expect(ppidOf(init)).toBe(pid);
    expect(tasks.sort()).toEqual([init, app].sort());
    expect(tasks).not.toContain(pid);
    expect((await stop(t)).code).toBe(143);
    expect(pidsIn(join(cg, 'tasks'))).toEqual([]);
  });

  it('takes a v1 cgroup.procs file, and a directory (picking the right file)', () => {
    const a = makeTestCgroup('pids', 'procs');
    const r1 = tsjail([`--cgroup=${a}/cgroup.procs`, '--', 'cat', '/proc/self/cgroup']);
    expect(r1.status, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(new RegExp(`pids:.*/${a.split('/').pop()}$`, 'm'));
    const r2 = tsjail([`--cgroup=${a}`, '--', 'cat', '/proc/self/cgroup']);
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stdout).toBe(r1.stdout);
  });

  it.skipIf(cgroupMount(null) === null)('takes a v2 cgroup directory (cgroup.procs)', async () => {
    const cg = makeTestCgroup(null, 'v2');
    const marker = '765.4322';
    const t = start([`--cgroup=${cg}`, '--', 'sleep', marker]);
    const [app] = await waitFor(() => sleepers(marker).length === 1 && sleepers(marker));
    expect(pidsIn(join(cg, 'cgroup.procs'))).toContain(app);
    expect((await stop(t)).code).toBe(143);
  });

  it('several --cgroup for several v1 hierarchies', () => {
    const a = makeTestCgroup('pids', 'multi');
    const b = makeTestCgroup('cpuacct', 'multi');
    const r = tsjail([`--cgroup=${a}/tasks`, `--cgroup=${b}/tasks`, '--', 'cat', '/proc/self/cgroup']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`pids:.*/${a.split('/').pop()}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`cpuacct:.*/${b.split('/').pop()}$`, 'm'));
  });
});

describe('bad input: one clear line, exit 1, nothing left behind', () => {
  const check = (args: string[], message: RegExp) => {
    const r = tsjail([...args, '--', 'true']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(allTransient()).toEqual([]);
  };

  it('paths that are not cgroup files', () => {
    check(['--cgroup=/etc/passwd'], /--cgroup: '\/etc\/passwd' is not under \/sys\/fs\/cgroup/);
    check(['--cgroup=/sys/fs/cgroup/../../etc/passwd'], /contains '\.\.'/);
    check(['--cgroup=/sys/fs/cgroup/pids/cgroup.clone_children'], /not a cgroup's tasks or cgroup.procs file/);
    check(['--cgroup=/sys/fs/cgroup/pids/tjtest-none/tasks'], /no such file or directory/);
    check(['--cgroup=relative/tasks'], /not an absolute path/);
  });

  it('values the options do not take', () => {
    check(['--memory=32X'], /--memory: unknown size unit 'X'/);
    check(['--cpu-quota=0'], /--cpu-quota/);
    check(['--pids-max=-1'], /--pids-max/);
    check(['--cpus=x'], /--cpus/);
    check(['--timeout=1:2'], /--timeout: '1:2' is not hh:mm:ss/);
    check(['--nice=99'], /--nice/);
    check(['--rlimit-nofile=lots'], /--rlimit-nofile/);
  });

  it('a --cgroup and a limit in the same hierarchy', () => {
    const cg = makeTestCgroup('pids', 'clash');
    check([`--cgroup=${cg}/tasks`, '--pids-max=5', '--memory=64M'], /--cgroup=.* and --pids-max both place the sandbox in the hierarchy at \/sys\/fs\/cgroup\/pids/);
    const cg2 = makeTestCgroup('pids', 'clash');
    check([`--cgroup=${cg}`, `--cgroup=${cg2}`], /are in the same hierarchy/);
  });

  it('a failure after the sandbox was cloned: it is killed and the transient cgroup removed', () => {
    // An empty cpuset takes no task (ENOSPC), found only when the init's
    // pid is written.
    const cs = makeTestCgroup('cpuset', 'empty');
    const marker = '765.4326';
    const r = tsjail([`--cgroup=${cs}/tasks`, '--pids-max=20', '--', 'sleep', marker]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^tsjail: cannot move the sandbox into --cgroup=.*\(write \d+\): No space left on device$/);
    expect(sleepers(marker)).toEqual([]);
    expect(allTransient()).toEqual([]);
  });

  it('a limit the parent cgroup does not allow: refused, the half-made cgroup removed', () => {
    // tsjail runs in a test cpu cgroup held to 10%; a child may not ask for 50%.
    const cpu = makeTestCgroup('cpu', 'tight');
    writeFileSync(join(cpu, 'cpu.cfs_quota_us'), '10000');
    const r = spawnSync('sh', ['-c', `echo $$ > ${cpu}/tasks && exec "$0" "$@"`, process.execPath,
      join(ROOT, 'bin', 'tsjail.js'), '--cpu-quota=50', '--', 'true'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^tsjail: write '50000' to .*\/cpu.cfs_quota_us: Invalid argument$/);
    expect(readdirSync(cpu).filter((n) => n.startsWith('tsjail-'))).toEqual([]);
    expect(allTransient()).toEqual([]);
  });

  it('the helper refuses what the TypeScript side would have, and symlinks', () => {
    const base: SandboxPlan = { ...MINIMAL_PLAN, namespaces: ['pid', 'mount'] };
    const plan = (files: string[]) => encodePlan({ ...base, resources: { ...NO_RESOURCE_PLAN, cgroupFiles: files } });
    const target = makeTestCgroup('pids', 'link');
    const link = `/sys/fs/cgroup/tjtest-link-${process.pid}`;
    symlinkSync(target, link);
    try {
      const cases: [string, RegExp][] = [
        [`${link}/tasks`, /--cgroup=.*: the path holds a symbolic link/],
        ['/sys/fs/cgroup/pids/cgroup.clone_children', /not a cgroup's tasks or cgroup.procs file/],
        ['/sys/fs/cgroup/pids/tjtest-none', /No such file or directory/],
      ];
      for (const [file, message] of cases) {
        const r = runPlan(plan([file]), { dir: tmp });
        expect(r.status, file).toBe(1);
        expect(r.stderr).toMatch(message);
      }
      expect(pidsIn(join(target, 'tasks'))).toEqual([]);
    } finally {
      unlinkSync(link);
    }
  });
});

describe('when tsjail is killed', () => {
  it('the sandbox dies with it; the empty cgroup left is removed by the next tsjail', async () => {
    const marker = '765.4323';
    const t = start(['--pids-max=50', '--', 'sleep', marker]);
    const pid = t.child.pid as number;
    await waitFor(() => sleepers(marker).length === 1);
    const [left] = transientOf('pids', pid);
    t.child.kill('SIGKILL');
    await t.done;
    await waitFor(() => sleepers(marker).length === 0);
    // The limitation: a SIGKILLed parent cannot clean up after itself.
    expect(existsSync(left as string)).toBe(true);
    await waitFor(() => pidsIn(join(left as string, 'tasks')).length === 0);
    const r = tsjail(['--pids-max=50', '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(left as string)).toBe(false);
  });

  it('SIGTERM is passed on, and the cgroup removed', async () => {
    const marker = '765.4324';
    const t = start(['--memory=64M', '--', 'sleep', marker]);
    const pid = t.child.pid as number;
    await waitFor(() => sleepers(marker).length === 1);
    expect(transientOf('memory', pid)).toHaveLength(1);
    expect((await stop(t)).code).toBe(143);
    expect(transientOf('memory', pid)).toEqual([]);
  });
});

describe('rlimits, nice, cpus, timeout', () => {
  it('sets each rlimit, soft and hard', () => {
    const r = tsjail(['--rlimit-as=1g', '--rlimit-cpu=100', '--rlimit-fsize=1m', '--rlimit-nofile=64',
      '--rlimit-nproc=1000', '--rlimit-sigpending=77', '--', 'cat', '/proc/self/limits']);
    expect(r.status, r.stderr).toBe(0);
    const row = (name: string) => r.stdout.split('\n').find((l) => l.startsWith(name))?.split(/\s{2,}/).slice(1, 3);
    expect(row('Max address space')).toEqual([String(1024 ** 3), String(1024 ** 3)]);
    expect(row('Max cpu time')).toEqual(['100', '100']);
    expect(row('Max file size')).toEqual([String(1024 ** 2), String(1024 ** 2)]);
    expect(row('Max open files')).toEqual(['64', '64']);
    expect(row('Max processes')).toEqual(['1000', '1000']);
    expect(row('Max pending signals')).toEqual(['77', '77']);
  });

  it('--rlimit-fsize stops a large write', () => {
    const r = tsjail(['--rlimit-fsize=1k', '--', 'sh', '-c', 'head -c 4096 /dev/zero > /dev/shm/tjtest-fsize-$$; r=$?; rm -f /dev/shm/tjtest-fsize-$$; exit $r']);
    expect(r.status).not.toBe(0);
  });

  it('--nice and --cpus', () => {
    const r = tsjail(['--nice=7', '--cpus=0', '--', 'sh', '-c', 'nice; grep Cpus_allowed_list /proc/self/status']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^7\nCpus_allowed_list:\s+0\n$/);
  });

  it('--cpus with no CPU that exists', () => {
    const r = tsjail(['--cpus=1000', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--cpus: none of the CPUs asked for is online/);
  });

  it('--timeout ends the sandbox with SIGTERM, then SIGKILL, and exits 1 (as firejail)', () => {
    let t0 = Date.now();
    let r = tsjail(['--timeout=00:00:01', '--pids-max=20', '--', 'sleep', '30']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--timeout=00:00:01 reached: ending the sandbox/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(allTransient()).toEqual([]);
    t0 = Date.now();
    r = tsjail(['--timeout=00:00:01', '--', 'sh', '-c', 'trap "" TERM; sleep 765.4325']);
    expect(r.status).toBe(1);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(processesWith('765.4325')).toEqual([]);
  });
});

describe('tsjail.conf cgroup-parent (a helper built to read a test file)', () => {
  const conf = join(tmp, 'tsjail.conf');
  const helper = join(tmp, 'tsjail-helper');
  const build = () => {
    if (existsSync(helper)) return;
    const srcs = readdirSync(join(ROOT, 'native')).filter((f) => f.endsWith('.c')).map((f) => join(ROOT, 'native', f));
    const r = spawnSync('cc', ['-std=c11', '-D_GNU_SOURCE', '-O1', `-DTSJ_CONF="${conf}"`, '-o', helper, ...srcs], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  };
  const run = (args: string[]) => tsjail(args, { env: { TSJAIL_HELPER: helper } });

  it('creates the transient cgroup beneath the configured parent', () => {
    build();
    const parent = makeTestCgroup('pids', 'parent');
    const rel = `${ownCgroup('pids') === '/' ? '' : ownCgroup('pids')}/${parent.split('/').pop()}`;
    writeFileSync(conf, `# test\nuser-chroot = own\ncgroup-parent = /no-such-parent\ncgroup-parent-pids = ${rel}  # comment\n`, { mode: 0o644 });
    const r = run(['--pids-max=9', '--', 'cat', '/proc/self/cgroup']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`pids:${rel}/tsjail-\\d+-\\d+$`, 'm'));
    expect(readdirSync(parent).filter((n) => n.startsWith('tsjail-'))).toEqual([]);
    // The general key applies where no specific one is given.
    writeFileSync(conf, `cgroup-parent = ${rel}\n`);
    expect(run(['--pids-max=9', '--', 'cat', '/proc/self/cgroup']).stdout).toMatch(new RegExp(`pids:${rel}/tsjail-`));
  });

  it('refuses a parent that does not exist, and a conf others may write', () => {
    build();
    writeFileSync(conf, 'cgroup-parent-pids = /no-such-parent-tjtest\n');
    let r = run(['--pids-max=9', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/open the cgroup parent \/sys\/fs\/cgroup\/pids\/no-such-parent-tjtest: No such file/);
    writeFileSync(conf, 'cgroup-parent-pids = relative\n');
    r = run(['--pids-max=9', '--', 'true']);
    expect(r.stderr).toMatch(/tsjail.conf:1: cgroup-parent-pids: 'relative' is not an absolute cgroup path/);
    chmodSync(conf, 0o666);
    r = run(['--pids-max=9', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the policy cannot be used: .* is not owned by root or is writable by others/);
    expect(allTransient()).toEqual([]);
  });
});
