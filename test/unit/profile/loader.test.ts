import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileError, TsjailError } from '../../../src/errors.js';
import { loadProfile, MAX_INCLUDE_DEPTH } from '../../../src/profile/loader.js';
import { pairs, tree, type Tree } from './fixtures.js';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error');
}

describe('profile loader', () => {
  let t: Tree;
  beforeEach(() => {
    t = tree();
  });
  afterEach(() => t.dispose());

  it('follows INI includes through the search path, keeping file:line', () => {
    const top = t.write({
      'user/app.ini': 'include = inc/common.ini\n[sandbox]\nhostname = app\n',
      'shipped/inc/common.ini': '[filesystem]\nblacklist = ${HOME}/.ssh\n',
      'system/inc/common.ini': '[filesystem]\nblacklist = /system-wins\n',
    });
    const p = loadProfile(top, t.options());
    expect(pairs(p)).toEqual(['blacklist=/system-wins', 'hostname=app']);
    expect(p.directives[0]).toMatchObject({ file: t.path('system/inc/common.ini'), line: 2, format: 'ini' });
    expect(p.directives[1]).toMatchObject({ file: top, line: 3 });
    expect(p.sources.map((s) => s.path)).toEqual([top, t.path('system/inc/common.ini')]);
    expect(p.sources[0]?.mtimeNs).toMatch(/^\d+$/);
  });

  it('expands macros, ${PATH} into one directive per directory', () => {
    const top = t.write({ 'a.ini': '[filesystem]\nblacklist = ${HOME}/.ssh\nblacklist = ${PATH}/su\n' });
    const p = loadProfile(top, t.options());
    expect(p.directives[0]).toMatchObject({ value: `${t.home}/.ssh`, raw: '${HOME}/.ssh', line: 2 });
    expect(p.directives.length).toBe(1 + 8);
    expect(p.directives.slice(1).every((d) => d.line === 3 && d.raw === '${PATH}/su')).toBe(true);
  });

  it('reads NAME.local after NAME.ini (system, then user) and globals.local', () => {
    const top = t.write({
      'shipped/app.ini': '[sandbox]\nhostname = shipped\n[filesystem]\nblacklist = /a\n',
      'system/app.local': '[sandbox]\nhostname = site\n',
      'user/app.local': '[sandbox]\nhostname = mine\nignore = blacklist /a\n',
      'user/globals.local': '[environment]\nenv = G=1\n',
    });
    const p = loadProfile(top, t.options());
    expect(pairs(p)).toEqual(['hostname=shipped', 'hostname=site', 'hostname=mine', 'env=G=1']);
    expect(p.ignored.map((i) => i.directive.value)).toEqual(['/a']);
  });

  it('reads firejail profiles: includes by name, .local files optional, ignore for the following lines', () => {
    const top = t.write({
      'fjsystem/app.profile': [
        'include app.local',
        'include globals.local',
        'ignore private-dev',
        'include common.inc',
        'private-dev',
        'hostname fj',
      ].join('\n'),
      'fjsystem/common.inc': 'private-tmp\nprivate-dev\nignore hostname\n',
      'fjuser/app.local': 'noblacklist ${HOME}/.app\nignore net none\n',
    });
    const p = loadProfile(top, t.options());
    expect(pairs(p)).toEqual([`noblacklist=${t.home}/.app`, 'private-tmp']);
    expect(p.ignored.map((i) => `${i.directive.name}@${i.directive.line}`)).toEqual(['private-dev@2', 'private-dev@5', 'hostname@6']);
    expect(p.sources.map((s) => s.path)).toEqual([top, t.path('fjuser/app.local'), t.path('fjsystem/common.inc')]);
  });

  it('matches ignore on whole words, raw or expanded, and takes --ignore', () => {
    const top = t.write({ 'a.profile': 'ignore net\nnet none\nnetfilter\nignore blacklist ${HOME}/x\nblacklist ${HOME}/x\nblacklist ${HOME}/xy\n' });
    expect(pairs(loadProfile(top, t.options()))).toEqual(['netfilter', `blacklist=${t.home}/xy`]);
    const p = loadProfile(top, t.options({ cliIgnores: ['netfilter', `blacklist   ${t.home}/xy`] }));
    expect(pairs(p)).toEqual([]);
    expect(p.ignored.find((i) => i.directive.name === 'netfilter')?.by.file).toBeNull();
  });

  it('evaluates ?CONDITION: against the options so far and the site settings', () => {
    const top = t.write({ 'a.profile': '?HAS_NET: hostname net\nnet eth0\n?HAS_NET: dns 1.1.1.1\n?BROWSER_DISABLE_U2F: nou2f\n?BROWSER_ALLOW_DRM: ignore noexec ${HOME}\nnoexec ${HOME}\n' });
    const p = loadProfile(top, t.options());
    expect(pairs(p)).toEqual(['net=eth0', 'dns=1.1.1.1', 'nou2f', `noexec=${t.home}`]);
    expect(p.skipped.map((d) => d.line)).toEqual([1]);
    const drm = loadProfile(top, t.options({ site: { allowTray: false, browserAllowDrm: true, browserDisableU2f: false, tracelog: false }, cliValues: new Map([['net', 'eth1']]) }));
    expect(pairs(drm)).toEqual(['hostname=net', 'net=eth0', 'dns=1.1.1.1']);
  });

  it('a firejail profile\'s tracelog only where firejail.config turns tracelog on (as firejail: off by default); an INI profile\'s always', () => {
    const top = t.write({ 'tl.profile': 'tracelog\nhostname x\n', 'tl.ini': '[sandbox]\ntracelog\n' });
    const off = loadProfile(top, t.options());
    expect(pairs(off)).toEqual(['hostname=x']);
    expect(off.ignored.map((i) => [i.directive.name, i.by.file, i.by.line])).toEqual([['tracelog', '/etc/firejail/firejail.config', 0]]);
    const on = loadProfile(top, t.options({ site: { allowTray: false, browserAllowDrm: false, browserDisableU2f: true, tracelog: true } }));
    expect(pairs(on)).toEqual(['tracelog', 'hostname=x']);
    expect(pairs(loadProfile(top.replace(/tl\.profile$/, 'tl.ini'), t.options()))).toEqual(['tracelog']);
  });

  it('?HAS_NODBUS: both buses none or filter, by the profile or the command line', () => {
    const top = t.write({ 'd.profile': '?HAS_NODBUS: hostname a\ndbus-user none\n?HAS_NODBUS: hostname b\ndbus-system filter\n?HAS_NODBUS: hostname c\n' });
    expect(pairs(loadProfile(top, t.options()))).toEqual(['dbus-user=none', 'dbus-system=filter', 'hostname=c']);
    expect(pairs(loadProfile(top, t.options({ cliValues: new Map([['nodbus', true]]) })))[0]).toBe('hostname=a');
  });

  it('keeps conditional lines with their condition for the converter', () => {
    const top = t.write({ 'a.profile': '?HAS_X11: hostname x\n?BROWSER_ALLOW_DRM: ignore noexec ${HOME}\n' });
    const p = loadProfile(top, t.options({ keepConditionals: true }));
    expect(p.directives).toMatchObject([{ name: 'hostname', condition: 'HAS_X11' }]);
    expect(p.conditionalIgnores).toMatchObject([{ pattern: 'noexec ${HOME}', condition: 'BROWSER_ALLOW_DRM', line: 2 }]);
  });

  it('refuses include loops, with the chain', () => {
    const a = t.write({ 'a.ini': 'include = b.ini\n', 'b.ini': '\ninclude = a.ini\n' });
    const e = errorOf(() => loadProfile(a, t.options()));
    expect(e).toBeInstanceOf(ProfileError);
    expect(e.message).toBe(`${t.path('b.ini')}:2: include loop: ${a} -> ${t.path('b.ini')} -> ${a}`);
    const self = t.write({ 's.profile': 'include s.profile\n' });
    expect(errorOf(() => loadProfile(self, t.options())).message).toMatch(/s\.profile:1: include loop/);
  });

  it(`refuses includes nested more than ${MAX_INCLUDE_DEPTH} deep`, () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < MAX_INCLUDE_DEPTH + 2; i++) files[`d${i}.ini`] = `include = d${i + 1}.ini\n`;
    files[`d${MAX_INCLUDE_DEPTH + 2}.ini`] = '[sandbox]\nhostname = deep\n';
    t.write(files);
    expect(errorOf(() => loadProfile(t.path('d0.ini'), t.options())).message).toMatch(/d15\.ini:1: includes nested more than 16 deep/);
    expect(pairs(loadProfile(t.path('d3.ini'), t.options()))).toEqual(['hostname=deep']);
  });

  it('refuses a missing include, but not a missing .local', () => {
    const a = t.write({ 'a.ini': '[sandbox]\ninclude = gone.local\ninclude = gone.ini\n' });
    expect(errorOf(() => loadProfile(a, t.options())).message).toMatch(new RegExp(`^${a}:3: include 'gone.ini': not found \\(looked for .*user/gone.ini`));
    const f = t.write({ 'f.profile': 'include gone.local\ninclude gone.inc\n' });
    expect(errorOf(() => loadProfile(f, t.options())).message).toMatch(/f\.profile:2: include 'gone\.inc': not found/);
  });

  it('refuses bad values and macros that cannot expand, naming file:line', () => {
    const cases: [string, RegExp][] = [
      ['[sandbox]\n\nhostname = a b\n', /:3: hostname: 'a b' is not a valid hostname/],
      ['[security]\nprotocol = unix,ipx\n', /:2: protocol: 'ipx' is not a protocol/],
      ['[resources]\nrlimit-nofile = lots\n', /:2: rlimit-nofile: 'lots' is not a number/],
      ['[desktop]\ndbus-user = maybe\n', /:2: dbus-user: 'maybe' is not none or filter/],
      ['[filesystem]\nblacklist = ${NOPE}/x\n', /:2: unknown macro \$\{NOPE\}/],
      ['[sandbox]\nhostname = ${PATH}\n', /:2: hostname: \$\{PATH\} stands for several directories/],
      ['[environment]\nenv = LD_PRELOAD=/x.so\n', /:2: env: LD_PRELOAD may not be passed into a sandbox/],
      ['[environment]\nenv = NOEQUALS\n', /:2: env: 'NOEQUALS' is not NAME=VALUE/],
    ];
    for (const [text, re] of cases) {
      const f = t.write({ 'bad.ini': text });
      const e = errorOf(() => loadProfile(f, t.options()));
      expect(e, text).toBeInstanceOf(ProfileError);
      expect(e.message, text).toMatch(re);
      expect(e.message.split('\n')).toHaveLength(1);
    }
  });

  it('says which profile it cannot read', () => {
    const e = errorOf(() => loadProfile(t.path('none.ini'), t.options()));
    expect(e).toBeInstanceOf(TsjailError);
    expect(e.message).toBe(`profile ${t.path('none.ini')}: cannot read it: ENOENT`);
  });

  it('lets an INI profile include a firejail profile, and sniffs files without an extension', () => {
    const top = t.write({ 'a.ini': 'include = app.profile\n', 'fjsystem/app.profile': 'hostname fj\n', 'plain': '[sandbox]\nhostname = ini\n', 'plain2': 'hostname fj2\n' });
    expect(pairs(loadProfile(top, t.options()))).toEqual(['hostname=fj']);
    expect(pairs(loadProfile(t.path('plain'), t.options()))).toEqual(['hostname=ini']);
    expect(pairs(loadProfile(t.path('plain2'), t.options()))).toEqual(['hostname=fj2']);
  });
});
