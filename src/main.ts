/** tsjail: args -> profile -> options -> plan -> helper; any error -> one
 * line and its exit code. */
import { parseCommandLine, usageText, VERSION } from './cli.js';
import { buildEnvironment } from './environment.js';
import { TsjailError, UsageError } from './errors.js';
import { execHelper, findHelper } from './launch.js';
import { debug, error, setLogLevel } from './log.js';
import { normalizeOptions } from './options.js';
import { buildPlan } from './plan/build.js';
import { encodePlan } from './plan/encode.js';
import { applyProfile, loadRunProfile, profileCommand, profileContext, profileSources } from './profile/index.js';
import { resolveProgram } from './program.js';

export function main(args: readonly string[]): number {
  const cli = parseCommandLine(args);
  if (cli.kind === 'done') return 0;
  // The command line's log level holds while the profile is read.
  setLogLevel(normalizeOptions(cli.options).log);
  const cwd = process.cwd();
  const pctx = profileContext(process.env, cwd);
  const text = profileCommand(cli.values, pctx, VERSION);
  if (text !== null) {
    process.stdout.write(text);
    return 0;
  }
  const profile = loadRunProfile(cli.values, cli.command, pctx);
  const options = normalizeOptions(applyProfile(profile, cli.values, cli.command));
  setLogLevel(options.log);
  const resolved = resolveProgram(options.command, process.env, cwd);
  debug(`program ${resolved.program}, argv ${JSON.stringify(resolved.argv)}`);
  const plan = buildPlan(options, {
    resolved, env: buildEnvironment(process.env, options), cwd, sources: profileSources(profile),
  });
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
