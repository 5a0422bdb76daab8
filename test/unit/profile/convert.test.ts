import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/cli.js';
import { convertToIni } from '../../../src/profile/convert.js';
import { loadProfile } from '../../../src/profile/loader.js';
import { profileValues } from '../../../src/profile/merge.js';
import { pairs, tree, type Tree } from './fixtures.js';

describe('--profile-convert', () => {
  let t: Tree;
  beforeEach(() => {
    t = tree();
  });
  afterEach(() => t.dispose());

  it('writes one INI profile that loads to the same directives', () => {
    const top = t.write({
      'fjsystem/app.profile': [
        'include app.local',
        '?BROWSER_ALLOW_DRM: ignore noexec ${HOME}',
        'include common.inc',
        'noblacklist ${HOME}/.app',
        'hostname app',
        'env X=a;b#c',
        'nodbus',
        '?BROWSER_DISABLE_U2F: nou2f',
        'blacklist ${PATH}/su',
        'ignore private-tmp',
        'private-tmp',
      ].join('\n'),
      'fjsystem/common.inc': 'noexec ${HOME}\nblacklist ${HOME}/[x]\nseccomp\ncaps.drop all\n',
    });
    const converted = convertToIni(loadProfile(top, t.options({ keepConditionals: true })), VERSION);
    expect(converted).toContain(`; tsjail profile converted from ${top}`);
    expect(converted).toContain('?BROWSER_ALLOW_DRM: ignore = noexec ${HOME}');
    expect(converted).toContain('?BROWSER_DISABLE_U2F: nou2f = true');
    expect(converted).toContain('blacklist = ${PATH}/su\n');
    expect(converted).not.toContain('private-tmp');
    const ini = t.path('app.ini');
    writeFileSync(ini, converted);
    const before = loadProfile(top, t.options());
    const after = loadProfile(ini, t.options());
    expect(Object.fromEntries(profileValues(after.directives))).toEqual(Object.fromEntries(profileValues(before.directives)));
    expect(pairs(after).sort()).toEqual(pairs(before).sort());
    // With DRM allowed, the conditional ignore drops noexec in both.
    const drm = { allowTray: false, browserAllowDrm: true, browserDisableU2f: true, tracelog: false };
    expect(pairs(loadProfile(ini, t.options({ site: drm }))).sort()).toEqual(pairs(loadProfile(top, t.options({ site: drm }))).sort());
  });
});
