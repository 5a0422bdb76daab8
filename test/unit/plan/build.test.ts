import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../../src/options.js';
import { buildPlan } from '../../../src/plan/build.js';
import { encodePlan } from '../../../src/plan/encode.js';

const ctx = { resolved: { program: '/bin/true', argv: ['true'] }, env: ['PATH=/bin'], cwd: '/tmp' };

describe('buildPlan', () => {
  it('makes the default sandbox: pid, mount, ipc, uts; no_new_privs; no capabilities', () => {
    const plan = buildPlan(normalizeOptions({}), ctx);
    expect(plan).toEqual({
      version: 1,
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
      network: null,
    });
  });

  it('carries the hostname and log level', () => {
    const plan = buildPlan(normalizeOptions({ hostname: 'box', quiet: true }), ctx);
    expect(plan.hostname).toBe('box');
    expect(plan.log).toBe('quiet');
  });
});

describe('encodePlan', () => {
  it('writes the header of PLAN.md', () => {
    const b = encodePlan(buildPlan(normalizeOptions({}), ctx));
    expect(b.subarray(0, 4).toString('latin1')).toBe('TSJP');
    expect(b.readUInt16LE(4)).toBe(1);
    expect(b.readUInt32LE(8)).toBe(b.length - 12);
  });

  it('refuses a NUL byte and an oversized plan', () => {
    const plan = buildPlan(normalizeOptions({}), ctx);
    expect(() => encodePlan({ ...plan, argv: ['a\0b'] })).toThrow(/NUL byte/);
    expect(() => encodePlan({ ...plan, argv: ['x'.repeat(1024 * 1024)] })).toThrow(/more than the limit/);
  });
});
