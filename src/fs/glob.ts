/** Glob patterns for one name of a directory, as glob(7) has them and
 * firejail reads them in private-bin: `*`, `?` and `[...]` (with `!` or
 * `^` for none of), a leading `.` matched only by a leading `.`. */

export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The character classes of a bracket expression (C locale), as
 * regular-expression members. */
const CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', blank: ' \\t', digit: '0-9', lower: 'a-z', upper: 'A-Z',
  xdigit: '0-9A-Fa-f', space: ' \\t\\n\\r\\f\\v', punct: '!-/:-@\\[-`{-~', cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~', graph: '!-~',
};

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
      // A class such as [:xdigit:] inside is a member too.
      let end = j;
      while (end < pattern.length && pattern[end] !== ']') {
        const cls = /^\[:([a-z]+):\]/.exec(pattern.slice(end));
        end += cls !== null && CLASSES[cls[1] as string] !== undefined ? cls[0].length : 1;
      }
      if (end >= pattern.length) {
        re += '\\[';
        continue;
      }
      const body = pattern.slice(i + 1, end);
      const none = body.startsWith('!') || body.startsWith('^');
      const members = (none ? body.slice(1) : body).split(/(\[:[a-z]+:\])/).map((part) => {
        const cls = /^\[:([a-z]+):\]$/.exec(part);
        const known = cls === null ? undefined : CLASSES[cls[1] as string];
        return known ?? part.replace(/[\\\]^[]/g, '\\$&');
      }).join('');
      re += `[${none ? '^' : ''}${members}]`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`^${pattern.startsWith('.') ? '' : '(?!\\.)'}${re}$`, 's');
}

/** An absolute path pattern, component by component (a `*` never spans a
 * `/`, as fnmatch(3) with FNM_PATHNAME): does path match it? */
export function matchesPathGlob(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return false;
  return want.every((w, i) => (isGlob(w) ? componentRegExp(w).test(have[i] as string) : w === have[i]));
}

/** globRegExp, made once per pattern (a profile's noblacklist patterns
 * are matched against each of its hundreds of blacklisted paths). */
const made = new Map<string, RegExp>();
function componentRegExp(pattern: string): RegExp {
  let re = made.get(pattern);
  if (re === undefined) made.set(pattern, (re = globRegExp(pattern)));
  return re;
}

/** The paths an absolute path pattern names, as glob(3) finds them: each
 * component with a pattern matched against the entries of the directories
 * found so far (list(dir): its names; none when it is not one), the others
 * appended as they are (whether they exist is the caller's to ask).
 * Sorted; no match: none. */
export function expandPathGlob(pattern: string, list: (dir: string) => readonly string[]): string[] {
  // Most patterns are a directory then a name with a pattern
  // (/usr/bin/python3*): that directory's names, matched.
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash);
  const last = pattern.slice(slash + 1);
  if (slash > 0 && !isGlob(dir) && isGlob(last)) return matching([dir], last, list).sort();
  let found = [''];
  for (const part of pattern.split('/').slice(1)) {
    found = isGlob(part) ? matching(found, part, list) : found.map((d) => `${d}/${part}`);
  }
  return found.sort();
}

/** dir/name for each name of the directories dirs ('' for /) that
 * matches part, a pattern. */
function matching(dirs: readonly string[], part: string, list: (dir: string) => readonly string[]): string[] {
  // Only the names that begin with the pattern's literal start are
  // tried: a directory of programs has a thousand, and a profile's
  // patterns (python3*, perl*) begin with a name. A name then a '*'
  // (most of them) matches every such name: no regular expression.
  const special = part.search(/[*?[]/);
  const start = special < 0 ? part : part.slice(0, special);
  const re = start !== '' && special === part.length - 1 && part.endsWith('*') ? null : componentRegExp(part);
  const out: string[] = [];
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i] as string;
    const names = candidates(list(d === '' ? '/' : d), start);
    for (let j = 0; j < names.length; j++) {
      const n = names[j] as string;
      if (n.startsWith(start) && (re === null || re.test(n))) out.push(`${d}/${n}`);
    }
  }
  return out;
}

/** A listing's names by their first character, made once per listing. */
const byFirst = new WeakMap<readonly string[], Map<string, string[]>>();

/** The names of a listing that may begin with start (all for ''). */
function candidates(names: readonly string[], start: string): readonly string[] {
  if (start === '') return names;
  return groupOf(names, start.charAt(0));
}

/** Whether a listing holds name: looked for among the names that begin as
 * it does (the same index as the patterns', not a set of its own). */
export function listingHas(names: readonly string[], name: string): boolean {
  return name !== '' && groupOf(names, name.charAt(0)).includes(name);
}

function groupOf(names: readonly string[], first: string): readonly string[] {
  let index = byFirst.get(names);
  if (index === undefined) {
    index = new Map();
    for (let i = 0; i < names.length; i++) {
      const n = names[i] as string;
      const c = n.charAt(0);
      const group = index.get(c);
      if (group === undefined) index.set(c, [n]);
      else group.push(n);
    }
    byFirst.set(names, index);
  }
  return index.get(first) ?? [];
}
