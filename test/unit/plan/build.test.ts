import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../../src/options.js';
import { buildPlan } from '../../../src/plan/build.js';
import { encodePlan, withoutLaunch } from '../../../src/plan/encode.js';
import { PLAN_VERSION } from '../../../src/wire/plan-def.js';
import { NO_RESOURCE_PLAN } from '../../../src/resources/plan.js';

import type { FsProbe } from '../../../src/fs/probe.js';

/** A host with nothing on it: no default mounts apply. */
const emptyHost: FsProbe = { kind: () => null, canonical: (p) => p, list: () => [] };
const ctx = {
  resolved: { program: '/bin/true', argv: ['true'] },
  env: ['PATH=/bin'],
  cwd: '/tmp',
  caller: { uid: 1000, home: '/home/u' },
  probe: emptyHost,
  root: null,
};

describe('buildPlan', () => {
  it('makes the default sandbox: pid, mount, ipc, uts; no_new_privs; no capabilities', () => {
    const plan = buildPlan(normalizeOptions({}), ctx);
    expect(plan).toEqual({
      version: PLAN_VERSION,
      namespaces: ['pid', 'mount', 'ipc', 'uts'],
      noNewPrivs: true,
      log: 'normal',
      hostname: null,
      program: '/bin/true',
      argv: ['true'],
      env: ['PATH=/bin'],
      cwd: '/tmp',
      capsKeep: [],
      sources: [],
      mounts: [
        // tsjail's own private /tmp, keeping the working directory when it is there.
        { op: 'whitelist', path: '/tmp', entries: [], optional: false, keepCwd: true },
        // A private /dev keeps every device class, as firejail's --private-dev.
        { op: 'dev', sound: true, dri: true, video: true, tv: true, dvd: true, u2f: true, input: true },
        ...['/proc/sysrq-trigger', '/proc/kcore', '/proc/kallsyms', '/proc/kmsg', '/proc/timer_list',
          '/proc/sched_debug', '/proc/sys/fs/binfmt_misc', '/proc/sys/kernel/core_pattern']
          .map((path) => ({ op: 'blacklist', path, optional: true })),
        ...['/proc/sys', '/proc/irq', '/proc/bus', '/proc/fs'].map((path) => ({ op: 'read-only', path, optional: true })),
      ],
      root: null,
      resources: NO_RESOURCE_PLAN,
      // The default seccomp list (test/unit/seccomp has the details).
      security: {
        noRoot: false,
        memoryDenyWriteExecute: false,
        noGroups: false,
        apparmor: null,
        tracelog: null,
        seccomp: expect.objectContaining({ action: 'EPERM', allowlist: false, blockSecondary: false, notify: false }),
      },
      network: null,
      dbus: null,
    });
  });

  it('--tracelog: the blacklisted paths, sorted, and the calls the filter notifies', () => {
    const plan = buildPlan(normalizeOptions({ tracelog: true, blacklist: ['/srv/b', '/srv/a'], blacklistExplicit: ['/srv/b', '/srv/a'] }), ctx);
    const t = plan.security.tracelog;
    expect(t?.paths).toEqual([...new Set(plan.mounts.flatMap((m) => (m.op === 'blacklist' ? [m.path] : [])))].sort());
    expect(t?.paths).toEqual(expect.arrayContaining(['/srv/a', '/srv/b', '/proc/kcore']));
    expect(t?.calls).toEqual(expect.arrayContaining([{ name: 'openat', arch: 0xc000003e, nr: 257, path: 1, dirfd: 0 }]));
    expect(plan.security.seccomp?.notify).toBe(true);
  });

  it('carries the hostname and log level', () => {
    const plan = buildPlan(normalizeOptions({ hostname: 'box', quiet: true }), ctx);
    expect(plan.hostname).toBe('box');
    expect(plan.log).toBe('quiet');
  });

  it('with a new root: no host defaults but the kernel\'s /proc and /sys (the same kernel\'s), cwd /', () => {
    const plan = buildPlan(normalizeOptions({}), { ...ctx, root: { base: '/srv/img', overlay: null, lowers: [] } });
    const paths = plan.mounts.map((m) => ('path' in m ? m.path : m.op));
    expect(paths).toContain('/proc/sys');
    expect(paths.filter((p) => !/^\/(proc|sys)(\/|$)/.test(p))).toEqual([]);
    expect(plan.cwd).toBe('/');
    expect(plan.root).toEqual({ base: '/srv/img', overlay: null, lowers: [] });
  });
});

describe('encodePlan', () => {
  it('writes the header of PLAN.md', () => {
    const b = encodePlan(buildPlan(normalizeOptions({}), ctx));
    expect(b.subarray(0, 4).toString('latin1')).toBe('TSJP');
    expect(b.readUInt16LE(4)).toBe(PLAN_VERSION);
    expect(b.readUInt32LE(8)).toBe(b.length - 12);
  });

  it('refuses a NUL byte and an oversized plan', () => {
    const plan = buildPlan(normalizeOptions({}), ctx);
    expect(() => encodePlan({ ...plan, argv: ['a\0b'] })).toThrow(/NUL byte/);
    expect(() => encodePlan({ ...plan, argv: ['x'.repeat(1024 * 1024)] })).toThrow(/more than the limit/);
  });

  it('withoutLaunch cuts out the launch\'s records: the bytes of the same plan encoded without them', () => {
    const plans = [
      buildPlan(normalizeOptions({}), ctx),
      buildPlan(normalizeOptions({ hostname: 'h', blacklist: ['/srv', '/opt'], tmpfs: ['/home/u/t'] }), { ...ctx, env: ['A=1', 'B=2'] }),
      { ...buildPlan(normalizeOptions({}), ctx), argv: ['x', 'a b', ''], cwd: null },
    ];
    for (const plan of plans) {
      expect(withoutLaunch(encodePlan(plan)).equals(encodePlan({ ...plan, argv: [], env: [], cwd: null }))).toBe(true);
    }
  });
});
