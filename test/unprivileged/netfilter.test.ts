/** --netfilter for a non-root caller: through a setuid-root copy of the
 * helper built to read a test tsjail.conf, and through the rootless helper.
 * A user of the setuid helper may load tsjail's default filter or a file
 * root alone may change; a file of the user's own is refused (iptables-
 * restore runs as root, and its parser has had holes: CVE-2019-11360). */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { HELPER, processesWith, requireInstalled, ROOT, tsjailAsUser, waitFor } from '../helpers.js';

const user = inject('testUser');
const PORT = 20000 + ((process.pid + 5000) % 10000);
const BARE = `--profile=${ROOT}/test/fixtures/bare.ini`;

let dir: string;
let helper: string;
let confPath: string;
let rootFilter: string;
let userFilter: string;

function filter(path: string): void {
  writeFileSync(path, `*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 127.0.0.1 -p tcp --dport ${PORT} -j DROP\nCOMMIT\n`);
}

beforeAll(() => {
  requireInstalled('/usr/sbin/iptables-restore', 'iptables');
  dir = mkdtempSync(join(tmpdir(), 'tjtest-nfuser-'));
  chmodSync(dir, 0o755);
  helper = join(dir, 'tsjail-helper');
  confPath = join(dir, 'tsjail.conf');
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), 'variant', `VARIANT=${helper}`, `VARIANT_CONF=${confPath}`]);
  chmodSync(helper, 0o4755);
  rootFilter = join(dir, 'drop.net');
  filter(rootFilter);
  const own = join(dir, 'user');
  mkdirSync(own, { mode: 0o755 });
  chownSync(own, user.uid, user.gid);
  userFilter = join(own, 'drop.net');
  filter(userFilter);
  chownSync(userFilter, user.uid, user.gid);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => rmSync(confPath, { force: true }));

function policy(text: string): void {
  writeFileSync(confPath, text);
  chmodSync(confPath, 0o644);
}

const PROBE = ['--', 'sh', '-c',
  `busybox nc -l -p ${PORT} -e echo hello & ` +
  `until busybox netstat -ltn | grep -q ':${PORT} '; do sleep 0.05; done; ` +
  `echo | timeout 2 busybox nc 127.0.0.1 ${PORT}; echo "client $?"; kill $! 2>/dev/null; true`];

const asUser = (args: string[], helperPath = helper) =>
  tsjailAsUser([BARE, ...args], { user, env: { TSJAIL_HELPER: helperPath } });

describe('setuid helper', () => {
  it('loads a filter file root alone may change: the packet is dropped', () => {
    const r = asUser(['--net=none', `--netfilter=${rootFilter}`, ...PROBE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('client 124\n');
  });

  it('loads the default filter (lo stays open)', () => {
    const r = asUser(['--net=none', '--netfilter', ...PROBE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('hello\nclient 0\n');
  });

  it('refuses a filter file of the user\'s own with one line, running nothing', () => {
    const marker = '432.1765';
    const r = asUser(['--net=none', `--netfilter=${userFilter}`, '--', 'sleep', marker]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsjail: --netfilter=\S+drop\.net: refused: .*'user' is not owned by root or is writable by others/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(processesWith(marker)).toEqual([]);
  });

  it('refuses a root file the user cannot read (it is opened as the user)', () => {
    const secret = join(dir, 'secret.net');
    filter(secret);
    chmodSync(secret, 0o600);
    const r = asUser(['--net=none', `--netfilter=${secret}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tsjail: --netfilter=\S+secret\.net: refused: .*Permission denied/);
  });

  it('refuses a file of the kernel\'s that is root\'s but holds what the user wrote (/proc/PID/cmdline of a setuid program)', async () => {
    // The setuid helper itself, started by the user with argv[0] a filter
    // and waiting for its plan: its /proc/PID is root's, and cmdline holds
    // that argv. iptables-restore would run as root on the user's text.
    const text = `#\n*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 127.0.0.1 -p tcp --dport ${PORT} -j DROP\nCOMMIT\n#`;
    const holder = spawn(helper, ['--plan-fd=0'], { argv0: text, uid: user.uid, gid: user.gid, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      const cmdline = `/proc/${holder.pid}/cmdline`;
      await waitFor(() => {
        try {
          return readFileSync(cmdline, 'utf8').startsWith(text);
        } catch {
          return false;
        }
      });
      const r = asUser(['--net=none', `--netfilter=${cmdline}`, ...PROBE]);
      expect(r.stdout).not.toBe('client 124\n');
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toBe(`tsjail: --netfilter=${cmdline}: refused: ${cmdline}: a file of the kernel's (proc, sysfs...), ` +
        'not one root wrote (a user\'s filter must be root\'s and writable by root alone, in directories the same)\n');
    } finally {
      holder.kill('SIGKILL');
      await new Promise((res) => holder.on('close', res));
    }
  });

  it('netfilter = no in tsjail.conf refuses it', () => {
    policy('netfilter = no\n');
    const r = asUser(['--net=none', '--netfilter', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsjail: --netfilter is not allowed for users here (netfilter = no in ${confPath})\n`);
  });

  it('netfilter = default allows only the default filter', () => {
    policy('netfilter = default\n');
    expect(asUser(['--net=none', '--netfilter', '--', 'true']).status).toBe(0);
    const r = asUser(['--net=none', `--netfilter=${rootFilter}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/only tsjail's default filter is allowed for users here \(netfilter = default in /);
  });

  it('a bad netfilter value in tsjail.conf: one line naming file:line', () => {
    policy('# site\nnetfilter = maybe\n');
    const r = asUser(['--net=none', '--netfilter', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsjail: ${confPath}:2: netfilter must be yes, default or no, not 'maybe'\n`);
  });
});

describe('rootless helper', () => {
  it('loads the user\'s own file with the user\'s own privilege (in the sandbox\'s user namespace)', () => {
    const r = asUser(['--net=none', `--netfilter=${userFilter}`, ...PROBE], HELPER);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('client 124\n');
  });
});
