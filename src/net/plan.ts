/** NetworkOptions -> the plan's network part, and the one piece of I/O it
 * needs: the --hosts-file contents, read here as the caller (tsjail itself is
 * never privileged), so the helper never opens a path the user named. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { PlanError } from '../errors.js';
import type { FsProbe } from '../fs/probe.js';
import { debug } from '../log.js';
import type { NetworkOptions } from './options.js';
import { noteStat } from '../cache/deps.js';
import { RECORDS } from '../wire/plan-def.js';

/** The plan's network part (native/PLAN.md, tags 0x30-0x3f): the options
 * (the host interface, the sandbox's interface, the name servers) with the
 * --hosts-file read. Written by encode.ts. */
export interface NetworkPlan extends Omit<NetworkOptions, 'namespace' | 'hostsFile'> {
  /** Contents of the sandbox's /etc/hosts (--hosts-file, read as the caller). */
  readonly hosts: string | null;
}

/** NET_HOSTS's bound (native/plan.def). */
export const HOSTS_MAX = RECORDS.NET_HOSTS.len;

/** A regular file's first HOSTS_MAX bytes: a device (/dev/zero), a FIFO
 * or a file over the limit is refused, never read to its end. O_NONBLOCK:
 * opening a FIFO does not wait for a writer. */
function readBounded(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PlanError(`--hosts-file: cannot read '${path}' (${code})`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new PlanError(`--hosts-file: '${path}' is not a regular file`);
    const buf = Buffer.alloc(HOSTS_MAX + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > HOSTS_MAX) throw new PlanError(`--hosts-file: '${path}' is more than ${HOSTS_MAX} bytes`);
    }
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof PlanError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PlanError(`--hosts-file: cannot read '${path}' (${code})`);
  } finally {
    closeSync(fd);
  }
}

export function readHostsFile(path: string): string {
  noteStat(path);
  const bytes = readBounded(path);
  if (bytes.includes(0)) throw new PlanError(`--hosts-file: '${path}' contains a NUL byte`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PlanError(`--hosts-file: '${path}' is not UTF-8 text`);
  }
}

/** --netfilter's part of the plan: the default filter, or the file with
 * its symbolic links resolved (the helper follows none); nothing without a
 * new network namespace, where firejail ignores it too. */
function netfilterOf(options: NetworkOptions, probe: Pick<FsProbe, 'canonical'> | undefined): string | null {
  if (options.netfilter === null) return null;
  if (!options.namespace) {
    debug('netfilter: the sandbox has no network namespace of its own (--net), so no filter');
    return null;
  }
  if (options.netfilter === 'default' || probe === undefined) return options.netfilter;
  return probe.canonical(options.netfilter);
}

/** null when there is nothing to do beyond the namespace itself. */
export function buildNetworkPlan(
  options: NetworkOptions,
  hosts: string | null,
  probe?: Pick<FsProbe, 'canonical'>,
): NetworkPlan | null {
  const netfilter = netfilterOf(options, probe);
  if (options.parent === null && options.dns.length === 0 && hosts === null && netfilter === null) return null;
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
    netfilter,
  };
}
