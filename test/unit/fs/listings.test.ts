/** Directory listings the build took (src/fs/listings.ts): used only while
 * the directory is as it was, and only of one anyone may list. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startRecording, stopRecording } from '../../../src/cache/deps.js';
import { forgetListings, listedAtBuild, writeListings } from '../../../src/fs/listings.js';
import { hostProbe } from '../../../src/fs/probe.js';

const root = mkdtempSync(join(tmpdir(), 'tjlistings-'));
const file = join(root, 'listings.json');
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => forgetListings());

/** As a build long after the directories last changed. */
const LATER = (BigInt(Date.now()) + 60_000n) * 1_000_000n;

/** Past the coarse clock tick file timestamps may come from. */
function nextTick(): void {
  const end = Date.now() + 30;
  while (Date.now() < end) { /* spin */ }
}

function stat(d: string) {
  const st = statSync(d, { bigint: true });
  return { ...st, mode: Number(st.mode) };
}

describe('listings the build took', () => {
  it('are used while the directory is as it was, then not', () => {
    const d = join(root, 'a');
    mkdirSync(d);
    chmodSync(d, 0o755);
    writeFileSync(join(d, 'y'), '');
    writeFileSync(join(d, 'x'), '');
    expect(writeListings([d, join(root, 'missing')], file, LATER)).toBe(1);
    expect(listedAtBuild(d, stat(d), file)).toEqual(['x', 'y']);
    nextTick();
    writeFileSync(join(d, 'z'), '');
    expect(listedAtBuild(d, stat(d), file)).toBeNull();
  });

  it('are not kept of a directory that changed just before (it might change again within the same tick)', () => {
    const d = join(root, 'fresh');
    mkdirSync(d);
    chmodSync(d, 0o755);
    expect(writeListings([d], file)).toBe(0);
    expect(writeListings([d], file, LATER)).toBe(1);
  });

  it('are kept only of a directory anyone may read and search, by its canonical path', () => {
    const d = join(root, 'private');
    mkdirSync(d);
    chmodSync(d, 0o750);
    expect(writeListings([d, join(root, 'a', '..', 'a')], file, LATER)).toBe(1);
    expect(listedAtBuild(d, stat(d), file)).toBeNull();
    expect(listedAtBuild(join(root, 'a'), stat(join(root, 'a')), file)).not.toBeNull();
    // One that was readable and is no longer.
    chmodSync(join(root, 'a'), 0o700);
    expect(listedAtBuild(join(root, 'a'), stat(join(root, 'a')), file)).toBeNull();
    chmodSync(join(root, 'a'), 0o755);
  });

  it('a damaged file: every directory is listed', () => {
    const d = join(root, 'a');
    writeListings([d], file, LATER);
    expect(listedAtBuild(d, stat(d), file)).not.toBeNull();
    forgetListings();
    writeFileSync(file, `[["${d}", `);
    expect(listedAtBuild(d, stat(d), file)).toBeNull();
  });

  it('the probe takes the build\'s listing of /usr/bin while recording (the plan depends on the directory\'s stat), the same names a listing gives', () => {
    const rec = startRecording();
    try {
      const names = hostProbe.list('/usr/bin');
      expect(names).toEqual(readdirSync('/usr/bin').sort());
      // The very list the build took (npm test builds first).
      expect(names).toBe(listedAtBuild('/usr/bin', stat('/usr/bin')));
      expect(Object.isFrozen(names)).toBe(true);
      expect(rec.files.get('stat:/usr/bin')?.mode).toBeGreaterThan(0);
    } finally {
      stopRecording();
    }
  });
});
