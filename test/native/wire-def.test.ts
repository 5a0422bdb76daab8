/** native/plan.def is the one definition of the plan's wire format: what
 * scripts/gen-wire.mjs makes from it (the TypeScript constants, the fuzz
 * corpus constants and dictionary, PLAN.md's tables) is what is committed,
 * and the TypeScript side reads the same table as the helper. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, MACHINE_ID_FILES, MOUNT_KINDS, PRIV_BITS, RECORDS, TAG } from '../../src/wire/plan-def.js';
import { encodePlan } from '../../src/plan/encode.js';
import { HELPER, MINIMAL_PLAN, ROOT } from '../helpers.js';

describe('plan.def', () => {
  it('the generated files are what the table says', () => {
    const r = spawnSync(process.execPath, [`${ROOT}/scripts/gen-wire.mjs`, '--check'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr, 'run: node scripts/gen-wire.mjs').toBe('');
    expect(r.status).toBe(0);
  });

  it('gives every record a tag of its own, below 0x100', () => {
    const tags = Object.values(TAG);
    expect(new Set(tags).size).toBe(tags.length);
    expect(Math.max(...tags)).toBeLessThan(0x100);
    expect(Object.keys(RECORDS)).toEqual(Object.keys(TAG));
  });

  it('the helper reads the names the TypeScript side writes', () => {
    // Every capability by name, and each PRIVS bit, through the helper.
    const r = spawnSync(HELPER, ['--plan-fd=0', '--dump-plan'], {
      encoding: 'utf8',
      input: encodePlan({
        ...MINIMAL_PLAN,
        capsKeep: CAPABILITIES.map((c) => `cap_${c}`),
        security: { noRoot: true, memoryDenyWriteExecute: true, noGroups: true, apparmor: null, tracelog: null, seccomp: null },
      }),
    });
    expect(r.status, r.stderr).toBe(0);
    const dump = JSON.parse(r.stdout) as { capsKeep: string[]; security: Record<string, unknown> };
    expect(dump.capsKeep).toEqual(CAPABILITIES.map((c) => `cap_${c}`));
    for (const key of Object.keys(PRIV_BITS)) expect(dump.security[key]).toBe(true);
  });

  it('names every mount kind the helper knows', () => {
    for (const [op, k] of Object.entries(MOUNT_KINDS)) {
      // machine-id names only its own files.
      const paths = Array.from({ length: k.min }, (_, i) => (op === 'machine-id' ? MACHINE_ID_FILES[i] as string : `/tmp/p${i}`));
      const plan = Buffer.concat([encodePlan(MINIMAL_PLAN), mountRecord(k.kind, paths)]);
      plan.writeUInt32LE(plan.length - 12, 8);
      const r = spawnSync(HELPER, ['--plan-fd=0', '--dump-plan'], { encoding: 'utf8', input: plan });
      expect(r.status, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { mounts: { op: string }[] }).mounts[0]?.op).toBe(op);
    }
  });
});

function mountRecord(kind: number, paths: string[]): Buffer {
  const body = Buffer.concat([
    Buffer.from([kind, 0, 0, 0, 0, paths.length, 0]),
    ...paths.flatMap((p) => [Buffer.from([p.length, 0]), Buffer.from(p)]),
  ]);
  const head = Buffer.alloc(6);
  head.writeUInt16LE(TAG.MOUNT, 0);
  head.writeUInt32LE(body.length, 2);
  return Buffer.concat([head, body]);
}
