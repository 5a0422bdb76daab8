/** Network test topology, made by the test and removed after it (also when
 * it fails): a network namespace tjpeer-<n> holding one end of a veth pair
 * with the peer address, the other end in the host namespace as the parent
 * of the sandboxes' macvlans (this kernel has no dummy driver), or enslaved
 * to a test bridge that is the parent. Traffic never leaves these test-made
 * interfaces: no host NIC is touched. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireInstalled } from './helpers.js';

export interface NetFixture {
  /** The netns holding the peer. */
  readonly ns: string;
  /** The host interface to give to --net= (veth end, or the bridge). */
  readonly parent: string;
  /** Address of the parent in the host namespace, and of the peer. */
  readonly parentAddr: string;
  readonly peer: string;
  readonly prefix: number;
  readonly netmask: string;
  /** host(k): the address k of the subnet (k=1 is the peer, 2 the parent). */
  host(k: number): string;
  /** Runs a command inside the peer's namespace. */
  inPeer(args: readonly string[]): string;
  dispose(): void;
}

let counter = 0;

function ip(args: readonly string[]): string {
  return execFileSync('ip', [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function quietly(f: () => unknown): void {
  try {
    f();
  } catch {
    /* already gone */
  }
}

function mask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
}

/** A fresh topology. prefix: the subnet's size (24 by default; 29 leaves
 * only addresses 3-6 free, to make a random pick that ignored ARP show). */
export function makeNetFixture(opts: { prefix?: number; bridge?: boolean } = {}): NetFixture {
  const k = counter++;
  const n = `${process.pid}${k}`;
  const ns = `tjpeer-${n}`;
  const hostEnd = `tjp${n}`;
  const bridge = opts.bridge ? `tjb${n}` : null;
  const prefix = opts.prefix ?? 24;
  // A /24 of its own per fixture, in a range only these tests use.
  const third = (process.pid * 7 + k * 13) % 200 + 20;
  const host = (i: number) => `10.231.${third}.${i}`;
  const parent = bridge ?? hostEnd;
  const fixture: NetFixture = {
    ns,
    parent,
    parentAddr: host(2),
    peer: host(1),
    prefix,
    netmask: mask(prefix),
    host,
    inPeer: (args) => ip(['netns', 'exec', ns, ...args]),
    dispose: () => {
      quietly(() => ip(['netns', 'del', ns])); // takes the veth pair with it
      quietly(() => existsSync(`/sys/class/net/${hostEnd}`) && ip(['link', 'del', hostEnd]));
      if (bridge) quietly(() => existsSync(`/sys/class/net/${bridge}`) && ip(['link', 'del', bridge]));
    },
  };
  try {
    ip(['netns', 'add', ns]);
    ip(['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'tjq0', 'netns', ns]);
    ip(['-n', ns, 'addr', 'add', `${fixture.peer}/${prefix}`, 'dev', 'tjq0']);
    ip(['-n', ns, 'link', 'set', 'tjq0', 'up']);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    if (bridge) {
      ip(['link', 'add', bridge, 'type', 'bridge']);
      ip(['link', 'set', hostEnd, 'master', bridge]);
      ip(['link', 'set', bridge, 'up']);
    }
    ip(['addr', 'add', `${fixture.parentAddr}/${prefix}`, 'dev', parent]);
    ip(['link', 'set', hostEnd, 'up']);
  } catch (e) {
    fixture.dispose();
    throw e;
  }
  return fixture;
}

/** The host's interface names, without those of fixtures other test files
 * (other processes) have up at the same time. */
export function hostLinks(): string[] {
  const mine = new RegExp(`^tj[pb]${process.pid}\\d+$`);
  return readdirSync('/sys/class/net')
    .filter((name) => !/^tj[pb]\d+$/.test(name) || mine.test(name))
    .sort();
}

/** iputils ping copied without its file capability: with an empty bounding
 * set the kernel refuses to exec a binary whose capabilities it cannot
 * grant, and without them ping uses an ICMP datagram socket, which tsjail
 * allows the sandbox's group in its own network namespace. */
export function plainPing(): { path: string; dispose: () => void } {
  // Not under /tmp: that is a private tmpfs inside a sandbox.
  const dir = mkdtempSync('/srv/tjtest-ping-');
  chmodSync(dir, 0o755);
  const path = join(dir, 'ping');
  requireInstalled('/usr/bin/ping', 'iputils-ping');
  copyFileSync('/usr/bin/ping', path);
  chmodSync(path, 0o755);
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
