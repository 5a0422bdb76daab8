/** The network for a non-root caller: through a setuid-root copy of the
 * helper built to read a test tsjail.conf (the path is fixed at build time,
 * so no user can point the real helper elsewhere), and through the plain
 * rootless helper. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fieldOf, HELPER, requireInstalled, ROOT, TEST_GID, TEST_UID, tsjailAsUser as runAsUser } from '../helpers.js';

/** The network options themselves: the built-in defaults, no profile. */
const tsjailAsUser = (args: readonly string[], opts?: Parameters<typeof runAsUser>[1]) =>
  runAsUser(args.includes('--noprofile') ? args : [`--profile=${ROOT}/test/fixtures/bare.ini`, ...args], opts);
import { hostLinks, makeNetFixture, plainPing, type NetFixture } from '../net-fixture.js';

let dir: string;
let helper: string;
let confPath: string;
let fx: NetFixture;
let ping: ReturnType<typeof plainPing>;
let links: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tjtest-netuser-'));
  chmodSync(dir, 0o755);
  helper = join(dir, 'tsjail-helper');
  confPath = join(dir, 'tsjail.conf');
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), 'variant', `VARIANT=${helper}`, `VARIANT_CONF=${confPath}`]);
  chmodSync(helper, 0o4755);
  fx = makeNetFixture();
  ping = plainPing();
});
afterAll(() => {
  fx?.dispose();
  ping?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  links = hostLinks();
  rmSync(confPath, { force: true });
});
afterEach(() => {
  expect(hostLinks()).toEqual(links);
});

function policy(text: string, mode = 0o644): void {
  writeFileSync(confPath, text);
  chmodSync(confPath, mode);
}

const asUser = (args: string[]) => tsjailAsUser(args, { env: { TSJAIL_HELPER: helper } });

describe('setuid helper, non-root caller', () => {
  it('--net=none is always allowed', () => {
    const r = asUser(['--net=none', '--', 'ip', '-o', 'link']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  });

  it('--net=PARENT is refused without a policy', () => {
    const r = asUser([`--net=${fx.parent}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsjail: --net=${fx.parent}: not allowed for uid ${TEST_UID} by ${confPath} (net-allow)\n`);
  });

  it('--net=PARENT is refused when the policy allows only other interfaces', () => {
    policy('net-allow = tjother0, tjother1\n');
    const r = asUser([`--net=${fx.parent}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not allowed for uid 65534/);
  });

  it('--net=PARENT works when the policy allows it, with the caller\'s ids and no capabilities', () => {
    policy(`# test\nnet-allow = tjother0, ${fx.parent}\n`);
    const a = fx.host(9);
    const r = asUser([`--net=${fx.parent}`, `--ip=${a}`, '--', 'sh', '-c',
      `ip -o -4 addr show eth0; ${ping.path} -c1 -W2 ${fx.peer} | grep received; id -u; cat /proc/self/status`]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`eth0\\s+inet ${a.replace(/\./g, '\\.')}/24`));
    expect(r.stdout).toMatch(/1 received/);
    expect(r.stdout).toMatch(/^65534$/m);
    expect(fieldOf(r.stdout, 'CapEff')).toBe('0000000000000000');
    expect(fieldOf(r.stdout, 'CapBnd')).toBe('0000000000000000');
  });

  it('the real ping (a file capability, cap_net_raw=ep) starts with no capability and reaches the peer', () => {
    requireInstalled('/usr/bin/ping', 'iputils-ping');
    policy(`net-allow = ${fx.parent}\n`);
    const r = asUser([`--net=${fx.parent}`, `--ip=${fx.host(10)}`, '--', 'sh', '-c',
      `/usr/bin/ping -c1 -W2 ${fx.peer} | grep received; cat /proc/sys/net/ipv4/ping_group_range; grep -E '^Cap(Eff|Bnd)' /proc/self/status`]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/1 received/);
    // ICMP sockets for the caller's group, in the sandbox's namespace only.
    expect(r.stdout).toMatch(new RegExp(`^${TEST_GID}\\s+${TEST_GID}$`, 'm'));
    expect(r.stdout).toMatch(/^CapEff:\s+0+$/m);
    expect(r.stdout).toMatch(/^CapBnd:\s+0+$/m);
  });

  it('refuses a policy file others may write', () => {
    policy(`net-allow = ${fx.parent}\n`, 0o666);
    const r = asUser([`--net=${fx.parent}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--net=\S+ refused: the policy cannot be used: .* writable by others/);
  });

  it('refuses a policy file that is a symbolic link', () => {
    const real = join(dir, 'real.conf');
    writeFileSync(real, `net-allow = ${fx.parent}\n`, { mode: 0o644 });
    symlinkSync(real, confPath);
    try {
      const r = asUser([`--net=${fx.parent}`, '--', 'true']);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/symbolic link/);
    } finally {
      unlinkSync(confPath);
    }
  });

  it('may not name host interfaces (--veth-name)', () => {
    policy(`net-allow = ${fx.parent}\n`);
    const r = asUser([`--net=${fx.parent}`, '--veth-name=tjmine0', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('tsjail: --veth-name: only root may name host interfaces\n');
  });

  it('--dns works', () => {
    const r = asUser(['--net=none', '--dns=192.0.2.1', '--', 'cat', '/etc/resolv.conf']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^nameserver 192\.0\.2\.1$/m);
  });
});

describe('rootless helper, non-root caller', () => {
  const rootless = (args: string[]) => tsjailAsUser(args, { env: { TSJAIL_HELPER: HELPER } });

  it('--net=none works', () => {
    const r = rootless(['--net=none', '--', 'sh', '-c', `ip -o link; ${ping.path} -c1 -W1 127.0.0.1 | grep received`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
    expect(r.stdout).toMatch(/1 received/);
  });

  it('the real ping (cap_net_raw=ep) starts there too, and pings over lo', () => {
    const r = rootless(['--net=none', '--', '/usr/bin/ping', '-c1', '-W1', '127.0.0.1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 received/);
  });

  it('--net=PARENT is refused with a clear message', () => {
    const r = rootless([`--net=${fx.parent}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsjail: --net=${fx.parent}: an interface on the host needs root, and the helper `
      + 'is not setuid (rootless mode); --net=none works\n');
  });

  it('--dns and --hosts-file work', () => {
    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, '192.0.2.9 rootless-host\n', { mode: 0o644 });
    const r = rootless(['--dns=192.0.2.2', `--hosts-file=${hosts}`, '--', 'sh', '-c', 'cat /etc/resolv.conf /etc/hosts']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^nameserver 192\.0\.2\.2$/m);
    expect(r.stdout).toMatch(/^192\.0\.2\.9 rootless-host$/m);
  });
});
