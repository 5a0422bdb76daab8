/** tsjail's INI profiles. The ini package's decode() gives objects without
 * line numbers, so this reader walks the lines itself with the ini
 * package's grammar (its section / key = value pattern, ';' and '#'
 * comments) and lets ini's unsafe() decode every key and value (quotes,
 * escapes, inline comments) exactly as ini.decode() would. That keeps
 * file:line for every directive, and repeated keys (blacklist = a,
 * blacklist = b, or blacklist[] = ...) accumulate in order.
 *
 *   include = inc/disable-common.ini     (top level or any section)
 *   ignore = private-dev
 *   [filesystem]
 *   blacklist = ${HOME}/.ssh
 *   private-dev                         (a flag: bare, = true or = false)
 *   ?BROWSER_DISABLE_U2F: nou2f = true  (a conditional line, as in firejail)
 */
import { safe, unsafe as iniUnsafe } from 'ini';
import { ProfileError } from '../errors.js';
import { optionRow, SECTIONS, type Section, unknownDirective } from '../options-schema.js';
import { CONDITIONS, isCondition } from './conditions.js';
import type { ProfileLine } from './model.js';

const SECTION_RE = /^\[([^\]]*)\]\s*$/;
const KEY_RE = /^([^=]+)(=(.*))?$/;
const TERMINATOR = /[\r\u2028\u2029]/;
const MAX_LINE = 8192;

/** ini's unsafe(): without quotes, backslashes or comment characters it
 * only trims (and its character loop is most of reading a big profile). */
export function unsafe(v: string): string {
  return /["'\\;#]/.test(v) ? iniUnsafe(v) : v.trim();
}

function isSection(s: string): s is Section {
  return (SECTIONS as readonly string[]).includes(s);
}

export function parseIniProfile(file: string, text: string): ProfileLine[] {
  const out: ProfileLine[] = [];
  let section: Section | null = null;
  const lines = text.split('\n');
  let n = 0;
  const fail = (msg: string): never => {
    throw new ProfileError(file, n, msg);
  };
  for (let i = 0; i < lines.length; i++) {
    n = i + 1;
    let l = lines[i] as string;
    if (l.charCodeAt(l.length - 1) === 13) l = l.slice(0, -1); // \r
    if (l.length > MAX_LINE) fail(`line longer than ${MAX_LINE} characters`);
    // (trim and \s remove and match the same characters.)
    const t = l.trim();
    if (t === '' || t.charCodeAt(0) === 59 || t.charCodeAt(0) === 35) continue; // ; #
    if (l.includes('\0')) fail('a NUL byte');

    if (t.charCodeAt(0) === 91) { // [
      const sec = SECTION_RE.exec(t);
      if (sec !== null) {
        const name = unsafe(sec[1] ?? '').trim();
        if (!isSection(name)) fail(`unknown section [${name}] (known: ${SECTIONS.map((s) => `[${s}]`).join(' ')})`);
        section = name as Section;
        continue;
      }
    }

    // KEY_RE without a regular expression for a line without \r, \u2028
    // or \u2029 (which its '.' does not match): the key is what comes
    // before the first '=' (at least one character), the value the rest.
    const eq = l.indexOf('=');
    let rawKey: string;
    let rawValue: string | undefined;
    if (eq > 0 && !TERMINATOR.test(l)) {
      rawKey = l.slice(0, eq);
      rawValue = l.slice(eq + 1);
    } else {
      const m = KEY_RE.exec(l);
      if (m === null) return fail(`'${t}' is not key = value`);
      rawKey = m[1] ?? '';
      rawValue = m[2] !== undefined ? m[3] ?? '' : undefined;
    }
    let key = unsafe(rawKey).trim();
    const value: string | true = rawValue !== undefined ? unsafe(rawValue) : true;
    if (key === '') fail('a value without a key');

    let condition: string | null = null;
    const c = key.startsWith('?') ? /^\?([A-Za-z0-9_]+):\s*(.*)$/.exec(key) : null;
    if (c !== null) {
      const cond = c[1] as string;
      if (!isCondition(cond)) fail(`unknown condition ?${cond} (known: ${CONDITIONS.join(', ')})`);
      condition = cond;
      key = (c[2] as string).trim();
    }
    if (key.endsWith('[]')) key = key.slice(0, -2).trim();

    if (key === 'include') {
      if (condition !== null) fail('include cannot be conditional');
      if (typeof value !== 'string' || value === '') fail('include needs a file');
      out.push({ kind: 'include', line: n, target: value as string, condition });
      continue;
    }
    if (key === 'ignore') {
      if (typeof value !== 'string' || value === '') fail('ignore needs a directive');
      out.push({ kind: 'ignore', line: n, pattern: (value as string).replace(/\s+/g, ' '), condition, scope: 'profile' });
      continue;
    }

    const row = optionRow(key);
    if (row === undefined || row.section === null) fail(unknownDirective(key));
    if (section === null) fail(`'${key}' must be in a section: [${row?.section}]`);
    if (row?.section !== section) fail(`'${key}' belongs in [${row?.section}], not [${section}]`);
    switch (row?.kind) {
      case 'flag':
        if (value !== true && value !== 'true' && value !== 'false') fail(`'${key}' takes true or false, not '${value}'`);
        if (value === 'false' && row.always !== undefined) fail(`'${key}' cannot be turned off: ${row.always}`);
        out.push({ kind: 'directive', line: n, name: key, value: value !== 'false', condition });
        break;
      case 'value':
      case 'list':
        if (value === true || value === '') fail(`'${key}' needs a value`);
        out.push({ kind: 'directive', line: n, name: key, value: value as string, condition });
        break;
      case 'optional':
        out.push({
          kind: 'directive', line: n, name: key, condition,
          value: value === true || value === 'true' ? true : value === 'false' ? false : value,
        });
        break;
    }
  }
  return out;
}

/** A value as it must be written in an INI file to read back the same. */
export function iniValue(v: string): string {
  return safe(v);
}
