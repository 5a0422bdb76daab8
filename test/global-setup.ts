/** Once per test run: a real test user with a home, for the unprivileged
 * tests that need one (nobody has none), and a cache directory for the
 * plans the full path stores (src/cache/), not the caller's real one.
 * Both removed again at the end. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

// A second checkout's suite running at the same time picks another name.
const USER = process.env.TSJAIL_TEST_USER ?? 'tjtest';

function uidOf(name: string): number | null {
  try {
    return Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  } catch {
    return null;
  }
}

function remove(): void {
  // userdel refuses while a process of the user runs; the tests end theirs,
  // but give the kernel a moment to reap them.
  for (let i = 0; i < 20; i++) {
    try {
      execFileSync('userdel', ['--remove', USER], { stdio: 'ignore' });
      return;
    } catch {
      execFileSync('sleep', ['0.25']);
    }
  }
  process.stderr.write(`warning: could not remove the test user ${USER}\n`);
}

export default function setup(project: TestProject): () => void {
  // A user left by an interrupted run starts over from a clean home.
  if (uidOf(USER) !== null) remove();
  if (existsSync(`/home/${USER}`)) execFileSync('rm', ['-rf', `/home/${USER}`]);
  execFileSync('useradd', ['--create-home', '--home-dir', `/home/${USER}`, '--shell', '/bin/sh', USER]);
  const uid = uidOf(USER) as number;
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  project.provide('testUser', { name: USER, uid, gid, home: `/home/${USER}` });
  // Set before the test processes are forked, which inherit it.
  const cacheHome = mkdtempSync(join(tmpdir(), 'tjtest-xdg-cache-'));
  process.env['XDG_CACHE_HOME'] = cacheHome;
  return () => {
    remove();
    rmSync(cacheHome, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testUser: { name: string; uid: number; gid: number; home: string };
  }
}
