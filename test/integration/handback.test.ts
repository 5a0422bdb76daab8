/** The full path started by the native front end hands the launch back to
 * it (src/handback.ts, native/front/fback.c): the helper then gets the plan
 * a Node script started directly (bin/tsjail.js, which execs the helper
 * itself through koffi) gives it, with the same precompiled or compiled
 * seccomp filter: made of the stored plan as for a cached launch (the same
 * records), or byte for byte when the plan is not stored; what Node says
 * and how it ends is what the front end says and how it ends. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FRONT_END, HELPER, TSJAIL, waitFor } from '../helpers.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tjtest-handback-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in helper that saves the plan it is given (its environment is
 * empty: the file's name is written into it). As the helper does
 * (native/reap.c), it outlives the front end's Node, its child now, which
 * writes the stored plan after the hand-back. */
function saver(name: string): { helper: string; plan: () => Buffer } {
  const out = join(dir, `${name}.plan`);
  const helper = join(dir, `${name}-helper`);
  writeFileSync(helper, [
    '#!/bin/sh',
    `[ $# = 1 ] && [ -z "$(env | grep -v '^PWD=')" ] || exit 3`,
    `cat "/proc/$$/fd/\${1#--plan-fd=}" >${out}`,
    'for c in $(cat /proc/$$/task/$$/children); do',
    '  while [ -d /proc/$c ] && [ "$(cut -d" " -f3 /proc/$c/stat 2>/dev/null)" != Z ]; do sleep 0.01; done',
    'done',
    '',
  ].join('\n'), { mode: 0o755 });
  return { helper, plan: () => readFileSync(out) };
}

const ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root', TERM: 'xterm', LANG: 'C.UTF-8' };

function launch(how: 'front' | 'node', args: readonly string[], helper: string, cache: string): void {
  const env = { ...ENV, TSJAIL_HELPER: helper, XDG_CACHE_HOME: cache };
  const [cmd, argv] = how === 'front' ? [FRONT_END, [...args]] : [process.execPath, [TSJAIL, ...args]];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env, cwd: '/', timeout: 20_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

/** A plan as the helper reads it. */
function dumped(plan: Buffer): unknown {
  const r = spawnSync(HELPER, ['--dump-plan', '--plan-fd=0'], { input: plan, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
}

/** A file of /proc, trimmed; '' when it is gone. */
function read(f: string): string {
  try {
    return readFileSync(f, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The pids of pid's children (its main thread's). */
function childrenOf(pid: number): string[] {
  return read(`/proc/${pid}/task/${pid}/children`).split(/\s+/).filter((c) => c !== '');
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((res) => child.on('exit', (code) => res(code)));
}

describe('the hand-back', () => {
  it('gives the helper the plan the Node path gives it, and stores the same plan', () => {
    const launches = [['--noprofile', 'true'], ['true', 'a b'], ['--profile=firefox', '--', 'true'], ['--noprofile', '--protocol=unix', 'true'],
      ['--seccomp.drop=mount,@clock', '--hostname=h', 'true'], ['--noprofile', '--', 'sh', '-c', 'x', '--'], ['--noprofile']];
    const save = saver('plan');
    const cache = join(dir, 'xdg');
    const stored = (): Buffer => {
      const [f] = readdirSync(join(cache, 'tsjail')) as [string];
      return readFileSync(join(cache, 'tsjail', f));
    };
    for (const args of launches) {
      // In turn, with the same helper and cache directory (the environment
      // holds their names, the stored plan the helper's stat).
      launch('front', args, save.helper, cache);
      const front = { plan: save.plan(), stored: stored() };
      rmSync(cache, { recursive: true });
      launch('node', args, save.helper, cache);
      const node = { plan: save.plan(), stored: stored() };
      rmSync(cache, { recursive: true });
      expect(front.plan.length).toBeGreaterThan(100);
      // The front end made it of the stored plan: the same records, in
      // its order.
      expect(dumped(front.plan), args.join(' ')).toEqual(dumped(node.plan));
      expect(front.stored.equals(node.stored), args.join(' ')).toBe(true);
    }
  });

  it('starts the helper without waiting for Node to end; the helper reaps Node, and the plan is stored when tsjail ends', async () => {
    const cache = join(dir, 'xdg');
    const child = spawn(FRONT_END, ['--quiet', '--noprofile', 'sleep', '1'], { env: { ...ENV, XDG_CACHE_HOME: cache }, cwd: '/', stdio: 'ignore' });
    const pid = child.pid as number;
    const ended = exitCode(child);
    // While the sandbox runs, the helper's one child is the sandbox's init:
    // Node, its child since the front end became the helper, is reaped.
    const kids = await waitFor(() => {
      const k = childrenOf(pid);
      return read(`/proc/${pid}/comm`) === 'tsjail-helper' && k.length === 1 && read(`/proc/${k[0]}/comm`) === 'tsjail-helper' && k;
    });
    expect(read(`/proc/${kids[0]}/stat`)).not.toMatch(/^\d+ \([^)]*\) Z/);
    expect(await ended).toBe(0);
    expect(readdirSync(join(cache, 'tsjail')).filter((f) => f.endsWith('.plan'))).toHaveLength(1);
  });

  it('the helper reaps children of the process it replaced when they end, not only when it exits', async () => {
    // sh's child sleep 0.2 is, after two execs, the helper's.
    const child = spawn('sh', ['-c', `sleep 0.2 & exec ${process.execPath} ${TSJAIL} --quiet --noprofile sleep 1.5`],
      { env: { ...ENV }, cwd: '/', stdio: 'ignore' });
    const pid = child.pid as number;
    const ended = exitCode(child);
    await waitFor(() => read(`/proc/${pid}/comm`) === 'tsjail-helper');
    await new Promise((r) => setTimeout(r, 600));
    const kids = childrenOf(pid);
    expect(kids.map((k) => read(`/proc/${k}/comm`))).toEqual(['tsjail-helper']);
    expect(await ended).toBe(0);
  });

  it('gives the helper a plan that is not stored byte for byte as the Node path does', () => {
    // (A new root is never stored.)
    const save = saver('plan');
    const cache = join(dir, 'xdg');
    const plans = (['front', 'node'] as const).map((how) => {
      launch(how, ['--overlay-tmpfs', '--noprofile', 'true'], save.helper, cache);
      return save.plan();
    });
    expect(plans[0]?.length).toBeGreaterThan(100);
    expect(plans[0]?.equals(plans[1] ?? Buffer.alloc(0))).toBe(true);
    expect(existsSync(join(cache, 'tsjail'))).toBe(false);
  });

  it('says, in --print-plan, where the seccomp filter came from', () => {
    const filter = (cmd: string, argv: string[]) => {
      const r = spawnSync(cmd, [...argv, '--print-plan', '--noprofile', 'true'], { encoding: 'utf8', env: { ...ENV, XDG_CACHE_HOME: '/dev/null' }, cwd: '/' });
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { launch: { filter: string } }).launch.filter;
    };
    expect(filter(FRONT_END, [])).toBe('precompiled');
    // Node on its own does not know the front end's libseccomp.
    expect(filter(process.execPath, [TSJAIL])).toBe('libseccomp');
  });

  it('finds the precompiled filter of a shipped profile that has a private-bin list (the build launches true, which such a list lacks, with the list ignored)', () => {
    const r = spawnSync(FRONT_END, ['--print-plan', '--profile=evince', '--private-bin=true', 'true'], { encoding: 'utf8', env: { ...ENV, XDG_CACHE_HOME: '/dev/null' }, cwd: '/' });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { launch: { filter: string } }).launch.filter).toBe('precompiled');
  });

  it('loads a shipped profile from its image (made by the build), and the plan is the one reading it gives', () => {
    const plan = (extra: string[]) => {
      const r = spawnSync(FRONT_END, ['--print-plan', '--profile=firefox', ...extra, 'true'], {
        encoding: 'utf8', env: { ...ENV, XDG_CACHE_HOME: '/dev/null' }, cwd: '/',
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { launch: { profile: string } };
    };
    const { launch: fromImage, ...imaged } = plan([]);
    // --ignore keeps the image from being used; one that matches nothing
    // changes nothing else.
    const { launch: read, ...readPlan } = plan(['--ignore=no-such-directive']);
    expect(fromImage.profile).toBe('image');
    expect(read.profile).toBe('read');
    expect(imaged).toEqual(readPlan);
  });

  it('passes on what Node says and how it ends when it hands back nothing', () => {
    const env = { ...ENV, XDG_CACHE_HOME: '/dev/null' };
    const bad = spawnSync(FRONT_END, ['--hostname=-x', 'true'], { encoding: 'utf8', env });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^tsjail: --hostname: '-x' is not a valid hostname/);
    const help = spawnSync(FRONT_END, ['--help'], { encoding: 'utf8', env });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--noprofile/);
    // A Node that dies of a signal: the front end dies of the same.
    writeFileSync(join(dir, 'die.cjs'), "process.kill(process.pid, 'SIGTERM');\n");
    const died = spawnSync(FRONT_END, ['--noprofile', 'true'], {
      encoding: 'utf8', env: { ...env, NODE_OPTIONS: `--require=${join(dir, 'die.cjs')}` },
    });
    expect(died.signal).toBe('SIGTERM');
  });

  it('refuses a hand-back it cannot read, and starts nothing', () => {
    const env = { ...ENV, XDG_CACHE_HOME: '/dev/null', TSJAIL_HELPER: join(dir, 'must-not-run') };
    for (const [i, bytes] of ['TSJB', 'TSJB\x01\x00\x00\x00\x05\x00\x00\x00/bin', 'XXXX\x01\x00\x00\x00', 'TSJB\x03\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00TSJC'].entries()) {
      // A Node that hands back these bytes, as if it had built a plan.
      writeFileSync(join(dir, `bad${i}.cjs`), `require('fs').writeSync(Number(process.env.TSJAIL_HANDBACK), Buffer.from(${JSON.stringify(bytes)}, 'latin1'));\nprocess.exit(0);\n`);
      const r = spawnSync(FRONT_END, ['--noprofile', 'true'], { encoding: 'utf8', env: { ...env, NODE_OPTIONS: `--require=${join(dir, `bad${i}.cjs`)}` } });
      expect(r.status, JSON.stringify(bytes)).toBe(1);
      expect(r.stderr).toBe('tsjail: the full path handed back a malformed launch\n');
    }
  });

  it('runs a launcher link\'s program itself inside a sandbox, with the environment Node gives it', () => {
    const links = join(dir, 'links');
    mkdirSync(links);
    symlinkSync(FRONT_END, join(links, 'printenv'));
    // (--env, as NODE_EXTRA_CA_CERTS is no variable a sandbox gets.)
    const ca = join(dir, 'no-such-bundle.pem');
    const r = spawnSync(FRONT_END, ['--noprofile', '--env=MARK=1', `--env=NODE_EXTRA_CA_CERTS=${ca}`, '--', join(links, 'printenv')], {
      encoding: 'utf8', env: { ...ENV, PATH: `${links}:${ENV.PATH}`, XDG_CACHE_HOME: '/dev/null' }, cwd: '/',
    });
    // No Node complained of the missing bundle: it was kept from them.
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^container=tsjail$/m);
    expect(r.stdout).toMatch(/^MARK=1$/m);
    // ... and given back to the program.
    expect(r.stdout).toContain(`NODE_EXTRA_CA_CERTS=${ca}\n`);
    expect(r.stdout).not.toMatch(/TSJAIL_/);
  });
});
