/** tsjail: args -> options -> plan -> helper; any error -> one line and its
 * exit code. */
import { parseCommandLine, usageText } from './cli.js';
import { buildEnvironment } from './environment.js';
import { TsjailError, UsageError } from './errors.js';
import { execHelper, findHelper } from './launch.js';
import { debug, error, setLogLevel } from './log.js';
import { normalizeOptions } from './options.js';
import { buildPlan } from './plan/build.js';
import { encodePlan } from './plan/encode.js';
import { resolveProgram } from './program.js';
import { readHostsFile } from './net/plan.js';

export function main(args: readonly string[]): number {
  const cli = parseCommandLine(args);
  if (cli.kind === 'done') return 0;
  const options = normalizeOptions(cli.options);
  setLogLevel(options.log);
  const cwd = process.cwd();
  const resolved = resolveProgram(options.command, process.env, cwd);
  debug(`program ${resolved.program}, argv ${JSON.stringify(resolved.argv)}`);
  const hostsFile = options.network.hostsFile;
  const hosts = hostsFile === null ? null : readHostsFile(hostsFile);
  const plan = buildPlan(options, { resolved, env: buildEnvironment(process.env, options), cwd, hosts });
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
    throw e;
  }
}
