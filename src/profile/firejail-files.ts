/** The other files firejail installs in /etc/firejail, each read by the
 * reader its kind needs, so a firejail installation can be checked file by
 * file: profiles (.profile, .inc, .local) go through the profile loader;
 * firejail.config (site settings: the ?ALLOW_TRAY / ?BROWSER_* conditions
 * come from it), firecfg.config (programs firecfg links), login.users
 * (firejail-login(5)), ids.config (paths firejail --ids watches) and *.net
 * (iptables-restore scripts for the netfilter directive) are parsed and
 * checked here. */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ProfileError } from '../errors.js';
import { parseFirejailConfig } from './conditions.js';
import { loadProfile, type LoadOptions } from './loader.js';
import type { LoadedProfile } from './model.js';
import { noteStat } from '../cache/deps.js';

export type FirejailFile =
  | { readonly kind: 'profile'; readonly profile: LoadedProfile }
  | { readonly kind: 'config'; readonly settings: ReadonlyMap<string, string> }
  | { readonly kind: 'program-list'; readonly programs: readonly string[] }
  | { readonly kind: 'login-users'; readonly users: readonly { readonly pattern: string; readonly args: string }[] }
  | { readonly kind: 'path-list'; readonly paths: readonly { readonly path: string; readonly exclude: boolean }[] }
  | { readonly kind: 'netfilter'; readonly tables: readonly string[]; readonly rules: number };

/** Lines without '#' comments, trimmed, with their numbers; blank ones out. */
function meaningful(text: string): { n: number; l: string }[] {
  const out: { n: number; l: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const l = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (l !== '') out.push({ n: i + 1, l });
  });
  return out;
}

/** An iptables-restore script: *table, :CHAIN POLICY [p:b], rules
 * (-A/-I/-N/-P/-D/-X/-F/-Z ...) and COMMIT closing each table. */
export function parseNetfilter(file: string, text: string): { tables: string[]; rules: number } {
  const tables: string[] = [];
  let open: string | null = null;
  let rules = 0;
  for (const { n, l } of meaningful(text)) {
    if (l.startsWith('*')) {
      if (open !== null) throw new ProfileError(file, n, `table *${open} has no COMMIT before *${l.slice(1)}`);
      open = l.slice(1);
      if (!/^(filter|nat|mangle|raw|security)$/.test(open)) throw new ProfileError(file, n, `unknown table '${l}'`);
      tables.push(open);
    } else if (l === 'COMMIT') {
      if (open === null) throw new ProfileError(file, n, 'COMMIT outside a table');
      open = null;
    } else if (open === null) {
      throw new ProfileError(file, n, `'${l}' outside a table (*filter ... COMMIT)`);
    } else if (l.startsWith(':')) {
      if (!/^:[A-Za-z0-9_-]+ (ACCEPT|DROP|-)( \[\d+:\d+\])?$/.test(l)) throw new ProfileError(file, n, `bad chain line '${l}'`);
    } else if (/^-[AIDRNXPFZ] /.test(l)) {
      rules++;
    } else {
      throw new ProfileError(file, n, `'${l}' is not a chain, a rule or COMMIT`);
    }
  }
  if (open !== null) throw new ProfileError(file, text.split('\n').length, `table *${open} has no COMMIT`);
  return { tables, rules };
}

/** Reads one file of a firejail configuration directory by its kind. */
export function loadFirejailFile(path: string, o: LoadOptions): FirejailFile {
  const name = basename(path);
  const ext = extname(name);
  if (ext === '.profile' || ext === '.inc' || ext === '.local') {
    return { kind: 'profile', profile: loadProfile(path, o) };
  }
  noteStat(path);
  const text = readFileSync(path, 'utf8');
  if (ext === '.net') return { kind: 'netfilter', ...parseNetfilter(path, text) };
  if (name === 'firejail.config') return { kind: 'config', settings: parseFirejailConfig(text) };
  if (name === 'firecfg.config') {
    const programs: string[] = [];
    for (const { n, l } of meaningful(text)) {
      if (!/^[A-Za-z0-9._+-]+$/.test(l)) throw new ProfileError(path, n, `'${l}' is not a program name`);
      programs.push(l);
    }
    return { kind: 'program-list', programs };
  }
  if (name === 'login.users') {
    const users: { pattern: string; args: string }[] = [];
    for (const { n, l } of meaningful(text)) {
      const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(l);
      if (m === null) throw new ProfileError(path, n, `'${l}' is not "user: arguments"`);
      users.push({ pattern: m[1] as string, args: m[2] as string });
    }
    return { kind: 'login-users', users };
  }
  if (name === 'ids.config') {
    const paths: { path: string; exclude: boolean }[] = [];
    for (const { n, l } of meaningful(text)) {
      if (l.startsWith('include ')) continue; // ids.config.local, optional
      const exclude = l.startsWith('!');
      const raw = exclude ? l.slice(1) : l;
      const expanded = o.macros.expand(raw, true);
      if (typeof expanded === 'string') throw new ProfileError(path, n, expanded);
      for (const p of expanded) {
        if (!p.startsWith('/')) throw new ProfileError(path, n, `'${raw}' is not an absolute path`);
        paths.push({ path: p, exclude });
      }
    }
    return { kind: 'path-list', paths };
  }
  throw new ProfileError(path, 0, 'not a file tsjail knows how to read');
}
