import { describe, expect, it } from 'vitest';
import { OptionError } from '../../../src/errors.js';
import { expandUserPath, shownPath } from '../../../src/fs/paths.js';

const home = '/home/u';

describe('expandUserPath', () => {
  it('expands ~ and ${HOME}, and keeps a clean absolute path', () => {
    expect(expandUserPath('--x', '~/a', home)).toBe('/home/u/a');
    expect(expandUserPath('--x', '${HOME}/b//c/', home)).toBe('/home/u/b/c');
    expect(expandUserPath('--x', '/etc', home, '/srv')).toBe('/etc');
  });

  it('resolves a relative path against cwd, as firejail does, and refuses one without a cwd', () => {
    expect(expandUserPath('--bind', 'dir1', home, '/srv/w')).toBe('/srv/w/dir1');
    expect(expandUserPath('--read-only', '../x', home, '/srv/w')).toBe('/srv/x');
    expect(expandUserPath('--private', './testdir/', home, '/srv/w')).toBe('/srv/w/testdir');
    expect(() => expandUserPath('--read-only', 'x', home)).toThrow("--read-only: 'x' is not an absolute path (or ~/...)");
    expect(() => expandUserPath('--read-only', '~user/x', home, '/srv')).toThrow(/is not an absolute path/);
  });

  it('refuses . and .. in an absolute path', () => {
    expect(() => expandUserPath('--blacklist', '/a/../etc', home, '/srv')).toThrow("--blacklist: '/a/../etc' has a '.' or '..' component");
  });

  it('refuses control characters, saying so on one line', () => {
    const e = (() => {
      try {
        expandUserPath('--whitelist', '/tmp/a\nb', home);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(OptionError);
    expect((e as Error).message).toBe("--whitelist: '/tmp/a\\nb' has a control character (a newline, tab, NUL, ...)");
    expect(() => expandUserPath('--x', '/a\0b', home)).toThrow(/control character/);
  });

  it('refuses a path longer than PATH_MAX, without printing it all', () => {
    const long = `/tmp/${'a/'.repeat(2500)}`;
    expect(() => expandUserPath('--read-only', long, home)).toThrow(/^--read-only: '\/tmp\/a\/a.{50,}\.\.\.' is 5004 characters long, more than 4095$/);
    expect(expandUserPath('--read-only', `/tmp/${'b'.repeat(4090)}`, home)).toHaveLength(4095);
    expect(() => expandUserPath('--read-only', `/tmp/${'b'.repeat(4091)}`, home)).toThrow(/is 4096 characters long/);
  });

  it('shows a path on one line, cut short', () => {
    expect(shownPath('/a\tb')).toBe('/a\\tb');
    expect(shownPath('x'.repeat(100))).toBe(`${'x'.repeat(60)}...`);
  });
});
