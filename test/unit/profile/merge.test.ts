import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../../src/options.js';
import type { OptionValue } from '../../../src/options-schema.js';
import { applyProfile } from '../../../src/profile/index.js';
import { mergeValues, profileValues } from '../../../src/profile/merge.js';
import type { Directive, LoadedProfile } from '../../../src/profile/model.js';

function d(name: string, value: string | boolean): Directive {
  return { name, value, raw: value, file: '/p.ini', line: 1, format: 'ini', condition: null };
}

function profile(...ds: Directive[]): LoadedProfile {
  return { file: '/p.ini', directives: ds, ignored: [], skipped: [], sources: [], conditionalIgnores: [] };
}

const cli = (o: Record<string, OptionValue>) => new Map(Object.entries(o));

describe('profile and command line', () => {
  it('applies directives in order: last value wins, lists accumulate, false turns a flag off', () => {
    const v = profileValues([d('hostname', 'a'), d('blacklist', '/x'), d('hostname', 'b'), d('blacklist', '/y'), d('private-dev', true), d('private-dev', false)]);
    expect(Object.fromEntries(v)).toEqual({ hostname: 'b', blacklist: ['/x', '/y'], 'private-dev': false });
  });

  it('lets the command line win', () => {
    const p = profile(d('hostname', 'fromprofile'), d('env', 'A=profile'), d('env', 'B=profile'), d('rmenv', 'C'), d('quiet', true));
    const o = normalizeOptions(applyProfile(p, cli({ hostname: 'fromcli', env: ['A=cli'], rmenv: ['B'], debug: true }), ['true']));
    expect(o.hostname).toBe('fromcli');
    // A: the command line's value; B: removed on the command line, so the profile does not set it.
    expect([...o.setEnv]).toEqual([['A', 'cli']]);
    expect(o.removeEnv).toEqual(['C', 'B']);
    // The profile's quiet gives way to --debug instead of clashing with it.
    expect(o.log).toBe('debug');
    expect(o.command).toEqual(['true']);
  });

  it('takes the profile where the command line says nothing', () => {
    const o = normalizeOptions(applyProfile(profile(d('hostname', 'p'), d('quiet', true)), cli({}), []));
    expect(o).toMatchObject({ hostname: 'p', log: 'quiet' });
  });

  it('keeps values of directives not enforced yet for the concerns that will use them', () => {
    const v = mergeValues(profile(d('net', 'none'), d('blacklist', '/a')), cli({ hostname: 'h' }));
    expect(Object.fromEntries(v)).toEqual({ net: 'none', blacklist: ['/a'], hostname: 'h' });
  });

  it('without a profile, is the command line', () => {
    expect(Object.fromEntries(mergeValues(null, cli({ env: ['A=1'] })))).toEqual({ env: ['A=1'] });
  });
});
