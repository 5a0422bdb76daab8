/** Launcher wrappers, as root, with a fake application: `tjapp` (a script
 * in a temp PATH directory, with a test profile and a .desktop file in a
 * temp XDG_DATA_DIRS). After --setup-desktop, `tjapp` through its link and
 * the rewritten .desktop file both run it in a sandbox with its arguments
 * intact; --setup-desktop-remove restores the exact prior state. */
import { spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync,
  statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONT_END, nsId, requireInstalled, tsjail, waitFor } from '../helpers.js';

// Under /root: the default sandbox has its own /tmp, but keeps root's home.
const W = mkdtempSync('/root/tjtest-desktop-');
const BIN = join(W, 'bin');
const LINKS = join(W, 'links');
const PROFILES = join(W, 'profiles');
const DATA = join(W, 'data');
const HOME = join(W, 'home');
const APPS = join(HOME, 'apps');
const OUT = join(W, 'out');
const MANIFEST = join(HOME, '.local', 'share', 'tsjail', 'desktop.json');
const PATH = `${LINKS}:${BIN}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
const ENV = {
  PATH, HOME, TSJAIL_PROFILE_PATH: PROFILES,
    TSJAIL_PROFILE_DIRS: '/nonexistent-tjtest-profiles', XDG_DATA_DIRS: DATA, TSJAIL_DESKTOP_MANIFEST: MANIFEST, XDG_DATA_HOME: undefined,
};
const SETUP = ['--setup-desktop', `--bin-dir=${LINKS}`, `--applications-dir=${APPS}`];

/** The fake application: prints (and keeps in OUT/name) its pid namespace,
 * $0 and arguments, NUL-separated. */
function app(name: string): void {
  const file = join(BIN, name);
  writeFileSync(file, `#!/bin/sh
{ readlink /proc/self/ns/pid; printf '%s\\0' "$0" "$@"; } | tee ${OUT}/${name}.tmp
mv ${OUT}/${name}.tmp ${OUT}/${name}
`);
  chmodSync(file, 0o755);
}

const DESKTOP = (name: string) => `[Desktop Entry]
Version=1.0
Type=Application
Name=${name}
Exec=${name} --flag %F
TryExec=${name}
DBusActivatable=true
Terminal=false
Actions=new;

[Desktop Action new]
Name=New
Exec=${name} --new "a b" %u
`;

interface AppRun {
  ns: string;
  argv0: string;
  args: string[];
}

function parse(out: string): AppRun {
  const nl = out.indexOf('\n');
  const [argv0, ...args] = out.slice(nl + 1).split('\0');
  args.pop(); // after the last NUL
  return { ns: out.slice(0, nl), argv0: argv0 as string, args };
}

const hostPidNs = nsId('self', 'pid');

/** Every path under W (but OUT) with its type, mode and content. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (p === OUT) continue;
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[p] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[p] = `dir ${mode}`;
        walk(p);
      } else out[p] = `file ${mode} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(W);
  return out;
}

/** A .desktop Exec value run as a launcher would: words split as the spec
 * quotes them, field codes expanded (this test's own reading of the spec). */
function launch(desktopFile: string, group: string, files: string[]) {
  const text = readFileSync(desktopFile, 'utf8');
  const section = text.split(/^\[/m).find((s) => s.startsWith(`${group}]`)) ?? '';
  const raw = /^Exec=(.*)$/m.exec(section)?.[1] ?? '';
  const value = raw.replace(/\\(.)/g, (_m, c: string) => ({ s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' } as Record<string, string>)[c] ?? `\\${c}`);
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    if (m[1] !== undefined) words.push(m[1].replace(/\\(["`$\\])/g, '$1'));
    else if (/^%[fFuU]$/.test(m[2] as string)) words.push(...(/[FU]/.test(m[2] as string) ? files : files.slice(0, 1)));
    else if (!/^%[ick]$/.test(m[2] as string)) words.push((m[2] as string).replace(/%%/g, '%'));
  }
  return spawnSync(words[0] as string, words.slice(1), { encoding: 'utf8', env: { ...process.env, ...ENV }, timeout: 20_000 });
}

function validate(file: string): string {
  requireInstalled('desktop-file-validate', 'desktop-file-utils');
  const v = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' });
  return `${v.status} ${v.stdout}${v.stderr}`;
}

let before: Record<string, string>;

beforeAll(() => {
  for (const d of [BIN, LINKS, PROFILES, join(DATA, 'applications'), APPS, OUT]) mkdirSync(d, { recursive: true });
  app('tjapp');
  app('tjplain'); // installed, with a .desktop file, but no profile
  writeFileSync(join(PROFILES, 'tjapp.ini'), '# test profile\n');
  writeFileSync(join(DATA, 'applications', 'tjapp.desktop'), DESKTOP('tjapp'));
  writeFileSync(join(DATA, 'applications', 'tjplain.desktop'), DESKTOP('tjplain'));
  writeFileSync(join(APPS, 'mine.desktop'), DESKTOP('tjplain').replace('Name=tjplain', 'Name=Mine'));
  before = snapshot();
});

afterAll(() => rmSync(W, { recursive: true, force: true }));

describe('tsjail --setup-desktop', () => {
  it('--dry-run prints what it would make and changes nothing', () => {
    const r = tsjail([...SETUP, '--dry-run'], { env: ENV });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe([
      `would create link ${LINKS}/tjapp -> ${FRONT_END}`,
      `would create ${APPS}/tjapp.desktop (from ${DATA}/applications/tjapp.desktop)`,
      'would have: 2 created, 0 updated, 0 removed, 0 skipped, 0 forgotten, 0 unchanged',
      '',
    ].join('\n'));
    expect(snapshot()).toEqual(before);
  });

  it('as root, by default, would make links in /usr/local/bin', () => {
    const r = tsjail(['--setup-desktop', '--dry-run'], { env: ENV });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`would create link /usr/local/bin/tjapp -> ${FRONT_END}\n`);
    expect(r.stdout).not.toContain('.desktop');
    expect(existsSync('/usr/local/bin/tjapp')).toBe(false);
  });

  it('makes a link and a valid .desktop file for tjapp, nothing for tjplain', () => {
    const r = tsjail(SETUP, { env: ENV });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 created, 0 updated, 0 removed, 0 skipped');
    expect(readlinkSync(join(LINKS, 'tjapp'))).toBe(FRONT_END);
    expect(readdirSync(LINKS)).toEqual(['tjapp']);
    expect(readdirSync(APPS).sort()).toEqual(['mine.desktop', 'tjapp.desktop']);
    const file = join(APPS, 'tjapp.desktop');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`\nExec=${FRONT_END} -- ${BIN}/tjapp --flag %F\nTryExec=${BIN}/tjapp\n`);
    expect(text).toContain(`\nExec=${FRONT_END} -- ${BIN}/tjapp --new "a b" %u\n`);
    expect(text).not.toContain('DBusActivatable');
    expect(validate(file)).toBe('0 ');
    const list = tsjail(['--setup-desktop-list'], { env: ENV });
    expect(list.stdout).toBe(`desktop ${file} (from ${DATA}/applications/tjapp.desktop)\nlink ${LINKS}/tjapp -> ${FRONT_END}\n`);
  });

  it('a second install changes nothing', () => {
    const snap = snapshot();
    const mtime = statSync(MANIFEST).mtimeMs;
    const r = tsjail(SETUP, { env: ENV });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('0 created, 0 updated, 0 removed, 0 skipped, 0 forgotten, 2 unchanged\n');
    expect(snapshot()).toEqual(snap);
    expect(statSync(MANIFEST).mtimeMs).toBe(mtime);
  });

  it('tjapp through its link runs in a sandbox, with every argument unchanged', () => {
    const args = ['--flag', '--', '--help', '--debug', '', 'a b', '$HOME', '-x', 'é'];
    const r = spawnSync('tjapp', args, { encoding: 'utf8', env: { ...process.env, ...ENV } });
    expect(r.status, r.stderr).toBe(0);
    const run = parse(r.stdout);
    expect(run.ns).toMatch(/^pid:\[\d+\]$/);
    expect(run.ns).not.toBe(hostPidNs);
    expect(run.args).toEqual(args);
  });

  it('the .desktop Exec lines, run as a launcher would, do the same', () => {
    const files = [join(W, 'a b.txt'), '/etc/hostname'];
    const main = launch(join(APPS, 'tjapp.desktop'), 'Desktop Entry', files);
    expect(main.status, main.stderr).toBe(0);
    const m = parse(main.stdout);
    expect(m.ns).not.toBe(hostPidNs);
    expect(m.args).toEqual(['--flag', ...files]);
    const action = launch(join(APPS, 'tjapp.desktop'), 'Desktop Action new', ['file:///x%20y']);
    expect(action.status, action.stderr).toBe(0);
    expect(parse(action.stdout).args).toEqual(['--new', 'a b', 'file:///x%20y']);
    expect(parse(action.stdout).ns).not.toBe(hostPidNs);
  });

  it('and so does GLib\'s launcher (gio launch)', async () => {
    requireInstalled('gio', 'libglib2.0-bin');
    rmSync(join(OUT, 'tjapp'), { force: true });
    const file = join(W, 'c d.txt');
    const r = spawnSync('gio', ['launch', join(APPS, 'tjapp.desktop'), file], {
      encoding: 'utf8',
      env: { ...process.env, ...ENV, XDG_CACHE_HOME: join(OUT, 'cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 20_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = await waitFor(() => existsSync(join(OUT, 'tjapp')) && readFileSync(join(OUT, 'tjapp'), 'utf8'));
    const run = parse(out);
    expect(run.ns).not.toBe(hostPidNs);
    expect(run.args).toEqual(['--flag', file]);
  });

  it('does not recurse: the link is first in PATH, inside the sandbox too', () => {
    // Inside, PATH still has the link first: tjapp runs directly there.
    const r = tsjail(['--', 'sh', '-c', 'readlink /proc/self/ns/pid; tjapp inner'], { env: ENV });
    expect(r.status, r.stderr).toBe(0);
    const [outerNs, ...rest] = r.stdout.split('\n');
    const inner = parse(rest.join('\n'));
    expect(outerNs).not.toBe(hostPidNs);
    expect(inner.ns).toBe(outerNs);
    expect(inner.args).toEqual(['inner']);
    // A link with no real program behind it says so, and stops.
    symlinkSync(join(LINKS, 'tjapp'), join(LINKS, 'tjnone'));
    try {
      const t0 = Date.now();
      const n = spawnSync('tjnone', ['x'], { encoding: 'utf8', env: { ...process.env, ...ENV }, timeout: 20_000 });
      expect(n.status).toBe(1);
      expect(n.stderr).toBe("tsjail: cannot find the program 'tjnone' in PATH (only tsjail's own link to it)\n");
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      rmSync(join(LINKS, 'tjnone'));
    }
  });

  it('--setup-desktop-remove restores the exact prior state', () => {
    const dry = tsjail(['--setup-desktop-remove', '--dry-run'], { env: ENV });
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would remove link ${LINKS}/tjapp\n`);
    expect(existsSync(join(LINKS, 'tjapp'))).toBe(true);
    const r = tsjail(['--setup-desktop-remove'], { env: ENV });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`remove ${APPS}/tjapp.desktop\n`);
    expect(r.stdout).toContain(`remove directory ${join(HOME, '.local')}\n`);
    expect(snapshot()).toEqual(before);
    expect(tsjail(['--setup-desktop-list'], { env: ENV }).stdout).toBe('');
  });
});
