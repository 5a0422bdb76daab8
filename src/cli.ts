/** The command line: firejail's spelling (--opt=value), yargs underneath.
 * tsjail [options] [--] [program [args...]] */
import { createRequire } from 'node:module';
import type { Argv, Options } from 'yargs';
import { checkCommandLine } from './cli-check.js';
import { desktopCommand, type DesktopCommand } from './desktop/commands.js';
import { UsageError } from './errors.js';
import type { RawOptions } from './options.js';
import { commandLineRows, toRawOptions, type OptionValue, type OptionValues } from './options-schema.js';
import type { OverlayCommand } from './overlay/commands.js';

export { VERSION } from './version.js';
import { VERSION } from './version.js';

/** 'done': yargs has printed the help or the version. */
export type CliResult =
  | {
      readonly kind: 'run';
      /** What the command line asked for, as the options table's values:
       * merged with the profile's before RawOptions (main.ts). */
      readonly values: OptionValues;
      readonly command: readonly string[];
      /** The command line alone, as RawOptions. */
      readonly options: RawOptions;
    }
  | { readonly kind: 'done' }
  | OverlayCommand
  | DesktopCommand;

/** The yargs options, from the options table (src/options-schema.ts). */
function yargsOptions(): Record<string, Options> {
  const out: Record<string, Options> = {};
  for (const row of commandLineRows()) {
    const description = row.arg === undefined || row.describe.includes(row.arg) ? row.describe : `${row.describe} (${row.arg})`;
    out[row.name] = row.kind === 'flag'
      ? { type: 'boolean', description }
      : { type: 'string', requiresArg: row.kind !== 'optional', description };
  }
  return out;
}

/** firejail's spelling gives an optional value with '=' only: a bare
 * --seccomp (or --private) must not swallow the program name after it, nor
 * a flag the program `true` or `false`. */
function bareOptionals(args: readonly string[]): string[] {
  const rows = commandLineRows();
  const optional = new Set(rows.filter((r) => r.kind === 'optional').map((r) => `--${r.name}`));
  const valued = new Set(rows.filter((r) => r.kind === 'value' || r.kind === 'list').map((r) => `--${r.name}`));
  const flags = new Set(rows.filter((r) => r.kind === 'flag').map((r) => `--${r.name}`));
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const a = out[i] as string;
    if (a === '--' || !a.startsWith('-')) break;
    if (optional.has(a)) out[i] = `${a}=`;
    // yargs would take a program named true or false as the flag's value.
    else if (flags.has(a) && (out[i + 1] === 'true' || out[i + 1] === 'false')) out[i] = `${a}=true`;
    else if (valued.has(a)) i++;
  }
  return out;
}

/** yargs takes about 70 ms to load: loaded only when a command line is
 * parsed, not by the launcher links (src/desktop/wrapper.ts). require() of
 * an ES module works on the Node versions yargs 18 itself needs. */
function loadYargs(): (args: string[]) => Argv {
  const mod = createRequire(import.meta.url)('yargs') as { default?: unknown };
  return (typeof mod === 'function' ? mod : mod.default) as (args: string[]) => Argv;
}

function parser(args: readonly string[]): Argv {
  return loadYargs()([...args])
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
    .options(yargsOptions())
    .help('help', 'Show this help and exit')
    .version('version', 'Show the version and exit', `tsjail ${VERSION}`)
    .strict()
    .wrap(Math.min(100, process.stdout.columns || 80))
    .exitProcess(false)
    .fail((msg: string | null, err: Error | null) => {
      throw new UsageError(msg ?? err?.message ?? 'invalid command line');
    })
    .epilog('Options take their value as --opt=value. Everything after -- is passed to the program unchanged.\n' +
      'A launch stores its plan in ~/.cache/tsjail; the next one with the same options starts from it, ' +
      'without Node, while nothing it depended on changed (--print-plan says which). See tsjail(1).');
}

function last(v: unknown): string | undefined {
  if (Array.isArray(v)) return last(v[v.length - 1]);
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The overlay commands: they run no sandbox. */
function overlayAction(a: Record<string, unknown>, rest: readonly string[]): OverlayCommand | null {
  const one = (what: string): string => {
    if (rest.length !== 1 || !rest[0]) throw new UsageError(`${what} takes exactly one more argument`);
    return rest[0];
  };
  if (a['overlay-list'] === true) return { kind: 'overlay-list' };
  const clean = last(a['overlay-clean']);
  if (clean !== undefined) return { kind: 'overlay-clean', name: clean };
  const exp = last(a['overlay-export']);
  if (exp !== undefined) return { kind: 'overlay-export', name: exp, file: one('--overlay-export=NAME FILE.tar') };
  const imp = last(a['overlay-import']);
  if (imp !== undefined) return { kind: 'overlay-import', file: imp, name: one('--overlay-import=FILE.tar NAME') };
  return null;
}



export function usageText(): string {
  // The help text never depends on the arguments.
  let text = '';
  parser([]).showHelp((s: string) => { text = s; });
  return text;
}

export function parseCommandLine(args: readonly string[]): CliResult {
  checkCommandLine(args);
  const a = parser(bareOptionals(args)).parseSync();
  if (a['help'] === true || a['version'] === true) return { kind: 'done' };
  const command = [...a._.map(String), ...strings(a['--'])];
  const action = overlayAction(a, command) ?? desktopCommand(a, command);
  if (action !== null) return action;
  const values = new Map<string, OptionValue>();
  for (const row of commandLineRows()) {
    const v: unknown = a[row.name];
    if (v === undefined) continue;
    switch (row.kind) {
      case 'flag': if (v === true) values.set(row.name, true); break;
      case 'value': { const s = last(v); if (s !== undefined) values.set(row.name, s); break; }
      case 'optional': { const s = last(v); values.set(row.name, s === undefined || s === '' ? true : s); break; }
      case 'list': values.set(row.name, strings(v)); break;
    }
  }
  return { kind: 'run', values, command, options: toRawOptions(values, command) };
}
