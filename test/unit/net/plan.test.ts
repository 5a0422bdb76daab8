import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlanError } from '../../../src/errors.js';
import { buildNetworkPlan, HOSTS_MAX, readHostsFile } from '../../../src/net/plan.js';
import { normalizeNetwork } from '../../../src/net/options.js';
import { normalizeOptions } from '../../../src/options.js';
import { buildPlan } from '../../../src/plan/build.js';

const ctx = {
  resolved: { program: '/bin/true', argv: ['true'] }, env: ['PATH=/bin'], cwd: '/tmp',
  caller: { uid: 0, home: '/root' }, probe: { kind: () => null, canonical: (p: string) => p, list: () => [] }, root: null,
};
const dir = mkdtempSync(join(tmpdir(), 'tjtest-netunit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the plan\'s network part', () => {
  it('is null, and no net namespace, without network options', () => {
    const plan = buildPlan(normalizeOptions({}), ctx);
    expect(plan.network).toBeNull();
    expect(plan.namespaces).not.toContain('net');
  });

  it('--net=none: the net namespace, network null', () => {
    const plan = buildPlan(normalizeOptions({ net: 'none' }), ctx);
    expect(plan.namespaces).toEqual(['pid', 'mount', 'ipc', 'uts', 'net']);
    expect(plan.network).toBeNull();
  });

  it('--net=IFACE: every setting, the auto address as null', () => {
    const plan = buildPlan(normalizeOptions({ net: 'eth1', mtu: '1400' }), ctx);
    expect(plan.network).toEqual({
      parent: 'eth1', name: 'eth0', vethName: null, ip: null, netmask: null, gateway: null,
      mac: null, mtu: 1400, dns: [], hosts: null, netfilter: null,
    });
  });

  it('--netfilter: the default, or the file with its links resolved; nothing without a namespace', () => {
    expect(buildPlan(normalizeOptions({ net: 'none', netfilter: true }), ctx).network).toMatchObject({ parent: null, netfilter: 'default' });
    const probe = { ...ctx.probe, canonical: (p: string) => p.replace('/etc/link', '/etc/real') };
    expect(buildPlan(normalizeOptions({ net: 'none', netfilter: '/etc/link/f.net' }), { ...ctx, probe }).network?.netfilter).toBe('/etc/real/f.net');
    const none = buildPlan(normalizeOptions({ netfilter: '/etc/f.net' }), ctx);
    expect(none.network).toBeNull();
    expect(none.namespaces).not.toContain('net');
  });

  it('--dns and hosts contents without a namespace', () => {
    const n = buildNetworkPlan(normalizeNetwork({ dns: ['9.9.9.9'] }), '127.0.0.1 x\n');
    expect(n).toMatchObject({ parent: null, dns: ['9.9.9.9'], hosts: '127.0.0.1 x\n' });
    const plan = buildPlan(normalizeOptions({ dns: ['9.9.9.9'] }), { ...ctx, hosts: null });
    expect(plan.namespaces).not.toContain('net');
  });
});

describe('readHostsFile', () => {
  it('reads UTF-8 text', () => {
    const f = join(dir, 'ok');
    writeFileSync(f, '127.0.0.1 localhost é\n');
    expect(readHostsFile(f)).toBe('127.0.0.1 localhost é\n');
  });

  it('refuses what cannot be read, is too big, has a NUL or is not UTF-8', () => {
    const big = join(dir, 'big');
    writeFileSync(big, 'x'.repeat(HOSTS_MAX + 1));
    const nul = join(dir, 'nul');
    writeFileSync(nul, 'a\0b');
    const latin = join(dir, 'latin');
    writeFileSync(latin, Buffer.from([0x61, 0xe9, 0x0a]));
    expect(() => readHostsFile(join(dir, 'none'))).toThrow(/cannot read .*ENOENT/);
    expect(() => readHostsFile(dir)).toThrow(/is not a regular file/);
    expect(() => readHostsFile(big)).toThrow(/more than 65536/);
    expect(() => readHostsFile(nul)).toThrow(/NUL byte/);
    expect(() => readHostsFile(latin)).toThrow(PlanError);
  });

  it('refuses a device or a FIFO at once, without reading it (or waiting for a writer)', () => {
    expect(() => readHostsFile('/dev/zero')).toThrow("--hosts-file: '/dev/zero' is not a regular file");
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readHostsFile(fifo)).toThrow(`--hosts-file: '${fifo}' is not a regular file`);
  });
});
