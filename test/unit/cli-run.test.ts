import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli.js';
import { parseRunLine } from '../../src/cli-run.js';
import { commandLineRows } from '../../src/options-schema.js';

/** Whatever the run path's own parser accepts, it reads as yargs does. */
function same(args: readonly string[]): boolean {
  const fast = parseRunLine(args);
  if (fast === null) return false;
  const full = parseCommandLine(args);
  expect(full.kind).toBe('run');
  if (full.kind !== 'run') return true;
  expect([...fast.values]).toEqual([...full.values]);
  expect(fast.command).toEqual(full.command);
  expect(fast.options).toEqual(full.options);
  return true;
}

describe('the run path\'s command line', () => {
  it('reads the common lines as yargs does', () => {
    const lines = [
      [], ['true'], ['--', 'true'], ['--noprofile', '--', 'ls', '-l'], ['--quiet', 'echo', '--', 'x', '--y'],
      ['--profile=firefox', 'firefox', '--new-window', 'a b'], ['--seccomp', 'ls'], ['--seccomp=', 'ls'],
      ['--seccomp=chmod,!kill', '--seccomp', 'x'], ['--private', 'x'], ['--private=/tmp/d', 'x'],
      ['--env=A=1', '--env=B==2', '--rmenv=LANG', 'env'], ['--hostname=a', '--hostname=b', 'x'],
      ['--blacklist=/a', '--blacklist=/b', '--whitelist=~/x', '--', '--weird-program'],
      ['--net=none', '--dns=1.1.1.1', '--dns=8.8.8.8', 'x'], ['--nice=-5', '--timeout=01:00:00', 'x'],
      ['--debug'], ['--noprofile', '--print-plan', '--', ''], ['x', ''], ['--caps.drop=all', 'x'],
      ['--quiet', 'true'], ['--noprofile', 'false', 'x'],
    ];
    for (const l of lines) expect(same(l), JSON.stringify(l)).toBe(true);
  });

  it('takes a program named true or false as the program, not as a flag\'s value', () => {
    for (const parse of [parseRunLine, parseCommandLine]) {
      const r = parse(['--quiet', 'true']);
      expect(r?.kind === 'run' && r.command).toEqual(['true']);
    }
  });

  it('reads every option of the table as yargs does', () => {
    for (const row of commandLineRows()) {
      const forms = row.kind === 'flag' ? [`--${row.name}`] : row.kind === 'optional' ? [`--${row.name}`, `--${row.name}=v`] : [`--${row.name}=v`];
      for (const f of forms) {
        const fast = parseRunLine([f, 'true']);
        if (fast !== null) same([f, 'true']);
      }
    }
  });

  it('leaves to yargs what it does not read itself', () => {
    for (const l of [['--help'], ['--version'], ['--no-such'], ['-x'], ['--hostname', 'a', 'x'], ['--hostname=', 'x'],
      ['--quiet', '--quiet', 'x'], ['--quiet=yes', 'x'], ['', 'x'], ['-', 'x'], ['--setup-desktop'], ['--overlay-list'],
      ['--bin-dir=/x', 'true']]) {
      expect(parseRunLine(l), JSON.stringify(l)).toBeNull();
    }
  });
});
