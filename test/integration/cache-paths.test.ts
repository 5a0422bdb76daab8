/** What a stored plan depends on for the paths a profile names
 * (src/cache/deps.ts noteReal): a path that is no symlink is recorded by
 * its lstat mode and its parent's canonical path, a symlink by where it
 * points. Any change that could move a path elsewhere, or make one appear,
 * sends the launch the full path, which then sees it. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FRONT_END, HELPER } from '../helpers.js';

let dir: string;
let dumper: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tjtest-cachepaths-'));
  dumper = join(dir, 'dump-helper');
  writeFileSync(dumper, `#!/bin/sh\nexec ${HELPER} --dump-plan "$@"\n`, { mode: 0o755 });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function front(args: readonly string[], noNode: boolean): SpawnSyncReturns<string> {
  return spawnSync(FRONT_END, [...args], {
    encoding: 'utf8',
    env: {
      PATH: '/usr/bin:/bin', HOME: '/root', XDG_CACHE_HOME: join(dir, 'xdg'), TSJAIL_HELPER: dumper,
      ...(noNode ? { NODE_OPTIONS: '--tsjail-test-no-node' } : {}),
    },
    cwd: '/',
    timeout: 20_000,
  });
}

/** The blacklisted paths of a launch's plan (cached: no Node may run). */
function blacklisted(args: readonly string[], how: 'cold' | 'cached'): string[] {
  const r = front(args, how === 'cached');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const plan = JSON.parse(r.stdout) as { mounts: { op: string; path?: string }[] };
  return plan.mounts.filter((m) => m.op === 'blacklist').map((m) => m.path ?? '');
}

function fullPath(args: readonly string[]): void {
  const r = front(args, true);
  expect(r.status).toBe(9);
  expect(r.stderr).toMatch(/tsjail-test-no-node/);
}

describe('a stored plan and the paths its profile names', () => {
  it('misses when a named path appears, when a parent becomes a symlink, and when a symlink changes', () => {
    const base = join(dir, 'base');
    mkdirSync(join(base, 'a'), { recursive: true });
    mkdirSync(join(dir, 'elsewhere', 'a'), { recursive: true });
    writeFileSync(join(dir, 'elsewhere', 'a', 'secret'), '');
    writeFileSync(join(dir, 'target'), '');
    const profile = join(dir, 'p.ini');
    writeFileSync(profile, `[filesystem]\nblacklist = ${base}/a/secret\nblacklist = ${base}/link\n`);
    const args = [`--profile=${profile}`, '--', 'true'];

    // Neither is there: nothing to blacklist.
    expect(blacklisted(args, 'cold').filter((p) => p.startsWith(dir))).toEqual([]);
    expect(blacklisted(args, 'cached').filter((p) => p.startsWith(dir))).toEqual([]);

    // The path appears.
    writeFileSync(join(base, 'a', 'secret'), '');
    fullPath(args);
    expect(blacklisted(args, 'cold').filter((p) => p.startsWith(dir))).toEqual([join(base, 'a', 'secret')]);
    expect(blacklisted(args, 'cached').filter((p) => p.startsWith(dir))).toEqual([join(base, 'a', 'secret')]);

    // Its parent becomes a symlink to a directory holding the same name.
    renameSync(join(base, 'a'), join(dir, 'old-a'));
    symlinkSync(join(dir, 'elsewhere', 'a'), join(base, 'a'));
    fullPath(args);
    expect(blacklisted(args, 'cold').filter((p) => p.startsWith(dir))).toEqual([join(dir, 'elsewhere', 'a', 'secret')]);
    blacklisted(args, 'cached');

    // A named symlink appears, then points elsewhere.
    symlinkSync(join(dir, 'target'), join(base, 'link'));
    fullPath(args);
    expect(blacklisted(args, 'cold').filter((p) => p.startsWith(dir)).sort()).toEqual([join(dir, 'elsewhere', 'a', 'secret'), join(dir, 'target')]);
    blacklisted(args, 'cached');
    rmSync(join(base, 'link'));
    symlinkSync(join(dir, 'elsewhere', 'a', 'secret'), join(base, 'link'));
    fullPath(args);
    expect(blacklisted(args, 'cold').filter((p) => p.startsWith(dir))).toEqual([join(dir, 'elsewhere', 'a', 'secret')]);
    expect(blacklisted(args, 'cached').filter((p) => p.startsWith(dir))).toEqual([join(dir, 'elsewhere', 'a', 'secret')]);
  });
});
