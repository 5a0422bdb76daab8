import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli.js';
import { OptionError, UsageError } from '../../src/errors.js';

function run(args: string[]) {
  const r = parseCommandLine(args);
  if (r.kind !== 'run') throw new Error('expected run');
  return r.options;
}

describe('parseCommandLine', () => {
  it('takes firejail-style --opt=value options, then the program', () => {
    const o = run(['--hostname=box', '--debug', 'ls', '-l', '--hostname=x']);
    expect(o.hostname).toBe('box');
    expect(o.debug).toBe(true);
    expect(o.command).toEqual(['ls', '-l', '--hostname=x']);
  });

  it('passes everything after -- unchanged', () => {
    expect(run(['--quiet', '--', '--help', '-x', '--', '']).command).toEqual(['--help', '-x', '--', '']);
  });

  it('has no program when none is given', () => {
    expect(run(['--noprofile']).command).toEqual([]);
  });

  it('collects repeated --env', () => {
    expect(run(['--env=A=1', '--env=B=2', 'true']).env).toEqual(['A=1', 'B=2']);
  });

  it('refuses unknown options and options without their value', () => {
    expect(() => parseCommandLine(['--bogus', 'true'])).toThrow(OptionError);
    expect(() => parseCommandLine(['--hostnme=x', 'true'])).toThrow('unknown option --hostnme (did you mean --hostname?)');
    expect(() => parseCommandLine(['--hostname'])).toThrow(/Not enough arguments/);
  });
});
