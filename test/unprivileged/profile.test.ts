/** Profiles for a non-root caller (setuid-root copy of the helper, run as
 * nobody): default.ini rather than server.ini, and profile settings reach
 * the sandbox. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, setuidHelper, tsjailAsUser } from '../helpers.js';

describe('profiles for a non-root caller', () => {
  let suid: ReturnType<typeof setuidHelper>;
  let dir: string;
  beforeAll(() => {
    suid = setuidHelper();
    dir = mkdtempSync(join(tmpdir(), 'tjtest-uprofile-'));
    chmodSync(dir, 0o755);
  });
  afterAll(() => {
    suid.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses default.ini when no profile matches the program', () => {
    const r = tsjailAsUser(['--debug', '--', 'true'], { env: { TSJAIL_HELPER: suid.path, HOME: dir } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`profile: ${join(ROOT, 'profiles', 'default.ini')} (no profile for true: the default profile)`);
  });

  it('applies the profile\'s hostname and environment in the sandbox', () => {
    const p = join(dir, 'user.ini');
    writeFileSync(p, '[sandbox]\nhostname = nobodybox\n[environment]\nenv = PROFILE_VAR=${HOME}\n');
    chmodSync(p, 0o644);
    const r = tsjailAsUser([`--profile=${p}`, '--', 'sh', '-c', 'hostname; echo "$PROFILE_VAR"; id -u'], {
      env: { TSJAIL_HELPER: suid.path, HOME: dir },
    });
    expect(r.status, r.stderr).toBe(0);
    // env values are not macro-expanded: the program gets them as written.
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['nobodybox', '${HOME}', '65534']);
  });
});
