/** tsjail.conf as the helper reads it: `tsjail-helper --check-policy=PATH`
 * (root only) prints what it understood, or why it refuses the file. */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HELPER, TEST_GID, TEST_UID } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tjtest-policy-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function conf(text: string, mode = 0o644): string {
  const f = join(dir, `conf${n++}`);
  writeFileSync(f, text);
  chmodSync(f, mode);
  return f;
}

function check(path: string) {
  return spawnSync(HELPER, [`--check-policy=${path}`], { encoding: 'utf8' });
}

describe('tsjail.conf', () => {
  it('reads net-allow lists, comments and blank lines', () => {
    const f = conf('# interfaces users may use\n\n  net-allow = br0, eth1\nnet-allow=wlan0\t eth2 \r\n');
    const r = check(f);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ path: f, found: true, netAllow: ['br0', 'eth1', 'wlan0', 'eth2'] });
    expect(r.stderr).toBe('');
  });

  it('a missing file is an empty policy', () => {
    const r = check(join(dir, 'nonexistent', 'tsjail.conf'));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ found: false, netAllow: [] });
  });

  it('ignores an unknown key with a warning (every key grants something)', () => {
    const r = check(conf('chroot-allow = yes\nnet-allow = br0\n'));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).netAllow).toEqual(['br0']);
    expect(r.stderr).toMatch(/:1: unknown key 'chroot-allow' ignored/);
  });

  const bad: [string, () => string, RegExp][] = [
    ['a line without =', () => conf('net-allow br0\n'), /conf\d+:1: expected 'key = value'$/],
    ['a bad interface name', () => conf('\nnet-allow = br0, a/b\n'), /conf\d+:2: 'a\/b' is not an interface name$/],
    ['a NUL byte', () => conf('net-allow = br0\0\n'), /contains a NUL byte$/],
    ['a group-writable file', () => conf('net-allow = br0\n', 0o664), /is not owned by root or is writable by others$/],
    ['a file owned by another user', () => {
      const f = conf('net-allow = br0\n');
      chownSync(f, TEST_UID, TEST_GID);
      return f;
    }, /is not owned by root or is writable by others$/],
    ['a symbolic link', () => {
      const l = join(dir, `link${n++}`);
      symlinkSync(conf('net-allow = br0\n'), l);
      return l;
    }, /is a symbolic link or not a directory$/],
    ['a directory others may write', () => {
      const d = join(dir, `open${n++}`);
      mkdirSync(d);
      chmodSync(d, 0o777);
      writeFileSync(join(d, 'tsjail.conf'), 'net-allow = br0\n');
      return join(d, 'tsjail.conf');
    }, /'open\d+' is not owned by root or is writable by others$/],
    ['a relative path', () => 'tsjail.conf', /not an absolute path$/],
    ['a directory', () => dir, /not a regular file$/],
  ];

  it.each(bad)('refuses %s', (_name, make, message) => {
    const r = check(make());
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('accepts a root-owned directory inside a sticky world-writable one (like /tmp)', () => {
    const sticky = join(dir, `sticky${n++}`);
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const d = join(sticky, 'etc');
    mkdirSync(d, { mode: 0o755 });
    writeFileSync(join(d, 'tsjail.conf'), 'net-allow = br9\n', { mode: 0o644 });
    const r = check(join(d, 'tsjail.conf'));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).netAllow).toEqual(['br9']);
  });

  it('--check-policy is for root only', () => {
    const r = spawnSync('setpriv', [`--reuid=${TEST_UID}`, `--regid=${TEST_GID}`, '--clear-groups', HELPER,
      '--check-policy=/etc/shadow'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('tsjail: --check-policy is for root only\n');
  });
});
