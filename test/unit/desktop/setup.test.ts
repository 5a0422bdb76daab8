/** --setup-desktop's logic on temp directories: what it makes, what it
 * leaves alone, and that remove undoes exactly what install did. */
import { spawnSync } from 'node:child_process';
import {
  chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli.js';
import { desktopCommand, setupTargets } from '../../../src/desktop/commands.js';
import { readManifest } from '../../../src/desktop/manifest.js';
import { rewriteEntry } from '../../../src/desktop/rewrite.js';
import { apply, planInstall, planRemove, saveManifest, type SetupContext, type SetupTargets } from '../../../src/desktop/setup.js';
import { UsageError } from '../../../src/errors.js';

const top = mkdtempSync(join(tmpdir(), 'tjtest-setup-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));

let n = 0;
let w: { bin: string; links: string; data: string; home: string; profiles: string };
let ctx: SetupContext;
let targets: SetupTargets;

function exe(path: string): void {
  writeFileSync(path, '#!/bin/sh\necho hi\n');
  chmodSync(path, 0o755);
}

const DESKTOP = `[Desktop Entry]
Type=Application
Name=TJ App
Comment=For tests
Exec=tjapp --flag %U
TryExec=tjapp
DBusActivatable=true
Icon=tjapp
Actions=new;

[Desktop Action new]
Name=New window
Exec=tjapp --new "a b" %f
`;

beforeEach(() => {
  const base = join(top, `t${n++}`);
  w = { bin: join(base, 'bin'), links: join(base, 'links'), data: join(base, 'data'), home: join(base, 'home'), profiles: join(base, 'profiles') };
  for (const d of Object.values(w)) mkdirSync(d, { recursive: true });
  mkdirSync(join(w.data, 'applications', 'vendor'), { recursive: true });
  exe(join(w.bin, 'tjapp'));
  exe(join(w.bin, 'tjplain'));
  writeFileSync(join(w.profiles, 'tjapp.ini'), '');
  writeFileSync(join(w.profiles, 'tjgone.ini'), ''); // a profile for a program not installed
  writeFileSync(join(w.data, 'applications', 'tjapp.desktop'), DESKTOP);
  writeFileSync(join(w.data, 'applications', 'tjplain.desktop'), DESKTOP.replace(/tjapp/g, 'tjplain'));
  writeFileSync(join(w.data, 'applications', 'vendor', 'tjapp2.desktop'), DESKTOP.replace('Name=TJ App', 'Name=Two'));
  const env = {
    PATH: `${w.links}:${w.bin}:/usr/bin:/bin`,
    TSJAIL_PROFILE_PATH: w.profiles,
    TSJAIL_PROFILE_DIRS: '/nonexistent-tjtest-profiles',
    XDG_DATA_DIRS: w.data,
    TSJAIL_DESKTOP_MANIFEST: join(w.home, '.local', 'share', 'tsjail', 'desktop.json'),
  };
  ctx = { env, home: w.home, cwd: '/', uid: process.getuid?.() ?? 0, tsjail: '/opt/tsjail/bin/tsjail.js' };
  targets = { binDir: w.links, appsDir: join(w.home, '.local', 'share', 'applications'), manifest: env.TSJAIL_DESKTOP_MANIFEST };
});

/** Every path under dir with its type and content or link target. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[p] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[p] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(p);
      } else out[p] = `file ${(st.mode & 0o7777).toString(8)} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

function install(): ReturnType<typeof planInstall> {
  const m = readManifest(targets.manifest, ctx.uid);
  const plan = planInstall(targets, ctx, m);
  const done = apply(plan.changes, m);
  expect(done.error).toBeNull();
  saveManifest(targets.manifest, m, done.manifest);
  return plan;
}

function remove(): void {
  const m = readManifest(targets.manifest, ctx.uid);
  const done = apply(planRemove(m), m);
  expect(done.error).toBeNull();
  saveManifest(targets.manifest, m, done.manifest);
}

describe('rewriteEntry', () => {
  const rctx = { tsjail: '/opt/ts jail/tsjail.js', hasProfile: (p: string) => p === 'tjapp', pathVar: '', cwd: '/' };

  it('runs every Exec of a profiled program through tsjail, with its absolute path', () => {
    const r = rewriteEntry(DESKTOP, '/src/tjapp.desktop', { ...rctx, pathVar: w.bin });
    expect(r.kind).toBe('rewritten');
    if (r.kind !== 'rewritten') return;
    const prog = join(w.bin, 'tjapp');
    expect(r.program).toBe(prog);
    expect(r.content).toBe(`# Made by tsjail --setup-desktop from /src/tjapp.desktop
[Desktop Entry]
Type=Application
Name=TJ App
Comment=For tests
Exec="/opt/ts jail/tsjail.js" -- ${prog} --flag %U
TryExec=${prog}
Icon=tjapp
Actions=new;

[Desktop Action new]
Name=New window
Exec="/opt/ts jail/tsjail.js" -- ${prog} --new "a b" %f
`);
  });

  it('adds TryExec when there is none', () => {
    const r = rewriteEntry(DESKTOP.replace('TryExec=tjapp\n', ''), '/s', { ...rctx, pathVar: w.bin });
    expect(r.kind === 'rewritten' && r.content).toContain(`--flag %U\nTryExec=${join(w.bin, 'tjapp')}\n`);
  });

  it('leaves alone what is not for tsjail, and reports what cannot be done', () => {
    const ctx2 = { ...rctx, pathVar: w.bin };
    expect(rewriteEntry(DESKTOP.replace(/tjapp/g, 'tjplain'), '/s', ctx2).kind).toBe('ignored');
    expect(rewriteEntry(DESKTOP.replace('Type=Application', 'Type=Link'), '/s', ctx2).kind).toBe('ignored');
    expect(rewriteEntry(`${DESKTOP}Hidden=true\n`.replace('Icon', 'Hidden=true\nIcon'), '/s', ctx2).kind).toBe('ignored');
    expect(rewriteEntry('[Desktop Entry]\nType=Application\nDBusActivatable=true\n', '/s', ctx2))
      .toEqual({ kind: 'ignored', why: 'D-Bus activated only (no Exec)' });
    expect(rewriteEntry('no group\n', '/s', ctx2).kind).toBe('ignored');
    expect(rewriteEntry(DESKTOP, '/s', { ...rctx, pathVar: '/nonexistent' }))
      .toEqual({ kind: 'unusable', why: "'tjapp' is not installed (not found in PATH)" });
    expect(rewriteEntry(DESKTOP.replace('Exec=tjapp --flag', 'Exec=tjapp "--flag'), '/s', ctx2).kind).toBe('unusable');
  });
});

describe('install and remove', () => {
  it('makes links and .desktop files for profiled, installed programs only', () => {
    const before = snapshot(join(w.home, '..'));
    const plan = install();
    expect(plan.problems).toEqual([]);
    expect(readlinkSync(join(w.links, 'tjapp'))).toBe(ctx.tsjail);
    expect(readdirSync(w.links)).toEqual(['tjapp']);
    const apps = targets.appsDir as string;
    expect(readdirSync(apps).sort()).toEqual(['tjapp.desktop', 'vendor']);
    expect(readdirSync(join(apps, 'vendor'))).toEqual(['tjapp2.desktop']);
    expect(readFileSync(join(apps, 'tjapp.desktop'), 'utf8')).toContain(`Exec=${ctx.tsjail} -- ${join(w.bin, 'tjapp')} --flag %U`);
    // desktop-file-validate passes on every file written.
    for (const f of [join(apps, 'tjapp.desktop'), join(apps, 'vendor', 'tjapp2.desktop')]) {
      const v = spawnSync('desktop-file-validate', [f], { encoding: 'utf8' });
      expect(v.error, 'desktop-file-validate (apt-get install desktop-file-utils)').toBeUndefined();
      expect(v.stdout + v.stderr, f).toBe('');
      expect(v.status).toBe(0);
    }
    const m = readManifest(targets.manifest, ctx.uid);
    expect(m.entries.map((e) => e.path)).toEqual([
      join(w.home, '.local/share/applications/tjapp.desktop'),
      join(w.home, '.local/share/applications/vendor/tjapp2.desktop'),
      join(w.links, 'tjapp'),
    ]);
    expect(m.dirs).toEqual(['.local', '.local/share', '.local/share/applications', '.local/share/applications/vendor', '.local/share/tsjail']
      .map((d) => join(w.home, d)));

    const installed = snapshot(join(w.home, '..'));
    const again = install();
    expect(again.changes.map((c) => c.op)).toEqual(['keep', 'keep', 'keep']);
    expect(snapshot(join(w.home, '..'))).toEqual(installed);

    remove();
    expect(snapshot(join(w.home, '..'))).toEqual(before);
  });

  it('never touches files it did not make, or changed since', () => {
    const apps = targets.appsDir as string;
    mkdirSync(join(apps, 'vendor'), { recursive: true });
    writeFileSync(join(apps, 'tjapp.desktop'), 'mine\n');
    symlinkSync('/somewhere', join(w.links, 'tjapp'));
    const before = snapshot(join(w.home, '..'));
    const plan = install();
    expect(plan.changes.map((c) => c.op).sort()).toEqual(['create', 'skip', 'skip']);
    expect(readFileSync(join(apps, 'tjapp.desktop'), 'utf8')).toBe('mine\n');
    expect(readlinkSync(join(w.links, 'tjapp'))).toBe('/somewhere');
    // The user edits what tsjail made: it is theirs from then on.
    writeFileSync(join(apps, 'vendor', 'tjapp2.desktop'), 'edited\n');
    const again = install();
    expect(again.changes.map((c) => c.op).sort()).toEqual(['forget', 'skip', 'skip']);
    remove();
    const after = snapshot(join(w.home, '..'));
    expect(after[join(apps, 'vendor', 'tjapp2.desktop')]).toBe('file 644 edited\n');
    delete after[join(apps, 'vendor', 'tjapp2.desktop')];
    expect(after).toEqual(before);
  });

  it('updates its own files and removes those no longer wanted', () => {
    install();
    const apps = targets.appsDir as string;
    writeFileSync(join(w.data, 'applications', 'tjapp.desktop'), DESKTOP.replace('Name=TJ App', 'Name=Renamed'));
    rmSync(join(w.profiles, 'tjapp.ini'));
    writeFileSync(join(w.profiles, 'tjplain.ini'), '');
    const plan = install();
    expect(plan.changes.map((c) => `${c.op}`).sort()).toEqual(['create', 'create', 'remove', 'remove', 'remove']);
    expect(readdirSync(w.links)).toEqual(['tjplain']);
    expect(readdirSync(apps).sort()).toEqual(['tjplain.desktop', 'vendor']);
    writeFileSync(join(w.profiles, 'tjapp.ini'), '');
    const plan2 = install();
    expect(plan2.changes.filter((c) => c.op !== 'keep').map((c) => c.op)).toEqual(['create', 'create', 'create']);
    expect(readFileSync(join(apps, 'tjapp.desktop'), 'utf8')).toContain('Name=Renamed');
    writeFileSync(join(w.data, 'applications', 'tjapp.desktop'), DESKTOP);
    expect(install().changes.filter((c) => c.op !== 'keep').map((c) => c.op)).toEqual(['update']);
  });

  it('makes no link for the node tsjail runs on', () => {
    const nodeDir = join(w.bin, '..', 'nodebin');
    mkdirSync(nodeDir);
    symlinkSync(process.execPath, join(nodeDir, 'node'));
    writeFileSync(join(w.profiles, 'node.ini'), '');
    ctx = { ...ctx, env: { ...ctx.env, PATH: `${nodeDir}:${ctx.env['PATH']}` } };
    const plan = planInstall(targets, ctx, readManifest(targets.manifest, ctx.uid));
    expect(plan.problems).toEqual([{ path: join(w.links, 'node'), why: `no link: tsjail itself runs on ${join(nodeDir, 'node')}` }]);
  });

  it('refuses a manifest that is not the caller\'s own', () => {
    mkdirSync(join(w.home, 'm'));
    const file = join(w.home, 'm', 'desktop.json');
    writeFileSync(file, '{"version":1,"entries":[],"dirs":[]}');
    chmodSync(file, 0o666);
    expect(() => readManifest(file, ctx.uid)).toThrow(/writable by others/);
    chmodSync(file, 0o644);
    expect(readManifest(file, ctx.uid).entries).toEqual([]);
    writeFileSync(file, '{"version":1,"entries":[{"kind":"link","path":"rel","target":"/x","program":"p"}],"dirs":[]}');
    expect(() => readManifest(file, ctx.uid)).toThrow(/not an absolute path/);
  });
});

describe('command line', () => {
  it('parses the launcher commands', () => {
    expect(parseCommandLine(['--setup-desktop', '--dry-run', '--bin-dir=/b'])).toEqual({
      kind: 'desktop', action: 'install', dryRun: true, binDir: '/b', appsDir: undefined, verbose: false,
    });
    expect(parseCommandLine(['--setup-desktop-remove'])).toMatchObject({ action: 'remove', dryRun: false });
    expect(parseCommandLine(['--setup-desktop-list'])).toMatchObject({ action: 'list' });
    for (const bad of [['--dry-run'], ['--bin-dir=/x', 'ls'], ['--setup-desktop', 'ls'], ['--setup-desktop', '--setup-desktop-remove'],
      ['--setup-desktop-remove', '--bin-dir=/x'], ['--setup-desktop-list', '--dry-run']]) {
      expect(() => parseCommandLine(bad), bad.join(' ')).toThrow(UsageError);
    }
  });

  it('chooses links as root and .desktop files as a user, unless told', () => {
    const cmd = desktopCommand({ 'setup-desktop': true }, []);
    if (cmd === null) throw new Error('no command');
    expect(setupTargets(cmd, { uid: 0, home: '/root' }, {})).toEqual({ binDir: '/usr/local/bin', appsDir: null, manifest: '/var/lib/tsjail/desktop.json' });
    expect(setupTargets(cmd, { uid: 1000, home: '/home/u' }, {})).toEqual({
      binDir: null, appsDir: '/home/u/.local/share/applications', manifest: '/home/u/.local/share/tsjail/desktop.json',
    });
    expect(setupTargets(cmd, { uid: 1000, home: '/home/u' }, { XDG_DATA_HOME: '/d' })).toEqual({
      binDir: null, appsDir: '/d/applications', manifest: '/d/tsjail/desktop.json',
    });
    expect(setupTargets({ ...cmd, binDir: '~/bin' }, { uid: 1000, home: '/home/u' }, { TSJAIL_DESKTOP_MANIFEST: '/m.json' })).toEqual({
      binDir: '/home/u/bin', appsDir: null, manifest: '/m.json',
    });
  });
});
