/** The INI reader decodes keys and values as ini's unsafe() does, taking a
 * shortcut for plain text (src/profile/ini-reader.ts). */
import { unsafe as iniUnsafe } from 'ini';
import { describe, expect, it } from 'vitest';
import { unsafe } from '../../../src/profile/ini-reader.js';

describe('unsafe', () => {
  it('is ini\'s unsafe()', () => {
    const values = ['', ' ', 'a', ' a b ', '${HOME}/.ssh', '/a;b', '/a #c', 'a\\;b', 'a\\#b', 'a\\', 'a\\\\b', '"x"', "'x'", '"x', 'x"',
      ' "a;b" ', "'a\\b'", '"\\u0041"', 'a=b', '\t/x\t', '\u00e9t\u00e9', 'a\\nb', ';', '#', '\\'];
    for (const v of values) expect(unsafe(v), JSON.stringify(v)).toBe(iniUnsafe(v));
  });
});
