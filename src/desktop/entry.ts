/** .desktop files (freedesktop.org Desktop Entry Specification 1.5): just
 * enough to rewrite Exec, TryExec and DBusActivatable, keeping every other
 * line as it was. */

/** One line of the file, with its group and, for key=value lines, the key
 * and the value as written (string escapes still in). */
export interface EntryLine {
  readonly text: string;
  readonly group: string | null;
  readonly key: string | null;
  readonly value: string | null;
}

const GROUP = /^\[([^\[\]]+)\]\s*$/;
const KEY_VALUE = /^([A-Za-z0-9-]+(?:\[[^\]]+\])?)\s*=\s*(.*)$/;

export function parseEntry(text: string): EntryLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let group: string | null = null;
  return lines.map((raw) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const g = GROUP.exec(line);
    if (g) {
      group = g[1] ?? null;
      return { text: line, group, key: null, value: null };
    }
    const kv = line.startsWith('#') ? null : KEY_VALUE.exec(line);
    if (kv) return { text: line, group, key: kv[1] ?? null, value: kv[2] ?? '' };
    return { text: line, group, key: null, value: null };
  });
}

/** The value of key in group, string escapes decoded; null when absent. */
export function getValue(lines: readonly EntryLine[], group: string, key: string): string | null {
  const l = lines.find((x) => x.group === group && x.key === key);
  return l?.value == null ? null : unescapeString(l.value);
}

/** The spec's escapes for string values: \s \n \t \r \\. */
export function unescapeString(v: string): string {
  return v.replace(/\\([sntr\\])/g, (_m, c: string) =>
    c === 's' ? ' ' : c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : '\\');
}

export function escapeString(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}

/** An Exec value (string escapes already decoded) split into its words.
 * Quoted words ("...": \" \` \$ \\ escaped inside) lose their quotes; field
 * codes (%f %u ...) stay in the words as written. Lenient like GLib: single
 * quotes and a backslash outside quotes are accepted too. */
export function splitExec(exec: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < exec.length; i++) {
    const c = exec[i] as string;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < exec.length && exec[i] !== '"'; i++) {
        if (exec[i] === '\\' && i + 1 < exec.length) i++;
        cur += exec[i];
      }
      if (i >= exec.length) throw new Error('unterminated quote in Exec');
    } else if (c === "'") {
      inWord = true;
      const end = exec.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated quote in Exec');
      cur += exec.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && i + 1 < exec.length) {
      inWord = true;
      cur += exec[++i];
    } else {
      inWord = true;
      cur += c;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

const PLAIN = /^[A-Za-z0-9_%@+=:,./-]+$/;

/** One word for an Exec line: as is when it holds no reserved character,
 * else double-quoted with " ` $ \ escaped. */
export function quoteExecWord(word: string): string {
  if (PLAIN.test(word)) return word;
  return `"${word.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
}

/** Words -> an Exec value as written in the file (string escapes added). */
export function joinExec(words: readonly string[]): string {
  return escapeString(words.map(quoteExecWord).join(' '));
}

export function serializeEntry(lines: readonly EntryLine[]): string {
  return lines.map((l) => `${l.text}\n`).join('');
}

/** A key=value line in place of another (same group). */
export function withValue(line: EntryLine, value: string): EntryLine {
  return { text: `${line.key}=${value}`, group: line.group, key: line.key, value };
}
