/** Checks of the raw command line that yargs cannot make, because it reads
 * past them silently, or words in a whole page: an unknown option (named,
 * with the closest known one), `-private` (one dash) taken as --private,
 * `--nonewprivs=x` and `--version=2` as the bare flag, and `--ignore=` as an
 * empty value. Each is refused with one line naming the argument, as
 * firejail refuses them. Only the options before the program are looked at:
 * everything after it (or after `--`) is the program's. */
import { OptionError } from './errors.js';
import { closestName, commandLineRows, optionRow } from './options-schema.js';

/** yargs' own flags, which are not rows of the options table. */
const BUILTIN_FLAGS = ['help', 'version'];

/** An option that is not one: one line naming it, with the closest option
 * when there is one, instead of the whole usage. */
function unknownOption(name: string, known: Iterable<string>): OptionError {
  const row = optionRow(name);
  if (row !== undefined) {
    return new OptionError(`--${name} is a profile directive, not an option: tsjail reads it in profiles but does not enforce it yet`);
  }
  const near = closestName(name, known);
  return new OptionError(`unknown option --${name}${near === null ? ' (tsjail --help lists them)' : ` (did you mean --${near}?)`}`);
}

export function checkCommandLine(args: readonly string[]): void {
  const rows = commandLineRows();
  const flags = new Set([...BUILTIN_FLAGS, ...rows.filter((r) => r.kind === 'flag').map((r) => r.name)]);
  const valued = new Set(rows.filter((r) => r.kind === 'value' || r.kind === 'list').map((r) => r.name));
  const known = new Set(rows.map((r) => r.name));
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--' || !a.startsWith('-') || a === '-') return;
    if (!a.startsWith('--')) {
      throw new OptionError(`'${a}' is not an option: options start with two dashes`);
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (!flags.has(name) && !known.has(name)) throw unknownOption(name, [...BUILTIN_FLAGS, ...known]);
    if (flags.has(name) && eq >= 0) throw new OptionError(`${a}: --${name} takes no value`);
    if (!valued.has(name)) continue;
    // --name=VALUE, or --name VALUE (the next argument is the value).
    const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
    if (value !== undefined && value.trim() === '') throw new OptionError(`--${name}: needs a value`);
  }
}
