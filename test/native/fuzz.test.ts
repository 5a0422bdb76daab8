/** The plan reader under libFuzzer with ASan and UBSan, for a bounded time
 * (TSJAIL_FUZZ_SECONDS, default 60; 0 skips the run but still builds). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { requireInstalled, ROOT } from '../helpers.js';

const seconds = Number(process.env['TSJAIL_FUZZ_SECONDS'] ?? '60');

describe('plan reader fuzzing', () => {
  it(`runs clean for ${seconds} s`, () => {
    requireInstalled('clang', 'clang and libclang-rt-14-dev');
    const build = spawnSync('make', ['-s', '-C', `${ROOT}/native`, 'fuzz/plan_fuzz'], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    if (seconds === 0) return;
    const r = spawnSync('make', ['-s', '-C', `${ROOT}/native`, 'fuzz-run', `FUZZ_SECONDS=${seconds}`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const tail = r.stderr.split('\n').slice(-15).join('\n');
    expect(r.status, tail).toBe(0);
    expect(r.stderr).toMatch(/Done \d+ runs in \d+ second/);
    expect(r.stderr).not.toMatch(/ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:/);
  }, (seconds + 180) * 1000);
});
