import { describe, expect, it } from 'vitest';
import { ProfileError } from '../../../src/errors.js';
import { parseFirejailProfile } from '../../../src/profile/firejail-reader.js';

const parse = (text: string) => parseFirejailProfile('/etc/firejail/x.profile', text);

function fails(text: string, line: number, message: RegExp): void {
  expect(() => parse(text)).toThrow(ProfileError);
  try {
    parse(text);
  } catch (e) {
    expect((e as Error).message).toMatch(new RegExp(`^/etc/firejail/x\\.profile:${line}: `));
    expect((e as Error).message).toMatch(message);
  }
}

describe('firejail profile reader', () => {
  it('reads directives, include, ignore, comments and conditionals', () => {
    expect(parse([
      '# Firejail profile',
      'include x.local',
      'include globals.local',
      '',
      'noblacklist ${HOME}/.mozilla',
      '  blacklist   ${HOME}/My Files  ',
      'caps.drop all',
      'net none # no network',
      'ignore  net   eth0',
      '?BROWSER_DISABLE_U2F: nou2f',
      '?HAS_APPIMAGE: ignore private-dev',
      'seccomp',
      'seccomp !chroot,@clock',
      'nodbus',
    ].join('\n'))).toEqual([
      { kind: 'include', line: 2, target: 'x.local', condition: null },
      { kind: 'include', line: 3, target: 'globals.local', condition: null },
      { kind: 'directive', line: 5, name: 'noblacklist', value: '${HOME}/.mozilla', condition: null },
      { kind: 'directive', line: 6, name: 'blacklist', value: '${HOME}/My Files', condition: null },
      { kind: 'directive', line: 7, name: 'caps.drop', value: 'all', condition: null },
      { kind: 'directive', line: 8, name: 'net', value: 'none', condition: null },
      { kind: 'ignore', line: 9, pattern: 'net eth0', condition: null, scope: 'following' },
      { kind: 'directive', line: 10, name: 'nou2f', value: true, condition: 'BROWSER_DISABLE_U2F' },
      { kind: 'ignore', line: 11, pattern: 'private-dev', condition: 'HAS_APPIMAGE', scope: 'following' },
      { kind: 'directive', line: 12, name: 'seccomp', value: true, condition: null },
      { kind: 'directive', line: 13, name: 'seccomp', value: '!chroot,@clock', condition: null },
      { kind: 'directive', line: 14, name: 'dbus-user', value: 'none', condition: null, spelled: 'nodbus' },
      { kind: 'directive', line: 14, name: 'dbus-system', value: 'none', condition: null, spelled: 'nodbus' },
    ]);
  });

  it('refuses bad lines as firejail does, naming file:line', () => {
    fails('quiet\nbogus-directive x\n', 2, /unknown directive 'bogus-directive'/);
    fails('private-dev yes\n', 1, /'private-dev' takes no value/);
    fails('hostname\n', 1, /'hostname' needs a value/);
    fails('?FOO_BAR: hostname x\n', 1, /unknown condition \?FOO_BAR/);
    fails('?HAS_X11:\n', 1, /nothing after the condition/);
    fails('?HAS_X11: include a.inc\n', 1, /include cannot be conditional/);
    fails('include\n', 1, /include needs a file/);
    fails('ignore\n', 1, /ignore needs a directive/);
    fails('print-plan\n', 1, /unknown directive 'print-plan'/);
  });
});
