import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli.js';
import { UsageError } from '../../../src/errors.js';
import { DEFAULT_NETWORK, isInterfaceName, normalizeNetwork } from '../../../src/net/options.js';
import { normalizeOptions } from '../../../src/options.js';

function net(args: string[]) {
  const cli = parseCommandLine([...args, 'true']);
  if (cli.kind !== 'run') throw new Error('not a run');
  return normalizeOptions(cli.options).network;
}

describe('network options', () => {
  it('default to nothing: no namespace, no interface', () => {
    expect(net([])).toEqual(DEFAULT_NETWORK);
    expect(normalizeOptions({}).network).toEqual(DEFAULT_NETWORK);
  });

  it('--net=none asks for a namespace and nothing else', () => {
    expect(net(['--net=none'])).toMatchObject({ namespace: true, parent: null });
  });

  it('--net=IFACE with every setting', () => {
    const n = net(['--net=br0', '--ip=10.0.0.5', '--netmask=255.255.0.0', '--defaultgw=10.0.0.1',
      '--mac=02:AB:cd:00:00:01', '--mtu=1400', '--interface-name=net0', '--veth-name=vx0',
      '--dns=1.1.1.1', '--dns=2001:db8::1', '--hosts-file=/etc/hosts']);
    expect(n).toEqual({
      namespace: true, parent: 'br0', name: 'net0', vethName: 'vx0', ip: '10.0.0.5', netmask: '255.255.0.0',
      gateway: '10.0.0.1', mac: '02:ab:cd:00:00:01', mtu: 1400, dns: ['1.1.1.1', '2001:db8::1'],
      hostsFile: '/etc/hosts', netfilter: null,
    });
    expect(Object.isFrozen(n)).toBe(true);
  });

  it('--ip=none, and the last of a repeated option wins', () => {
    expect(net(['--net=eth1', '--ip=none']).ip).toBe('none');
    expect(net(['--net=eth1', '--ip=10.0.0.2', '--ip=10.0.0.3']).ip).toBe('10.0.0.3');
  });

  it('--netfilter: the default filter, or a file (~ and relative paths as for other paths)', () => {
    expect(net(['--net=none', '--netfilter']).netfilter).toBe('default');
    expect(net(['--net=none', '--netfilter=/etc/tsjail/web.net']).netfilter).toBe('/etc/tsjail/web.net');
    expect(normalizeNetwork({ netfilter: '~/f.net' }, '/home/u').netfilter).toBe('/home/u/f.net');
    expect(normalizeNetwork({ netfilter: 'f.net' }, '/home/u', '/srv').netfilter).toBe('/srv/f.net');
    // Kept without a namespace: the plan builder says so and drops it.
    expect(net(['--netfilter']).netfilter).toBe('default');
    expect(() => normalizeNetwork({ netfilter: '/etc/f.net,80' })).toThrow(/templates \(FILE,ARG,\.\.\.\) are not supported/);
    expect(() => normalizeNetwork({ netfilter: 'f.net' })).toThrow(/--netfilter: 'f.net' is not an absolute path/);
  });

  it('--dns and --hosts-file need no network namespace', () => {
    expect(net(['--dns=9.9.9.9'])).toMatchObject({ namespace: false, dns: ['9.9.9.9'] });
    expect(net(['--hosts-file=/tmp/h'])).toMatchObject({ namespace: false, hostsFile: '/tmp/h' });
  });

  const bad: [string[], RegExp][] = [
    [['--net=a/b'], /--net: 'a\/b' is not an interface name/],
    [['--net=0123456789abcdef'], /--net: '0123456789abcdef' is not an interface name/],
    [['--net=eth0:1'], /--net: 'eth0:1'/],
    [['--ip=10.0.0.1'], /--ip needs --net=INTERFACE/],
    [['--net=none', '--mac=02:00:00:00:00:01'], /--mac needs --net=INTERFACE/],
    [['--net=none', '--interface-name=x'], /--interface-name needs --net=INTERFACE/],
    [['--net=e', '--ip=10.0.0.256'], /--ip: '10\.0\.0\.256' is not an IPv4 address/],
    [['--net=e', '--ip=010.0.0.1'], /--ip: '010\.0\.0\.1' is not an IPv4 address/],
    [['--net=e', '--ip=127.0.0.5'], /--ip: '127\.0\.0\.5' is not a unicast host address/],
    [['--net=e', '--ip=224.0.0.5'], /not a unicast host address/],
    [['--net=e', '--ip=none', '--defaultgw=10.0.0.1'], /--defaultgw cannot be used with --ip=none/],
    [['--net=e', '--netmask=255.0.255.0'], /--netmask: '255\.0\.255\.0' is not a network mask/],
    [['--net=e', '--netmask=0.0.0.0'], /is not a network mask/],
    [['--net=e', '--mac=02:00:00:00:00'], /--mac: '02:00:00:00:00' is not a MAC address/],
    [['--net=e', '--mac=03:00:00:00:00:01'], /--mac: '03:00:00:00:00:01' is a multicast address/],
    [['--net=e', '--mac=00:00:00:00:00:00'], /is all zeros/],
    [['--net=e', '--mtu=67'], /--mtu: '67' is out of range \(68-65535\)/],
    [['--net=e', '--mtu=65536'], /out of range/],
    [['--net=e', '--mtu=1e3'], /--mtu: '1e3' is out of range/],
    [['--dns=ns.example'], /--dns: 'ns\.example' is not an IP address/],
    [['--dns=1.1.1.1', '--dns=1.1.1.2', '--dns=1.1.1.3', '--dns=1.1.1.4', '--dns=1.1.1.5'], /at most 4/],
  ];

  it('refuses an empty --hosts-file, on one line (src/cli-check.ts)', () => {
    expect(() => net(['--hosts-file='])).toThrow('--hosts-file: needs a value');
  });

  it.each(bad)('refuses %j', (args, message) => {
    expect(() => net(args)).toThrow(UsageError);
    expect(() => net(args)).toThrow(message);
  });

  it('knows interface names as the kernel does', () => {
    for (const ok of ['eth0', 'br-lan', 'x', 'a'.repeat(15), 'wlp0s20f3', 'veth@1']) expect(isInterfaceName(ok), ok).toBe(true);
    for (const no of ['', '.', '..', 'a b', 'a/b', 'a:b', 'a'.repeat(16), 'é', 'a\tb']) expect(isInterfaceName(no), no).toBe(false);
  });

  it('normalizeNetwork takes the raw values directly', () => {
    expect(normalizeNetwork({ net: 'none', dns: ['::1'] })).toMatchObject({ namespace: true, dns: ['::1'] });
  });
});
