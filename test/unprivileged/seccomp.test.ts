/** The seccomp filter and --noroot for a caller who is not root: through a
 * setuid-root copy of the helper and through the plain (rootless) one. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldOf, HELPER, ROOT, setuidHelper, TEST_UID, tsjailAsUser as runAsUser } from '../helpers.js';

/** The seccomp options themselves: the built-in defaults, no profile. */
const tsjailAsUser = (args: readonly string[], opts?: Parameters<typeof runAsUser>[1]) => runAsUser([`--profile=${ROOT}/test/fixtures/bare.ini`, ...args], opts);

let dir = '';
let PROBE = '';
let suid: ReturnType<typeof setuidHelper>;

beforeAll(() => {
  dir = mkdtempSync('/srv/tjtest-seccomp-user-');
  chmodSync(dir, 0o755);
  PROBE = join(dir, 'probe');
  const cc = spawnSync('cc', ['-O1', '-o', PROBE, join(ROOT, 'test/fixtures/seccomp-probe.c')], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cannot build the probe: ${cc.stderr}`);
  suid = setuidHelper();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  suid.dispose();
});

const helperFor = (mode: string) => (mode === 'setuid' ? suid.path : HELPER);

describe.each(['setuid', 'rootless'])('%s helper, non-root caller', (mode) => {
  const helper = () => helperFor(mode);

  it('runs the program under one filter, no_new_privs and no capabilities', () => {
    const r = tsjailAsUser(['--', 'cat', '/proc/self/status'], { env: { TSJAIL_HELPER: helper() } });
    expect(r.status, r.stderr).toBe(0);
    expect(fieldOf(r.stdout, 'Seccomp')).toBe('2');
    expect(fieldOf(r.stdout, 'Seccomp_filters')).toBe('1');
    expect(fieldOf(r.stdout, 'NoNewPrivs')).toBe('1');
    for (const k of ['CapEff', 'CapPrm', 'CapBnd']) expect(fieldOf(r.stdout, k), k).toBe('0000000000000000');
  });

  it('blocks the default list on every ABI, and TIOCSTI', () => {
    const r = tsjailAsUser(['--seccomp-error-action=EXFULL', '--', PROBE, 'getpid', 'mount', 'bpf', 'x32-mount', 'i386-mount', 'tiocsti'], {
      env: { TSJAIL_HELPER: helper() },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('getpid: ok\nmount: EXFULL\nbpf: EXFULL\nx32-mount: EXFULL\ni386-mount: EXFULL\ntiocsti: EPERM\n');
  });

  it('refuses --caps.keep', () => {
    const r = tsjailAsUser(['--caps.keep=net_raw', '--', 'true'], { env: { TSJAIL_HELPER: helper() } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsjail: --caps.keep: only root can keep capabilities/);
  });
});

describe('--noroot', () => {
  const SHOW = 'cat /proc/self/uid_map /proc/self/gid_map; grep ^Uid: /proc/1/status; id -u';

  it('through the setuid helper: the helper gives up root, and only the caller is mapped', () => {
    const before = tsjailAsUser(['--', 'sh', '-c', SHOW], { env: { TSJAIL_HELPER: suid.path } });
    expect(before.status, before.stderr).toBe(0);
    // Without it: no user namespace, and the sandbox's init runs as root.
    expect(before.stdout).toMatch(/^\s*0\s+0\s+4294967295$/m);
    expect(before.stdout).toMatch(new RegExp(`^Uid:\\s+${TEST_UID}\\s+0\\s+0\\s+0$`, 'm'));

    const r = tsjailAsUser(['--noroot', '--', 'sh', '-c', SHOW], { env: { TSJAIL_HELPER: suid.path } });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    expect(lines).toEqual([
      `${TEST_UID} ${TEST_UID} 1`,
      `${TEST_UID} ${TEST_UID} 1`,
      `Uid: ${TEST_UID} ${TEST_UID} ${TEST_UID} ${TEST_UID}`,
      String(TEST_UID),
    ]);
  });

  it('keeps the filter and the other drops', () => {
    const r = tsjailAsUser(['--noroot', '--', PROBE, 'mount', 'i386-mount'], { env: { TSJAIL_HELPER: suid.path } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('mount: EPERM\ni386-mount: EPERM\n');
  });

  it.each(['setuid', 'rootless'])('works through the %s helper alike', (mode) => {
    const r = tsjailAsUser(['--noroot', '--', 'cat', '/proc/self/uid_map'], { env: { TSJAIL_HELPER: helperFor(mode) } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split(/\s+/)).toEqual([String(TEST_UID), String(TEST_UID), '1']);
  });
});
