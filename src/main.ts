/** tsjail: args -> options -> plan -> helper; any error -> one line and its
 * exit code. */
import { userInfo } from 'node:os';
import { parseCommandLine, usageText } from './cli.js';
import { hostProbe } from './fs/probe.js';
import { runOverlayCommand } from './overlay/commands.js';
import { rootLayers, rootSpec } from './overlay/root.js';
import { buildEnvironment } from './environment.js';
import { TsjailError, UsageError } from './errors.js';
import { execHelper, findHelper } from './launch.js';
import { debug, error, setLogLevel } from './log.js';
import { normalizeOptions } from './options.js';
import { buildPlan } from './plan/build.js';
import { encodePlan } from './plan/encode.js';
import { resolveProgram } from './program.js';

export function main(args: readonly string[]): number {
  const cli = parseCommandLine(args);
  if (cli.kind === 'done') return 0;
  const user = userInfo();
  const caller = { uid: user.uid, home: user.homedir };
  if (cli.kind !== 'run') return runOverlayCommand(cli, caller.home);
  const options = normalizeOptions(cli.options, { home: caller.home });
  setLogLevel(options.log);
  const root = rootSpec(options.root, caller.home);
  const cwd = root === null ? process.cwd() : '/';
  const resolved = resolveProgram(options.command, process.env, cwd, rootLayers(root));
  debug(`program ${resolved.program}, argv ${JSON.stringify(resolved.argv)}`);
  const env = buildEnvironment(process.env, options);
  const plan = buildPlan(options, { resolved, env, cwd, caller, probe: hostProbe, root });
  if (options.printPlan) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return 0;
  }
  const helper = findHelper(process.env);
  return execHelper(helper, encodePlan(plan));
}

export function run(args: readonly string[]): void {
  try {
    process.exitCode = main(args);
  } catch (e) {
    if (e instanceof TsjailError) {
      error(e.message);
      if (e instanceof UsageError) process.stderr.write(`\n${usageText()}\n`);
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
