/** expandUserPath returns a path that is already plain as it is: the same
 * as its full expansion gives (src/fs/paths.ts). */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../../src/errors.js';
import { expandUserPath, PATH_MAX } from '../../../src/fs/paths.js';

/** The expansion without the shortcut. */
function full(raw: string, home: string, cwd: string | null): string {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new OptionError('control');
  let p = raw;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  p = p.replace(/\$\{HOME\}/g, home);
  if (!p.startsWith('/')) {
    if (cwd === null || p === '' || p.startsWith('~') || p.includes('${')) throw new OptionError('relative');
    p = resolve(cwd, p);
  }
  const parts = p.split('/').filter((c) => c !== '');
  if (parts.some((c) => c === '..' || c === '.')) throw new OptionError('dots');
  const out = `/${parts.join('/')}`;
  if (out.length >= PATH_MAX) throw new OptionError('long');
  return out;
}

function verdict(f: () => string): string {
  try {
    return f();
  } catch (e) {
    if (e instanceof OptionError) return 'error';
    throw e;
  }
}

describe('expandUserPath', () => {
  it('gives a plain path as it is, and every other as its full expansion does', () => {
    const values = ['/a', '/a/b', '/', '//a', '/a//b', '/a/', '/a/.', '/a/..', '/./a', '/../a', '/a/.b', '/a/..b', '/a/...', '/.a/b..',
      '/a b/c', '/ä/ö', '/a\nb', '/a\x7fb', '/a${HOME}', '/${HOME}/x', '${HOME}/x', '~', '~/x', '~x', 'x', '', '.', '/a/./b',
      `/${'x'.repeat(PATH_MAX - 2)}`, `/${'x'.repeat(PATH_MAX - 1)}`, `/${'x'.repeat(PATH_MAX)}`, '/a/b\\c', '/a;b#c'];
    for (const v of values) {
      for (const cwd of [null, '/w']) {
        expect(verdict(() => expandUserPath('--x', v, '/h', cwd)), JSON.stringify(v)).toBe(verdict(() => full(v, '/h', cwd)));
      }
    }
  });
});
