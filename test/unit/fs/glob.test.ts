import { describe, expect, it } from 'vitest';
import { expandPathGlob, globRegExp, isGlob, matchesPathGlob } from '../../../src/fs/glob.js';

describe('glob patterns (glob(7), one name)', () => {
  it.each([
    ['python*', ['python', 'python3', 'python3.11'], ['apython', '.python']],
    ['ls?', ['lsb', 'ls.'], ['ls', 'lsbx']],
    ['vim[.a-c]*', ['vim.basic', 'vima'], ['vimx', 'vim']],
    ['x[!0-9]', ['xa'], ['x1', 'x']],
    ['x[^0-9]', ['xa'], ['x1']],
    ['[]a]', [']', 'a'], ['b']],
    ['a[b', ['a[b'], ['ab']],
    ['.*rc', ['.bashrc'], ['bashrc']],
    ['c++*', ['c++', 'c++-12'], ['c']],
    ['*', ['ls', 'x y'], ['.hidden']],
    ['[[:xdigit:]][[:xdigit:]]-[[:digit:]]', ['a0-1', 'F9-0'], ['g0-1', 'a0-x', 'a0']],
    ['x[![:alpha:]]', ['x1', 'x-'], ['xa', 'x']],
    ['[[:upper:]_]*', ['Abc', '_x'], ['abc']],
  ] as const)('%s', (pattern, yes, no) => {
    const re = globRegExp(pattern);
    for (const n of yes) expect(re.test(n), n).toBe(true);
    for (const n of no) expect(re.test(n), n).toBe(false);
  });

  it('tells patterns from names', () => {
    expect(['a*', 'a?', 'a[b]'].map(isGlob)).toEqual([true, true, true]);
    expect(['ls', 'c++', 'x-y.z'].map(isGlob)).toEqual([false, false, false]);
  });
});

describe('glob patterns of whole paths (blacklist, noblacklist)', () => {
  const tree: Record<string, string[]> = {
    '/': ['usr', 'home'],
    '/usr/share': ['perl', 'perl5', 'python3', 'doc'],
    '/home/u': ['.bash_history', '.python_history', '.bashrc', 'notes_history'],
    '/run/user/1000': ['wayland-0', 'wayland-0.lock', 'bus'],
  };
  const list = (d: string) => tree[d] ?? [];

  it('expands each component with a pattern against the directory it is in, a * never spanning a /', () => {
    expect(expandPathGlob('/usr/share/perl*', list)).toEqual(['/usr/share/perl', '/usr/share/perl5']);
    expect(expandPathGlob('/home/u/.*_history', list)).toEqual(['/home/u/.bash_history', '/home/u/.python_history']);
    expect(expandPathGlob('/run/user/1000/wayland-*', list)).toEqual(['/run/user/1000/wayland-0', '/run/user/1000/wayland-0.lock']);
    expect(expandPathGlob('/*/share', list)).toEqual(['/home/share', '/usr/share']);
    expect(expandPathGlob('/*/share/perl*', list)).toEqual(['/usr/share/perl', '/usr/share/perl5']);
    expect(expandPathGlob('/usr/share/ruby*', list)).toEqual([]);
    expect(expandPathGlob('/nowhere/x*', list)).toEqual([]);
  });

  it('finds what matching each name would (a name then a * is matched without a regular expression)', () => {
    const names = ['python3', 'python3.11', 'python3-config', 'python', 'py', '.python3', 'python3\nx', 'Python3', 'perl5.36', 'perl'];
    const dir = (d: string) => (d === '/b' ? names : []);
    for (const pat of ['python3*', 'python*', 'p*', 'perl5*', 'python3.*', 'py?hon*', '*', '.p*', '[pP]ython3*', 'x*']) {
      const want = names.filter((n) => matchesPathGlob(`/b/${pat}`, `/b/${n}`)).map((n) => `/b/${n}`).sort();
      expect(expandPathGlob(`/b/${pat}`, dir)).toEqual(want);
    }
  });

  it('reads firejail\'s ${RUNUSER}/<uuid> pattern', () => {
    const x = '[[:xdigit:]]';
    const uuid = `${x.repeat(8)}-${x.repeat(4)}-${x.repeat(4)}-${x.repeat(4)}-${x.repeat(12)}`;
    expect(globRegExp(uuid).test('0f3a9c1e-12ab-4cde-9f00-1234567890ab')).toBe(true);
    expect(globRegExp(uuid).test('0f3a9c1e-12ab-4cde-9f00-1234567890')).toBe(false);
  });

  it('matches a path component by component', () => {
    expect(matchesPathGlob('/home/u/.*_history', '/home/u/.bash_history')).toBe(true);
    expect(matchesPathGlob('/usr/share/python3*', '/usr/share/python3')).toBe(true);
    expect(matchesPathGlob('/usr/*', '/usr/share/perl')).toBe(false);
    expect(matchesPathGlob('/home/u/*.kdbx', '/home/u/a.kdbx')).toBe(true);
    expect(matchesPathGlob('/home/u/*.kdbx', '/home/u/.a.kdbx')).toBe(false);
  });
});
