import { describe, expect, it } from 'vitest';
import { globRegExp, isGlob } from '../../../src/fs/glob.js';

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
