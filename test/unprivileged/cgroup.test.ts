/** Cgroups and limits for a non-root caller (uid 65534): a setuid-root copy
 * of the helper, and the plain (rootless) one. Test cgroups are made beneath
 * this process's own cgroup and removed after. */
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodePlan } from '../../src/plan/encode.js';
import type { SandboxPlan } from '../../src/plan/types.js';
import { NO_RESOURCE_PLAN, type ResourcePlan } from '../../src/resources/plan.js';
import { allTransient, makeTestCgroup, pidsIn, removeTestCgroups, runPlan } from '../cgroup-helpers.js';
import { HELPER, setuidHelper, TEST_UID, tsjailAsUser, MINIMAL_PLAN } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tjtest-ucg-'));
chmodSync(tmp, 0o755);
afterEach(() => removeTestCgroups());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base: SandboxPlan = MINIMAL_PLAN;
const planWith = (r: Partial<ResourcePlan>) => encodePlan({ ...base, resources: { ...NO_RESOURCE_PLAN, ...r } });

describe('setuid-root helper, caller uid 65534', () => {
  let suid: ReturnType<typeof setuidHelper>;
  beforeAll(() => {
    suid = setuidHelper();
  });
  afterAll(() => suid.dispose());
  const run = (args: string[]) => tsjailAsUser(args, { env: { TSJAIL_HELPER: suid.path } });

  it('is refused a cgroup file it cannot write, and nothing is placed', () => {
    const cg = makeTestCgroup('pids', 'deny');
    const r = run([`--cgroup=${cg}/tasks`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`tsjail: --cgroup=${cg}/tasks: you may not write it: Permission denied`);
    expect(pidsIn(join(cg, 'tasks'))).toEqual([]);
    // The directory form picks tasks, and is refused the same way.
    expect(run([`--cgroup=${cg}`, '--', 'true']).stderr).toMatch(/you may not write it: Permission denied/);
  });

  it('is refused a cgroup file beneath a directory it may not search', () => {
    const cg = makeTestCgroup('pids', 'nosearch');
    chownSync(join(cg, 'tasks'), TEST_UID, -1);
    chmodSync(cg, 0o700);
    const r = run([`--cgroup=${cg}/tasks`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--cgroup: cannot use '.*': permission denied/);
    const h = runPlan(planWith({ cgroupFiles: [`${cg}/tasks`] }), { helper: suid.path, asUser: true, dir: tmp });
    expect(h.status).toBe(1);
    expect(h.stderr.trim()).toBe(`tsjail: --cgroup=${cg}/tasks: you may not write it: Permission denied`);
  });

  it('is placed by a file it may write (checked as the caller, not as root)', () => {
    const cg = makeTestCgroup('pids', 'allow');
    chownSync(join(cg, 'tasks'), TEST_UID, -1);
    const r = run([`--cgroup=${cg}/tasks`, '--', 'cat', '/proc/self/cgroup']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`pids:.*/${cg.split('/').pop()}$`, 'm'));
  });

  it('is refused /etc/passwd and /sys/fs/cgroup/../../etc/passwd, by tsjail and by the helper', () => {
    for (const bad of ['/etc/passwd', '/sys/fs/cgroup/../../etc/passwd']) {
      const r = run([`--cgroup=${bad}`, '--', 'true']);
      expect(r.status, bad).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(/--cgroup: .* (is not under \/sys\/fs\/cgroup|contains '\.\.')/);
      // A hand-written plan goes straight to the setuid helper.
      const h = runPlan(planWith({ cgroupFiles: [bad] }), { helper: suid.path, asUser: true, dir: tmp });
      expect(h.status, bad).toBe(1);
      expect(h.stderr).toMatch(/CGROUP_FILE .*(not under \/sys\/fs\/cgroup|not a normalised absolute path)/);
    }
    const h = runPlan(planWith({ cgroupFiles: ['/sys/fs/cgroup/pids/cgroup.clone_children'] }),
      { helper: suid.path, asUser: true, dir: tmp });
    expect(h.status).toBe(1);
    expect(h.stderr).toMatch(/not a cgroup's tasks or cgroup.procs file/);
  });

  it('gets a transient cgroup with limits, which the sandbox cannot lift', () => {
    const r = run(['--pids-max=10', '--memory=64M', '--', 'sh', '-c',
      'cg=$(sed -n "s/^[0-9]*:pids://p" /proc/self/cgroup); cat /sys/fs/cgroup/pids$cg/pids.max; ' +
      'echo 1000 > /sys/fs/cgroup/pids$cg/pids.max || echo refused; echo $$ > /sys/fs/cgroup/pids/cgroup.procs || echo refused']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('10\nrefused\nrefused\n');
    expect(allTransient()).toEqual([]);
  });

  it('may not raise rlimits above its hard limits, nor lower its nice value', () => {
    let r = run(['--rlimit-nofile=100000000', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--rlimit-nofile=100000000 is above your hard limit of \d+/);
    r = run(['--nice=-5', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--nice=-5: only root may give a negative nice value/);
    r = run(['--rlimit-nofile=100', '--nice=5', '--', 'sh', '-c', 'ulimit -n; nice']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('100\n5\n');
  });
});

describe('rootless helper, caller uid 65534', () => {
  const run = (args: string[]) => tsjailAsUser(args, { env: { TSJAIL_HELPER: HELPER } });

  it('is refused a transient cgroup not delegated to it, with nothing left', () => {
    const r = run(['--pids-max=10', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^tsjail: cannot create a cgroup in \/sys\/fs\/cgroup\/pids.*: Permission denied \(tsjail runs without privilege/);
    expect(allTransient()).toEqual([]);
  });

  it('may use a cgroup file it owns, and rlimits below its own', () => {
    const cg = makeTestCgroup('pids', 'rootless');
    chownSync(join(cg, 'tasks'), TEST_UID, -1);
    const r = run([`--cgroup=${cg}/tasks`, '--rlimit-nofile=50', '--', 'sh', '-c', 'ulimit -n; cat /proc/self/cgroup']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^50\n[^]*pids:.*/${cg.split('/').pop()}$`, 'm'));
  });
});
