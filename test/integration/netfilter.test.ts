/** --netfilter as root: a filter file and tsjail's default filter drop real
 * packets in the sandbox's own network namespace (--net=none, and a veth
 * topology of the test's own, test/net-fixture.ts); a bad filter stops the
 * sandbox with one line and leaves nothing behind. Packets go only over the
 * sandbox's lo and the test's veth pair. */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processesWith, requireInstalled, ROOT, startTsjail, TEST_GID, TEST_UID, tsjail as run, type RunOptions } from '../helpers.js';
import { hostLinks, makeNetFixture, type NetFixture } from '../net-fixture.js';

const BARE = `--profile=${ROOT}/test/fixtures/bare.ini`;
const tsjail = (args: readonly string[], opts?: RunOptions) => run([BARE, ...args], opts);

/** A port of this test file's own, in the sandbox's own namespace anyway. */
const PORT = 20000 + (process.pid % 10000);

let dir: string;
/** Root's, in a root-owned 0755 directory: drops TCP to 127.0.0.1:PORT. */
let dropFile: string;
let badFile: string;

beforeAll(() => {
  requireInstalled('/usr/sbin/iptables-restore', 'iptables');
  dir = mkdtempSync(join(tmpdir(), 'tjtest-netfilter-'));
  chmodSync(dir, 0o755);
  dropFile = join(dir, 'drop.net');
  writeFileSync(dropFile, `*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 127.0.0.1 -p tcp --dport ${PORT} -j DROP\nCOMMIT\n`);
  badFile = join(dir, 'bad.net');
  writeFileSync(badFile, '*filter\n-A INPUT -j NO-SUCH-CHAIN\nCOMMIT\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Inside: a listener on 127.0.0.1:PORT, then a client of it; prints what
 * the listener said, and the client's status (124: timed out). */
const LOOPBACK_PROBE = ['--', 'sh', '-c',
  `busybox nc -l -p ${PORT} -e echo hello & ` +
  `until busybox netstat -ltn | grep -q ':${PORT} '; do sleep 0.05; done; ` +
  `echo | timeout 2 busybox nc 127.0.0.1 ${PORT}; echo "client $?"; kill $! 2>/dev/null; true`];

describe('--netfilter=FILE with --net=none', () => {
  it('the listener inside is reachable without the filter', () => {
    const r = tsjail(['--net=none', ...LOOPBACK_PROBE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('hello\nclient 0\n');
  });

  it('and unreachable with it: the SYN is dropped', () => {
    const r = tsjail(['--net=none', `--netfilter=${dropFile}`, ...LOOPBACK_PROBE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('client 124\n');
    expect(r.stderr).toBe('');
  });

  it('a filter from a profile works the same', () => {
    const profile = join(dir, 'nf.profile');
    writeFileSync(profile, `net none\nnetfilter ${dropFile}\n`);
    const r = run([`--profile=${profile}`, ...LOOPBACK_PROBE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('client 124\n');
  });

  it('root may name a file that is not root\'s', () => {
    const mine = join(dir, 'users.net');
    writeFileSync(mine, `*filter\n-A OUTPUT -d 127.0.0.1 -p tcp --dport ${PORT} -j DROP\nCOMMIT\n`);
    chownSync(mine, TEST_UID, TEST_GID);
    const r = tsjail(['--net=none', `--netfilter=${mine}`, ...LOOPBACK_PROBE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('client 124\n');
  });

  it('without a network namespace of its own: one line, and no filter', () => {
    const r = tsjail([`--netfilter=${dropFile}`, '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('tsjail: warning: --netfilter: no effect without a network namespace of the sandbox\'s own (--net=none or --net=INTERFACE)\n');
    const plan = JSON.parse(tsjail([`--netfilter=${dropFile}`, '--print-plan', '--', 'true']).stdout);
    expect(plan.network).toBeNull();
  });

  it('a file that is not there: one line', () => {
    const r = tsjail(['--net=none', `--netfilter=${join(dir, 'none.net')}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsjail: --netfilter=.*none\.net: No such file or directory\n$/);
  });

  it('a FILE,ARG template: one line', () => {
    const r = tsjail(['--net=none', `--netfilter=${dropFile},5001`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/templates \(FILE,ARG,\.\.\.\) are not supported/);
  });
});

describe('the default filter with --net=IFACE', () => {
  let fx: NetFixture;
  let links: string[];
  beforeAll(() => {
    fx = makeNetFixture();
  });
  afterAll(() => fx.dispose());
  beforeEach(() => {
    links = hostLinks();
  });
  afterEach(() => {
    expect(hostLinks()).toEqual(links);
  });

  /** The sandbox listens on its address; the test's peer connects to it. */
  async function connectFromPeer(k: number, extra: string[]): Promise<{ peer: string; stdout: string }> {
    const addr = fx.host(k);
    const t = startTsjail([BARE, '--quiet', `--net=${fx.parent}`, `--ip=${addr}`, ...extra, '--', 'sh', '-c',
      `busybox nc -l -p ${PORT} -e echo hello & ` +
      `until busybox netstat -ltn | grep -q ':${PORT} '; do sleep 0.05; done; echo ready; wait`]);
    try {
      const end = Date.now() + 10_000;
      while (!t.output().includes('ready') && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
      expect(t.output()).toContain('ready');
      const peer = spawnSync('ip', ['netns', 'exec', fx.ns, 'busybox', 'nc', '-w', '2', addr, String(PORT)], {
        encoding: 'utf8', input: '', timeout: 10_000,
      });
      return { peer: peer.stdout, stdout: t.output() };
    } finally {
      t.child.kill('SIGTERM');
      await t.done;
    }
  }

  it('accepts a connection from the peer without netfilter', async () => {
    const r = await connectFromPeer(3, []);
    expect(r.peer).toBe('hello\n');
  });

  it('drops it with --netfilter (no incoming connections)', async () => {
    const r = await connectFromPeer(4, ['--netfilter']);
    expect(r.peer).toBe('');
  });

  it('lets the sandbox connect out, and the replies in', () => {
    const listener = spawnSync('sh', ['-c',
      `ip netns exec ${fx.ns} timeout 5 busybox nc -l -p ${PORT} -e echo from-peer & sleep 0.3; ` +
      `${process.execPath} ${join(ROOT, 'bin', 'tsjail.js')} ${BARE} --quiet --net=${fx.parent} --ip=${fx.host(5)} --netfilter -- ` +
      `sh -c 'echo | timeout 3 busybox nc ${fx.peer} ${PORT}'; wait`], { encoding: 'utf8', timeout: 15_000, cwd: '/' });
    expect(listener.stdout).toBe('from-peer\n');
  });

  it('a bad filter: one line naming the file and iptables-restore\'s message, nothing left behind', () => {
    const marker = '543.2176';
    const r = tsjail([`--net=${fx.parent}`, `--ip=${fx.host(6)}`, `--netfilter=${badFile}`, '--', 'sleep', marker]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^tsjail: --netfilter=${badFile}: iptables-restore failed: .*NO-SUCH-CHAIN.*\\n$`));
    expect(r.stdout).toBe('');
    expect(processesWith(marker)).toEqual([]);
  });
});
