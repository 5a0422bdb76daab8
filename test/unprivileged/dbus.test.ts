/** D-Bus for an ordinary user through a setuid copy of the helper: the
 * session bus where logind puts it (/run/user/UID/bus, made here for the
 * test user; a private dbus-daemon run by root that every user may use),
 * the default profile. The proxy runs as the user and nothing more, its
 * socket directory is the user's, and nothing is left behind. */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { GDBUS, privateBus, type PrivateBus } from '../dbus-fixture.js';
import { fieldOf, FRONT_END, requireInstalled, setuidHelper, TSJAIL, tsjailAsUser, waitFor } from '../helpers.js';

const user = inject('testUser');
const runUser = `/run/user/${user.uid}`;
const socketDir = join(runUser, 'tsjail');
let madeRunUser = false;
let suid: ReturnType<typeof setuidHelper>;
let bus: PrivateBus;

beforeAll(async () => {
  requireInstalled('/usr/bin/xdg-dbus-proxy', 'xdg-dbus-proxy');
  requireInstalled('gdbus', 'libglib2.0-bin');
  suid = setuidHelper();
  if (!existsSync('/run/user')) {
    mkdirSync('/run/user', { mode: 0o755 });
    madeRunUser = true;
  }
  mkdirSync(runUser, { mode: 0o700 });
  chownSync(runUser, user.uid, user.gid);
  bus = await privateBus(join(runUser, 'bus'), ['com.example.Allowed', 'com.example.Other'], 'any');
});

afterAll(() => {
  bus?.dispose();
  suid?.dispose();
  rmSync(runUser, { recursive: true, force: true });
  if (madeRunUser) rmdirSync('/run/user');
});

/** The test user's proxies. */
function proxies(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] === 'xdg-dbus-proxy' &&
        readFileSync(`/proc/${p}/status`, 'utf8').includes(`\nUid:\t${user.uid}\t`);
    } catch {
      return false;
    }
  });
}
const socketDirs = () => (existsSync(socketDir) ? readdirSync(socketDir) : []);

afterEach(() => {
  expect(proxies()).toEqual([]);
  expect(socketDirs()).toEqual([]);
});

const env = () => ({ TSJAIL_HELPER: suid.path, DBUS_SESSION_BUS_ADDRESS: `unix:path=${runUser}/bus` });
const script = `${GDBUS.ping('com.example.Allowed')} >/dev/null 2>&1 && echo a; ${GDBUS.ping('com.example.Other')} >/dev/null 2>&1 || echo b; ` +
  'echo "$DBUS_SESSION_BUS_ADDRESS"';

describe('D-Bus as a user (setuid helper, default profile)', () => {
  it('filter: the allowed name only, through the proxy', () => {
    const r = tsjailAsUser(['--dbus-user=filter', '--dbus-user.talk=com.example.Allowed', '--', 'sh', '-c', script],
      { user, env: env(), cwd: user.home });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`a\nb\nunix:path=${runUser}/bus\n`);
  });

  it('none: the bus hidden', () => {
    const r = tsjailAsUser(['--dbus-user=none', '--', 'sh', '-c',
      `echo "[$DBUS_SESSION_BUS_ADDRESS]"; DBUS_SESSION_BUS_ADDRESS=unix:path=${runUser}/bus ${GDBUS.listNames()} >/dev/null 2>&1 || echo hidden`],
    { user, env: env(), cwd: user.home });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('[]\nhidden\n');
  });

  // The default profile has noroot: the helper gives up root first and
  // cannot empty the proxy's bounding set (nor has it anything to gain).
  it.each([['the default profile', [], false], ['--noprofile', ['--noprofile'], true]] as const)(
    'the proxy runs as the user with no capability and no_new_privs, its sockets in the user\'s directory (%s)',
    async (_what, extra, emptyBounding) => {
      const p = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', process.execPath, TSJAIL,
        ...extra, '--dbus-user=filter', '--', 'sleep', '30'], {
        env: { PATH: '/usr/bin:/bin', HOME: user.home, XDG_CACHE_HOME: join(user.home, '.cache'), ...env() }, stdio: 'ignore',
      });
      try {
        // Found once it listens (its socket made), not just started.
        const listening = () => socketDirs().length === 1 && existsSync(join(socketDir, socketDirs()[0] as string, 'user'));
        const [pid] = await waitFor(() => (proxies().length === 1 && listening() ? proxies() : null));
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        expect(fieldOf(status, 'Uid')).toBe(`${user.uid} ${user.uid} ${user.uid} ${user.uid}`);
        expect(fieldOf(status, 'Gid')).toBe(`${user.gid} ${user.gid} ${user.gid} ${user.gid}`);
        expect(fieldOf(status, 'Groups')).toBe('');
        const sets = ['CapInh', 'CapPrm', 'CapEff', 'CapAmb', ...(emptyBounding ? ['CapBnd'] : [])];
        for (const set of sets) expect(fieldOf(status, set), set).toBe('0000000000000000');
        expect(fieldOf(status, 'NoNewPrivs')).toBe('1');
        const [made] = socketDirs();
        expect(made).toMatch(new RegExp(`^tsjail-dbus-${user.uid}\\.[0-9a-f]{8}$`));
        const st = spawnSync('stat', ['-c', '%u %a', join(socketDir, made as string), join(socketDir, made as string, 'user')], { encoding: 'utf8' });
        expect(st.stdout.split('\n')[0]).toBe(`${user.uid} 700`);
        expect(st.stdout.split('\n')[1], st.stderr).toMatch(new RegExp(`^${user.uid} `));
      } finally {
        p.kill('SIGTERM');
        await new Promise((r) => p.on('close', r));
      }
    });

  it('after a SIGKILL of the helper: no proxy; the next filtered run removes the directory', async () => {
    const p = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', process.execPath, TSJAIL,
      '--dbus-user=filter', '--', 'sleep', '30'], {
      env: { PATH: '/usr/bin:/bin', HOME: user.home, XDG_CACHE_HOME: join(user.home, '.cache'), ...env() }, stdio: 'ignore',
    });
    await waitFor(() => proxies().length === 1);
    // setpriv execs Node, Node execs the helper: p.pid is the helper.
    process.kill(p.pid as number, 'SIGKILL');
    await new Promise((r) => p.on('close', r));
    await waitFor(() => proxies().length === 0);
    const left = socketDirs();
    expect(left).toHaveLength(1);
    const r = tsjailAsUser(['--debug', '--dbus-user=filter', '--', 'true'], { user, env: env(), cwd: user.home });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`dbus: removed ${left[0]}, left by a helper that was killed`);
  });

  it('a launch from a stored plan filters too', () => {
    const args = ['--dbus-user=filter', '--dbus-user.talk=com.example.Allowed', '--', 'sh', '-c', script];
    const launch = (noNode: boolean) => spawnSync('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--',
      FRONT_END, ...args], {
      encoding: 'utf8', cwd: user.home, timeout: 20_000,
      env: {
        PATH: '/usr/local/bin:/usr/bin:/bin', HOME: user.home, XDG_CACHE_HOME: join(user.home, '.cache'), ...env(),
        ...(noNode ? { NODE_OPTIONS: '--tsjail-test-no-node' } : {}),
      },
    });
    const expected = `a\nb\nunix:path=${runUser}/bus\n`;
    const cold = launch(false);
    expect(cold.status, cold.stderr).toBe(0);
    expect(cold.stdout).toBe(expected);
    const cached = launch(true);
    expect(cached.status, cached.stderr).toBe(0);
    expect(cached.stdout).toBe(expected);
  });
});
