/** Every file firejail installs in /etc/firejail loads (1,247 in firejail
 * 0.9.72): profiles through the loader, the other files through their own
 * readers. Prints the directives by kind: enforced (by an option, or by what
 * every tsjail sandbox does) and recognised but not enforced yet. Needs
 * firejail and firejail-profiles (scripts/setup-deps installs both). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionRow, enforcement, type OptionRow } from '../../../src/options-schema.js';
import { DEFAULT_SITE_SETTINGS } from '../../../src/profile/conditions.js';
import { loadFirejailFile } from '../../../src/profile/firejail-files.js';
import { ProfileCache } from '../../../src/profile/loader.js';
import { Macros } from '../../../src/profile/macros.js';
import { requireInstalled } from '../../helpers.js';

const DIR = '/etc/firejail';

describe('firejail corpus', () => {
  it('loads every file in /etc/firejail', () => {
    requireInstalled(join(DIR, 'firejail.config'), 'firejail');
    requireInstalled(join(DIR, 'firefox.profile'), 'firejail-profiles');
    const files = readdirSync(DIR).sort();
    const opts = {
      dirs: { tsjail: [], local: [], firejail: ['/nonexistent/.config/firejail', DIR] },
      macros: new Macros({ home: '/home/user', uid: 1000, configHome: '/home/user/.config', firejailConfigDir: DIR }),
      site: DEFAULT_SITE_SETTINGS,
      cache: new ProfileCache(),
    };
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    // Lines of each directive name, counted once per file they are written in.
    const lines = new Map<string, Set<string>>();
    const loadedLines = { option: 0, always: 0, 'not-enforced': 0 };
    for (const f of files) {
      try {
        const r = loadFirejailFile(join(DIR, f), opts);
        kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
        if (r.kind !== 'profile') continue;
        for (const d of r.profile.directives) {
          const key = `${d.file}:${d.line}`;
          const set = lines.get(d.name) ?? new Set<string>();
          if (!set.has(key)) {
            set.add(key);
            lines.set(d.name, set);
          }
        }
      } catch (e) {
        failures.push(`${f}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    for (const [name, set] of lines) loadedLines[enforcement(optionRow(name) as OptionRow)] += set.size;
    const byKind = (k: string) => [...lines].filter(([n]) => enforcement(optionRow(n) as OptionRow) === k)
      .sort((a, b) => b[1].size - a[1].size).map(([n, s]) => `${n} ${s.size}`).join(', ');
    console.log([
      `firejail corpus: ${files.length} files in ${DIR}: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`,
      `directive lines: ${loadedLines.option + loadedLines.always + loadedLines['not-enforced']}: ` +
        `enforced ${loadedLines.option + loadedLines.always} (${loadedLines.option} by an option, ${loadedLines.always} always), ` +
        `recognised, not enforced yet ${loadedLines['not-enforced']}`,
      `  enforced by an option: ${byKind('option')}`,
      `  enforced always: ${byKind('always')}`,
      `  not enforced yet: ${byKind('not-enforced')}`,
    ].join('\n'));
    expect(files.length).toBeGreaterThan(1000);
    expect(kinds.get('profile')).toBe(files.filter((f) => /\.(profile|inc|local)$/.test(f)).length);
  });
});
