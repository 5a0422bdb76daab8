/** A non-root caller, through a setuid-root copy of the helper and through
 * the plain (rootless, user namespace) helper. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldOf, HELPER, nsId, setuidHelper, TEST_GID, TEST_UID, tsjailAsUser } from '../helpers.js';

const STATUS = 'id -u; id -g; id -G; cat /proc/self/status; env';

function checkDropped(out: string, groups: string): void {
  const [uid, gid, gs] = out.split('\n');
  expect(uid).toBe(String(TEST_UID));
  expect(gid).toBe(String(TEST_GID));
  expect(gs).toBe(groups);
  for (const key of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) {
    expect(fieldOf(out, key), key).toBe('0000000000000000');
  }
  expect(fieldOf(out, 'NoNewPrivs')).toBe('1');
  expect(fieldOf(out, 'Uid')).toBe(`${TEST_UID} ${TEST_UID} ${TEST_UID} ${TEST_UID}`);
  expect(out).not.toMatch(/^LD_PRELOAD=/m);
  expect(out).not.toMatch(/^LD_LIBRARY_PATH=/m);
}

describe('setuid-root helper, non-root caller', () => {
  let suid: ReturnType<typeof setuidHelper>;
  beforeAll(() => {
    suid = setuidHelper();
  });
  afterAll(() => suid.dispose());

  it('runs the program as the caller with no capabilities, no_new_privs and no LD_PRELOAD', () => {
    const r = tsjailAsUser(['--', 'sh', '-c', STATUS], {
      env: { TSJAIL_HELPER: suid.path, LD_PRELOAD: 'libm.so.6', LD_LIBRARY_PATH: '/tmp' },
      groups: [100],
    });
    expect(r.status, r.stderr).toBe(0);
    checkDropped(r.stdout, `${TEST_GID} 100`);
  });

  it('still gets new namespaces, its own /proc and the hostname', () => {
    const r = tsjailAsUser(['--hostname=userbox', '--', 'sh', '-c',
      'hostname; readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; ps -e -o pid= | wc -l'], {
      env: { TSJAIL_HELPER: suid.path },
    });
    expect(r.status, r.stderr).toBe(0);
    const [host, pid, mnt, count] = r.stdout.trim().split('\n');
    expect(host).toBe('userbox');
    expect(pid).not.toBe(nsId('self', 'pid'));
    expect(mnt).not.toBe(nsId('self', 'mnt'));
    expect(Number(count)).toBe(4); // init, sh, ps, wc
  });

  it('cannot regain privilege through a setuid binary inside', () => {
    const r = tsjailAsUser(['--', 'su', '-c', 'id -u', 'root'], { env: { TSJAIL_HELPER: suid.path } });
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toMatch(/^0$/m);
  });

  it('exit codes and signals work the same', () => {
    expect(tsjailAsUser(['--', 'sh', '-c', 'exit 5'], { env: { TSJAIL_HELPER: suid.path } }).status).toBe(5);
    expect(tsjailAsUser(['--', 'sh', '-c', 'kill -KILL $$'], { env: { TSJAIL_HELPER: suid.path } }).status).toBe(137);
  });
});

describe('rootless helper (not setuid), non-root caller', () => {
  it('works through a user namespace with the same drops', () => {
    const r = tsjailAsUser(['--', 'sh', '-c', STATUS], {
      env: { TSJAIL_HELPER: HELPER, LD_PRELOAD: 'libm.so.6' },
    });
    expect(r.status, r.stderr).toBe(0);
    // setgroups is denied in the user namespace, so the caller's groups stay.
    checkDropped(r.stdout, `${TEST_GID}`);
  });

  it('has its own pid namespace and init', () => {
    const r = tsjailAsUser(['--', 'ps', '-e', '-o', 'pid=,comm='], { env: { TSJAIL_HELPER: HELPER } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.trim())).toEqual(['1 tsjail-helper', '2 ps']);
  });
});
