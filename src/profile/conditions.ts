/** ?CONDITION: lines, as in firejail. HAS_* look at the options given so far
 * (command line first, then the profile's lines above); ALLOW_TRAY,
 * BROWSER_ALLOW_DRM and BROWSER_DISABLE_U2F are site settings, read from
 * firejail's firejail.config when it exists, else firejail's defaults. */
import { readFileSync } from 'node:fs';
import type { OptionValues } from '../options-schema.js';
import { noteStat } from '../cache/deps.js';

export const CONDITIONS = [
  'HAS_APPIMAGE', 'HAS_NET', 'HAS_NODBUS', 'HAS_NOSOUND', 'HAS_PRIVATE', 'HAS_X11',
  'ALLOW_TRAY', 'BROWSER_ALLOW_DRM', 'BROWSER_DISABLE_U2F',
] as const;
export type ConditionName = (typeof CONDITIONS)[number];

export function isCondition(name: string): name is ConditionName {
  return (CONDITIONS as readonly string[]).includes(name);
}

export interface SiteSettings {
  readonly allowTray: boolean;
  readonly browserAllowDrm: boolean;
  readonly browserDisableU2f: boolean;
  /** firejail.config's tracelog: firejail acts on a firejail profile's
   * tracelog line only when the site turned it on (it is off by default). */
  readonly tracelog: boolean;
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = Object.freeze({
  allowTray: false,
  browserAllowDrm: false,
  browserDisableU2f: true,
  tracelog: false,
});

/** firejail.config: "key value" lines. Unknown keys are someone else's. */
export function parseFirejailConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) continue;
    const m = /^(\S+)\s+(.*)$/.exec(l);
    if (m !== null) out.set(m[1] as string, (m[2] as string).trim());
  }
  return out;
}

/** Where firejail keeps its site settings. */
export const FIREJAIL_CONFIG = '/etc/firejail/firejail.config';

export function siteSettings(firejailConfig: string): SiteSettings {
  let cfg: Map<string, string>;
  noteStat(firejailConfig);
  try {
    cfg = parseFirejailConfig(readFileSync(firejailConfig, 'utf8'));
  } catch {
    return DEFAULT_SITE_SETTINGS;
  }
  const yes = (key: string, dflt: boolean) => {
    const v = cfg.get(key);
    return v === undefined ? dflt : v === 'yes';
  };
  return {
    allowTray: yes('allow-tray', DEFAULT_SITE_SETTINGS.allowTray),
    browserAllowDrm: yes('browser-allow-drm', DEFAULT_SITE_SETTINGS.browserAllowDrm),
    browserDisableU2f: yes('browser-disable-u2f', DEFAULT_SITE_SETTINGS.browserDisableU2f),
    tracelog: yes('tracelog', DEFAULT_SITE_SETTINGS.tracelog),
  };
}

function set(v: OptionValues, name: string): boolean {
  const x = v.get(name);
  return x !== undefined && x !== false && !(Array.isArray(x) && x.length === 0);
}

/** The options HAS_* conditions look at (a profile image is not used when
 * the command line sets one: src/profile/image.ts). */
export const CONDITION_STATE_KEYS = ['net', 'nodbus', 'dbus-user', 'dbus-system', 'nosound', 'private', 'x11'] as const;

export function evaluateCondition(name: ConditionName, state: OptionValues, site: SiteSettings): boolean {
  switch (name) {
    case 'HAS_APPIMAGE': return false; // tsjail has no --appimage
    case 'HAS_NET': return typeof state.get('net') === 'string' && state.get('net') !== 'none';
    // Both buses none or filter: any value of theirs (a list), or --nodbus.
    case 'HAS_NODBUS': return state.get('nodbus') === true || (set(state, 'dbus-user') && set(state, 'dbus-system'));
    case 'HAS_NOSOUND': return set(state, 'nosound');
    case 'HAS_PRIVATE': return set(state, 'private');
    case 'HAS_X11': return set(state, 'x11') && state.get('x11') !== 'none';
    case 'ALLOW_TRAY': return site.allowTray;
    case 'BROWSER_ALLOW_DRM': return site.browserAllowDrm;
    case 'BROWSER_DISABLE_U2F': return site.browserDisableU2f;
  }
}
