import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors.js';
import { normalizeOptions } from '../../src/options.js';

describe('normalizeOptions', () => {
  it('fills defaults and freezes the result', () => {
    const o = normalizeOptions({});
    expect(o).toMatchObject({ command: [], hostname: null, log: 'normal', printPlan: false, noProfile: false });
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.command)).toBe(true);
  });

  it('maps --debug and --quiet to a log level, and refuses both', () => {
    expect(normalizeOptions({ debug: true }).log).toBe('debug');
    expect(normalizeOptions({ quiet: true }).log).toBe('quiet');
    expect(() => normalizeOptions({ debug: true, quiet: true })).toThrow(OptionError);
  });

  it('checks hostnames', () => {
    expect(normalizeOptions({ hostname: 'box-1.lan' }).hostname).toBe('box-1.lan');
    for (const bad of ['', '-x', 'a b', 'a/b', 'x'.repeat(65), 'é']) {
      expect(() => normalizeOptions({ hostname: bad }), bad).toThrow(/--hostname/);
    }
  });

  it('takes --name as firejail does (spaces too), one line of at most 64 characters', () => {
    expect(normalizeOptions({}).name).toBeNull();
    expect(normalizeOptions({ name: 'my game' }).name).toBe('my game');
    expect(normalizeOptions({ name: 'é'.repeat(64) }).name).toHaveLength(64);
    for (const [bad, msg] of [[' ', /needs a name/], ['a\nb', /control character/], ['x'.repeat(65), /longer than 64/]] as const) {
      expect(() => normalizeOptions({ name: bad }), bad).toThrow(msg);
    }
  });

  it('parses --env and --rmenv', () => {
    const o = normalizeOptions({ env: ['A=1', 'B=x=y', 'C='], rmenv: ['D'] });
    expect([...o.setEnv]).toEqual([['A', '1'], ['B', 'x=y'], ['C', '']]);
    expect(o.removeEnv).toEqual(['D']);
    expect(() => normalizeOptions({ env: ['NOEQUALS'] })).toThrow(/--env: 'NOEQUALS' is not NAME=VALUE/);
    expect(() => normalizeOptions({ env: ['1A=2'] })).toThrow(/--env/);
    expect(() => normalizeOptions({ rmenv: ['A B'] })).toThrow(/--rmenv/);
  });
});

describe('normalizeOptions: filesystem lists', () => {
  it('refuses a --private-etc that names no entry', () => {
    expect(() => normalizeOptions({ privateEtc: [','] })).toThrow('--private-etc: needs a list of entries of /etc');
    expect(normalizeOptions({ privateEtc: ['hosts,passwd'] }).filesystem.privateEtc).toEqual(['hosts', 'passwd']);
  });
});
