/** tsjail-profile(5) documents every directive of the options table, in its
 * section, marked (enforced) or (always) exactly when the table says so;
 * and every macro and condition. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directiveRows, enforcement, FIREJAIL_ALIASES } from '../src/options-schema.js';
import { CONDITIONS } from '../src/profile/conditions.js';
import { MACRO_NAMES } from '../src/profile/macros.js';
import { ROOT } from './helpers.js';

const page = readFileSync(join(ROOT, 'man', 'tsjail-profile.5'), 'utf8').split('\n');

/** The lines of the .It entry for a directive, and the .Ss it stands under. */
function entry(name: string): { section: string; text: string } | null {
  const i = page.findIndex((l) => l === `.It Cm ${name}` || l.startsWith(`.It Cm ${name} `));
  if (i < 0) return null;
  // Entries that share one description (.It lines in a row) share its marks.
  let j = i + 1;
  while (j < page.length && /^\.It\b/.test(page[j] as string)) j++;
  while (j < page.length && !/^\.(It|El)\b/.test(page[j] as string)) j++;
  let s = i;
  while (s >= 0 && !(page[s] as string).startsWith('.Ss ')) s--;
  return { section: (page[s] ?? '').replace(/^\.Ss \[(.*)\]\\&$/, '$1'), text: page.slice(i, j).join('\n') };
}

describe('tsjail-profile(5)', () => {
  it.each(directiveRows().map((r) => [r.name, r] as const))('documents %s', (_name, row) => {
    const e = entry(row.name);
    expect(e, `.It Cm ${row.name}`).not.toBeNull();
    expect(e?.section).toBe(row.section);
    expect(e?.text.includes('.Sy (enforced)'), `${row.name} (enforced)`).toBe(enforcement(row) === 'option');
    expect(e?.text.includes('.Sy (always)'), `${row.name} (always)`).toBe(enforcement(row) === 'always');
  });

  it('documents the macros, the conditions and the old firejail spellings', () => {
    const text = page.join('\n');
    for (const m of MACRO_NAMES) expect(text).toContain(`\${${m}}`);
    for (const c of CONDITIONS) expect(text).toContain(`.It Dv ${c}`);
    for (const a of FIREJAIL_ALIASES.keys()) expect(text).toContain(`.Cm ${a}`);
  });
});
