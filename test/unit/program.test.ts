import { describe, expect, it } from 'vitest';
import { findInPath, resolveProgram } from '../../src/program.js';

describe('resolveProgram', () => {
  it('finds a program in PATH and keeps argv[0] as typed', () => {
    expect(resolveProgram(['sh', '-c', 'x'], { PATH: '/nonexistent:/usr/bin:/bin' }, '/')).toEqual({
      program: '/usr/bin/sh',
      argv: ['sh', '-c', 'x'],
    });
  });

  it('resolves a relative path against the working directory', () => {
    expect(findInPath('./sh', '/nowhere', '/bin')).toBe('/bin/sh');
    expect(findInPath('../bin/sh', '', '/usr/lib')).toBe('/usr/bin/sh');
  });

  it('uses $SHELL, else /bin/sh, when no program is given', () => {
    expect(resolveProgram([], { SHELL: '/bin/bash', PATH: '/bin' }, '/').argv).toEqual(['/bin/bash']);
    expect(resolveProgram([], { PATH: '/bin' }, '/').program).toBe('/bin/sh');
  });

  it('refuses what cannot be executed', () => {
    expect(() => resolveProgram(['tjtest-nope'], { PATH: '/bin' }, '/')).toThrow("cannot find program 'tjtest-nope'");
    expect(() => resolveProgram(['/etc/passwd'], {}, '/')).toThrow(/cannot find program/);
    expect(() => resolveProgram(['/usr/bin'], {}, '/')).toThrow(/cannot find program/);
  });
});
