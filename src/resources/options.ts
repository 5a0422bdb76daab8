/** Cgroup placement and resource limits: --cgroup, --cpu-quota, --memory,
 * --pids-max, --cpus, --rlimit-*, --nice, --timeout. Parsed and checked here
 * (no I/O); the helper re-checks everything against the caller. */
import { OptionError } from '../errors.js';
import { CGROUP_ROOT, MAX_CPUS, MAX_PIDS, MAX_TIMEOUT, MAX_VALUE, MIN_MEMORY, RECORDS, RLIMITS } from '../wire/plan-def.js';

export { RLIMITS };
export type RlimitName = (typeof RLIMITS)[number];
export type Rlimits = { readonly [K in RlimitName]: number | null };

export interface CpuQuota {
  /** CPU time the sandbox may use in each period, in microseconds. */
  readonly quotaUs: number;
  readonly periodUs: number;
}

export interface ResourceOptions {
  /** --cgroup, as given (resolved to real paths when the plan is built). */
  readonly cgroupFiles: readonly string[];
  readonly cpuQuota: CpuQuota | null;
  readonly memoryBytes: number | null;
  readonly pidsMax: number | null;
  /** CPU numbers for the affinity mask, sorted, no duplicates. */
  readonly cpus: readonly number[];
  readonly rlimits: Rlimits;
  readonly nice: number | null;
  readonly timeoutSeconds: number | null;
}

/** The command line's strings, before checks. */
export interface RawResources {
  cgroup?: readonly string[];
  cpuQuota?: string | undefined;
  memory?: string | undefined;
  pidsMax?: string | undefined;
  cpus?: string | undefined;
  rlimits?: { readonly [K in RlimitName]?: string | undefined };
  nice?: string | undefined;
  timeout?: string | undefined;
}

export const NO_RLIMITS: Rlimits = Object.freeze({
  as: null, cpu: null, fsize: null, nofile: null, nproc: null, sigpending: null,
});

export const NO_RESOURCES: ResourceOptions = Object.freeze({
  cgroupFiles: Object.freeze([]),
  cpuQuota: null,
  memoryBytes: null,
  pidsMax: null,
  cpus: Object.freeze([]),
  rlimits: NO_RLIMITS,
  nice: null,
  timeoutSeconds: null,
});

/** The helper's bounds (native/plan.def). Values travel as JSON numbers and
 * u64 on the wire: MAX_VALUE keeps them exact. */
export { CGROUP_ROOT, MAX_PIDS, MAX_TIMEOUT, MIN_MEMORY };
export const MAX_CGROUP_FILES = RECORDS.CGROUP_FILE.max;
export const MAX_CPU = MAX_CPUS - 1;
export const DEFAULT_PERIOD_US = 100_000;

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function integer(opt: string, s: string, what: string): number {
  if (!/^\d+$/.test(s)) throw new OptionError(`--${opt}: '${s}' is not ${what}`);
  const v = Number(s);
  if (!Number.isSafeInteger(v)) throw new OptionError(`--${opt}: '${s}' is too large`);
  return v;
}

/** Bytes: a number with an optional k, m, g or t suffix (base 1024), as
 * firejail's --rlimit-as. */
export function parseSize(opt: string, s: string): number {
  const m = /^(\d+)([a-zA-Z]*)$/.exec(s);
  if (!m) throw new OptionError(`--${opt}: '${s}' is not a size (a number, optionally with a K, M, G or T suffix)`);
  const unit = UNITS[(m[2] as string).toLowerCase()];
  if (unit === undefined) {
    throw new OptionError(`--${opt}: unknown size unit '${m[2]}' in '${s}' (use K, M, G or T, base 1024)`);
  }
  const v = integer(opt, m[1] as string, 'a size') * unit;
  if (!Number.isSafeInteger(v)) throw new OptionError(`--${opt}: '${s}' is too large`);
  return v;
}

/** PCT of one CPU (10, 10%, 150 for one and a half CPUs), or QUOTA/PERIOD in
 * microseconds (20000/100000). */
export function parseCpuQuota(s: string): CpuQuota {
  const pair = /^(\d+)\/(\d+)$/.exec(s);
  if (pair) {
    const quotaUs = integer('cpu-quota', pair[1] as string, 'a number');
    const periodUs = integer('cpu-quota', pair[2] as string, 'a number');
    if (periodUs < 1000 || periodUs > 1_000_000) {
      throw new OptionError(`--cpu-quota: the period ${periodUs} is not between 1000 and 1000000 microseconds`);
    }
    if (quotaUs < 1000 || quotaUs > periodUs * 1024) {
      throw new OptionError(`--cpu-quota: the quota ${quotaUs} is not between 1000 microseconds and 1024 periods`);
    }
    return { quotaUs, periodUs };
  }
  const pct = /^(\d+)%?$/.exec(s);
  if (!pct) throw new OptionError(`--cpu-quota: '${s}' is not a percentage of one CPU or QUOTA/PERIOD in microseconds`);
  const p = integer('cpu-quota', pct[1] as string, 'a number');
  if (p < 1 || p > 1024 * 100) throw new OptionError(`--cpu-quota: ${p}% is not between 1% and 102400% (1024 CPUs)`);
  return { quotaUs: p * (DEFAULT_PERIOD_US / 100), periodUs: DEFAULT_PERIOD_US };
}

/** 0,1 or 0-3 or 0-1,6: sorted, no duplicates. */
export function parseCpus(s: string): number[] {
  const out = new Set<number>();
  for (const item of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) throw new OptionError(`--cpus: '${s}' is not a list of CPU numbers (like 0,1 or 0-3)`);
    const a = integer('cpus', m[1] as string, 'a CPU number');
    const b = m[2] === undefined ? a : integer('cpus', m[2], 'a CPU number');
    if (b < a) throw new OptionError(`--cpus: the range '${item}' runs backwards`);
    if (b > MAX_CPU) throw new OptionError(`--cpus: CPU ${b} is above ${MAX_CPU}`);
    for (let c = a; c <= b; c++) out.add(c);
  }
  return [...out].sort((x, y) => x - y);
}

/** hh:mm:ss, as firejail's --timeout. */
export function parseTimeout(s: string): number {
  const m = /^(\d{1,4}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new OptionError(`--timeout: '${s}' is not hh:mm:ss`);
  const [h, min, sec] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  if (min > 59 || sec > 59) throw new OptionError(`--timeout: '${s}' is not hh:mm:ss (minutes and seconds below 60)`);
  const t = h * 3600 + min * 60 + sec;
  if (t === 0) throw new OptionError('--timeout: the time must be above 00:00:00');
  return t;
}

export function parseNice(s: string): number {
  const m = /^[+-]?\d+$/.exec(s);
  const v = m ? Number(s) : NaN;
  if (!Number.isInteger(v) || v < -20 || v > 19) {
    throw new OptionError(`--nice: '${s}' is not a nice value from -20 to 19`);
  }
  return v;
}

/** --rlimit-as and --rlimit-fsize take sizes; the others plain numbers. */
export function parseRlimit(name: RlimitName, s: string): number {
  const opt = `rlimit-${name}`;
  const v = name === 'as' || name === 'fsize' ? parseSize(opt, s) : integer(opt, s, 'a number');
  if (v > MAX_VALUE) throw new OptionError(`--${opt}: '${s}' is too large`);
  return v;
}

function checkCgroupFile(f: string): string {
  if (!f.startsWith('/')) throw new OptionError(`--cgroup: '${f}' is not an absolute path`);
  if (f.split('/').includes('..')) throw new OptionError(`--cgroup: '${f}' contains '..'`);
  if (f !== CGROUP_ROOT && !f.startsWith(`${CGROUP_ROOT}/`)) {
    throw new OptionError(`--cgroup: '${f}' is not under ${CGROUP_ROOT}`);
  }
  return f;
}

function opt<T>(v: string | undefined, parse: (s: string) => T): T | null {
  return v === undefined ? null : parse(v);
}

export function normalizeResources(raw: RawResources): ResourceOptions {
  const files = raw.cgroup ?? [];
  if (files.length > MAX_CGROUP_FILES) throw new OptionError(`--cgroup: more than ${MAX_CGROUP_FILES} files`);
  const memoryBytes = opt(raw.memory, (s) => parseSize('memory', s));
  if (memoryBytes !== null && memoryBytes < MIN_MEMORY) {
    throw new OptionError(`--memory: '${raw.memory}' is below the minimum of 1M`);
  }
  const pidsMax = opt(raw.pidsMax, (s) => integer('pids-max', s, 'a number'));
  if (pidsMax !== null && (pidsMax < 1 || pidsMax > MAX_PIDS)) {
    throw new OptionError(`--pids-max: ${pidsMax} is not between 1 and ${MAX_PIDS}`);
  }
  const rl: Record<string, number | null> = {};
  for (const name of RLIMITS) rl[name] = opt(raw.rlimits?.[name], (s) => parseRlimit(name, s));
  return Object.freeze({
    cgroupFiles: Object.freeze(files.map(checkCgroupFile)),
    cpuQuota: opt(raw.cpuQuota, parseCpuQuota),
    memoryBytes,
    pidsMax,
    cpus: Object.freeze(opt(raw.cpus, parseCpus) ?? []),
    rlimits: Object.freeze(rl as Rlimits),
    nice: opt(raw.nice, parseNice),
    timeoutSeconds: opt(raw.timeout, parseTimeout),
  });
}

/** True when the helper must create a transient cgroup. */
export function needsTransientCgroup(r: ResourceOptions): boolean {
  return r.cpuQuota !== null || r.memoryBytes !== null || r.pidsMax !== null;
}
