import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Macros, PATH_DIRS } from '../../../src/profile/macros.js';
import { tree, type Tree } from './fixtures.js';

describe('macros', () => {
  let t: Tree;
  let m: Macros;
  beforeEach(() => {
    t = tree();
    m = new Macros({ home: t.home, uid: 1234, configHome: `${t.home}/.config`, firejailConfigDir: '/etc/firejail' });
  });
  afterEach(() => t.dispose());

  it('expands HOME, RUNUSER, ~ and CFG (firejail files only)', () => {
    expect(m.expand('${HOME}/.ssh', false)).toEqual([`${t.home}/.ssh`]);
    expect(m.expand('~/.ssh', false)).toEqual([`${t.home}/.ssh`]);
    expect(m.expand('/x~/y', false)).toEqual(['/x~/y']);
    expect(m.expand('${RUNUSER}/gnupg', false)).toEqual(['/run/user/1234/gnupg']);
    expect(m.expand('${CFG}/a.inc', true)).toEqual(['/etc/firejail/a.inc']);
    expect(m.expand('${CFG}/a.inc', false)).toBe('unknown macro ${CFG}');
  });

  it('puts the home in for ~ as for ${HOME}: what it holds is not expanded', () => {
    const odd = new Macros({ home: '/h/${PATH}', uid: 1, configHome: '/h/.config', firejailConfigDir: '/etc/firejail' });
    expect(odd.expand('~/.x', false)).toEqual(['/h/${PATH}/.x']);
    expect(odd.expand('~', false)).toEqual(['/h/${PATH}']);
    expect(odd.expand('${HOME}/.x', false)).toEqual(['/h/${PATH}/.x']);
    expect(new Macros({ ...odd.env, home: '/h/${' }).expand('~/a${RUNUSER}', false)).toEqual(['/h/${/a/run/user/1']);
  });

  it('makes ${PATH} one value per directory', () => {
    expect(m.expand('${PATH}/su', false)).toEqual(PATH_DIRS.map((d) => `${d}/su`));
  });

  it('gives a lone ${HOME}/ or ${PATH}/ (no regular expression) what the general expansion gives', () => {
    // The general path sees the same macros when the value does not begin with them.
    const viaGeneral = (v: string) => m.expand(`/.${v}`, false);
    for (const v of ['${HOME}/.ssh', '${PATH}/python3', '${HOME}/a b', '${PATH}/']) {
      const general = viaGeneral(v);
      expect(Array.isArray(general)).toBe(true);
      expect(m.expand(v, false)).toEqual((general as string[]).map((g) => g.slice(2)));
    }
    expect(m.expand('${HOME}/${DOWNLOADS}', false)).toEqual([`${t.home}/${t.home}/Downloads`]);
    expect(m.expand('${HOMEX}/a', false)).toBe('unknown macro ${HOMEX}');
    expect(m.expand('${PATH}/x${', false)).toMatch(/unterminated macro/);
  });

  it('takes the XDG directories from user-dirs.dirs, with defaults', () => {
    expect(m.expand('${DOWNLOADS}', false)).toEqual([`${t.home}/Downloads`]);
    t.write({ 'home/.config/user-dirs.dirs': '# written by xdg-user-dirs-update\nXDG_DOWNLOAD_DIR="$HOME/Téléchargements"\nXDG_MUSIC_DIR="/srv/music"\n' });
    const fresh = new Macros(m.env);
    expect(fresh.expand('${DOWNLOADS}/x', false)).toEqual([`${t.home}/Téléchargements/x`]);
    expect(fresh.expand('${MUSIC}', false)).toEqual(['/srv/music']);
    expect(fresh.expand('${VIDEOS}', false)).toEqual([`${t.home}/Videos`]);
    for (const x of ['DESKTOP', 'DOCUMENTS', 'PICTURES']) expect(fresh.expand(`\${${x}}`, false)).toHaveLength(1);
  });

  it('refuses macros that cannot expand', () => {
    expect(m.expand('${NOPE}/x', false)).toBe('unknown macro ${NOPE}');
    expect(m.expand('${HOME', false)).toMatch(/unterminated macro/);
    t.write({ 'home/.config/user-dirs.dirs': 'XDG_PICTURES_DIR="pics"\nXDG_VIDEOS_DIR="$HOME/../x"\n' });
    const fresh = new Macros(m.env);
    expect(fresh.expand('${PICTURES}', false)).toMatch(/\$\{PICTURES\} cannot expand: .*user-dirs\.dirs:1: XDG_PICTURES_DIR is neither/);
    expect(fresh.expand('${VIDEOS}', false)).toMatch(/user-dirs\.dirs:2: XDG_VIDEOS_DIR must not hold/);
  });
});
