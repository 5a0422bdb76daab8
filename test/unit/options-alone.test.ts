/** checkPathAlone (src/options.ts), the profile loader's quick check of a
 * path: the verdict normalizeOptions gives the same path alone, for every
 * field that is a list of paths, and no verdict for any other field. */
import { describe, expect, it } from 'vitest';
import { OptionError, UsageError } from '../../src/errors.js';
import { checkPathAlone, normalizeOptions } from '../../src/options.js';
import { OPTION_TABLE, toRawOptions } from '../../src/options-schema.js';

function slow(name: string, value: string): string | null {
  try {
    normalizeOptions(toRawOptions(new Map([[name, [value]]])));
    return null;
  } catch (e) {
    if (e instanceof UsageError || e instanceof OptionError) return e.message;
    throw e;
  }
}

const VALUES = ['/a', '/', '/a/b/', '//a//b', '~', '~/x', '~user/x', '${HOME}/x', '${HOME}', '${FOO}/x', 'rel/x', '', '.',
  '/a/../b', '/a/./b', '/a/..', '/a\nb', '/a\tb', '/a\x7f', `/${'x'.repeat(5000)}`, '/a b/c', '/ä/ö'];

describe('checkPathAlone', () => {
  it('gives, for each list-of-paths field, the verdict of normalizeOptions on that path alone', () => {
    let fields = 0;
    for (const row of OPTION_TABLE) {
      if (row.kind !== 'list' || row.field === undefined) continue;
      const quick = checkPathAlone(row.field, '/a');
      if (quick === undefined) continue;
      fields++;
      for (const v of VALUES) expect(checkPathAlone(row.field, v), `${row.name} ${JSON.stringify(v)}`).toBe(slow(row.name, v));
    }
    expect(fields).toBe(11);
  });

  it('has no verdict for other fields', () => {
    for (const f of ['bind', 'privateEtc', 'dns', 'env', 'rmenv', 'protocol', 'cgroup', 'private', 'chroot', 'toString', '__proto__']) {
      expect(checkPathAlone(f, '/a'), f).toBeUndefined();
    }
  });
});

describe('a flag alone', () => {
  // The profile loader takes a flag turned on as valid without asking
  // normalizeOptions (src/profile/loader.ts checkValue).
  it('is refused by normalizeOptions for no flag of the table', () => {
    let flags = 0;
    for (const row of OPTION_TABLE) {
      if (row.kind !== 'flag' || row.field === undefined) continue;
      flags++;
      expect(() => normalizeOptions(toRawOptions(new Map([[row.name, true]]))), row.name).not.toThrow();
    }
    expect(flags).toBeGreaterThan(20);
  });
});
