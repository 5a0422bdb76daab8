/** What a loaded profile does: the --profile-check listing, and the
 * once-per-directive "not enforced yet" lines for --debug. */
import { enforcement, optionRow, type OptionRow } from '../options-schema.js';
import { directiveText, type Directive, type LoadedProfile } from './model.js';

export interface DirectiveCounts {
  readonly enforced: number;
  readonly always: number;
  readonly notEnforced: number;
  /** Directive name -> how many lines, for those not enforced yet. */
  readonly notEnforcedByName: ReadonlyMap<string, number>;
}

export function countDirectives(directives: readonly Directive[]): DirectiveCounts {
  let enforced = 0;
  let always = 0;
  let notEnforced = 0;
  const byName = new Map<string, number>();
  for (const d of directives) {
    const e = enforcement(optionRow(d.name) as OptionRow);
    if (e === 'option') enforced++;
    else if (e === 'always') always++;
    else {
      notEnforced++;
      byName.set(d.name, (byName.get(d.name) ?? 0) + 1);
    }
  }
  return { enforced, always, notEnforced, notEnforcedByName: byName };
}

function where(d: Directive): string {
  return `${d.file}:${d.line}`;
}

function shown(d: Directive): string {
  const text = directiveText(d.spelled ?? d.name, d.spelled !== undefined ? true : d.raw);
  const cond = d.condition === null ? '' : `?${d.condition}: `;
  const expanded = typeof d.value === 'string' && d.value !== d.raw ? ` (= ${d.value})` : '';
  const alias = d.spelled !== undefined ? ` (= ${directiveText(d.name, d.value)})` : '';
  return `${cond}${text}${expanded}${alias}`;
}

function status(d: Directive): string {
  const row = optionRow(d.name) as OptionRow;
  switch (enforcement(row)) {
    case 'option': return `enforced (--${row.name})`;
    case 'always': return `enforced (${row.always})`;
    default: return 'not enforced yet';
  }
}

/** One line per distinct directive name not enforced yet, for --debug. */
export function notEnforcedLines(p: LoadedProfile): string[] {
  const first = new Map<string, Directive>();
  const count = new Map<string, number>();
  for (const d of p.directives) {
    if (enforcement(optionRow(d.name) as OptionRow) !== 'not-enforced') continue;
    if (!first.has(d.name)) first.set(d.name, d);
    count.set(d.name, (count.get(d.name) ?? 0) + 1);
  }
  return [...first].map(([name, d]) => {
    const n = count.get(name) ?? 1;
    return `profile: not enforced yet: ${name} (${n} line${n === 1 ? '' : 's'}, first at ${where(d)})`;
  });
}

export function summaryLine(p: LoadedProfile): string {
  const c = countDirectives(p.directives);
  return `${p.sources.length} file${p.sources.length === 1 ? '' : 's'}, ${p.directives.length} directives: ` +
    `${c.enforced + c.always} enforced (${c.enforced} by an option, ${c.always} always), ` +
    `${c.notEnforced} not enforced yet, ${p.ignored.length} ignored, ${p.skipped.length} skipped by a condition`;
}

/** tsjail --profile-check=FILE. */
export function checkListing(p: LoadedProfile): string {
  const out: string[] = [`profile ${p.file}`];
  out.push('files:');
  for (const s of p.sources) out.push(`  ${s.path}`);
  out.push('directives:');
  for (const d of p.directives) out.push(`  ${where(d)}: ${shown(d)}: ${status(d)}`);
  if (p.ignored.length > 0) {
    out.push('ignored:');
    for (const { directive: d, by } of p.ignored) {
      // Line 0: a site setting (firejail.config's tracelog), not an ignore line.
      if (by.line === 0 && by.file !== null) {
        out.push(`  ${where(d)}: ${shown(d)}: ${by.pattern} (${by.file})`);
        continue;
      }
      const src = by.file === null ? '--ignore' : `${by.file}:${by.line}`;
      out.push(`  ${where(d)}: ${shown(d)}: by 'ignore ${by.pattern}' (${src})`);
    }
  }
  if (p.skipped.length > 0) {
    out.push('skipped (condition false):');
    for (const d of p.skipped) out.push(`  ${where(d)}: ${shown(d)}`);
  }
  const c = countDirectives(p.directives);
  if (c.notEnforcedByName.size > 0) {
    out.push('not enforced yet, by directive:');
    for (const [name, n] of [...c.notEnforcedByName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      out.push(`  ${name}: ${n}`);
    }
  }
  out.push(`summary: ${summaryLine(p)}`);
  return `${out.join('\n')}\n`;
}
