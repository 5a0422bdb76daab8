/** canonicalPath (src/cache/deps.ts), which the planner uses for every path
 * a profile names and a stored plan records: the same as realpath(3), and
 * for what realpath cannot resolve, the parent's canonical path and the
 * name, inside a recording (where it remembers what it saw) and out. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalPath, noteMode, noteReal, startRecording, stopRecording } from '../../../src/cache/deps.js';

/** What canonicalPath was defined as: realpath, else the parent's. */
function reference(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(reference(parent), basename(path));
  }
}

let dir: string;
let paths: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tjtest-canon-'));
  mkdirSync(join(dir, 'real', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'real', 'file'), '');
  symlinkSync('real', join(dir, 'rel'));
  symlinkSync(join(dir, 'real', 'sub'), join(dir, 'abs'));
  symlinkSync('../real/file', join(dir, 'real', 'sub', 'up'));
  symlinkSync('nowhere', join(dir, 'dangling'));
  symlinkSync('loop', join(dir, 'loop'));
  symlinkSync('rel/sub', join(dir, 'chain'));
  const names = ['real', 'real/sub', 'real/file', 'rel', 'rel/sub', 'rel/file', 'abs', 'abs/up', 'abs/x/y', 'dangling',
    'dangling/x', 'loop', 'loop/x', 'chain', 'chain/up', 'chain/missing', 'real/file/x', 'real/file/x/y', 'missing',
    'missing/a/b', 'rel/../real', 'real/./sub', 'real//sub', 'real/sub/', 'real/sub/..', 'rel/sub/../file'];
  paths = [...names.map((n) => `${dir}/${n}`), '/', '/proc/self', '/proc/self/fd/0', '/etc', '/lib/x86_64-linux-gnu', '/bin/sh',
    '/nonexistent/x', '/root/.ssh', '/usr/../etc/passwd', '/dev/null'];
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('canonicalPath', () => {
  it('is realpath, or the parent\'s canonical path and the name', () => {
    for (const p of paths) expect(canonicalPath(p), p).toBe(reference(p));
  });

  it('gives the same while recording, where it looks at each path once, and a mode it saw is the mode', () => {
    startRecording();
    try {
      for (const p of paths) {
        expect(canonicalPath(p), p).toBe(reference(p));
        expect(noteReal(p), p).toBe(reference(p));
      }
      for (const p of paths) expect(canonicalPath(p), p).toBe(reference(p));
      expect(noteMode(`${dir}/rel`, false)).toBe(0o120777);
      expect(noteMode(`${dir}/missing`, false)).toBe(0);
      expect((noteMode(`${dir}/real/file`, false) ?? 0) & 0o170000).toBe(0o100000);
    } finally {
      stopRecording();
    }
  });

  it('records a path that is no symlink by its mode and its parent, a symlink by where it points', () => {
    const rec = startRecording();
    try {
      noteReal(`${dir}/real/sub/missing`);
      noteReal(`${dir}/real/file`);
      noteReal(`${dir}/rel/file`);
    } finally {
      stopRecording();
    }
    const kinds = [...rec.files.keys()].sort();
    expect(kinds).toContain(`lmode:${dir}/real/sub/missing`);
    expect(kinds).toContain(`lmode:${dir}/real/sub`);
    expect(kinds).toContain(`lmode:${dir}/real/file`);
    expect(kinds).toContain(`real:${dir}/rel`);
    expect(kinds).toContain('real:/');
    expect(kinds.filter((k) => k.startsWith('real:'))).toEqual(['real:/', `real:${dir}/rel`]);
    expect(rec.files.get(`real:${dir}/rel`)?.real).toBe(`${realpathSync.native(dir)}/real`);
  });
});
