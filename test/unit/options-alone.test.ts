/** checkPathAlone (src/options.ts), the profile loader's quick check of a
 * path: the verdict normalizeOptions gives the same path alone, for every
 * field that is a list of paths, and no verdict for any other field. */
import { describe, expect, it } from 'vitest';
import { OptionError, UsageError } from '../../src/errors.js';
import { checkAlone, checkPathAlone, normalizeOptions } from '../../src/options.js';
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

describe('checkAlone', () => {
  // The profile loader checks a directive's value with checkAlone (src/profile/loader.ts checkValue).
  const verdict = (f: () => void): string | null => {
    try {
      f();
      return null;
    } catch (e) {
      if (e instanceof UsageError || e instanceof OptionError) return `${e.constructor.name}: ${e.message}`;
      throw e;
    }
  };
  const PROBES = ['', 'x', '1', '0', '-1', 'all', 'none', 'filter', 'true', 'false', 'unix,inet', 'unix,bogus', '@default',
    '@default,!chroot', 'chroot:EPERM', 'kill', 'log', 'EPERM', 'ENOSYS', 'cap_sys_admin', 'sys_admin,net_raw', 'bogus',
    'org.example.App', 'org.example.*', ':1.5', 'org', 'org.a.b=@/x', 'org.a.b=m@/', '10.0.0.2', '10.0.0.0/8', '255.255.255.0',
    'aa:bb:cc:dd:ee:ff', '1500', '99999999', 'eth0', 'lo', '/etc/hosts', '/nonexistent', '../x', 'cgroup,ipc', 'user',
    'tsjail-default', 'a,b,c', 'x'.repeat(300)];

  it('gives every value of every option the verdict normalizeOptions gives it alone', () => {
    let rows = 0;
    for (const row of OPTION_TABLE) {
      if (row.field === undefined) continue;
      rows++;
      const values: (string | boolean)[] = row.kind === 'flag' ? [true, false] : row.kind === 'optional' ? [true, ...PROBES] : PROBES;
      for (const v of values) {
        const raw = () => toRawOptions(new Map([[row.name, row.kind === 'list' ? [String(v)] : v]]));
        expect(verdict(() => checkAlone(raw())), `${row.name} ${JSON.stringify(v)}`).toBe(verdict(() => normalizeOptions(raw())));
      }
    }
    expect(rows).toBeGreaterThan(80);
  });
});
