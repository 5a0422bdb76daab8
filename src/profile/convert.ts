/** tsjail --profile-convert=FILE: a profile (firejail's too) printed as one
 * self-contained tsjail INI profile. Includes are followed and flattened,
 * unconditional ignores applied; ?CONDITION: lines and conditional ignores
 * are kept with their condition; values are written as they were (macros
 * unexpanded), so the result means the same for every user. */
import { optionRow, SECTIONS, type OptionRow } from '../options-schema.js';
import { iniValue } from './ini-reader.js';
import type { Directive, LoadedProfile } from './model.js';

function iniLine(d: Directive): string {
  const cond = d.condition === null ? '' : `?${d.condition}: `;
  const v = d.raw === true ? 'true' : d.raw === false ? 'false' : iniValue(d.raw);
  return `${cond}${d.name} = ${v}`;
}

export function convertToIni(p: LoadedProfile, version: string): string {
  const out: string[] = [
    `; tsjail profile converted from ${p.file}`,
    `; by tsjail ${version} (tsjail --profile-convert). It read:`,
    ...p.sources.map((s) => `;   ${s.path}`),
  ];
  if (p.ignored.length > 0) out.push(`; ${p.ignored.length} directive(s) were dropped by ignore and are not listed.`);
  out.push('');
  for (const r of p.conditionalIgnores) {
    out.push(`; ${r.file}:${r.line}`, `?${r.condition}: ignore = ${iniValue(r.pattern)}`);
  }
  if (p.conditionalIgnores.length > 0) out.push('');

  // ${PATH} made several directives of one line: write the line once.
  const seen = new Set<string>();
  const unique = p.directives.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.name}\0${String(d.raw)}\0${d.condition ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const section of SECTIONS) {
    const ds = unique.filter((d) => (optionRow(d.name) as OptionRow).section === section);
    if (ds.length === 0) continue;
    out.push(`[${section}]`);
    let from = '';
    for (const d of ds) {
      if (d.file !== from) {
        out.push(`; from ${d.file}`);
        from = d.file;
      }
      out.push(iniLine(d));
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
