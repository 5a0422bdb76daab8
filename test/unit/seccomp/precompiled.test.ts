/** The build's precompiled filters (dist/filters, src/seccomp/precompiled.ts):
 * each is what libseccomp writes for its spec, here and now, and a launch
 * uses one only for the same spec from the same libseccomp. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setFrontEndFacts } from '../../../src/front-end.js';
import { run } from '../../../src/main.js';
import { EPERM } from '../../../src/seccomp/actions.js';
import { compileFilter, type FilterSpec } from '../../../src/seccomp/compile.js';
import { terminalGuard } from '../../../src/seccomp/guards.js';
import {
  collectSpecs, FILTER_DIR, filterFile, filterKey, filterLaunches, precompiledFilter, readFilterFile, writeFilterFile,
} from '../../../src/seccomp/precompiled.js';
import { ROOT } from '../../helpers.js';

const LIBSECCOMP = /libseccomp=(\S+)/.exec(execFileSync(join(ROOT, 'native', 'front', 'host-facts'), { encoding: 'utf8' }))?.[1] ?? '-';

let tmp: string;
const saved = { HOME: process.env['HOME'], XDG_CONFIG_HOME: process.env['XDG_CONFIG_HOME'] };

beforeAll(() => {
  // As the build runs them: a home and a configuration of nobody's.
  tmp = mkdtempSync(join(tmpdir(), 'tjtest-filters-'));
  process.env['HOME'] = tmp;
  process.env['XDG_CONFIG_HOME'] = join(tmp, 'config');
  writeFileSync(join(tmp, 'empty.ini'), '');
});

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  setFrontEndFacts({ handback: null, mdwe: null, libseccomp: null });
  rmSync(tmp, { recursive: true, force: true });
});

/** The specs the build's launches compile, with MDWE from the kernel or not. */
async function buildSpecs(): Promise<FilterSpec[]> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const specs: FilterSpec[] = [];
    for (const mdwe of [true, false]) {
      setFrontEndFacts({ handback: null, mdwe, libseccomp: null });
      collectSpecs(true);
      for (const args of filterLaunches(join(tmp, 'empty.ini'))) await run(['--print-plan', ...args]);
      specs.push(...collectSpecs(false));
    }
    process.exitCode = 0;
    return specs;
  } finally {
    out.mockRestore();
  }
}

describe('precompiled seccomp filters', () => {
  it('are, for every spec the build compiles, exactly what libseccomp writes for it now', async () => {
    expect(LIBSECCOMP).toMatch(/^\d+\.\d+\.\d+:[0-9a-f]{16,}$/);
    const specs = await buildSpecs();
    expect(specs.length).toBeGreaterThan(20);
    const files = new Set<string>();
    let entries = 0;
    for (const spec of specs) {
      const key = filterKey(spec);
      const file = filterFile(key);
      files.add(file);
      const entry = readFilterFile(file).find((e) => e.key === key);
      expect(entry, file).toBeDefined();
      expect(entry?.libseccomp).toBe(LIBSECCOMP);
      const now = compileFilter(spec);
      expect(entry?.filter.bpf.equals(now.bpf), file).toBe(true);
      expect(entry?.filter.syscalls).toEqual(now.syscalls);
      setFrontEndFacts({ handback: null, mdwe: null, libseccomp: LIBSECCOMP });
      expect(precompiledFilter(spec)?.bpf.equals(now.bpf)).toBe(true);
    }
    // ... and there is no other.
    expect(readdirSync(FILTER_DIR).map((f) => join(FILTER_DIR, f)).sort()).toEqual([...files].sort());
    for (const f of files) entries += readFilterFile(f).length;
    expect(entries).toBe(new Set(specs.map(filterKey)).size);
  });

  it('are not used for another libseccomp, or when the front end did not name one', () => {
    const spec: FilterSpec = { allowlist: false, action: EPERM, syscalls: new Map(), guards: terminalGuard(EPERM).guards, blockSecondary: false };
    setFrontEndFacts({ handback: null, mdwe: null, libseccomp: LIBSECCOMP });
    expect(precompiledFilter(spec)).not.toBeNull();
    setFrontEndFacts({ handback: null, mdwe: null, libseccomp: '2.5.4:00' });
    expect(precompiledFilter(spec)).toBeNull();
    setFrontEndFacts({ handback: null, mdwe: null, libseccomp: null });
    expect(precompiledFilter(spec)).toBeNull();
  });

  it('are keyed by every part of the spec compileFilter reads', () => {
    const base: FilterSpec = { allowlist: false, action: EPERM, syscalls: new Map([['mount', { action: null, direct: true, option: '--seccomp' }]]), guards: [], blockSecondary: false };
    const keys = new Set([
      base,
      { ...base, allowlist: true },
      { ...base, action: { kind: 'kill' } as const },
      { ...base, blockSecondary: true },
      { ...base, guards: terminalGuard(EPERM).guards },
      { ...base, syscalls: new Map([['mount', { action: null, direct: false, option: '--seccomp' }]]) },
      { ...base, syscalls: new Map([['mount', { action: { kind: 'log' } as const, direct: true, option: '--seccomp' }]]) },
      { ...base, syscalls: new Map([['umount2', { action: null, direct: true, option: '--seccomp' }]]) },
    ].map(filterKey));
    expect(keys.size).toBe(8);
    // Not the option a call came from: only an error names it.
    expect(filterKey({ ...base, syscalls: new Map([['mount', { action: null, direct: true, option: '--seccomp.drop' }]]) })).toBe(filterKey(base));
  });

  it('that are damaged are not used; keys that share a file are told apart', () => {
    const dir = join(tmp, 'filters');
    const spec: FilterSpec = { allowlist: false, action: EPERM, syscalls: new Map(), guards: terminalGuard(EPERM).guards, blockSecondary: false };
    writeFilterFile(dir, 'x', spec, compileFilter(spec));
    writeFilterFile(dir, 'x', spec, compileFilter(spec));
    const file = filterFile(filterKey(spec), dir);
    expect(readFilterFile(file).map((e) => e.libseccomp)).toEqual(['x']);
    // Another libseccomp's entry goes beside it.
    writeFilterFile(dir, 'y', spec, compileFilter(spec));
    expect(readFilterFile(file).map((e) => e.libseccomp)).toEqual(['x', 'y']);
    const good = readFileSync(file);
    for (const bad of ['', 'tsjail-filter 1\nx\n{}\n[]\n', 'tsjail-filter 2\nx\nk\n[]\n8\n12345678', 'tsjail-filter 1\nx\nk\n[1]\n8\n12345678',
      'tsjail-filter 1\nx\nk\n{\n8\n12345678', 'tsjail-filter 1\nx\nk\n[]\n8\n1234567', 'tsjail-filter 1\nx\nk\n[]\n7\n1234567',
      'tsjail-filter 1\nx\nk\n[]\n08\n12345678']) {
      writeFileSync(file, bad);
      expect(readFilterFile(file), JSON.stringify(bad)).toEqual([]);
      // Damage after a good entry spoils the file.
      writeFileSync(file, Buffer.concat([good, Buffer.from(bad || 'x')]));
      expect(readFilterFile(file), JSON.stringify(bad)).toEqual([]);
    }
    expect(readFilterFile(join(dir, 'none.bpf'))).toEqual([]);
  });
});
