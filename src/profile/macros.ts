/** Profile macros: ${HOME} ${RUNUSER} ${PATH} ${DOWNLOADS} ${DOCUMENTS}
 * ${MUSIC} ${PICTURES} ${VIDEOS} ${DESKTOP} (and ${CFG} in firejail files),
 * and a leading ~. The XDG directories come from
 * ${XDG_CONFIG_HOME:-~/.config}/user-dirs.dirs, read only when a profile
 * uses one of them. */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { noteStat } from '../cache/deps.js';

/** Directories ${PATH} stands for: the same fixed list whatever $PATH says,
 * so a profile means the same thing for everyone (firejail does this too). */
export const PATH_DIRS: readonly string[] = [
  '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin',
  '/usr/local/games', '/usr/games',
];

/** Macro name -> the user-dirs.dirs variable and its default under $HOME. */
export const XDG_MACROS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['DESKTOP', ['XDG_DESKTOP_DIR', 'Desktop']],
  ['DOCUMENTS', ['XDG_DOCUMENTS_DIR', 'Documents']],
  ['DOWNLOADS', ['XDG_DOWNLOAD_DIR', 'Downloads']],
  ['MUSIC', ['XDG_MUSIC_DIR', 'Music']],
  ['PICTURES', ['XDG_PICTURES_DIR', 'Pictures']],
  ['VIDEOS', ['XDG_VIDEOS_DIR', 'Videos']],
] as const);

export const MACRO_NAMES: readonly string[] = ['HOME', 'RUNUSER', 'PATH', ...XDG_MACROS.keys(), 'CFG'];

export interface MacroEnv {
  readonly home: string;
  readonly uid: number;
  /** ${XDG_CONFIG_HOME}, else ~/.config. */
  readonly configHome: string;
  /** ${CFG}: firejail's configuration directory. */
  readonly firejailConfigDir: string;
}

export class Macros {
  private xdg: Map<string, string> | null = null;
  private readonly xdgErrors = new Map<string, string>();
  /** Expansions done, per reader kind: profiles repeat the same paths. */
  private readonly memo = [new Map<string, string[] | string>(), new Map<string, string[] | string>()] as const;

  constructor(readonly env: MacroEnv) {}

  static fromProcess(env: Readonly<Record<string, string | undefined>>, home: string, uid: number): Macros {
    const xch = env['XDG_CONFIG_HOME'];
    return new Macros({
      home,
      uid,
      configHome: xch !== undefined && isAbsolute(xch) ? xch : join(home, '.config'),
      firejailConfigDir: '/etc/firejail',
    });
  }

  get userDirsFile(): string {
    return join(this.env.configHome, 'user-dirs.dirs');
  }

  /** user-dirs.dirs: lines XDG_X_DIR="$HOME/sub" or XDG_X_DIR="/abs". */
  private userDirs(): Map<string, string> {
    if (this.xdg !== null) return this.xdg;
    const dirs = new Map<string, string>();
    let text = '';
    // (While recording, a file the note found absent is not read.)
    if (noteStat(this.userDirsFile)?.mode !== 0) {
      try {
        text = readFileSync(this.userDirsFile, 'utf8');
      } catch {
        // No file: the defaults.
      }
    }
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = (lines[i] ?? '').trim();
      if (l === '' || l.startsWith('#')) continue;
      const m = /^(XDG_[A-Z]+_DIR)="(.*)"$/.exec(l);
      if (m === null) continue;
      const [, name, value] = m as unknown as [string, string, string];
      let path: string;
      if (value === '$HOME' || value.startsWith('$HOME/')) path = this.env.home + value.slice(5);
      else if (value.startsWith('/')) path = value;
      else {
        this.xdgErrors.set(name, `${this.userDirsFile}:${i + 1}: ${name} is neither "$HOME/..." nor an absolute path`);
        continue;
      }
      if (path.includes('$') || path.split('/').includes('..')) {
        this.xdgErrors.set(name, `${this.userDirsFile}:${i + 1}: ${name} must not hold '$' or '..'`);
        continue;
      }
      dirs.set(name, normalize(path));
    }
    this.xdg = dirs;
    return dirs;
  }

  /** The value of one macro (PATH: several), or what is wrong. */
  lookup(name: string, firejail: boolean): readonly string[] | string {
    switch (name) {
      case 'HOME': return [this.env.home];
      case 'RUNUSER': return [`/run/user/${this.env.uid}`];
      case 'PATH': return PATH_DIRS;
      case 'CFG':
        if (firejail) return [this.env.firejailConfigDir];
        break;
      default: {
        const x = XDG_MACROS.get(name);
        if (x === undefined) break;
        const dirs = this.userDirs();
        const v = dirs.get(x[0]);
        if (v !== undefined) return [v];
        const bad = this.xdgErrors.get(x[0]);
        if (bad !== undefined) return `\${${name}} cannot expand: ${bad}`;
        return [join(this.env.home, x[1])];
      }
    }
    return `unknown macro \${${name}}`;
  }

  /** Expands every macro and a leading ~. ${PATH} gives one result per
   * directory; a string result is the error. */
  expand(value: string, firejail: boolean): string[] | string {
    if (!value.includes('$') && !value.startsWith('~')) return [value];
    const memo = this.memo[firejail ? 1 : 0];
    let r = memo.get(value);
    if (r === undefined) {
      r = this.expandNow(value, firejail);
      memo.set(value, r);
    }
    return r;
  }

  private expandNow(value: string, firejail: boolean): string[] | string {
    // Most values are ${HOME}/... or ${PATH}/... and nothing else: no
    // regular expression for them (a big profile has hundreds).
    if (value.charCodeAt(0) === 0x24 && value.indexOf('$', 7) < 0) {
      if (value.startsWith('${HOME}/')) return [this.env.home + value.slice(7)];
      if (value.startsWith('${PATH}/')) {
        const rest = value.slice(7);
        return PATH_DIRS.map((d) => d + rest);
      }
    }
    // A leading ~ is ${HOME}: the home put in, not itself expanded (a home
    // with '${' in it stays as it is, as it does for ${HOME}).
    let v = value;
    if (v === '~' || v.startsWith('~/')) v = `\${HOME}${v.slice(1)}`;
    let results = [''];
    const re = /\$\{([^}]*)\}/g;
    let last = 0;
    for (let m = re.exec(v); m !== null; m = re.exec(v)) {
      const found = this.lookup(m[1] ?? '', firejail);
      if (typeof found === 'string') return found;
      const before = v.slice(last, m.index);
      const next: string[] = [];
      for (const r of results) for (const f of found) next.push(r + before + f);
      results = next;
      last = m.index + m[0].length;
    }
    const rest = v.slice(last);
    if (rest.includes('${')) return `unterminated macro in '${value}'`;
    return results.map((r) => r + rest);
  }
}
