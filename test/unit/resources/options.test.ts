import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli.js';
import { OptionError } from '../../../src/errors.js';
import { normalizeOptions } from '../../../src/options.js';
import { buildPlan } from '../../../src/plan/build.js';
import {
  needsTransientCgroup, NO_RESOURCES, normalizeResources, parseCpuQuota, parseCpus, parseNice, parseRlimit,
  parseSize, parseTimeout,
} from '../../../src/resources/options.js';
import { resolveCgroupFile } from '../../../src/resources/cgroup-path.js';

describe('sizes', () => {
  it('takes bytes and K, M, G, T suffixes (base 1024), either case', () => {
    expect(parseSize('memory', '123')).toBe(123);
    expect(parseSize('memory', '32M')).toBe(32 * 1024 * 1024);
    expect(parseSize('memory', '100m')).toBe(100 * 1024 * 1024);
    expect(parseSize('memory', '2k')).toBe(2048);
    expect(parseSize('memory', '1G')).toBe(1024 ** 3);
    expect(parseSize('memory', '3t')).toBe(3 * 1024 ** 4);
  });

  it('refuses an unknown unit, a sign, a fraction and overflow', () => {
    expect(() => parseSize('memory', '32X')).toThrow(/--memory: unknown size unit 'X' in '32X'/);
    expect(() => parseSize('memory', '32MB')).toThrow(/unknown size unit 'MB'/);
    for (const bad of ['', '-1', '1.5M', 'M', ' 1']) {
      expect(() => parseSize('memory', bad), bad).toThrow(OptionError);
    }
    expect(() => parseSize('memory', '9999999T')).toThrow(/too large/);
  });
});

describe('--cpu-quota', () => {
  it('is a percentage of one CPU over a 100 ms period', () => {
    expect(parseCpuQuota('10')).toEqual({ quotaUs: 10_000, periodUs: 100_000 });
    expect(parseCpuQuota('10%')).toEqual({ quotaUs: 10_000, periodUs: 100_000 });
    expect(parseCpuQuota('150')).toEqual({ quotaUs: 150_000, periodUs: 100_000 });
  });

  it('or QUOTA/PERIOD in microseconds', () => {
    expect(parseCpuQuota('20000/50000')).toEqual({ quotaUs: 20_000, periodUs: 50_000 });
  });

  it('refuses what the kernel would', () => {
    expect(() => parseCpuQuota('0')).toThrow(/0% is not between/);
    expect(() => parseCpuQuota('200000')).toThrow(/not between/);
    expect(() => parseCpuQuota('500/100000')).toThrow(/quota 500/);
    expect(() => parseCpuQuota('5000/999')).toThrow(/period 999/);
    expect(() => parseCpuQuota('half')).toThrow(/--cpu-quota: 'half'/);
  });
});

describe('--cpus', () => {
  it('takes lists and ranges, sorted and without duplicates', () => {
    expect(parseCpus('1,0')).toEqual([0, 1]);
    expect(parseCpus('0-3,2,7')).toEqual([0, 1, 2, 3, 7]);
  });

  it('refuses nonsense', () => {
    for (const bad of ['', 'a', '1,', '3-1', '-1', '1024']) {
      expect(() => parseCpus(bad), bad).toThrow(/--cpus/);
    }
  });
});

describe('--timeout, --nice, --rlimit-*', () => {
  it('parses hh:mm:ss as firejail', () => {
    expect(parseTimeout('00:00:02')).toBe(2);
    expect(parseTimeout('01:30:00')).toBe(5400);
    expect(parseTimeout('100:00:01')).toBe(360_001);
    for (const bad of ['1:2', '00:00:00', '00:60:00', '00:00:99', '1h', '-1:00:00']) {
      expect(() => parseTimeout(bad), bad).toThrow(/--timeout/);
    }
  });

  it('takes nice values from -20 to 19', () => {
    expect(parseNice('-5')).toBe(-5);
    expect(parseNice('+3')).toBe(3);
    for (const bad of ['20', '-21', 'x', '1.5', '']) expect(() => parseNice(bad), bad).toThrow(/--nice/);
  });

  it('takes sizes for as and fsize, plain numbers for the rest', () => {
    expect(parseRlimit('as', '100m')).toBe(100 * 1024 * 1024);
    expect(parseRlimit('fsize', '1k')).toBe(1024);
    expect(parseRlimit('nofile', '64')).toBe(64);
    expect(() => parseRlimit('nofile', '64k')).toThrow(/--rlimit-nofile: '64k' is not a number/);
    expect(() => parseRlimit('cpu', '-1')).toThrow(/--rlimit-cpu/);
  });
});

describe('normalizeResources', () => {
  it('asks for nothing by default', () => {
    expect(normalizeResources({})).toEqual(NO_RESOURCES);
    expect(needsTransientCgroup(NO_RESOURCES)).toBe(false);
    expect(Object.isFrozen(normalizeResources({}).rlimits)).toBe(true);
  });

  it('checks --cgroup paths without touching the file system', () => {
    expect(normalizeResources({ cgroup: ['/sys/fs/cgroup/cpu/g/tasks'] }).cgroupFiles).toEqual(['/sys/fs/cgroup/cpu/g/tasks']);
    expect(() => normalizeResources({ cgroup: ['/etc/passwd'] })).toThrow(/--cgroup: '\/etc\/passwd' is not under \/sys\/fs\/cgroup/);
    expect(() => normalizeResources({ cgroup: ['/sys/fs/cgroup/../../etc/passwd'] })).toThrow(/contains '\.\.'/);
    expect(() => normalizeResources({ cgroup: ['tasks'] })).toThrow(/not an absolute path/);
    expect(() => normalizeResources({ cgroup: ['/sys/fs/cgroupx/tasks'] })).toThrow(/not under/);
  });

  it('checks memory and pids bounds', () => {
    expect(() => normalizeResources({ memory: '100K' })).toThrow(/below the minimum of 1M/);
    expect(() => normalizeResources({ pidsMax: '0' })).toThrow(/--pids-max: 0 is not between/);
    expect(() => normalizeResources({ pidsMax: 'five' })).toThrow(/--pids-max: 'five' is not a number/);
    expect(needsTransientCgroup(normalizeResources({ pidsMax: '5' }))).toBe(true);
  });
});

describe('the command line and the plan', () => {
  it('maps every option into the plan', () => {
    const r = parseCommandLine([
      '--cgroup=/sys/fs/cgroup/a', '--cgroup=/sys/fs/cgroup/b', '--cpu-quota=10', '--memory=32M', '--pids-max=5',
      '--cpus=0-1', '--rlimit-as=1g', '--rlimit-cpu=2', '--rlimit-fsize=3', '--rlimit-nofile=4', '--rlimit-nproc=5',
      '--rlimit-sigpending=6', '--nice=-2', '--timeout=00:01:00', 'true',
    ]);
    if (r.kind !== 'run') throw new Error('expected run');
    const plan = buildPlan(normalizeOptions(r.options), {
      resolved: { program: '/bin/true', argv: ['true'] }, env: [], cwd: '/',
      caller: { uid: 0, home: '/root' }, probe: { kind: () => null, canonical: (p) => p, list: () => [] }, root: null,
    });
    expect(plan.resources).toEqual({
      cgroupFiles: ['/sys/fs/cgroup/a', '/sys/fs/cgroup/b'],
      cpuQuota: { quotaUs: 10_000, periodUs: 100_000 },
      memoryBytes: 32 * 1024 * 1024,
      pidsMax: 5,
      cpus: [0, 1],
      rlimits: { as: 1024 ** 3, cpu: 2, fsize: 3, nofile: 4, nproc: 5, sigpending: 6 },
      nice: -2,
      timeoutSeconds: 60,
    });
  });
});

describe('resolveCgroupFile', () => {
  it('resolves to the real path, and refuses what is not a cgroup file', () => {
    expect(() => resolveCgroupFile('/sys/fs/cgroup/no-such-cgroup/tasks')).toThrow(/no such file or directory/);
    expect(() => resolveCgroupFile('/proc/self/status')).toThrow(/not under/);
    expect(resolveCgroupFile('/sys/fs/cgroup/pids')).toBe('/sys/fs/cgroup/pids');
    expect(() => resolveCgroupFile('/sys/fs/cgroup/pids/cgroup.clone_children')).toThrow(/not a cgroup's tasks or cgroup.procs file/);
  });
});
