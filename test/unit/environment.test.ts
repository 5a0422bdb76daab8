import { describe, expect, it } from 'vitest';
import { buildEnvironment, DEFAULT_PATH, isLoaderVariable } from '../../src/environment.js';
import { normalizeOptions } from '../../src/options.js';

describe('buildEnvironment', () => {
  const host = {
    HOME: '/home/u', PATH: '/bin', LANG: 'C', LC_ALL: 'C', XDG_RUNTIME_DIR: '/run/user/1',
    LD_PRELOAD: '/evil.so', LD_LIBRARY_PATH: '/x', GCONV_PATH: '/x', AWS_SECRET_ACCESS_KEY: 's',
    BASH_ENV: '/x', GLIBC_TUNABLES: 'x',
  };

  it('keeps only allowlisted variables, sorted, and marks the container', () => {
    expect(buildEnvironment(host, normalizeOptions({}))).toEqual([
      'HOME=/home/u', 'LANG=C', 'LC_ALL=C', 'PATH=/bin', 'XDG_RUNTIME_DIR=/run/user/1', 'container=tsjail',
    ]);
  });

  it('supplies a PATH when the caller has none', () => {
    expect(buildEnvironment({}, normalizeOptions({}))).toContain(`PATH=${DEFAULT_PATH}`);
  });

  it('applies --rmenv then --env, but never a loader variable', () => {
    const env = buildEnvironment(host, normalizeOptions({ rmenv: ['LANG'], env: ['FOO=1', 'HOME=/h'] }));
    expect(env).toContain('FOO=1');
    expect(env).toContain('HOME=/h');
    expect(env.some((e) => e.startsWith('LANG='))).toBe(false);
    expect(() => buildEnvironment(host, normalizeOptions({ env: ['LD_AUDIT=x'] }))).toThrow(/LD_AUDIT/);
  });

  it('knows the loader variables', () => {
    for (const v of ['LD_PRELOAD', 'LD_AUDIT', 'GCONV_PATH', 'GLIBC_TUNABLES', 'NLSPATH']) {
      expect(isLoaderVariable(v), v).toBe(true);
    }
    expect(isLoaderVariable('TMPDIR')).toBe(false);
  });
});
