/** Temp directories of profile files, and load options pointing at them. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_SITE_SETTINGS, type SiteSettings } from '../../../src/profile/conditions.js';
import type { LoadOptions } from '../../../src/profile/loader.js';
import { Macros } from '../../../src/profile/macros.js';
import type { ProfileDirs } from '../../../src/profile/search.js';

export interface Tree {
  readonly root: string;
  readonly home: string;
  readonly dirs: ProfileDirs;
  /** Writes files (path relative to root) and returns the absolute path of the first. */
  write(files: Record<string, string>): string;
  path(rel: string): string;
  options(extra?: Partial<LoadOptions> & { site?: SiteSettings }): LoadOptions;
  dispose(): void;
}

/** root/{home, user (~/.config/tsjail), system (/etc/tsjail), shipped,
 * fjuser (~/.config/firejail), fjsystem (/etc/firejail)}. */
export function tree(): Tree {
  const root = mkdtempSync(join(tmpdir(), 'tjprofile-'));
  const home = join(root, 'home');
  const dirs: ProfileDirs = {
    tsjail: [join(root, 'user'), join(root, 'system'), join(root, 'shipped')],
    local: [join(root, 'system'), join(root, 'user')],
    firejail: [join(root, 'fjuser'), join(root, 'fjsystem')],
  };
  for (const d of ['home', 'user', 'system', 'shipped', 'fjuser', 'fjsystem']) mkdirSync(join(root, d), { recursive: true });
  return {
    root,
    home,
    dirs,
    write(files) {
      let first = '';
      for (const [rel, text] of Object.entries(files)) {
        const p = join(root, rel);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, text);
        if (first === '') first = p;
      }
      return first;
    },
    path: (rel) => join(root, rel),
    options(extra = {}) {
      return {
        dirs,
        macros: new Macros({ home, uid: 1000, configHome: join(home, '.config'), firejailConfigDir: join(root, 'fjsystem') }),
        site: DEFAULT_SITE_SETTINGS,
        ...extra,
      };
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** name=value of each directive, to compare results briefly. */
export function pairs(p: { directives: readonly { name: string; value: string | boolean }[] }): string[] {
  return p.directives.map((d) => (d.value === true ? d.name : `${d.name}=${String(d.value)}`));
}
