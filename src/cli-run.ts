/** The run path's command line without yargs (which costs about 55 ms to
 * load): options spelled `--name` or `--name=value` from the options table,
 * then the program. Anything else (help, version, an unknown or malformed
 * option, a value given as a separate word, a repeated flag, the overlay and
 * desktop commands) returns null, and cli.ts parses the whole line with
 * yargs, which also words the errors. For what it accepts, the result is
 * exactly yargs' (test/unit/cli-run.test.ts compares the two). */
import { commandLineRows, toRawOptions, type OptionRow, type OptionValue } from './options-schema.js';
import type { RawOptions } from './options.js';

export interface RunLine {
  readonly kind: 'run';
  readonly values: ReadonlyMap<string, OptionValue>;
  readonly command: readonly string[];
  readonly options: RawOptions;
}

/** Command-line-only rows that are commands of their own (or qualify
 * one): left to yargs and cli.ts. */
const NOT_HERE = new Set([
  'overlay-list', 'overlay-clean', 'overlay-export', 'overlay-import', 'setup-desktop',
  'setup-desktop-list', 'setup-desktop-remove', 'dry-run', 'bin-dir', 'applications-dir',
]);

let rows: Map<string, OptionRow> | null = null;

function rowMap(): Map<string, OptionRow> {
  if (rows === null) rows = new Map(commandLineRows().filter((r) => !NOT_HERE.has(r.name)).map((r) => [r.name, r]));
  return rows;
}

export function parseRunLine(args: readonly string[]): RunLine | null {
  const table = rowMap();
  const values = new Map<string, OptionValue>();
  let command: readonly string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      command = args.slice(i + 1);
      break;
    }
    if (a === '' || a === '-') return null;
    if (!a.startsWith('-')) {
      command = args.slice(i);
      break;
    }
    if (!a.startsWith('--')) return null;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const value = eq < 0 ? null : a.slice(eq + 1);
    const row = table.get(name);
    if (row === undefined) return null;
    switch (row.kind) {
      case 'flag':
        if (value !== null || values.has(name)) return null;
        values.set(name, true);
        break;
      case 'optional':
        values.set(name, value === null || value === '' ? true : value);
        break;
      case 'value':
        if (value === null || value === '') return null;
        values.set(name, value);
        break;
      case 'list': {
        if (value === null || value === '') return null;
        const prev = values.get(name);
        values.set(name, Array.isArray(prev) ? [...prev, value] : [value]);
        break;
      }
    }
  }
  // In the table's order, as cli.ts builds it.
  const ordered = new Map<string, OptionValue>();
  for (const name of table.keys()) {
    const v = values.get(name);
    if (v !== undefined) ordered.set(name, v);
  }
  return { kind: 'run', values: ordered, command, options: toRawOptions(ordered, command) };
}
