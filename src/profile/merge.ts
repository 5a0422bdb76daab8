/** Profile + command line -> one set of option values. The command line
 * wins: its flags and values replace the profile's; list values are the
 * profile's followed by the command line's (so a later --env=NAME=x wins),
 * less the profile's --env of a NAME the command line removes; and when the
 * command line sets an option of a group (--debug/--quiet), the profile's
 * settings of that group are dropped. */
import { optionRow, OPTION_TABLE, type OptionRow, type OptionValue, type OptionValues } from '../options-schema.js';
import { applyValue } from './loader.js';
import type { Directive, LoadedProfile } from './model.js';

export function profileValues(directives: readonly Directive[]): Map<string, OptionValue> {
  const out = new Map<string, OptionValue>();
  for (let i = 0; i < directives.length; i++) {
    const d = directives[i] as Directive;
    const row = optionRow(d.name);
    if (row !== undefined) applyValue(out, row, d.value);
  }
  return out;
}

function envName(assignment: string): string {
  const eq = assignment.indexOf('=');
  return eq < 0 ? assignment : assignment.slice(0, eq);
}

export function mergeValues(profile: LoadedProfile | null, cli: OptionValues): Map<string, OptionValue> {
  const out = profile === null ? new Map<string, OptionValue>() : profileValues(profile.directives);
  const groups = new Set<string>();
  for (const name of cli.keys()) {
    const g = optionRow(name)?.group;
    if (g !== undefined) groups.add(g);
  }
  for (const row of OPTION_TABLE) {
    if (row.group !== undefined && groups.has(row.group)) out.delete(row.name);
  }
  const cliRemoves = new Set(listOf(cli.get('rmenv')));
  if (cliRemoves.size > 0 && out.has('env')) {
    out.set('env', listOf(out.get('env')).filter((a) => !cliRemoves.has(envName(a))));
  }
  for (const [name, value] of cli) {
    const row = optionRow(name) as OptionRow;
    if (row.kind === 'list') out.set(name, [...listOf(out.get(name)), ...listOf(value)]);
    else out.set(name, value);
  }
  return out;
}

function listOf(v: OptionValue | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...(v as readonly string[])] : [String(v)];
}
