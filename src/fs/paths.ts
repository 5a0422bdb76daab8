/** Paths the user names on the command line or in a profile: ~ and ${HOME}
 * expanded, absolute, no '.' or '..' components. Symlinks are resolved here,
 * as the user; the helper then refuses any symlink it meets, so a link
 * swapped in after this point makes the sandbox fail, never misdirects it. */
import { OptionError } from '../errors.js';

export function expandUserPath(option: string, raw: string, home: string): string {
  let p = raw;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  p = p.replace(/\$\{HOME\}/g, home);
  if (!p.startsWith('/')) {
    throw new OptionError(`${option}: '${raw}' is not an absolute path (or ~/...)`);
  }
  const parts = p.split('/').filter((c) => c !== '');
  if (parts.some((c) => c === '..' || c === '.')) {
    throw new OptionError(`${option}: '${raw}' has a '.' or '..' component`);
  }
  if (p.includes('\0')) throw new OptionError(`${option}: '${raw}' has a NUL byte`);
  return `/${parts.join('/')}`;
}

/** True when path is base or below it. */
export function within(path: string, base: string): boolean {
  return path === base || path.startsWith(base === '/' ? '/' : `${base}/`);
}

/** path relative to base (which it must be below). */
export function relativeTo(path: string, base: string): string {
  return base === '/' ? path.slice(1) : path.slice(base.length + 1);
}
