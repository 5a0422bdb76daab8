/** A system .desktop file -> the user's copy that starts the program through
 * tsjail: every Exec whose program has a profile becomes
 *   Exec=<tsjail> -- <the program's absolute path> <the same arguments>
 * TryExec names that program (the entry hides when it is uninstalled), and
 * DBusActivatable=true is dropped, since D-Bus activation would start the
 * program without tsjail. Every other line stays as it was. */
import { basename } from 'node:path';
import {
  escapeString, getValue, joinExec, parseEntry, serializeEntry, splitExec, unescapeString, withValue, type EntryLine,
} from './entry.js';
import { realProgramFor } from './lookup.js';

const MAIN = 'Desktop Entry';

export interface RewriteContext {
  /** The tsjail command Exec lines start with (its absolute path). */
  readonly tsjail: string;
  /** Has program NAME a profile? */
  readonly hasProfile: (name: string) => boolean;
  readonly pathVar: string;
  readonly cwd: string;
}

export type RewriteResult =
  | { readonly kind: 'rewritten'; readonly content: string; readonly program: string }
  /** Not for tsjail (no profile, not an application): left alone silently. */
  | { readonly kind: 'ignored'; readonly why: string }
  /** For tsjail, but cannot be done: reported. */
  | { readonly kind: 'unusable'; readonly why: string };

/** The program an Exec value runs, when it has a profile and is installed. */
function execProgram(exec: string, ctx: RewriteContext): { words: string[]; program: string } | string | null {
  let words: string[];
  try {
    words = splitExec(unescapeString(exec));
  } catch (e) {
    return (e as Error).message;
  }
  const first = words[0];
  if (first === undefined || !ctx.hasProfile(basename(first))) return null;
  const program = realProgramFor(first, ctx.pathVar, ctx.cwd);
  if (program === null) return `'${first}' is not installed (not found in PATH)`;
  return { words, program };
}

export function rewriteEntry(text: string, source: string, ctx: RewriteContext): RewriteResult {
  const lines = parseEntry(text);
  if (!lines.some((l) => l.group === MAIN && l.key === null && l.text.startsWith('['))) {
    return { kind: 'ignored', why: 'no [Desktop Entry] group' };
  }
  if (getValue(lines, MAIN, 'Type') !== 'Application') return { kind: 'ignored', why: 'not an application' };
  if (getValue(lines, MAIN, 'Hidden') === 'true') return { kind: 'ignored', why: 'hidden' };
  const mainExec = lines.find((l) => l.group === MAIN && l.key === 'Exec');
  if (mainExec === undefined) {
    const dbus = getValue(lines, MAIN, 'DBusActivatable') === 'true';
    return { kind: 'ignored', why: dbus ? 'D-Bus activated only (no Exec)' : 'no Exec' };
  }
  const main = execProgram(mainExec.value ?? '', ctx);
  if (main === null) return { kind: 'ignored', why: 'no profile for its program' };
  if (typeof main === 'string') return { kind: 'unusable', why: main };

  const out: EntryLine[] = [];
  out.push({ text: `# Made by tsjail --setup-desktop from ${source}`, group: null, key: null, value: null });
  let hadTryExec = false;
  for (const l of lines) {
    if (l.key === 'Exec') {
      const p = l === mainExec ? main : execProgram(l.value ?? '', ctx);
      if (p !== null && typeof p !== 'string') {
        out.push(withValue(l, joinExec([ctx.tsjail, '--', p.program, ...p.words.slice(1)])));
        if (l === mainExec && !lines.some((x) => x.group === MAIN && x.key === 'TryExec')) {
          out.push({ text: `TryExec=${escapeString(main.program)}`, group: MAIN, key: 'TryExec', value: null });
        }
        continue;
      }
    } else if (l.group === MAIN && l.key === 'TryExec') {
      if (!hadTryExec) out.push(withValue(l, escapeString(main.program)));
      hadTryExec = true;
      continue;
    } else if (l.group === MAIN && l.key === 'DBusActivatable') {
      continue;
    }
    out.push(l);
  }
  return { kind: 'rewritten', content: serializeEntry(out), program: main.program };
}
