/** The command line: firejail's spelling (--opt=value), yargs underneath.
 * tsjail [options] [--] [program [args...]] */
import yargs, { type Argv } from 'yargs';
import { UsageError } from './errors.js';
import type { RawOptions } from './options.js';

export const VERSION = '0.1.0';

/** 'done': yargs has printed the help or the version. */
export type CliResult =
  | { readonly kind: 'run'; readonly options: RawOptions }
  | { readonly kind: 'done' };

function parser(args: readonly string[]): Argv {
  return yargs([...args])
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
    .option('rmenv', { type: 'string', requiresArg: true, description: 'Remove NAME from the program\'s environment' })
    // Cgroups and resource limits (src/resources).
    .option('cgroup', { type: 'string', requiresArg: true, description: 'Place the sandbox in this cgroup: a tasks or cgroup.procs file, or a cgroup directory under /sys/fs/cgroup (repeatable)' })
    .option('cpu-quota', { type: 'string', requiresArg: true, description: 'Limit CPU time to PCT% of one CPU, or QUOTA/PERIOD in microseconds (transient cgroup)' })
    .option('memory', { type: 'string', requiresArg: true, description: 'Limit memory to SIZE (K, M, G, T suffixes; transient cgroup)' })
    .option('pids-max', { type: 'string', requiresArg: true, description: 'Allow at most N processes and threads, init included (transient cgroup)' })
    .option('cpus', { type: 'string', requiresArg: true, description: 'Set the CPU affinity: a list like 0,1 or 0-3' })
    .option('rlimit-as', { type: 'string', requiresArg: true, description: 'Limit the address space of each process to SIZE' })
    .option('rlimit-cpu', { type: 'string', requiresArg: true, description: 'Limit the CPU time of each process to N seconds' })
    .option('rlimit-fsize', { type: 'string', requiresArg: true, description: 'Limit the size of files a process creates to SIZE' })
    .option('rlimit-nofile', { type: 'string', requiresArg: true, description: 'Limit the open files of each process to N' })
    .option('rlimit-nproc', { type: 'string', requiresArg: true, description: 'Limit the processes of your user to N' })
    .option('rlimit-sigpending', { type: 'string', requiresArg: true, description: 'Limit the pending signals of each process to N' })
    .option('nice', { type: 'string', requiresArg: true, description: 'Set the nice value (-20 to 19; negative for root only)' })
    .option('timeout', { type: 'string', requiresArg: true, description: 'End the sandbox after hh:mm:ss' })
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
      resources: {
        cgroup: strings(a['cgroup']),
        cpuQuota: last(a['cpu-quota']),
        memory: last(a['memory']),
        pidsMax: last(a['pids-max']),
        cpus: last(a['cpus']),
        rlimits: {
          as: last(a['rlimit-as']),
          cpu: last(a['rlimit-cpu']),
          fsize: last(a['rlimit-fsize']),
          nofile: last(a['rlimit-nofile']),
          nproc: last(a['rlimit-nproc']),
          sigpending: last(a['rlimit-sigpending']),
        },
        nice: last(a['nice']),
        timeout: last(a['timeout']),
      },
    },
  };
}
