/** The launcher commands: --setup-desktop, --setup-desktop-list,
 * --setup-desktop-remove, with --dry-run, --bin-dir=DIR and
 * --applications-dir=DIR. They start no sandbox. */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { expandUserPath } from '../fs/paths.js';
import { diskState, manifestPath, matches, readManifest } from './manifest.js';
import type { Env } from './profiles.js';
import { apply, describe, planInstall, planRemove, saveManifest, setupContext, type Change, type SetupTargets } from './setup.js';

/** name, kind, help: as cli.ts lists its options. */
export const DESKTOP_OPTIONS: readonly [string, 'value' | 'flag', string][] = [
  ['setup-desktop', 'flag', 'Make launcher links (as root, in /usr/local/bin) or .desktop files (as a user) for every installed program with a profile, and exit'],
  ['setup-desktop-list', 'flag', 'List the links and .desktop files --setup-desktop made, and exit'],
  ['setup-desktop-remove', 'flag', 'Remove what --setup-desktop made (nothing else), and exit'],
  ['dry-run', 'flag', 'With --setup-desktop or --setup-desktop-remove: print what would change, change nothing'],
  ['bin-dir', 'value', 'With --setup-desktop: make the launcher links in DIR'],
  ['applications-dir', 'value', 'With --setup-desktop: make the .desktop files in DIR'],
];

export interface DesktopCommand {
  readonly kind: 'desktop';
  readonly action: 'install' | 'list' | 'remove';
  readonly dryRun: boolean;
  readonly binDir: string | undefined;
  readonly appsDir: string | undefined;
  /** --debug: also list what stays unchanged. */
  readonly verbose: boolean;
}

function last(v: unknown): string | undefined {
  if (Array.isArray(v)) return last(v[v.length - 1]);
  return typeof v === 'string' ? v : undefined;
}

/** The command the parsed options ask for, or null when they ask for none. */
export function desktopCommand(a: Record<string, unknown>, rest: readonly string[]): DesktopCommand | null {
  const actions = (['setup-desktop', 'setup-desktop-list', 'setup-desktop-remove'] as const).filter((o) => a[o] === true);
  const binDir = last(a['bin-dir']);
  const appsDir = last(a['applications-dir']);
  const action = actions[0];
  if (action === undefined) {
    const stray = [a['dry-run'] === true && '--dry-run', binDir !== undefined && '--bin-dir', appsDir !== undefined && '--applications-dir']
      .find((x) => x);
    if (stray) throw new UsageError(`${stray} goes with --setup-desktop`);
    return null;
  }
  if (actions.length > 1) throw new UsageError(`--${actions[0]} and --${actions[1]} cannot be used together`);
  if (rest.length > 0) throw new UsageError(`--${action} takes no program`);
  if (action !== 'setup-desktop' && (binDir !== undefined || appsDir !== undefined)) {
    throw new UsageError(`--bin-dir and --applications-dir go with --setup-desktop`);
  }
  if (action === 'setup-desktop-list' && a['dry-run'] === true) throw new UsageError('--setup-desktop-list changes nothing: no --dry-run');
  return {
    kind: 'desktop',
    action: action === 'setup-desktop' ? 'install' : action === 'setup-desktop-list' ? 'list' : 'remove',
    dryRun: a['dry-run'] === true,
    binDir,
    appsDir,
    verbose: a['debug'] === true,
  };
}

export interface Caller {
  readonly uid: number;
  readonly home: string;
}

/** As root: links in /usr/local/bin; as a user: .desktop files in
 * $XDG_DATA_HOME/applications. --bin-dir and --applications-dir choose
 * either or both explicitly. */
export function setupTargets(cmd: DesktopCommand, caller: Caller, env: Env): SetupTargets {
  const manifest = manifestPath(env, caller.uid, caller.home);
  const binDir = cmd.binDir === undefined ? undefined : expandUserPath('--bin-dir', cmd.binDir, caller.home);
  const appsDir = cmd.appsDir === undefined ? undefined : expandUserPath('--applications-dir', cmd.appsDir, caller.home);
  if (binDir !== undefined || appsDir !== undefined) return { binDir: binDir ?? null, appsDir: appsDir ?? null, manifest };
  if (caller.uid === 0) return { binDir: '/usr/local/bin', appsDir: null, manifest };
  const data = env['XDG_DATA_HOME']?.startsWith('/') ? env['XDG_DATA_HOME'] : join(caller.home, '.local', 'share');
  return { binDir: null, appsDir: join(data, 'applications'), manifest };
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

const COUNTED = ['create', 'update', 'remove', 'skip', 'forget', 'keep'] as const;

function summary(changes: readonly Change[], dryRun: boolean): string {
  const n = (op: string) => changes.filter((c) => c.op === op).length;
  const words: Record<string, string> = {
    create: 'created', update: 'updated', remove: 'removed', skip: 'skipped', forget: 'forgotten', keep: 'unchanged',
  };
  return `${dryRun ? 'would have: ' : ''}${COUNTED.map((op) => `${n(op)} ${words[op]}`).join(', ')}`;
}

export function runDesktopCommand(cmd: DesktopCommand, caller: Caller, env: Env): number {
  const ctx = setupContext(env, caller.home, caller.uid);
  const file = manifestPath(env, caller.uid, caller.home);
  const manifest = readManifest(file, caller.uid);
  if (cmd.action === 'list') {
    for (const r of manifest.entries) {
      const s = diskState(r.path);
      const note = s.kind === 'absent' ? ' [gone]' : matches(r, s) ? '' : ' [changed]';
      print(r.kind === 'link' ? `link ${r.path} -> ${r.target}${note}` : `desktop ${r.path} (from ${r.source})${note}`);
    }
    return 0;
  }
  let changes: Change[];
  if (cmd.action === 'install') {
    const targets = setupTargets(cmd, caller, env);
    const plan = planInstall(targets, ctx, manifest);
    for (const p of plan.problems) process.stderr.write(`tsjail: warning: ${p.path}: ${p.why}\n`);
    changes = plan.changes;
    if (targets.binDir !== null && !(env['PATH'] ?? '').split(':').includes(targets.binDir)) {
      process.stderr.write(`tsjail: warning: ${targets.binDir} is not in your PATH\n`);
    }
  } else {
    changes = planRemove(manifest);
  }
  const prefix = cmd.dryRun ? 'would ' : '';
  for (const c of changes) if (c.op !== 'keep' || cmd.verbose) print(prefix + describe(c));
  if (cmd.dryRun) {
    if (cmd.action === 'remove') for (const d of [...manifest.dirs].reverse()) print(`would remove directory ${d} (if empty)`);
    print(summary(changes, true));
    return 0;
  }
  const done = apply(changes, manifest);
  const removedDirs = saveManifest(file, manifest, done.manifest);
  for (const d of removedDirs) print(`remove directory ${d}`);
  if (done.error !== null) throw done.error;
  print(summary(changes, false));
  return 0;
}
