/** Glob patterns for one name of a directory, as glob(7) has them and
 * firejail reads them in private-bin: `*`, `?` and `[...]` (with `!` or
 * `^` for none of), a leading `.` matched only by a leading `.`. */

export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      // A ']' right after '[' (or '[!') is a member, not the end.
      let j = i + 1;
      if (pattern[j] === '!' || pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      const end = pattern.indexOf(']', j);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      const body = pattern.slice(i + 1, end);
      const none = body.startsWith('!') || body.startsWith('^');
      const members = (none ? body.slice(1) : body).replace(/[\\\]^[]/g, '\\$&');
      re += `[${none ? '^' : ''}${members}]`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`^${pattern.startsWith('.') ? '' : '(?!\\.)'}${re}$`, 's');
}
