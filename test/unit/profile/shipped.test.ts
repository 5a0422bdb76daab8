/** Every shipped profile loads and builds a plan the wire format accepts. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../../src/options.js';
import { hostProbe } from '../../../src/fs/probe.js';
import { buildPlan } from '../../../src/plan/build.js';
import { encodePlan, withoutLaunch } from '../../../src/plan/encode.js';
import { siteSettings } from '../../../src/profile/conditions.js';
import { applyProfile } from '../../../src/profile/index.js';
import { loadProfile } from '../../../src/profile/loader.js';
import { Macros } from '../../../src/profile/macros.js';
import { SHIPPED_DIR } from '../../../src/profile/search.js';

const dirs = { tsjail: [SHIPPED_DIR], local: [], firejail: [] };
const macros = new Macros({ home: '/home/user', uid: 1000, configHome: '/nonexistent', firejailConfigDir: '/etc/firejail' });
const site = siteSettings('/nonexistent');

const apps = readdirSync(SHIPPED_DIR).filter((f) => f.endsWith('.ini')).sort();
const fragments = readdirSync(join(SHIPPED_DIR, 'inc')).filter((f) => f.endsWith('.ini')).sort();

describe('shipped profiles', () => {
  it('has default, server and at least 15 applications', () => {
    expect(apps).toEqual(expect.arrayContaining(['default.ini', 'server.ini', 'firefox.ini', 'chromium.ini', 'vlc.ini',
      'transmission-gtk.ini', 'curl.ini', 'wget.ini', 'python3.ini', 'node.ini', 'sh.ini', 'evince.ini', 'eog.ini',
      'thunderbird.ini', 'vim.ini']));
    expect(apps.filter((a) => a !== 'default.ini' && a !== 'server.ini').length).toBeGreaterThanOrEqual(15);
    expect(fragments).toEqual(expect.arrayContaining(['disable-common.ini', 'disable-programs.ini', 'disable-passwdmgr.ini', 'disable-devel.ini']));
  });

  it.each(apps)('%s loads and builds a valid plan', (name) => {
    const p = loadProfile(join(SHIPPED_DIR, name), { dirs, macros, site });
    expect(p.directives.length).toBeGreaterThan(0);
    // The profile's own program (a private-bin list holds it).
    const program = `/usr/bin/${name.replace(/\.ini$/, '')}`;
    const options = normalizeOptions(applyProfile(p, new Map(), [program]), { home: '/home/user' });
    const plan = buildPlan(options, {
      resolved: { program, argv: [program] }, env: ['PATH=/bin'], cwd: '/', sources: p.sources,
      caller: { uid: 1000, home: '/home/user' }, probe: hostProbe, root: null,
    });
    expect(plan.sources.map((s) => s.path)[0]).toBe(join(SHIPPED_DIR, name));
    expect(encodePlan(plan).length).toBeGreaterThan(0);
    // (A stored plan's template is cut out of the plan encoded for the launch.)
    expect(withoutLaunch(encodePlan(plan)).equals(encodePlan({ ...plan, argv: [], env: [], cwd: null }))).toBe(true);
  });

  it.each(fragments)('inc/%s loads', (name) => {
    expect(loadProfile(join(SHIPPED_DIR, 'inc', name), { dirs, macros, site }).directives.length).toBeGreaterThan(0);
  });
});
