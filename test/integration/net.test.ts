/** The network, as root, on test-made topology only (test/net-fixture.ts):
 * --net=none, macvlan and bridge parents, addresses, routes, DNS, hosts, the
 * interface table, bad input and cleanup. */
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { normalizeOptions } from '../../src/options.js';
import { buildPlan } from '../../src/plan/build.js';
import { encodePlan } from '../../src/plan/encode.js';
import { HELPER, nsId, processesWith, requireInstalled, ROOT, startTsjail, tsjail as run, waitFor, type RunOptions } from '../helpers.js';

/** The network options themselves: the built-in defaults, no profile adding
 * to them (profiles have their own tests). */
const BARE = `--profile=${ROOT}/test/fixtures/bare.ini`;
const tsjail = (args: readonly string[], opts?: RunOptions) => run(args.includes('--noprofile') ? args : [BARE, ...args], opts);
import { hostLinks, makeNetFixture, plainPing, type NetFixture } from '../net-fixture.js';

let ping: ReturnType<typeof plainPing>;
let links: string[];

beforeAll(() => {
  ping = plainPing();
});
afterAll(() => ping.dispose());

function ipv4Of(out: string, dev = 'eth0'): string | null {
  const m = out.match(new RegExp(`^\\d+: ${dev}\\s+inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/(\\d+)`, 'm'));
  return m ? `${m[1]}/${m[2]}` : null;
}

describe('--net=none', () => {
  it('gives a new network namespace with only lo, up', () => {
    const r = tsjail(['--net=none', '--', 'sh', '-c', 'ip -o link; readlink /proc/self/ns/net']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const net = lines.pop();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
    expect(net).toMatch(/^net:\[\d+\]$/);
    expect(net).not.toBe(nsId('self', 'net'));
    expect(r.stderr).toBe(''); // no interface table for lo alone
  });

  it('lets the program ping over lo without privilege', () => {
    const r = tsjail(['--net=none', '--', ping.path, '-c1', '-W1', '127.0.0.1']);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/1 received/);
  });
});

describe('--net=PARENT (macvlan)', () => {
  let fx: NetFixture;
  beforeAll(() => {
    fx = makeNetFixture({ prefix: 29 });
  });
  afterAll(() => fx.dispose());
  beforeEach(() => {
    links = hostLinks();
  });
  afterEach(() => {
    expect(hostLinks()).toEqual(links);
  });

  it('--ip=A: eth0 has A, the table is printed, and the peer answers a ping', () => {
    const a = fx.host(3);
    const r = tsjail([`--net=${fx.parent}`, `--ip=${a}`, '--', 'sh', '-c',
      `ip -o -4 addr; ${ping.path} -c1 -W2 ${fx.peer}`]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(ipv4Of(r.stdout)).toBe(`${a}/29`);
    expect(r.stdout).toMatch(/1 received/);
    expect(r.stderr).toMatch(/^Interface\s+MAC\s+IP\s+Mask\s+Status$/m);
    expect(r.stderr).toMatch(new RegExp(`^lo\\s+127\\.0\\.0\\.1\\s+255\\.0\\.0\\.0\\s+UP$`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^eth0\\s+([0-9a-f]{2}:){5}[0-9a-f]{2}\\s+${a.replace(/\./g, '\\.')}\\s+255\\.255\\.255\\.248\\s+UP$`, 'm'));
  });

  it('the real ping (a file capability, cap_net_raw=ep) starts with no capability and reaches the peer', () => {
    requireInstalled('/usr/bin/ping', 'iputils-ping');
    const hostRange = readFileSync('/proc/sys/net/ipv4/ping_group_range', 'utf8');
    const r = tsjail([`--net=${fx.parent}`, `--ip=${fx.host(4)}`, '--', 'sh', '-c',
      `/usr/bin/ping -c1 -W2 ${fx.peer} | grep received; cat /proc/sys/net/ipv4/ping_group_range; grep -E '^Cap(Eff|Bnd)' /proc/self/status`]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/1 received/);
    // ICMP sockets for the caller's group, in the sandbox's namespace only.
    expect(r.stdout).toMatch(/^0\s+0$/m);
    expect(r.stdout).toMatch(/^CapEff:\s+0+$/m);
    expect(r.stdout).toMatch(/^CapBnd:\s+0+$/m);
    expect(readFileSync('/proc/sys/net/ipv4/ping_group_range', 'utf8')).toBe(hostRange);
  });

  it('the same --ip can be used again at once (the address goes with the sandbox)', () => {
    // The helper alone, without Node's start-up between the runs.
    const plan = buildPlan(normalizeOptions({ quiet: true, net: fx.parent, ip: fx.host(6) }),
      { resolved: { program: '/usr/bin/true', argv: ['true'] }, env: [], cwd: '/', caller: { uid: 0, home: '/root' }, probe: { kind: () => null, canonical: (p: string) => p, list: () => [] }, root: null });
    const file = join(tmpdir(), `tjtest-plan-${process.pid}`);
    writeFileSync(file, encodePlan(plan));
    try {
      for (let i = 0; i < 4; i++) {
        const fd = openSync(file, 'r');
        const r = spawnSync(HELPER, ['--plan-fd=3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', fd] });
        closeSync(fd);
        expect(r.status, r.stderr).toBe(0);
      }
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('--quiet prints no table', () => {
    const r = tsjail(['--quiet', `--net=${fx.parent}`, `--ip=${fx.host(3)}`, '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('two sandboxes on the same parent talk TCP (macvlan bridge mode)', async () => {
    const [a, b] = [fx.host(3), fx.host(4)];
    const server = startTsjail([BARE, '--quiet', `--net=${fx.parent}`, `--ip=${a}`, '--', process.execPath, '-e',
      `require('net').createServer((s) => s.end('hello from ' + '${a}\\n'))` +
      `.listen(7777, '${a}', () => console.log('listening'));`]);
    try {
      await waitFor(() => server.output().includes('listening'));
      const r = tsjail(['--quiet', `--net=${fx.parent}`, `--ip=${b}`, '--', process.execPath, '-e',
        `const c = require('net').connect(7777, '${a}'); c.on('data', (d) => process.stdout.write(d));` +
        `c.on('error', (e) => { console.error(e.message); process.exit(3); });`]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(`hello from ${a}\n`);
    } finally {
      server.child.kill('SIGTERM');
      await server.done;
    }
  });

  it('picks a free address itself: not the parent\'s, the peer\'s or a running sandbox\'s', async () => {
    // In this /29 only .3-.6 are free; a sandbox holds .3.
    const held = fx.host(3);
    const other = startTsjail([BARE, '--quiet', `--net=${fx.parent}`, `--ip=${held}`, '--', 'sh', '-c',
      'echo ready; exec sleep 60']);
    try {
      await waitFor(() => other.output().includes('ready'));
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const r = tsjail([`--net=${fx.parent}`, '--', 'ip', '-o', '-4', 'addr', 'show', 'eth0']);
        expect(r.status, r.stderr).toBe(0);
        const got = ipv4Of(r.stdout);
        expect(got).toMatch(/\/29$/);
        seen.add((got as string).split('/')[0] as string);
      }
      for (const addr of seen) {
        expect([fx.host(4), fx.host(5), fx.host(6)]).toContain(addr);
      }
    } finally {
      other.child.kill('SIGTERM');
      await other.done;
    }
  });

  it('applies --netmask, --defaultgw, --mac, --mtu and --interface-name', () => {
    const r = tsjail([`--net=${fx.parent}`, `--ip=${fx.host(5)}`, '--netmask=255.255.255.0',
      `--defaultgw=${fx.peer}`, '--mac=02:AA:bb:00:11:22', '--mtu=1280', '--interface-name=net0', '--',
      'sh', '-c', 'ip -o link show net0; ip -o -4 addr show net0; ip route show default']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mtu 1280 .*link\/ether 02:aa:bb:00:11:22/);
    expect(ipv4Of(r.stdout, 'net0')).toBe(`${fx.host(5)}/24`);
    expect(r.stdout).toMatch(new RegExp(`^default via ${fx.peer.replace(/\./g, '\\.')} dev net0`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^Default gateway ${fx.peer.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('--ip=none: the interface is up with no address and no route', () => {
    const r = tsjail([`--net=${fx.parent}`, '--ip=none', '--', 'sh', '-c', 'ip -o link show eth0; ip -o -4 addr; ip route']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/eth0@\S+ <[^>]*\bUP\b/);
    expect(ipv4Of(r.stdout)).toBeNull();
    expect(r.stdout).not.toMatch(/^default via/m);
  });

  const bad: [string, (f: NetFixture) => string[], RegExp][] = [
    ['an unknown interface', () => ['--net=tjnosuch0'], /^tsjail: --net=tjnosuch0: no such interface$/],
    ['an address outside the subnet', (f) => [`--net=${f.parent}`, '--ip=10.231.250.9'],
      /--ip=10\.231\.250\.9: not in the subnet of tjp\d+ \(10\.231\.\d+\.0\/29\)$/],
    ['the peer\'s address (in use)', (f) => [`--net=${f.parent}`, `--ip=${f.peer}`],
      /--ip=\S+: the address is in use on tjp\d+ \(another host answered ARP\)$/],
    ['the parent\'s own address', (f) => [`--net=${f.parent}`, `--ip=${f.parentAddr}`], /that is the address of tjp\d+ itself$/],
    ['a broadcast address', (f) => [`--net=${f.parent}`, `--ip=${f.host(7)}`], /the network or broadcast address/],
    ['a bad MAC', (f) => [`--net=${f.parent}`, '--mac=01:00:5e:00:00:01'], /--mac: '01:00:5e:00:00:01' is a multicast address/],
    ['a malformed MAC', (f) => [`--net=${f.parent}`, '--mac=02:00:00:00:00'], /--mac: '02:00:00:00:00' is not a MAC address/],
    ['an mtu below the range', (f) => [`--net=${f.parent}`, '--mtu=10'], /--mtu: '10' is out of range \(68-65535\)/],
    ['an mtu above the parent\'s', (f) => [`--net=${f.parent}`, '--mtu=9000'], /--mtu=9000: more than the MTU of tjp\d+ \(1500\)$/],
    ['a gateway outside the subnet', (f) => [`--net=${f.parent}`, '--defaultgw=10.231.250.1'], /--defaultgw=10\.231\.250\.1: not in the subnet/],
    ['a veth name without a bridge', (f) => [`--net=${f.parent}`, '--veth-name=tjx0'], /is not a bridge/],
    ['--ip without --net', () => ['--ip=10.0.0.1'], /--ip needs --net=INTERFACE/],
    ['more than 4 name servers', () => ['--dns=1.1.1.1', '--dns=1.1.1.2', '--dns=1.1.1.3', '--dns=1.1.1.4', '--dns=1.1.1.5'],
      /--dns: at most 4 name servers, not 5/],
  ];

  it.each(bad)('%s: one clear line, exit 1, nothing left behind', (_name, args, message) => {
    const marker = '765.4321';
    const r = tsjail([...args(fx), '--', 'sleep', marker]);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(processesWith(marker)).toEqual([]);
  });
});

describe('--net=BRIDGE (veth pair)', () => {
  let fx: NetFixture;
  beforeAll(() => {
    fx = makeNetFixture({ bridge: true });
  });
  afterAll(() => fx.dispose());
  beforeEach(() => {
    links = hostLinks();
  });

  function ports(): string[] {
    return readdirSync(`/sys/class/net/${fx.parent}/brif`).filter((p) => !p.startsWith('tjp')).sort();
  }

  it('puts one end on the bridge and the other inside as eth0; both go when the sandbox ends', () => {
    const r = tsjail([`--net=${fx.parent}`, `--ip=${fx.host(7)}`, '--', 'sh', '-c',
      `ip -o -4 addr; ls /sys/class/net; ${ping.path} -c1 -W2 ${fx.peer}`]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(ipv4Of(r.stdout)).toBe(`${fx.host(7)}/24`);
    expect(r.stdout).toMatch(/1 received/);
    expect(ports()).toEqual([]);
    expect(hostLinks()).toEqual(links);
  });

  it('shows the host end on the bridge while it runs, named by --veth-name', async () => {
    const t = startTsjail([BARE, `--net=${fx.parent}`, '--veth-name=tjvethx0', '--', 'sh', '-c', 'echo ready; exec sleep 60']);
    try {
      await waitFor(() => t.output().includes('ready'));
      expect(ports()).toEqual(['tjvethx0']);
    } finally {
      t.child.kill('SIGTERM');
      await t.done;
    }
    expect(ports()).toEqual([]);
    expect(hostLinks()).toEqual(links);
  });

  it('leaves nothing behind when tsjail is killed with SIGKILL mid-start', async () => {
    const marker = '654.3219';
    const t = startTsjail([`--net=${fx.parent}`, '--', 'sh', '-c', `echo started; exec sleep ${marker}`]);
    // Kill as soon as the host end of the veth exists: the sandbox is then
    // still probing for its address (about 40 ms), so most likely mid-start.
    const end = Date.now() + 10_000;
    while (ports().length === 0 && Date.now() < end) {
      /* spin: the window is short */
    }
    expect(ports()).toHaveLength(1);
    process.kill(t.child.pid as number, 'SIGKILL');
    const res = await t.done;
    expect(res.signal).toBe('SIGKILL');
    await waitFor(() => ports().length === 0 && processesWith(marker).length === 0);
    await waitFor(() => JSON.stringify(hostLinks()) === JSON.stringify(links));
  });

  it('refuses a host end name that exists, leaving nothing', () => {
    const r = tsjail([`--net=${fx.parent}`, `--veth-name=${fx.parent}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/create veth pair .*File exists/);
    expect(ports()).toEqual([]);
    expect(hostLinks()).toEqual(links);
  });
});

describe('--dns and --hosts-file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tjtest-net-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--dns writes the sandbox\'s own resolv.conf; the host\'s is unchanged', () => {
    const hostResolv = readFileSync('/etc/resolv.conf', 'utf8');
    const hostMounts = readFileSync('/proc/self/mountinfo', 'utf8');
    const r = tsjail(['--net=none', '--dns=192.0.2.53', '--dns=2001:DB8::53', '--', 'sh', '-c',
      'cat /etc/resolv.conf; echo x >> /etc/resolv.conf || echo read-only']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^nameserver 192\.0\.2\.53\nnameserver 2001:db8::53\n/m);
    expect(r.stdout).toMatch(/read-only/);
    expect(readFileSync('/etc/resolv.conf', 'utf8')).toBe(hostResolv);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toBe(hostMounts);
  });

  it('--dns works without a network namespace too', () => {
    const r = tsjail(['--dns=198.51.100.1', '--', 'cat', '/etc/resolv.conf']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^nameserver 198\.51\.100\.1$/m);
  });

  it('--hosts-file becomes the sandbox\'s /etc/hosts', () => {
    const hostHosts = readFileSync('/etc/hosts', 'utf8');
    const file = join(dir, 'hosts');
    writeFileSync(file, '127.0.0.1 localhost\n192.0.2.7 tjtest-host\n');
    const r = tsjail([`--hosts-file=${file}`, '--', 'cat', '/etc/hosts']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('127.0.0.1 localhost\n192.0.2.7 tjtest-host\n');
    expect(readFileSync('/etc/hosts', 'utf8')).toBe(hostHosts);
  });

  it('--hosts-file that cannot be read: one line, exit 1', () => {
    const r = tsjail([`--hosts-file=${join(dir, 'missing')}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsjail: --hosts-file: cannot read '.*missing' \(ENOENT\)$/m);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});
