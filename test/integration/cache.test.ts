/** Stored plans and the native front end (native/tsjail): a launch that
 * finds its stored plan starts no Node and gives the sandbox the cold path
 * gives; anything that changed, or a cache that is not the caller's alone,
 * or a broken one, goes the full path. The helper here is a script that
 * dumps the plan it is given (--dump-plan) instead of running it. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FRONT_END, HELPER, TEST_GID, TEST_UID } from '../helpers.js';

const FRONT = FRONT_END;

let dir: string;
let cache: string;
let dumper: string;
let profile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tjtest-cache-'));
  cache = join(dir, 'xdg');
  dumper = join(dir, 'dump-helper');
  writeFileSync(dumper, `#!/bin/sh\nexec ${HELPER} --dump-plan "$@"\n`, { mode: 0o755 });
  profile = join(dir, 'app.ini');
  writeFileSync(profile, '[sandbox]\nhostname = fromprofile\n[filesystem]\nblacklist = /srv\n');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Launch { readonly argv0?: string; readonly env?: Record<string, string>; readonly cwd?: string }

/** The front end with args; noNode: with a NODE_OPTIONS that makes any Node
 * it starts fail at once (exit 9), so a success proves none ran. */
function front(args: readonly string[], opts: Launch & { noNode?: boolean } = {}): SpawnSyncReturns<string> {
  return spawnSync(opts.argv0 ?? FRONT, [...args], {
    encoding: 'utf8',
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root', TERM: 'xterm',
      XDG_CACHE_HOME: cache, TSJAIL_HELPER: dumper,
      ...(opts.noNode ? { NODE_OPTIONS: '--tsjail-test-no-node' } : {}),
      ...opts.env,
    },
    cwd: opts.cwd ?? '/',
    timeout: 20_000,
  });
}

/** The dumped plan of a launch that must succeed. */
function plan(r: SpawnSyncReturns<string>): Record<string, unknown> {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const cold = (args: readonly string[], opts: Launch = {}) => plan(front(args, opts));
const cached = (args: readonly string[], opts: Launch = {}) => plan(front(args, { ...opts, noNode: true }));

/** Node started (and NODE_OPTIONS stopped it): the launch took the full path. */
function fullPath(args: readonly string[], opts: Launch = {}): void {
  const r = front(args, { ...opts, noNode: true });
  expect(r.status).toBe(9);
  expect(r.stderr).toMatch(/tsjail-test-no-node/);
}

function storedFiles(): string[] {
  return readdirSync(join(cache, 'tsjail')).map((f) => join(cache, 'tsjail', f));
}


describe('a stored plan', () => {
  it('gives the same sandbox as the cold path, with this launch\'s argv, environment and cwd', () => {
    const args = [`--profile=${profile}`, '--', 'echo', 'hi'];
    const first = cold(args);
    expect(first['hostname']).toBe('fromprofile');
    expect(storedFiles()).toHaveLength(1);
    expect(cached(args)).toEqual(first);

    // Per-launch fields: the rest of the words, the environment, the cwd.
    const other = { env: { TERM: 'vt100', LANG: 'C.UTF-8', GCONV_PATH: '/x', SECRET: 's' }, cwd: '/usr' };
    const warm = cached([`--profile=${profile}`, '--', 'echo', 'other', ''], other);
    rmSync(join(cache, 'tsjail'), { recursive: true });
    const again = cold([`--profile=${profile}`, '--', 'echo', 'other', ''], other);
    expect(warm).toEqual(again);
    expect(warm['argv']).toEqual(['echo', 'other', '']);
    expect(warm['cwd']).toBe('/usr');
    expect(warm['env']).toContain('TERM=vt100');
    expect(warm['env']).toContain('LANG=C.UTF-8');
    expect(JSON.stringify(warm['env'])).not.toMatch(/GCONV_PATH|SECRET/);
    const { argv: _a, env: _e, cwd: _c, ...rest } = warm;
    const { argv: _b, env: _f, cwd: _d, ...restFirst } = first;
    expect(rest).toEqual(restFirst);
  });

  it('applies --env and --rmenv as the cold path does', () => {
    const args = ['--noprofile', '--env=A=1', '--env=TERM=dumb', '--rmenv=LANG', '--', 'true'];
    const opts = { env: { LANG: 'C', LC_ALL: 'C' } };
    const first = cold(args, opts);
    expect(cached(args, opts)).toEqual(first);
    expect(first['env']).toEqual(expect.arrayContaining(['A=1', 'TERM=dumb', 'LC_ALL=C', 'container=tsjail']));
    expect(JSON.stringify(first['env'])).not.toMatch(/LANG=/);
  });

  it('stores the default profile, the firefox profile and no program (the shell)', () => {
    for (const args of [['true'], ['--profile=firefox', 'true'], ['--noprofile']]) {
      const opts = { env: { SHELL: '/bin/sh' } };
      const first = cold(args, opts);
      // /tmp changes all the time; no plan may depend on its listing.
      const t = mkdtempSync(join('/tmp', 'tjtest-churn-'));
      rmSync(t, { recursive: true });
      expect(cached(args, opts)).toEqual(first);
    }
  });

  it('is not used when a profile file changed', () => {
    const args = [`--profile=${profile}`, 'true'];
    cold(args);
    cached(args);
    const later = new Date(Date.now() + 5000);
    utimesSync(profile, later, later);
    fullPath(args);
    cold(args); // rewrites it
    cached(args);
  });

  it('of a blacklist pattern is not used once the directory it matched in has a new entry', () => {
    const box = join(dir, 'box');
    mkdirSync(box);
    writeFileSync(join(box, 'x1'), '');
    const args = [`--profile=${profile}`, `--blacklist-nolog=${box}/x*`, 'true'];
    const blacklisted = (p: Record<string, unknown>) =>
      (p['mounts'] as { op: string; path?: string }[]).filter((m) => m.op === 'blacklist' && m.path?.startsWith(box)).map((m) => m.path);
    expect(blacklisted(cold(args))).toEqual([`${box}/x1`]);
    cached(args);
    writeFileSync(join(box, 'x2'), '');
    fullPath(args);
    expect(blacklisted(cold(args))).toEqual([`${box}/x1`, `${box}/x2`]);
    cached(args);
  });

  it('is not used with an option it did not see, nor when a variable the plan read changed', () => {
    cold(['--noprofile', 'true']);
    cached(['--noprofile', 'true']);
    fullPath(['--noprofile', '--hostname=other', 'true']);
    fullPath(['--noprofile', 'true'], { env: { PATH: '/usr/bin:/bin' } });
    fullPath(['--noprofile', 'true'], { env: { TSJAIL_HELPER: HELPER } });
    fullPath(['--noprofile', 'true'], { env: { HOME: '/tmp' } });
    // A profile that would now be found first.
    cold(['true'], { env: { TSJAIL_PROFILE_PATH: join(dir, 'profiles') } });
    cached(['true'], { env: { TSJAIL_PROFILE_PATH: join(dir, 'profiles') } });
    mkdirSync(join(dir, 'profiles'));
    writeFileSync(join(dir, 'profiles', 'true.ini'), '[sandbox]\nhostname = newone\n');
    fullPath(['true'], { env: { TSJAIL_PROFILE_PATH: join(dir, 'profiles') } });
    expect(cold(['true'], { env: { TSJAIL_PROFILE_PATH: join(dir, 'profiles') } })['hostname']).toBe('newone');
  });

  it('is not trusted when another user owns it, or others may write it or its directory', () => {
    const args = ['--noprofile', 'true'];
    cold(args);
    const [file] = storedFiles() as [string];
    chownSync(file, TEST_UID, TEST_GID);
    fullPath(args);
    chownSync(file, 0, 0);
    cached(args);
    chmodSync(file, 0o620);
    fullPath(args);
    chmodSync(file, 0o600);
    cached(args);
    chmodSync(join(cache, 'tsjail'), 0o770);
    fullPath(args);
    // The full path does not write into such a directory either.
    const r = front(['--debug', ...args]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/is not a 0700 directory of uid 0: nothing stored/);
    chmodSync(join(cache, 'tsjail'), 0o700);
    cached(args);
  });

  it('that is corrupted gives a full-path launch, not an error, and is rewritten', () => {
    const args = ['--noprofile', 'true'];
    const first = cold(args);
    const [file] = storedFiles() as [string];
    const good = readFileSync(file);
    for (const bad of [Buffer.alloc(0), good.subarray(0, good.length - 3), Buffer.from('garbage, not a plan'),
      Buffer.concat([good.subarray(0, 12), Buffer.from([0xff, 0x7f, 1, 0, 0, 0, 0])])]) {
      writeFileSync(file, bad, { mode: 0o600 });
      fullPath(args);
      expect(cold(args)).toEqual(first);
      expect(readFileSync(file)).toHaveLength(good.length);
    }
    // A plan the helper refuses is the helper's error, as from the full path.
    const broken = Buffer.from(good);
    broken.writeUInt16LE(99, broken.indexOf('TSJP') + 4);
    writeFileSync(file, broken, { mode: 0o600 });
    const r = front(args, { noNode: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsjail: /);
  });

  it('serves a launcher link, and not inside a sandbox', () => {
    const links = join(dir, 'links');
    mkdirSync(links);
    symlinkSync(FRONT, join(links, 'echo'));
    mkdirSync(join(dir, 'profiles'));
    writeFileSync(join(dir, 'profiles', 'echo.ini'), '[sandbox]\nhostname = linked\n');
    const env = { PATH: `${links}:/usr/bin:/bin`, TSJAIL_PROFILE_PATH: join(dir, 'profiles') };
    const opts = { argv0: join(links, 'echo'), env };
    const first = cold(['a', 'b'], opts);
    expect(first['hostname']).toBe('linked');
    expect(first['program']).toBe('/usr/bin/echo');
    expect(first['argv']).toEqual(['echo', 'a', 'b']);
    expect(cached(['c'], opts)).toEqual({ ...first, argv: ['echo', 'c'] });
    fullPath(['c'], { ...opts, env: { ...env, container: 'tsjail' } });
  });

  it('--print-plan says whether the same launch would use a stored plan', () => {
    const print = (args: readonly string[]) => {
      const r = spawnSync(FRONT, ['--print-plan', ...args], {
        encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/root', XDG_CACHE_HOME: cache, TSJAIL_HELPER: dumper }, cwd: '/',
      });
      expect(r.status).toBe(0);
      return (JSON.parse(r.stdout) as { launch: { plan: string; why?: string; file?: string } }).launch;
    };
    expect(print(['--noprofile', 'true'])).toMatchObject({ plan: 'compiled', why: expect.stringMatching(/no cache directory/) });
    spawnSync(FRONT, ['--noprofile', 'true'], { env: { PATH: '/usr/bin:/bin', HOME: '/root', XDG_CACHE_HOME: cache, TSJAIL_HELPER: dumper }, cwd: '/' });
    expect(print(['--noprofile', 'true'])).toEqual({ plan: 'cached', file: storedFiles()[0], filter: 'precompiled', profile: 'none' });
    expect(print(['--noprofile', '--hostname=x', 'true']).plan).toBe('compiled');
  });
});


describe('the front end', () => {
  it('prints the version itself, as the Node path does', () => {
    const native = spawnSync(FRONT, ['--version'], { encoding: 'utf8', env: { NODE_OPTIONS: '--tsjail-test-no-node' } });
    const node = spawnSync(process.execPath, [join(FRONT, '..', '..', 'bin', 'tsjail.js'), '--version'], { encoding: 'utf8' });
    expect(native.status).toBe(0);
    expect(native.stdout).toBe(node.stdout);
    expect(native.stdout).toMatch(/^tsjail \d+\.\d+\.\d+\n$/);
  });
});
