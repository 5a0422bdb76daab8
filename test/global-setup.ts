/** Once per test run: a real test user with a home, for the unprivileged
 * tests that need one (nobody has none). Removed again at the end. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

const USER = 'tjtest';

function uidOf(name: string): number | null {
  try {
    return Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  } catch {
    return null;
  }
}

export default function setup(project: TestProject): () => void {
  let created = false;
  if (uidOf(USER) === null) {
    execFileSync('useradd', ['--create-home', '--home-dir', `/home/${USER}`, '--shell', '/bin/sh', USER]);
    created = true;
  }
  const uid = uidOf(USER) as number;
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  project.provide('testUser', { name: USER, uid, gid, home: `/home/${USER}` });
  return () => {
    if (created && existsSync(`/home/${USER}`)) execFileSync('userdel', ['--remove', USER], { stdio: 'ignore' });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testUser: { name: string; uid: number; gid: number; home: string };
  }
}
