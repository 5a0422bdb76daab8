/** NetworkOptions -> the plan's network part, and the one piece of I/O it
 * needs: the --hosts-file contents, read here as the caller (tsjail itself is
 * never privileged), so the helper never opens a path the user named. */
import { readFileSync } from 'node:fs';
import { PlanError } from '../errors.js';
import type { NetworkPlan } from '../plan/types.js';
import type { NetworkOptions } from './options.js';
import { noteStat } from '../cache/deps.js';

export const HOSTS_MAX = 64 * 1024;

export function readHostsFile(path: string): string {
  let bytes: Buffer;
  noteStat(path);
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PlanError(`--hosts-file: cannot read '${path}' (${code})`);
  }
  if (bytes.length > HOSTS_MAX) {
    throw new PlanError(`--hosts-file: '${path}' is ${bytes.length} bytes, more than ${HOSTS_MAX}`);
  }
  if (bytes.includes(0)) throw new PlanError(`--hosts-file: '${path}' contains a NUL byte`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PlanError(`--hosts-file: '${path}' is not UTF-8 text`);
  }
}

/** null when there is nothing to do beyond the namespace itself. */
export function buildNetworkPlan(options: NetworkOptions, hosts: string | null): NetworkPlan | null {
  if (options.parent === null && options.dns.length === 0 && hosts === null) return null;
  return {
    parent: options.parent,
    name: options.name,
    vethName: options.vethName,
    ip: options.ip,
    netmask: options.netmask,
    gateway: options.gateway,
    mac: options.mac,
    mtu: options.mtu,
    dns: [...options.dns],
    hosts,
  };
}
