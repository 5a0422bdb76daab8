/** The command line: firejail's spelling (--opt=value), yargs underneath.
 * tsjail [options] [--] [program [args...]] */
import yargs, { type Argv } from 'yargs';
import { UsageError } from './errors.js';
import type { RawOptions } from './options.js';
import { addNetOptions, netRaw } from './net/cli.js';

export const VERSION = '0.1.0';

/** 'done': yargs has printed the help or the version. */
export type CliResult =
  | { readonly kind: 'run'; readonly options: RawOptions }
  | { readonly kind: 'done' };

function parser(args: readonly string[]): Argv {
  const core = yargs([...args])
    .scriptName('tsjail')
    .usage('Usage: tsjail [options] [--] [program [arguments...]]\n\n' +
      'Runs program (default: your shell) in a sandbox: new pid, mount, ipc and uts\n' +
      'namespaces, no capabilities, no_new_privs, a cleaned environment.')
    .parserConfiguration({
      'halt-at-non-option': true,
      'populate--': true,
      'dot-notation': false,
      'boolean-negation': false,
      'camel-case-expansion': false,
      'duplicate-arguments-array': true,
      'short-option-groups': false,
    })
    .option('debug', { type: 'boolean', description: 'Print a line for every step to stderr' })
    .option('quiet', { type: 'boolean', description: 'Print no messages but errors' })
    .option('print-plan', { type: 'boolean', description: 'Print the sandbox plan as JSON and run nothing' })
    .option('hostname', { type: 'string', requiresArg: true, description: 'Set the hostname inside the sandbox' })
    .option('noprofile', { type: 'boolean', description: 'Use no security profile' })
    .option('env', { type: 'string', requiresArg: true, description: 'Set NAME=VALUE in the program\'s environment' })
    .option('rmenv', { type: 'string', requiresArg: true, description: 'Remove NAME from the program\'s environment' });
  return addNetOptions(core)
    .help('help', 'Show this help and exit')
    .version('version', 'Show the version and exit', `tsjail ${VERSION}`)
    .strict()
    .wrap(Math.min(100, process.stdout.columns || 80))
    .exitProcess(false)
    .fail((msg: string | null, err: Error | null) => {
      throw new UsageError(msg ?? err?.message ?? 'invalid command line');
    })
    .epilog('Options take their value as --opt=value. Everything after -- is passed to the program unchanged.\nSee tsjail(1).');
}

function last(v: unknown): string | undefined {
  if (Array.isArray(v)) return last(v[v.length - 1]);
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function usageText(): string {
  // The help text never depends on the arguments.
  let text = '';
  parser([]).showHelp((s: string) => { text = s; });
  return text;
}

export function parseCommandLine(args: readonly string[]): CliResult {
  const a = parser(args).parseSync();
  if (a['help'] === true || a['version'] === true) return { kind: 'done' };
  const command = [...a._.map(String), ...strings(a['--'])];
  return {
    kind: 'run',
    options: {
      command,
      hostname: last(a['hostname']),
      debug: a['debug'] === true,
      quiet: a['quiet'] === true,
      printPlan: a['print-plan'] === true,
      noProfile: a['noprofile'] === true,
      env: strings(a['env']),
      rmenv: strings(a['rmenv']),
      net: netRaw(a),
    },
  };
}
