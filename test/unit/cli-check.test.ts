import { describe, expect, it } from 'vitest';
import { checkCommandLine } from '../../src/cli-check.js';
import { parseCommandLine } from '../../src/cli.js';
import { OptionError } from '../../src/errors.js';

describe('checkCommandLine', () => {
  it.each([
    [['-private', 'true'], "'-private' is not an option: options start with two dashes"],
    [['--version=2'], '--version=2: --version takes no value'],
    [['--help=x'], '--help=x: --help takes no value'],
    [['--nonewprivs=x', 'true'], '--nonewprivs=x: --nonewprivs takes no value'],
    [['--memory-deny-write-execute=x', 'true'], '--memory-deny-write-execute=x: --memory-deny-write-execute takes no value'],
    [['--private-etc=', 'true'], '--private-etc: needs a value'],
    [['--ignore=', 'true'], '--ignore: needs a value'],
    [['--ignore', '', 'true'], '--ignore: needs a value'],
    [['--hostname= ', 'true'], '--hostname: needs a value'],
  ])('%j: %s', (args, message) => {
    expect(() => checkCommandLine(args)).toThrow(OptionError);
    expect(() => checkCommandLine(args)).toThrow(message);
    // and so the command line as a whole
    expect(() => parseCommandLine(args)).toThrow(message);
  });

  it('leaves alone what is fine, and everything from the program on', () => {
    for (const args of [
      ['--private', 'true'], ['--private=', 'true'], ['--seccomp', 'ls', '-private'], ['--profile', 'x', 'ls', '--version=2'],
      ['--', '-private'], ['ls', '--ignore='], ['-'], ['--debug', '--hostname=h', 'true', '-l'],
    ]) {
      expect(() => checkCommandLine(args), JSON.stringify(args)).not.toThrow();
    }
  });
});
