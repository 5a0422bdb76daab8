/** tsjail: args -> profile -> options -> plan -> helper; any error -> one
 * line and its exit code. */
import { userInfo } from 'node:os';
import { parseCommandLine, usageText, VERSION } from './cli.js';
import { runDesktopCommand } from './desktop/commands.js';
import { wrapperName } from './desktop/lookup.js';
import { wrapperRun } from './desktop/wrapper.js';
import { hostProbe } from './fs/probe.js';
import { runOverlayCommand } from './overlay/commands.js';
import { rootLayers, rootSpec } from './overlay/root.js';
import { buildEnvironment } from './environment.js';
import { PlanError, TsjailError, UsageError } from './errors.js';
import { execHelper, execProgram, findHelper } from './launch.js';
import { debug, error, setLogLevel } from './log.js';
import { normalizeOptions } from './options.js';
import type { OptionValues } from './options-schema.js';
import { buildPlan } from './plan/build.js';
import { encodePlan } from './plan/encode.js';
import { applyProfile, loadRunProfile, profileCommand, profileContext, profileSources } from './profile/index.js';
import { resolveProgram, type ResolvedProgram } from './program.js';
import { resolveCgroupFile } from './resources/cgroup-path.js';
import { readHostsFile } from './net/plan.js';

/** The caller's uid and home, from the user database. As firejail, a uid
 * with no entry there is refused: the sandbox is built around its home. */
function currentUser(): { uid: number; homedir: string } {
  try {
    return userInfo();
  } catch {
    throw new PlanError(`uid ${process.getuid?.() ?? '?'} has no entry in the user database (/etc/passwd): tsjail needs its home directory`);
  }
}

export function main(args: readonly string[]): number {
  const cli = parseCommandLine(args);
  if (cli.kind === 'done') return 0;
  const user = currentUser();
  const caller = { uid: user.uid, home: user.homedir };
  if (cli.kind === 'desktop') return runDesktopCommand(cli, caller, process.env);
  if (cli.kind !== 'run') return runOverlayCommand(cli, caller.home);
  // The command line's log level holds while the profile is read.
  setLogLevel(normalizeOptions(cli.options, { home: caller.home, cwd: process.cwd() }).log);
  const text = profileCommand(cli.values, profileContext(process.env, process.cwd()), VERSION);
  if (text !== null) {
    process.stdout.write(text);
    return 0;
  }
  return sandbox(cli.values, cli.command, caller, null);
}

/** tsjail started through a launcher link named PROGRAM (src/desktop). */
function wrapper(name: string, args: readonly string[]): number {
  const user = currentUser();
  const w = wrapperRun(name, args, process.env, process.cwd(), user.homedir);
  if (w.kind === 'direct') return execProgram(w.resolved.program, w.resolved.argv, process.env);
  return sandbox(w.values, w.command, { uid: user.uid, home: user.homedir }, w.resolved);
}

/** The run path: the profile under the command line's values, then the
 * plan. program: already found (by a launcher link), or null. */
function sandbox(
  values: OptionValues,
  command: readonly string[],
  caller: { uid: number; home: string },
  program: ResolvedProgram | null,
): number {
  const profile = loadRunProfile(values, command, profileContext(process.env, process.cwd()));
  const given = values.get('blacklist');
  const raw = { ...applyProfile(profile, values, command), blacklistExplicit: Array.isArray(given) ? given : [] };
  const options = normalizeOptions(raw, { home: caller.home, cwd: process.cwd() });
  setLogLevel(options.log);
  const root = rootSpec(options.root, caller.home);
  const cwd = root === null ? process.cwd() : '/';
  const resolved = program ?? resolveProgram(options.command, process.env, cwd, rootLayers(root));
  debug(`program ${resolved.program}, argv ${JSON.stringify(resolved.argv)}`);
  const env = buildEnvironment(process.env, options);
  const cgroupFiles = options.resources.cgroupFiles.map(resolveCgroupFile);
  const hostsFile = options.network.hostsFile;
  const hosts = hostsFile === null ? null : readHostsFile(hostsFile);
  const plan = buildPlan(options, {
    resolved, env, cwd, caller, probe: hostProbe, root, sources: profileSources(profile), cgroupFiles, hosts,
  });
  if (options.printPlan) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return 0;
  }
  const helper = findHelper(process.env);
  return execHelper(helper, encodePlan(plan));
}

/** invokedAs: process.argv[1]; a name other than tsjail's is a launcher
 * link's. */
export function run(args: readonly string[], invokedAs = 'tsjail'): void {
  const name = wrapperName(invokedAs);
  try {
    process.exitCode = name === null ? main(args) : wrapper(name, args);
  } catch (e) {
    if (e instanceof TsjailError) {
      error(e.message);
      if (e instanceof UsageError && name === null) process.stderr.write(`\n${usageText()}\n`);
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
