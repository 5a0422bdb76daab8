/** firejail's .profile/.inc/.local language: one directive a line,
 * "name [value]"; '#' starts a comment; "include FILE"; "ignore DIRECTIVE";
 * "?CONDITION: line". Syntax only: includes, macros and conditions are the
 * loader's. Directive names map onto the options table. */
import { ProfileError } from '../errors.js';
import { FIREJAIL_ALIASES, optionRow, unknownDirective } from '../options-schema.js';
import { CONDITIONS, isCondition } from './conditions.js';
import type { ProfileLine } from './model.js';

const MAX_LINE = 8192;

export function parseFirejailProfile(file: string, text: string): ProfileLine[] {
  const out: ProfileLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const fail = (msg: string): never => {
      throw new ProfileError(file, n, msg);
    };
    let l = lines[i] ?? '';
    if (l.length > MAX_LINE) fail(`line longer than ${MAX_LINE} characters`);
    const hash = l.indexOf('#');
    if (hash >= 0) l = l.slice(0, hash);
    l = l.replace(/\r$/, '').trim();
    if (l === '') continue;
    if (l.includes('\0')) fail('a NUL byte');

    let condition: string | null = null;
    if (l.startsWith('?')) {
      const m = /^\?([A-Za-z0-9_]+):\s*(.*)$/.exec(l);
      if (m === null) fail(`'${l}': a conditional line is ?CONDITION: directive`);
      const name = (m as RegExpExecArray)[1] as string;
      if (!isCondition(name)) fail(`unknown condition ?${name} (known: ${CONDITIONS.join(', ')})`);
      condition = name;
      l = ((m as RegExpExecArray)[2] as string).trim();
      if (l === '') fail(`?${name}: nothing after the condition`);
    }

    const sp = /\s/.exec(l);
    const name = sp === null ? l : l.slice(0, sp.index);
    const value = sp === null ? null : l.slice(sp.index).trim();

    if (name === 'include') {
      if (condition !== null) fail('include cannot be conditional');
      if (value === null || value === '') fail('include needs a file');
      out.push({ kind: 'include', line: n, target: value as string, condition });
      continue;
    }
    if (name === 'ignore') {
      if (value === null || value === '') fail('ignore needs a directive');
      out.push({ kind: 'ignore', line: n, pattern: (value as string).replace(/\s+/g, ' '), condition, scope: 'following' });
      continue;
    }

    const alias = FIREJAIL_ALIASES.get(name);
    if (alias !== undefined) {
      if (value !== null) fail(`'${name}' takes no value`);
      for (const [to, v] of alias) out.push({ kind: 'directive', line: n, name: to, value: v, condition, spelled: name });
      continue;
    }

    const row = optionRow(name);
    if (row === undefined || row.section === null) fail(unknownDirective(name));
    switch (row?.kind) {
      case 'flag':
        if (value !== null) fail(`'${name}' takes no value`);
        out.push({ kind: 'directive', line: n, name, value: true, condition });
        break;
      case 'value':
      case 'list':
        if (value === null) fail(`'${name}' needs a value`);
        out.push({ kind: 'directive', line: n, name, value: value as string, condition });
        break;
      case 'optional':
        out.push({ kind: 'directive', line: n, name, value: value ?? true, condition });
        break;
    }
  }
  return out;
}
