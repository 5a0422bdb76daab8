/** SandboxOptions: what the user asked for, from the command line (and, in
 * time, profiles). Normalised and validated once, then frozen. */
import { UsageError } from './errors.js';
import type { LogLevel } from './log.js';
import { DEFAULT_NETWORK, normalizeNetwork, type NetworkOptions, type RawNetOptions } from './net/options.js';

export interface SandboxOptions {
  /** Program and its arguments; empty: the user's shell. */
  readonly command: readonly string[];
  readonly hostname: string | null;
  readonly log: LogLevel;
  readonly printPlan: boolean;
  readonly noProfile: boolean;
  /** --env=NAME=VALUE, applied after the allowlist. */
  readonly setEnv: ReadonlyMap<string, string>;
  /** --rmenv=NAME. */
  readonly removeEnv: readonly string[];
  /** --net and friends, --dns, --hosts-file (src/net/options.ts). */
  readonly network: NetworkOptions;
}

/** What the CLI hands over, before checks. */
export interface RawOptions {
  command?: readonly string[];
  hostname?: string | undefined;
  debug?: boolean;
  quiet?: boolean;
  printPlan?: boolean;
  noProfile?: boolean;
  env?: readonly string[];
  rmenv?: readonly string[];
  net?: RawNetOptions;
}

export const DEFAULT_OPTIONS: SandboxOptions = Object.freeze({
  command: Object.freeze([]),
  hostname: null,
  log: 'normal',
  printPlan: false,
  noProfile: false,
  setEnv: new Map<string, string>(),
  removeEnv: Object.freeze([]),
  network: DEFAULT_NETWORK,
});

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

function checkHostname(h: string): string {
  if (!HOSTNAME.test(h)) {
    throw new UsageError(
      `--hostname: '${h}' is not a valid hostname (letters, digits, '-' and '.', at most 64)`,
    );
  }
  return h;
}

function parseEnv(list: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !isEnvName(name)) {
      throw new UsageError(`--env: '${item}' is not NAME=VALUE`);
    }
    out.set(name, item.slice(eq + 1));
  }
  return out;
}

function checkEnvNames(list: readonly string[]): readonly string[] {
  for (const name of list) {
    if (!isEnvName(name)) throw new UsageError(`--rmenv: '${name}' is not a variable name`);
  }
  return Object.freeze([...list]);
}

export function normalizeOptions(raw: RawOptions): SandboxOptions {
  if (raw.debug && raw.quiet) throw new UsageError('--debug and --quiet cannot be used together');
  return Object.freeze({
    command: Object.freeze([...(raw.command ?? [])]),
    hostname: raw.hostname === undefined ? null : checkHostname(raw.hostname),
    log: raw.debug ? 'debug' : raw.quiet ? 'quiet' : 'normal',
    printPlan: raw.printPlan ?? false,
    noProfile: raw.noProfile ?? false,
    setEnv: parseEnv(raw.env ?? []),
    removeEnv: checkEnvNames(raw.rmenv ?? []),
    network: normalizeNetwork(raw.net ?? {}),
  });
}
