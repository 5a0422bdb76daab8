/** tsjail: args -> profile -> options -> plan -> helper; any error -> one
 * line and its exit code.
 *
 * Modules load by concern, when a launch needs them: yargs and the full
 * command line (cli.ts) only for what the run path's own parser leaves to
 * it (help, version, errors, the commands that run no sandbox), the desktop
 * and overlay commands only when asked for, the launcher-link lookup only
 * for a link, the overlay store only for a new root. */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parseRunLine } from './cli-run.js';
import { wrapperName } from './desktop/lookup.js';
import { checkX11Abstract, x11Blacklist, x11Env } from './desktop/x11.js';
import { hostProbe } from './fs/probe.js';
import { PACKAGE_DIR } from './package-dir.js';
import { VERSION } from './version.js';
import { buildEnvironment, envPolicy } from './environment.js';
import { noteFact, noteStat, noteUncacheable, recordedEnv, startRecording, stopRecording, type Recording } from './cache/deps.js';
import { cacheDir, encodeStored, writeStored, type CacheKey, type StoredPlan } from './cache/store.js';
import { PlanError, TsjailError, UsageError } from './errors.js';
import { execHelper, execProgram, findHelper } from './launch.js';
import { debug, error, setLogLevel, warn } from './log.js';
import { normalizeOptions } from './options.js';
import type { OptionValues } from './options-schema.js';
import type { RootSpec } from './overlay/plan.js';
import { buildPlan } from './plan/build.js';
import { encodePlan, withoutLaunch } from './plan/encode.js';
import { applyProfile, loadRunProfile, profileCommand, profileContext, profileSources } from './profile/index.js';
import { resolveProgram, type ResolvedProgram } from './program.js';
import { resolveCgroupFile } from './resources/cgroup-path.js';
import { readHostsFile } from './net/plan.js';
import { buildDbus, hostDbus } from './dbus/plan.js';
import { filterSource, type FilterSource } from './seccomp/precompiled.js';
import { profileSource, type ProfileSource } from './profile/image.js';
import { mark } from './timing.js';

/** The caller's uid and home, from the user database. As firejail, a uid
 * with no entry there is refused: the sandbox is built around its home. */
function currentUser(): { uid: number; homedir: string } {
  try {
    return userInfo();
  } catch {
    throw new PlanError(`uid ${process.getuid?.() ?? '?'} has no entry in the user database (/etc/passwd): tsjail needs its home directory`);
  }
}

/** Rewritten by every build (scripts/build-id.mjs): a stored plan made by
 * another build of the planner is never used. */
const BUILD_ID = join(PACKAGE_DIR, 'dist', '.build-id');

/** How the native front end (native/front/front.c) handed over: why it found no
 * stored plan ('miss:REASON'), or, for --print-plan, the one it found
 * ('cached:FILE'); null when tsjail was started as a Node script. */
export type FrontState = string | null;

/** The stored plan's key for this command line: the options before the
 * program, and the program word; null when the two cannot be told apart
 * by position (the front end then never finds a plan). */
function commandKey(args: readonly string[], command: readonly string[]): CacheKey | null {
  const n = args.length - command.length;
  if (n < 0 || command.some((c, i) => args[n + i] !== c)) return null;
  return { mode: 'command', args: args.slice(0, n), program: command[0] ?? null };
}

export async function main(args: readonly string[], front: FrontState = null): Promise<number> {
  if (args.length === 1 && args[0] === '--version') {
    // What yargs prints for it, without loading yargs.
    process.stdout.write(`tsjail ${VERSION}\n`);
    return 0;
  }
  mark('main');
  const cli = parseRunLine(args) ?? (await import('./cli.js')).parseCommandLine(args);
  if (cli.kind === 'done') return 0;
  const user = currentUser();
  const caller = { uid: user.uid, home: user.homedir };
  if (cli.kind === 'desktop') return (await import('./desktop/commands.js')).runDesktopCommand(cli, caller, process.env);
  if (cli.kind !== 'run') return (await import('./overlay/commands.js')).runOverlayCommand(cli, caller.home);
  // The command line's log level holds while the profile is read.
  setLogLevel(normalizeOptions(cli.options, { home: caller.home, cwd: process.cwd() }).log);
  // (A profile context reads firejail.config and more: only for these.)
  if (cli.values.has('profile-check') || cli.values.has('profile-convert')) {
    const text = profileCommand(cli.values, profileContext(process.env, process.cwd()), VERSION);
    if (text !== null) {
      process.stdout.write(text);
      return 0;
    }
  }
  if (cli.values.has('build')) return (await import('./build/run.js')).runBuild(cli.values, cli.command, caller);
  return sandbox(cli.values, cli.command, caller, null, commandKey(args, cli.command), front);
}

/** tsjail started through a launcher link named PROGRAM (src/desktop). */
async function wrapper(name: string, args: readonly string[], front: FrontState): Promise<number> {
  const user = currentUser();
  const rec = startRecording();
  const { wrapperRun } = await import('./desktop/wrapper.js');
  const w = wrapperRun(name, args, recordedEnv(process.env), process.cwd(), user.homedir);
  if (w.kind === 'direct') {
    stopRecording();
    return execProgram(w.resolved.program, w.resolved.argv, process.env);
  }
  const key: CacheKey = { mode: 'link', args: [], program: name };
  return sandbox(w.values, w.command, { uid: user.uid, home: user.homedir }, w.resolved, key, front, rec);
}

/** The run path: the profile under the command line's values, then the
 * plan. program: already found (by a launcher link), or null. Everything
 * the plan depends on is recorded, and the plan stored under key for the
 * front end (src/cache/). */
async function sandbox(
  values: OptionValues,
  command: readonly string[],
  caller: { uid: number; home: string },
  program: ResolvedProgram | null,
  key: CacheKey | null,
  front: FrontState,
  recording: Recording = startRecording(),
): Promise<number> {
  const hostEnv = recordedEnv(process.env);
  // os.homedir() (the profile's ${HOME}) reads HOME itself; the caller's
  // home comes from the password database.
  void hostEnv['HOME'];
  noteFact('pwhome', caller.home);
  noteStat(BUILD_ID);
  mark('sandbox');
  const profile = loadRunProfile(values, command, profileContext(hostEnv, process.cwd()));
  mark('profile');
  const given = values.get('blacklist');
  const applied = applyProfile(profile, values, command);
  const raw = {
    ...applied,
    blacklist: [...(applied.blacklist ?? []), ...x11Blacklist(applied.x11, hostEnv, caller.home)],
    blacklistExplicit: Array.isArray(given) ? given : [],
  };
  const options = normalizeOptions(raw, { home: caller.home, cwd: process.cwd() });
  checkX11Abstract(options.x11, options.network.namespace);
  setLogLevel(options.log);
  // As firejail, a filter needs a network namespace of its own; from a
  // profile that says nothing (netfilter is in hundreds of firejail's).
  if (values.has('netfilter') && !options.network.namespace) {
    warn('--netfilter: no effect without a network namespace of the sandbox\'s own (--net=none or --net=INTERFACE)');
  }
  mark('options');
  if (front !== null) debug(`front end: ${front}`);
  if (options.name !== null) debug(`sandbox name: ${options.name} (a label only: tsjail has no --join, --list or --shutdown)`);
  const r = options.root;
  let root: RootSpec | null = null;
  let layers = ['/'];
  if (r.chroot !== null || r.overlay !== null || r.overlayTmpfs) {
    const overlay = await import('./overlay/root.js');
    root = overlay.rootSpec(r, caller.home);
    layers = overlay.rootLayers(root);
  }
  if (root !== null) noteUncacheable('a new root (its directories are prepared on the full path)');
  const cwd = root === null ? process.cwd() : '/';
  const resolved = program ?? resolveProgram(options.command, hostEnv, cwd, layers);
  debug(`program ${resolved.program}, argv ${JSON.stringify(resolved.argv)}`);
  const dbus = buildDbus(options.dbus, hostDbus(hostEnv, caller.uid, options.network.namespace, hostProbe.canonical));
  const envOps = [...dbus.env, ...x11Env(options.x11)];
  const env = buildEnvironment(process.env, options, envOps);
  const cgroupFiles = options.resources.cgroupFiles.map(resolveCgroupFile);
  const hostsFile = options.network.hostsFile;
  const hosts = hostsFile === null ? null : readHostsFile(hostsFile);
  mark('env');
  const plan = buildPlan(options, {
    resolved, env, cwd, caller, probe: hostProbe, root, sources: profileSources(profile), cgroupFiles, hosts, dbus: dbus.plan,
  });
  mark('plan');
  if (options.printPlan) {
    stopRecording();
    process.stdout.write(`${JSON.stringify({ ...plan, launch: launchState(front) }, null, 2)}\n`);
    return 0;
  }
  const helper = findHelper(hostEnv);
  stopRecording();
  // The stored plan: written after the helper has its plan (through the
  // front end, the helper starts meanwhile; native/FRONT.md).
  const store = (): void => {
    if (key === null) return noteSkipped('the options and the program cannot be told apart by position');
    if (recording.uncacheable !== null) return noteSkipped(recording.uncacheable);
    const spec: StoredPlan = {
      key, uid: caller.uid, deps: recording, cwd, envPolicy: envPolicy(options, envOps),
      argvFixed: key.mode === 'link' ? [resolved.argv[0] ?? ''] : command.length === 0 ? [...resolved.argv] : [],
      argvFromLaunch: key.mode === 'link' || command.length > 0,
      helper, template: withoutLaunch(bytes),
    };
    const stored = encodeStored(spec);
    if (stored !== null) writeStored(cacheDir(process.env, caller.home), spec, stored);
  };
  const bytes = encodePlan(plan);
  mark('encoded');
  return execHelper(helper, bytes, store);
}

function noteSkipped(why: string): void {
  debug(`stored plans: this plan is not stored: ${why}`);
}

/** --print-plan: whether a launch with the same options (without
 * --print-plan) would start from a stored plan, where this full path got
 * its seccomp filter (src/seccomp/precompiled.ts) and its profile (read, or
 * from the build's image of it: src/profile/image.ts). */
function launchState(front: FrontState): LaunchState {
  const filter = filterSource() ?? 'libseccomp';
  const profile = profileSource() ?? 'none';
  if (front !== null && front.startsWith('cached:')) return { plan: 'cached', file: front.slice(7), filter, profile };
  if (front !== null && front.startsWith('miss:')) return { plan: 'compiled', why: front.slice(5), filter, profile };
  return { plan: 'compiled', why: 'started as a Node script, not through the native front end', filter, profile };
}

type LaunchState = ({ plan: 'cached'; file: string } | { plan: 'compiled'; why: string }) &
  { filter: FilterSource; profile: ProfileSource | 'none' };

/** invokedAs: process.argv[1]; a name other than tsjail's is a launcher
 * link's. */
export async function run(args: readonly string[], invokedAs = 'tsjail', front: FrontState = null): Promise<void> {
  const name = wrapperName(invokedAs);
  try {
    process.exitCode = name === null ? await main(args, front) : await wrapper(name, args, front);
  } catch (e) {
    if (e instanceof TsjailError) {
      error(e.message);
      if (e instanceof UsageError && name === null) process.stderr.write(`\n${(await import('./cli.js')).usageText()}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    // A failed system call (ENOENT, EACCES, ...): one line, like any error.
    if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string') {
      error(e.message);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}
