/** Network options: checked and normalised once. What needs the host (is the
 * interface there, is the address in its subnet and free) is the helper's
 * to check; this only turns plain mistakes into one clear line. */
import { createRequire } from 'node:module';
import { UsageError } from '../errors.js';
import { expandUserPath } from '../fs/paths.js';
import { MAX_IFNAME, MTU_MAX, MTU_MIN, RECORDS } from '../wire/plan-def.js';

// node:net costs a few milliseconds to load (its streams and sockets), on
// every cold launch: loaded only when an address is to be checked.
let net: typeof import('node:net') | undefined;
function netModule(): typeof import('node:net') {
  net ??= createRequire(import.meta.url)('node:net') as typeof import('node:net');
  return net;
}
const isIPv4 = (s: string): boolean => netModule().isIPv4(s);
const isIPv6 = (s: string): boolean => netModule().isIPv6(s);

export const MAX_DNS = RECORDS.NET_DNS.max;
export { MTU_MAX, MTU_MIN };
export const DEFAULT_INTERFACE_NAME = 'eth0';

export interface NetworkOptions {
  /** A new network namespace (--net=none or --net=IFACE). */
  readonly namespace: boolean;
  /** --net=IFACE; null for --net=none or no --net. */
  readonly parent: string | null;
  /** The interface's name inside the sandbox. */
  readonly name: string;
  /** Host end of the veth pair when parent is a bridge; null: tsjail picks. */
  readonly vethName: string | null;
  /** 'none', an address, or null: tsjail picks a free one. */
  readonly ip: string | null;
  readonly netmask: string | null;
  readonly gateway: string | null;
  readonly mac: string | null;
  readonly mtu: number | null;
  /** Name servers for the sandbox's own /etc/resolv.conf (at most 4). */
  readonly dns: readonly string[];
  readonly hostsFile: string | null;
  /** --netfilter: 'default' (tsjail's client filter) or a file (absolute,
   * not yet resolved); null: none. */
  readonly netfilter: string | null;
}

export interface RawNetOptions {
  net?: string | undefined;
  ip?: string | undefined;
  netmask?: string | undefined;
  defaultgw?: string | undefined;
  mac?: string | undefined;
  mtu?: string | undefined;
  interfaceName?: string | undefined;
  vethName?: string | undefined;
  dns?: readonly string[];
  hostsFile?: string | undefined;
  /** --netfilter (true or ''): the default filter; --netfilter=FILE. */
  netfilter?: boolean | string | undefined;
}

export const DEFAULT_NETWORK: NetworkOptions = Object.freeze({
  namespace: false,
  parent: null,
  name: DEFAULT_INTERFACE_NAME,
  vethName: null,
  ip: null,
  netmask: null,
  gateway: null,
  mac: null,
  mtu: null,
  dns: Object.freeze([]),
  hostsFile: null,
  netfilter: null,
});

/** What the kernel takes as an interface name. */
export function isInterfaceName(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return s.length >= 1 && s.length <= MAX_IFNAME && s !== '.' && s !== '..' && /^[\x21-\x7e]+$/.test(s) && !/[/:]/.test(s);
}

function ifname(opt: string, s: string): string {
  if (!isInterfaceName(s)) {
    throw new UsageError(`--${opt}: '${s}' is not an interface name (1-${MAX_IFNAME} characters, no '/', ':' or space)`);
  }
  return s;
}

function ipv4(opt: string, s: string): string {
  if (!isIPv4(s)) throw new UsageError(`--${opt}: '${s}' is not an IPv4 address`);
  return s;
}

function toNumber(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function hostAddress(opt: string, s: string): string {
  const first = toNumber(ipv4(opt, s)) >>> 24;
  if (first === 0 || first === 127 || first >= 224) {
    throw new UsageError(`--${opt}: '${s}' is not a unicast host address`);
  }
  return s;
}

function netmask(s: string): string {
  const m = toNumber(ipv4('netmask', s));
  const inv = (~m) >>> 0;
  if (m === 0 || ((inv & (inv + 1)) >>> 0) !== 0) {
    throw new UsageError(`--netmask: '${s}' is not a network mask (like 255.255.255.0)`);
  }
  return s;
}

function mac(s: string): string {
  const m = s.toLowerCase();
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(m)) {
    throw new UsageError(`--mac: '${s}' is not a MAC address (xx:xx:xx:xx:xx:xx)`);
  }
  if (parseInt(m.slice(0, 2), 16) & 1) throw new UsageError(`--mac: '${s}' is a multicast address`);
  if (m === '00:00:00:00:00:00') throw new UsageError(`--mac: '${s}' is all zeros`);
  return m;
}

function mtu(s: string): number {
  const n = /^\d{1,6}$/.test(s) ? Number(s) : NaN;
  if (!(n >= MTU_MIN && n <= MTU_MAX)) {
    throw new UsageError(`--mtu: '${s}' is out of range (${MTU_MIN}-${MTU_MAX})`);
  }
  return n;
}

function dns(list: readonly string[]): readonly string[] {
  if (list.length > MAX_DNS) throw new UsageError(`--dns: at most ${MAX_DNS} name servers, not ${list.length}`);
  for (const d of list) {
    if (!isIPv4(d) && !isIPv6(d)) throw new UsageError(`--dns: '${d}' is not an IP address`);
  }
  return Object.freeze([...list]);
}

function hostsFile(s: string): string {
  if (s === '') throw new UsageError('--hosts-file: no file named');
  return s;
}

/** Options that need --net=IFACE, with their raw values. */
function interfaceOnly(raw: RawNetOptions): [string, string | undefined][] {
  return [
    ['ip', raw.ip], ['netmask', raw.netmask], ['defaultgw', raw.defaultgw], ['mac', raw.mac],
    ['mtu', raw.mtu], ['interface-name', raw.interfaceName], ['veth-name', raw.vethName],
  ];
}

function netfilter(v: boolean | string | undefined, home: string, cwd: string | null): string | null {
  if (v === undefined || v === false) return null;
  if (v === true || v === '') return 'default';
  if (v.includes(',')) throw new UsageError(`--netfilter=${v}: filter templates (FILE,ARG,...) are not supported; give a file`);
  return expandUserPath('--netfilter', v, home, cwd);
}

/** home and cwd: for --netfilter=FILE (~/, relative paths). */
export function normalizeNetwork(raw: RawNetOptions, home = '/', cwd: string | null = null): NetworkOptions {
  const net = raw.net;
  const parent = net === undefined || net === 'none' ? null : ifname('net', net);
  if (parent === null) {
    for (const [opt, v] of interfaceOnly(raw)) {
      if (v !== undefined) throw new UsageError(`--${opt} needs --net=INTERFACE`);
    }
  }
  const ip = raw.ip === undefined || raw.ip === 'none' ? (raw.ip ?? null) : hostAddress('ip', raw.ip);
  if (ip === 'none' && raw.defaultgw !== undefined) {
    throw new UsageError('--defaultgw cannot be used with --ip=none');
  }
  return Object.freeze({
    namespace: net !== undefined,
    parent,
    name: raw.interfaceName === undefined ? DEFAULT_INTERFACE_NAME : ifname('interface-name', raw.interfaceName),
    vethName: raw.vethName === undefined ? null : ifname('veth-name', raw.vethName),
    ip,
    netmask: raw.netmask === undefined ? null : netmask(raw.netmask),
    gateway: raw.defaultgw === undefined ? null : hostAddress('defaultgw', raw.defaultgw),
    mac: raw.mac === undefined ? null : mac(raw.mac),
    mtu: raw.mtu === undefined ? null : mtu(raw.mtu),
    dns: dns(raw.dns ?? []),
    hostsFile: raw.hostsFile === undefined ? null : hostsFile(raw.hostsFile),
    netfilter: netfilter(raw.netfilter, home, cwd),
  });
}
