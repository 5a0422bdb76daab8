/** Paths the user names on the command line or in a profile: ~ and ${HOME}
 * expanded; a relative path resolved against the working directory, as
 * firejail does; then absolute, with no '.' or '..' components. Symlinks are
 * resolved here, as the user; the helper then refuses any symlink it meets,
 * so a link swapped in after this point makes the sandbox fail, never
 * misdirects it. */
import { resolve } from 'node:path';
import { OptionError } from '../errors.js';

/** Linux's PATH_MAX, with its NUL. (A name may be longer than NAME_MAX:
 * profiles carry glob patterns, whose names the kernel never sees.) */
export const PATH_MAX = 4096;

/** A path as an error message may show it: one line, not too long. */
export function shownPath(p: string): string {
  const short = p.length > 60 ? `${p.slice(0, 60)}...` : p;
  return /[\x00-\x1f\x7f]/.test(short) ? JSON.stringify(short).slice(1, -1) : short;
}

/** An absolute path already as expandUserPath gives it: no empty, '.' or
 * '..' component, no control character (nor ${HOME}, tested apart). */
const PLAIN = /^(?:\/(?!\.{1,2}(?:\/|$))[^/\x00-\x1f\x7f]+)+$/;

/** cwd: the directory a relative path is taken from; null: a relative path
 * is refused. */
export function expandUserPath(option: string, raw: string, home: string, cwd: string | null = null): string {
  // Most paths (a profile has hundreds) are already plain: as they are.
  if (raw.length < PATH_MAX && PLAIN.test(raw) && !raw.includes('${HOME}')) return raw;
  if (/[\x00-\x1f\x7f]/.test(raw)) {
    throw new OptionError(`${option}: '${shownPath(raw)}' has a control character (a newline, tab, NUL, ...)`);
  }
  let p = raw;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  p = p.replace(/\$\{HOME\}/g, home);
  if (!p.startsWith('/')) {
    if (cwd === null || p === '' || p.startsWith('~') || p.includes('${')) {
      throw new OptionError(`${option}: '${shownPath(raw)}' is not an absolute path (or ~/...)`);
    }
    p = resolve(cwd, p);
  }
  const parts = p.split('/').filter((c) => c !== '');
  if (parts.some((c) => c === '..' || c === '.')) {
    throw new OptionError(`${option}: '${shownPath(raw)}' has a '.' or '..' component`);
  }
  const out = `/${parts.join('/')}`;
  if (out.length >= PATH_MAX) {
    throw new OptionError(`${option}: '${shownPath(raw)}' is ${out.length} characters long, more than ${PATH_MAX - 1}`);
  }
  return out;
}

/** True when path is base or below it. */
export function within(path: string, base: string): boolean {
  return path === base || path.startsWith(base === '/' ? '/' : `${base}/`);
}

/** path relative to base (which it must be below). */
export function relativeTo(path: string, base: string): string {
  return base === '/' ? path.slice(1) : path.slice(base.length + 1);
}
