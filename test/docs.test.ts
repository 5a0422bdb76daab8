/** A flag is not done until --help, the man page and README all know it,
 * and the man pages are lint-clean. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireInstalled, ROOT, tsjail } from './helpers.js';

const manDir = join(ROOT, 'man');
const pages = readdirSync(manDir).filter((f) => /\.[1-8]$/.test(f));

describe('documentation', () => {
  it.each(pages)('mandoc -Tlint is clean on %s', (page) => {
    requireInstalled('mandoc', 'mandoc');
    const r = spawnSync('mandoc', ['-Tlint', join(manDir, page)], { encoding: 'utf8' });
    // Our own pages are not installed where mandoc looks up references.
    const own = /STYLE: referenced manual not found: Xr (tsjail|tsjail\.conf|tsjail-profile) \d/;
    const lines = (r.stdout + r.stderr).split('\n').filter((l) => l !== '' && !own.test(l));
    // A page referenced but not found: its package is missing from scripts/setup-deps,
    // or mandoc's database is older than it (setup-deps rebuilds it with makewhatis).
    expect(lines).toEqual([]);
  });

  it('every option in --help is in tsjail.1 and README.md', () => {
    const help = tsjail(['--help']).stdout;
    const options = [...new Set(help.match(/--[a-z][a-z0-9.-]*/g) ?? [])];
    expect(options.length).toBeGreaterThan(5);
    const man = readFileSync(join(manDir, 'tsjail.1'), 'utf8').replace(/\\-/g, '-').replace(/Fl /g, '-');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const o of options) {
      expect(man, `${o} in tsjail.1`).toContain(o.replace(/^-/, ''));
      expect(readme, `${o} in README.md`).toContain(o);
    }
  });
});
