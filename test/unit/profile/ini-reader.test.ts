import { describe, expect, it } from 'vitest';
import { decode, unsafe as iniUnsafe } from 'ini';
import { ProfileError } from '../../../src/errors.js';
import { parseIniProfile } from '../../../src/profile/ini-reader.js';

const parse = (text: string) => parseIniProfile('/p/x.ini', text);

function fails(text: string, line: number, message: RegExp): void {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    expect((e as ProfileError).line).toBe(line);
    expect((e as Error).message).toMatch(new RegExp(`^/p/x\\.ini:${line}: `));
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('no error');
}

describe('tsjail INI reader', () => {
  it('reads sections, flags, values and repeated keys with their line numbers', () => {
    const lines = parse([
      '; a comment',
      'include = inc/a.ini',
      '',
      '[filesystem]',
      'blacklist = ${HOME}/.ssh',
      '# another comment',
      'blacklist = /boot',
      'blacklist[] = /srv',
      'private-dev',
      'private-tmp = false',
      '[sandbox]',
      'hostname = box ; inline comment',
      '[environment]',
      'env = "A=1;2"',
    ].join('\n'));
    expect(lines).toEqual([
      { kind: 'include', line: 2, target: 'inc/a.ini', condition: null },
      { kind: 'directive', line: 5, name: 'blacklist', value: '${HOME}/.ssh', condition: null },
      { kind: 'directive', line: 7, name: 'blacklist', value: '/boot', condition: null },
      { kind: 'directive', line: 8, name: 'blacklist', value: '/srv', condition: null },
      { kind: 'directive', line: 9, name: 'private-dev', value: true, condition: null },
      { kind: 'directive', line: 10, name: 'private-tmp', value: false, condition: null },
      { kind: 'directive', line: 12, name: 'hostname', value: 'box', condition: null },
      { kind: 'directive', line: 14, name: 'env', value: 'A=1;2', condition: null },
    ]);
  });

  it('decodes keys and values as the ini package does', () => {
    const text = '[sandbox]\nhostname = "quoted" \n[filesystem]\nread-only = /a\\;b\\#c # comment\n';
    const mine = parse(text).flatMap((l) => (l.kind === 'directive' ? [[l.name, l.value]] : []));
    const theirs = decode(text) as Record<string, Record<string, string>>;
    expect(mine).toEqual([
      ['hostname', theirs['sandbox']?.['hostname']],
      ['read-only', theirs['filesystem']?.['read-only']],
    ]);
    expect(mine[1]?.[1]).toBe('/a;b#c');
  });

  it('reads a key = value line as its grammar and ini\'s unsafe() do, plain or not', () => {
    // The reader's own grammar, written out: KEY_RE, then unsafe() of
    // each side (a line without quotes, escapes, comments or line
    // separators is split and trimmed without them).
    const reference = (l: string): [string, string] | null => {
      const m = /^([^=]+)(=(.*))?$/.exec(l);
      return m === null || m[2] === undefined ? null : [iniUnsafe(m[1] ?? '').trim(), iniUnsafe(m[3] ?? '')];
    };
    const chars = ['a', 'b', ' ', '\t', ';', '#', '"', "'", '\\', '=', '/', '\u2028', '\u00e9', '\r'];
    // (32-bit arithmetic, the pick from the high bits: every character
    // comes up.)
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * chars.length);
    };
    for (let i = 0; i < 3000; i++) {
      const n = i % 9;
      const value = Array.from({ length: n }, () => chars[next()]).join('');
      const key = i % 3 === 0 ? ' hostname\t' : 'hostname';
      const line = `${key}=${value}`;
      const want = reference(line.endsWith('\r') ? line.slice(0, -1) : line);
      let got: unknown;
      try {
        got = parse(`[sandbox]\n${line}\n`).flatMap((l) => (l.kind === 'directive' ? [[l.name, l.value]] : []))[0] ?? null;
      } catch (e) {
        got = e instanceof ProfileError ? 'error' : e;
      }
      const expected = want === null || want[0] !== 'hostname' || want[1] === '' ? 'error' : want;
      expect(got, JSON.stringify(line)).toEqual(expected);
    }
  });

  it('reads ?CONDITION: keys and ignore anywhere', () => {
    expect(parse('?BROWSER_ALLOW_DRM: ignore = noexec ${HOME}\n[devices]\n?BROWSER_DISABLE_U2F: nou2f = true\n')).toEqual([
      { kind: 'ignore', line: 1, pattern: 'noexec ${HOME}', condition: 'BROWSER_ALLOW_DRM', scope: 'profile' },
      { kind: 'directive', line: 3, name: 'nou2f', value: true, condition: 'BROWSER_DISABLE_U2F' },
    ]);
  });

  it('refuses what it does not know, naming file:line', () => {
    fails('[filesystem]\nblacklist = /a\nbogus = 1\n', 3, /unknown directive 'bogus'/);
    fails('[nosuch]\n', 1, /unknown section \[nosuch\]/);
    fails('blacklist = /a\n', 1, /must be in a section: \[filesystem\]/);
    fails('[network]\nblacklist = /a\n', 2, /belongs in \[filesystem\], not \[network\]/);
    fails('[filesystem]\nprivate-dev = maybe\n', 2, /takes true or false/);
    fails('[sandbox]\n\nhostname\n', 3, /needs a value/);
    fails('[security]\nnonewprivs = false\n', 2, /cannot be turned off/);
    fails('[devices]\n?NO_SUCH: nosound = true\n', 2, /unknown condition \?NO_SUCH/);
    fails('?ALLOW_TRAY: include = x.ini\n', 1, /include cannot be conditional/);
    fails('[filesystem]\n= /a\n', 2, /not key = value/);
    fails('[sandbox]\ndebug = true\n', 2, /unknown directive 'debug'/);
  });

  it('takes a key = value line as its grammar (ini\'s) does, with or without a regular expression', () => {
    // A trailing \r (CRLF) goes; one inside a value, or a line separator, makes no key = value.
    expect(parse('[sandbox]\r\nhostname = box\r\n')).toEqual([{ kind: 'directive', line: 2, name: 'hostname', value: 'box', condition: null }]);
    fails('[sandbox]\nhostname = b\rox\n', 2, /is not key = value/);
    fails('[sandbox]\nhostname = b\u2028ox\n', 2, /is not key = value/);
    fails('[sandbox]\n= box\n', 2, /is not key = value/);
    // Only the first '=' splits; a key with spaces around it is trimmed.
    expect(parse('[environment]\n  env =A=1=2\n')).toEqual([{ kind: 'directive', line: 2, name: 'env', value: 'A=1=2', condition: null }]);
    // Leading white space (any \s) before a comment or a section.
    expect(parse('\u00a0; c\n \t# c\n  [sandbox]\n')).toEqual([]);
  });
});
