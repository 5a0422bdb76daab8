/** --build's reading of a trace: what strace wrote (`strace -f -qq -y -e
 * signal=none -o FILE`, every system call) turned into what the program
 * used: the files it reached, those it changed, the programs it ran, the
 * socket families it asked for, the unix sockets it connected to and the
 * system calls it made. Pure: a trace's text in, observations out. */
import { posix } from 'node:path';

export interface Observations {
  /** Absolute paths reached (a call that succeeded): as named, and as the
   * kernel resolved them when strace shows it (-y). */
  readonly files: ReadonlySet<string>;
  /** Of those, the ones created, written, renamed or removed. */
  readonly written: ReadonlySet<string>;
  /** Programs executed (an execve that succeeded), in order, once each. */
  readonly execs: readonly string[];
  /** Address families of socket() and socketpair(), as AF_ names. */
  readonly families: ReadonlySet<string>;
  /** Unix sockets connected to, by path (not abstract ones). */
  readonly connects: ReadonlySet<string>;
  /** Every system call made. */
  readonly syscalls: ReadonlySet<string>;
}

/** Which arguments of a call are paths: [dirfd argument or null, path
 * argument]. */
type PathArgs = readonly (readonly [number | null, number])[];

const ONE: PathArgs = [[null, 0]];
const AT: PathArgs = [[0, 1]];
const PATH_CALLS: Readonly<Record<string, PathArgs>> = {
  open: ONE, creat: ONE, stat: ONE, lstat: ONE, stat64: ONE, lstat64: ONE, access: ONE, readlink: ONE, chdir: ONE,
  mkdir: ONE, rmdir: ONE, unlink: ONE, truncate: ONE, chmod: ONE, chown: ONE, lchown: ONE, utime: ONE, utimes: ONE,
  statfs: ONE, execve: ONE, getxattr: ONE, lgetxattr: ONE, setxattr: ONE, lsetxattr: ONE, listxattr: ONE,
  llistxattr: ONE, removexattr: ONE, lremovexattr: ONE, mknod: ONE, uselib: ONE,
  rename: [[null, 0], [null, 1]], link: [[null, 0], [null, 1]], symlink: [[null, 1]],
  openat: AT, openat2: AT, newfstatat: AT, fstatat64: AT, statx: AT, faccessat: AT, faccessat2: AT, readlinkat: AT,
  mkdirat: AT, unlinkat: AT, fchmodat: AT, fchownat: AT, utimensat: AT, futimesat: AT, mknodat: AT, execveat: AT,
  name_to_handle_at: AT, inotify_add_watch: [[null, 1]],
  renameat: [[0, 1], [2, 3]], renameat2: [[0, 1], [2, 3]], linkat: [[0, 1], [2, 3]], symlinkat: [[1, 2]],
};

/** Calls that change what their paths name (every path argument of theirs,
 * but a link's or symlink's target). */
const CHANGING = new Set([
  'creat', 'mkdir', 'mkdirat', 'rmdir', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2', 'truncate', 'chmod',
  'fchmodat', 'chown', 'lchown', 'fchownat', 'utime', 'utimes', 'utimensat', 'futimesat', 'mknod', 'mknodat',
  'setxattr', 'lsetxattr', 'removexattr', 'lremovexattr',
]);
const LINKING: Readonly<Record<string, number>> = { link: 1, linkat: 3, symlink: 1, symlinkat: 2 };
const FORKS = new Set(['clone', 'clone3', 'fork', 'vfork']);

interface Call {
  readonly pid: number;
  readonly name: string;
  readonly args: readonly string[];
  readonly ret: string;
}

/** The text of a string strace printed with C escapes (\n, \", \\,
 * \ooo, \xhh), or null when it has an escape strace does not write. */
function unescape(body: string): string | null {
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i];
    if (n !== undefined && n in simple) bytes.push(simple[n] as number);
    else if (n === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n !== undefined && /[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
      bytes.push(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else return null;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A C string as strace prints it ("..." with escapes); null when it is
 * not one, or was cut short ("..."...). */
export function cString(token: string): string | null {
  const t = token.trim();
  if (!t.startsWith('"') || !t.endsWith('"') || t.length < 2) return null;
  const body = t.slice(1, -1);
  // An unescaped quote inside: "a"..."b", not one string.
  if (/(^|[^\\])(\\\\)*"/.test(body)) return null;
  return unescape(body);
}

/** The arguments at depth 0: commas inside strings, [], {}, () and the <>
 * of -y's annotations do not split. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      cur += s.slice(i, j + 1);
      i = j;
      continue;
    }
    // -y: "3</path>", "AT_FDCWD</path>": the path runs to its '>'.
    if (c === '<' && /[0-9D]$/.test(cur)) {
      const j = s.indexOf('>', i);
      const end = j < 0 ? s.length : j;
      cur += s.slice(i, end + 1);
      i = end;
      continue;
    }
    if ('[{('.includes(c)) depth++;
    if (']})'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** The end of the argument list: the ')' at depth 0. */
function closeParen(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0 && c === ')') return i;
      depth--;
    }
  }
  return -1;
}

/** The calls of a trace, each whole (an "<unfinished ...>" joined with its
 * "<... resumed>"). */
export function traceCalls(text: string): Call[] {
  const pending = new Map<number, string>();
  const out: Call[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const pid = Number(m[1]);
    let rest = m[2] as string;
    if (rest.startsWith('+++') || rest.startsWith('---')) continue;
    const resumed = /^<\.\.\. [a-z0-9_]+ resumed>(.*)$/.exec(rest);
    if (resumed !== null) {
      rest = (pending.get(pid) ?? '') + (resumed[1] as string);
      pending.delete(pid);
    }
    if (rest.endsWith('<unfinished ...>')) {
      pending.set(pid, rest.slice(0, -'<unfinished ...>'.length).trimEnd());
      continue;
    }
    const name = /^([a-z0-9_]+)\(/.exec(rest);
    if (name === null) continue;
    const open = (name[1] as string).length;
    const close = closeParen(rest, open + 1);
    if (close < 0) continue;
    const ret = /^\s*=\s*(.*)$/.exec(rest.slice(close + 1));
    out.push({ pid, name: name[1] as string, args: splitArgs(rest.slice(open + 1, close)), ret: ret?.[1]?.trim() ?? '?' });
  }
  return out;
}

/** "AT_FDCWD</dir>" or "3</dir>": the path -y showed (escaped as
 * strings are, '>' as \76), else null. */
function annotation(token: string): string | null {
  const m = /^(?:AT_FDCWD|\d+)<(.*)>$/.exec(token.trim());
  return m === null ? null : unescape(m[1] as string);
}

function ok(ret: string): boolean {
  return ret !== '?' && !ret.startsWith('-1');
}

/** The observations of a trace; cwd: the program's first working
 * directory. */
export function observe(text: string, cwd: string): Observations {
  const files = new Set<string>();
  const written = new Set<string>();
  const execs: string[] = [];
  const families = new Set<string>();
  const connects = new Set<string>();
  const syscalls = new Set<string>();
  const cwds = new Map<number, string>();
  const cwdOf = (pid: number): string => cwds.get(pid) ?? cwd;

  for (const c of traceCalls(text)) {
    syscalls.add(c.name);
    for (const a of c.args) if (/^AT_FDCWD</.test(a)) cwds.set(c.pid, annotation(a) ?? cwdOf(c.pid));
    if (FORKS.has(c.name) && /^\d+$/.test(c.ret)) cwds.set(Number(c.ret), cwdOf(c.pid));
    if (c.name === 'socket' || c.name === 'socketpair') {
      const f = c.args[0]?.trim();
      if (f !== undefined && /^AF_[A-Z0-9]+$/.test(f)) families.add(f === 'AF_LOCAL' ? 'AF_UNIX' : f);
    }
    if (c.name === 'connect' && ok(c.ret)) {
      const m = /sun_path="((?:[^"\\]|\\.)*)"/.exec(c.args[1] ?? '');
      const p = m === null ? null : cString(`"${m[1] as string}"`);
      if (p !== null && p.startsWith('/')) connects.add(posix.normalize(p));
    }
    if (!ok(c.ret)) continue;
    if (c.name === 'fchdir') {
      const d = annotation(c.args[0] ?? '');
      if (d !== null) cwds.set(c.pid, d);
    }
    const got = annotation(c.ret);
    if (got !== null && got.startsWith('/')) files.add(got);
    const pathArgs = PATH_CALLS[c.name];
    if (pathArgs === undefined) continue;
    const writes = CHANGING.has(c.name) || (c.name.startsWith('open') || c.name === 'creat') && /O_(WRONLY|RDWR|CREAT|TRUNC)/.test(c.args.join(','));
    for (const [dirArg, pathArg] of pathArgs) {
      const raw = cString(c.args[pathArg] ?? '');
      if (raw === null) continue;
      const dirToken = dirArg === null ? null : (c.args[dirArg] ?? '');
      let p: string;
      if (raw === '') {
        // AT_EMPTY_PATH: the descriptor's own file; not the standard
        // ones the program was given (the terminal, a redirection).
        if (dirToken === null || /^[012]</.test(dirToken.trim())) continue;
        const d = annotation(dirToken);
        if (d === null || !d.startsWith('/')) continue;
        p = d;
      } else if (raw.startsWith('/')) {
        p = posix.normalize(raw);
      } else {
        const base = dirToken === null ? cwdOf(c.pid) : annotation(dirToken) ?? cwdOf(c.pid);
        if (!base.startsWith('/')) continue;
        p = posix.resolve(base, raw);
      }
      files.add(p);
      if (writes || LINKING[c.name] === pathArg) written.add(p);
      if (c.name === 'chdir') cwds.set(c.pid, p);
      if ((c.name === 'execve' || c.name === 'execveat') && !execs.includes(p)) execs.push(p);
    }
  }
  return { files, written, execs, families, connects, syscalls };
}
