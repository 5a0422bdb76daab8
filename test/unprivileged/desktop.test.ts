/** Launcher wrappers for a user: --setup-desktop's defaults (.desktop files
 * in $XDG_DATA_HOME/applications, the manifest beside them), a link in a
 * directory of the user's, and the program started through it in a sandbox
 * made by a setuid-root helper; remove leaves the user's tree as it was. */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { asUser, FRONT_END, nsId, setuidHelper, tsjailAsUser } from '../helpers.js';

const user = inject('testUser');
let suid: ReturnType<typeof setuidHelper>;
let W = '';
let env: Record<string, string>;

function owned(path: string): void {
  chownSync(path, user.uid, user.gid);
}

function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = lstatSync(p);
      const who = `${st.uid} ${(st.mode & 0o7777).toString(8)}`;
      if (st.isSymbolicLink()) out[p] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[p] = `dir ${who}`;
        walk(p);
      } else out[p] = `file ${who} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(W);
  return out;
}

beforeAll(() => {
  suid = setuidHelper();
  W = mkdtempSync(join(user.home, 'tjtest-desktop-'));
  for (const d of ['bin', 'links', 'profiles', 'data/applications', 'datahome']) mkdirSync(join(W, d), { recursive: true });
  writeFileSync(join(W, 'bin', 'tjapp'), '#!/bin/sh\nreadlink /proc/self/ns/pid; id -u; printf "[%s]" "$@"\n');
  chmodSync(join(W, 'bin', 'tjapp'), 0o755);
  writeFileSync(join(W, 'profiles', 'tjapp.ini'), '');
  writeFileSync(join(W, 'data', 'applications', 'tjapp.desktop'),
    '[Desktop Entry]\nType=Application\nName=TJ\nExec=tjapp %f\n');
  const walk = (d: string) => {
    owned(d);
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (lstatSync(p).isDirectory()) walk(p);
      else owned(p);
    }
  };
  walk(W);
  env = {
    PATH: `${W}/links:${W}/bin:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: user.home,
    XDG_DATA_HOME: join(W, 'datahome'),
    XDG_DATA_DIRS: join(W, 'data'),
    TSJAIL_PROFILE_PATH: join(W, 'profiles'),
    TSJAIL_PROFILE_DIRS: '/nonexistent-tjtest-profiles',
    TSJAIL_HELPER: suid.path,
  };
});

afterAll(() => {
  suid.dispose();
  if (W !== '') rmSync(W, { recursive: true, force: true });
});

describe('--setup-desktop as a user', () => {
  it('installs, runs the program sandboxed through the link and the .desktop file, and removes', () => {
    const before = snapshot();
    const r = tsjailAsUser(['--setup-desktop', `--bin-dir=~/${W.slice(user.home.length + 1)}/links`, `--applications-dir=${W}/datahome/applications`], { user, env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 created');
    const file = join(W, 'datahome', 'applications', 'tjapp.desktop');
    expect(lstatSync(file).uid).toBe(user.uid);
    expect(readFileSync(file, 'utf8')).toContain(`Exec=${FRONT_END} -- ${W}/bin/tjapp %f\n`);
    expect(readFileSync(join(W, 'datahome', 'tsjail', 'desktop.json'), 'utf8')).toContain('"kind": "link"');

    const host = nsId('self', 'pid');
    const run = asUser(user, ['tjapp', '--flag', '--', 'a b'], { env });
    expect(run.status, run.stderr).toBe(0);
    const [ns, uid, args] = run.stdout.split('\n');
    expect(ns).not.toBe(host);
    expect(uid).toBe(String(user.uid));
    expect(args).toBe('[--flag][--][a b]');

    const exec = /^Exec=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.split(' ') ?? [];
    const viaDesktop = asUser(user, exec.map((w) => (w === '%f' ? '/etc/hostname' : w)), { env });
    expect(viaDesktop.status, viaDesktop.stderr).toBe(0);
    expect(viaDesktop.stdout.split('\n')[0]).not.toBe(host);
    expect(viaDesktop.stdout.split('\n')[2]).toBe('[/etc/hostname]');

    // Without --applications-dir: $XDG_DATA_HOME/applications, already done.
    const again = tsjailAsUser(['--setup-desktop'], { user, env });
    expect(again.stdout).toBe('0 created, 0 updated, 0 removed, 0 skipped, 0 forgotten, 1 unchanged\n');

    const rm = tsjailAsUser(['--setup-desktop-remove'], { user, env });
    expect(rm.status, rm.stderr).toBe(0);
    expect(snapshot()).toEqual(before);
  });

  it('cannot make links where the user may not write, and keeps a record of what it did', () => {
    const r = tsjailAsUser(['--setup-desktop', '--bin-dir=/usr/local/bin'], { user, env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsjail: create link \/usr\/local\/bin\/tjapp -> .*: EACCES/m);
    expect(spawnSync('test', ['-e', '/usr/local/bin/tjapp']).status).toBe(1);
    expect(readdirSync(join(W, 'datahome'))).toEqual([]);
  });
});
