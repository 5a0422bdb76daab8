/** The program's environment: the caller's, reduced to an allowlist. Loader
 * variables (LD_*, GCONV_PATH, ...) never pass; the helper refuses them too. */
import { PlanError } from './errors.js';
import type { EnvOp, EnvPolicy } from './cache/store.js';
import type { SandboxOptions } from './options.js';

const ALLOWED = new Set([
  'HOME', 'USER', 'LOGNAME', 'SHELL', 'PATH', 'PWD', 'TERM', 'COLORTERM', 'COLUMNS', 'LINES',
  'LANG', 'LANGUAGE', 'TZ', 'NO_COLOR', 'EDITOR', 'VISUAL', 'PAGER', 'TMPDIR', 'MAIL',
  'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'DBUS_SESSION_BUS_ADDRESS', 'PULSE_SERVER',
  'DESKTOP_SESSION', 'GDMSESSION', 'SSH_AUTH_SOCK', 'GTK_THEME', 'QT_QPA_PLATFORM',
  'QT_QPA_PLATFORMTHEME', 'MOZ_ENABLE_WAYLAND',
]);
const ALLOWED_PREFIXES = ['LC_', 'XDG_'];

const LOADER = new Set([
  'GCONV_PATH', 'GETCONF_DIR', 'GLIBC_TUNABLES', 'HOSTALIASES', 'LOCALDOMAIN', 'LOCPATH',
  'MALLOC_TRACE', 'NIS_PATH', 'NLSPATH', 'RESOLV_HOST_CONF', 'RES_OPTIONS', 'TZDIR',
]);

export function isLoaderVariable(name: string): boolean {
  return name.startsWith('LD_') || LOADER.has(name);
}

function allowed(name: string): boolean {
  return ALLOWED.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p));
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The policy below as data, for a stored plan (src/cache/store.ts): the
 * front end applies it to each launch's environment. extra: the
 * operations a concern needs (src/dbus/), after --env and --rmenv. */
export function envPolicy(options: SandboxOptions, extra: readonly EnvOp[] = []): EnvPolicy {
  for (const name of options.setEnv.keys()) {
    if (isLoaderVariable(name)) throw new PlanError(`--env: ${name} may not be passed into a sandbox`);
  }
  return {
    allow: [...ALLOWED],
    allowPrefixes: ALLOWED_PREFIXES,
    deny: [...LOADER],
    denyPrefixes: ['LD_'],
    ops: [
      { op: 'default', name: 'PATH', value: DEFAULT_PATH },
      { op: 'set', name: 'container', value: 'tsjail' },
      ...options.removeEnv.map((name) => ({ op: 'remove' as const, name })),
      ...[...options.setEnv].map(([name, value]) => ({ op: 'set' as const, name, value })),
      ...extra,
    ],
  };
}

/** NAME=value entries for the plan, sorted by name; extra as for
 * envPolicy. */
export function buildEnvironment(
  host: Readonly<Record<string, string | undefined>>,
  options: SandboxOptions,
  extra: readonly EnvOp[] = [],
): string[] {
  const env = new Map<string, string>();
  for (const [name, value] of Object.entries(host)) {
    if (value !== undefined && allowed(name) && !isLoaderVariable(name)) env.set(name, value);
  }
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
  env.set('container', 'tsjail');
  for (const name of options.removeEnv) env.delete(name);
  for (const [name, value] of options.setEnv) {
    if (isLoaderVariable(name)) {
      throw new PlanError(`--env: ${name} may not be passed into a sandbox`);
    }
    env.set(name, value);
  }
  for (const e of extra) {
    if (e.op === 'remove') env.delete(e.name);
    else if (e.op === 'set' || !env.has(e.name)) env.set(e.name, e.value);
  }
  return [...env.entries()]
    .filter(([, v]) => !v.includes('\0'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
}
