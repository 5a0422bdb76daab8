/** D-Bus in a real sandbox, as root: a private dbus-daemon (the machine's own
 * buses are never touched) with names owned on it, reached from the sandbox
 * through DBUS_SESSION_BUS_ADDRESS and DBUS_SYSTEM_BUS_ADDRESS. none hides
 * the bus; filter puts xdg-dbus-proxy in its place, which lets through what
 * the rules allow; nothing is left behind, also after a SIGKILL; a launch
 * from a stored plan filters too. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GDBUS, privateBus, type PrivateBus } from '../dbus-fixture.js';
import { FRONT_END, requireInstalled, ROOT, startTsjail, tsjail, waitFor } from '../helpers.js';

let dir: string;
let bus: PrivateBus;
let system: PrivateBus;

beforeAll(async () => {
  requireInstalled('/usr/bin/xdg-dbus-proxy', 'xdg-dbus-proxy');
  requireInstalled('gdbus', 'libglib2.0-bin');
  dir = mkdtempSync(join(tmpdir(), 'tjtest-dbus-'));
  chmodSync(dir, 0o755);
  bus = await privateBus(join(dir, 'bus'), ['com.example.Allowed', 'com.example.Other']);
  system = await privateBus(join(dir, 'system'), ['com.example.Sys', 'com.example.SysOther']);
  // startTsjail passes this process's environment.
  Object.assign(process.env, ENV());
});

afterAll(() => {
  bus?.dispose();
  system?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The proxies running for this file's buses. */
function proxies(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return argv[0] === 'xdg-dbus-proxy' && (argv.includes(bus.address) || argv.includes(system.address));
    } catch {
      return false;
    }
  });
}

/** Root's proxy socket directories. */
const socketDirs = () => readdirSync('/tmp').filter((f) => f.startsWith('tsjail-dbus-0.'));

afterEach(() => {
  expect(proxies()).toEqual([]);
});

const ENV = () => ({ DBUS_SESSION_BUS_ADDRESS: bus.address, DBUS_SYSTEM_BUS_ADDRESS: system.address });
const run = (args: readonly string[], script: string) =>
  tsjail(['--noprofile', ...args, '--', 'sh', '-c', script], { env: ENV() });

/** Runs each command in the sandbox; its lines: "ok OUTPUT" or "fail". */
function calls(args: readonly string[], commands: readonly string[]): string[] {
  const script = commands.map((c) => `if out=$(${c} 2>/dev/null); then echo "ok $out"; else echo fail; fi`).join('; ');
  const r = run(args, script);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
}

describe('dbus-user none', () => {
  it('hides the session bus and drops DBUS_SESSION_BUS_ADDRESS; the host\'s bus is untouched', () => {
    const r = run(['--dbus-user=none'],
      `echo "[$DBUS_SESSION_BUS_ADDRESS]"; test -S ${bus.socket} && echo socket || echo hidden; ` +
      `DBUS_SESSION_BUS_ADDRESS=${bus.address} ${GDBUS.listNames()} >/dev/null 2>&1 && echo reached || echo refused`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['[]', 'hidden', 'refused']);
    const host = spawnSync('sh', ['-c', GDBUS.ping('com.example.Other')], { env: { ...process.env, ...ENV() }, encoding: 'utf8' });
    expect(host.status, host.stderr).toBe(0);
  });

  it('--nodbus hides both buses', () => {
    const out = calls(['--nodbus'], [
      `DBUS_SESSION_BUS_ADDRESS=${bus.address} ${GDBUS.listNames()}`,
      `DBUS_SYSTEM_BUS_ADDRESS=${system.address} ${GDBUS.listNames('system')}`,
    ]);
    expect(out).toEqual(['fail', 'fail']);
  });
});

describe('dbus-user filter', () => {
  it('lets the sandbox talk to an allowed name only, and see only it', () => {
    const out = calls(['--dbus-user=filter', '--dbus-user.talk=com.example.Allowed'], [
      GDBUS.ping('com.example.Allowed'), GDBUS.ping('com.example.Other'), GDBUS.listNames(), 'echo $DBUS_SESSION_BUS_ADDRESS',
    ]);
    expect(out[0]).toBe('ok ()');
    expect(out[1]).toBe('fail');
    expect(out[2]).toMatch(/'com\.example\.Allowed'/);
    expect(out[2]).not.toMatch(/com\.example\.Other/);
    expect(out[3]).toBe(`ok ${bus.address}`);
  });

  it('in a new root too (--overlay-tmpfs: the proxy is waited for before the root switch)', async () => {
    // The new root has a /tmp of its own: this bus lives where it sees the host's.
    const vdir = mkdtempSync('/var/tmp/tjtest-dbus-');
    const vbus = await privateBus(join(vdir, 'bus'), ['com.example.Allowed', 'com.example.Other']).catch((e: unknown) => {
      rmSync(vdir, { recursive: true, force: true });
      throw e;
    });
    try {
      const r = tsjail(['--noprofile', '--overlay-tmpfs', '--dbus-user=filter', '--dbus-user.talk=com.example.Allowed', '--',
        'sh', '-c', `${GDBUS.ping('com.example.Allowed')} && ! ${GDBUS.ping('com.example.Other')} 2>/dev/null && echo ok`],
      { env: { ...ENV(), DBUS_SESSION_BUS_ADDRESS: vbus.address } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/ok\n$/);
    } finally {
      vbus.dispose();
      rmSync(vdir, { recursive: true, force: true });
    }
  });

  it('a name seen is listed but cannot be called; a name.* rule covers the names below it', () => {
    const out = calls(['--dbus-user=filter', '--dbus-user.see=com.example.Other', '--dbus-user.talk=com.example.*'], [
      GDBUS.listNames(), GDBUS.ping('com.example.Allowed'),
    ]);
    expect(out[0]).toMatch(/com\.example\.Other/);
    expect(out[1]).toBe('ok ()');
    const seen = calls(['--dbus-user=filter', '--dbus-user.see=com.example.Other'], [GDBUS.listNames(), GDBUS.ping('com.example.Other')]);
    expect(seen[0]).toMatch(/com\.example\.Other/);
    expect(seen[1]).toBe('fail');
  });

  it('lets the sandbox own an allowed name and not another', () => {
    const out = calls(['--dbus-user=filter', '--dbus-user.own=com.example.Mine.*'], [
      GDBUS.own('com.example.Mine'), GDBUS.own('com.example.Mine.Sub'), GDBUS.own('com.example.Notmine'),
    ]);
    expect(out).toEqual(['ok (uint32 1,)', 'ok (uint32 1,)', 'fail']);
  });

  it('a call rule allows that method at that path only', () => {
    const call = (path: string, method: string) =>
      `gdbus call --session --dest com.example.Other --object-path ${path} --method org.freedesktop.DBus.Peer.${method}`;
    const out = calls(['--dbus-user=filter', '--dbus-user.call=com.example.Other=org.freedesktop.DBus.Peer.Ping@/'], [
      call('/', 'Ping'), call('/x', 'Ping'), call('/', 'GetMachineId'),
    ]);
    expect(out).toEqual(['ok ()', 'fail', 'fail']);
  });

  it('leaves no proxy, socket or directory behind', () => {
    const before = socketDirs();
    const r = run(['--debug', '--dbus-user=filter'], 'true');
    expect(r.status, r.stderr).toBe(0);
    const made = /listens on (\/tmp\/tsjail-dbus-0\.[0-9a-f]+)\/user/.exec(r.stderr)?.[1];
    expect(made, r.stderr).toBeDefined();
    expect(existsSync(made as string)).toBe(false);
    expect(socketDirs()).toEqual(before);
  });
});

describe('dbus-system', () => {
  it('filter: the system bus (DBUS_SYSTEM_BUS_ADDRESS) through the proxy', () => {
    const out = calls(['--dbus-system=filter', '--dbus-system.talk=com.example.Sys'], [
      GDBUS.ping('com.example.Sys', 'system'), GDBUS.ping('com.example.SysOther', 'system'), 'echo $DBUS_SYSTEM_BUS_ADDRESS',
    ]);
    expect(out).toEqual(['ok ()', 'fail', `ok ${system.address}`]);
  });

  it('none: the system bus hidden, the session bus left as it is', () => {
    const out = calls(['--dbus-system=none'], [
      `DBUS_SYSTEM_BUS_ADDRESS=${system.address} ${GDBUS.listNames('system')}`, GDBUS.ping('com.example.Other'),
    ]);
    expect(out).toEqual(['fail', 'ok ()']);
  });

  it('both buses filtered by one proxy', () => {
    const out = calls(['--dbus-user=filter', '--dbus-user.talk=com.example.Allowed', '--dbus-system=filter'], [
      GDBUS.ping('com.example.Allowed'), GDBUS.ping('com.example.Sys', 'system'),
    ]);
    expect(out).toEqual(['ok ()', 'fail']);
  });
});

describe('options and profiles', () => {
  it('none cannot be relaxed to filter, as in firejail', () => {
    const r = run(['--dbus-user=none', '--dbus-user=filter', '--dbus-user.talk=com.example.Allowed'],
      `${GDBUS.ping('com.example.Allowed')} >/dev/null 2>&1 && echo reached || echo refused`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('refused');
    expect(r.stderr).toMatch(/dbus-user: none cannot be relaxed to filter/);
  });

  it('a firejail profile\'s dbus lines are enforced', () => {
    const p = join(dir, 'app.profile');
    // The profile's /tmp is private: the bus's directory is kept in it.
    writeFileSync(p, `whitelist ${dir}\ndbus-user filter\ndbus-user.talk com.example.Allowed\ndbus-system none\n`);
    const r = tsjail([`--profile=${p}`, '--', 'sh', '-c',
      `${GDBUS.ping('com.example.Allowed')} >/dev/null 2>&1 && echo a; ${GDBUS.ping('com.example.Other')} >/dev/null 2>&1 || echo b; ` +
      `DBUS_SYSTEM_BUS_ADDRESS=${system.address} ${GDBUS.listNames('system')} >/dev/null 2>&1 || echo c`], { env: ENV() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('a\nb\nc\n');
    const check = tsjail([`--profile-check=${p}`]);
    expect(check.stdout).not.toMatch(/: not enforced yet/);
    expect(check.stdout).toMatch(/dbus-user\.talk com\.example\.Allowed: enforced \(--dbus-user\.talk\)/);
  });

  it('refuses bad names and policies with one line', () => {
    for (const [arg, msg] of [
      ['--dbus-user=allow', /--dbus-user: 'allow' is not none or filter/],
      ['--dbus-user.talk=foo', /--dbus-user\.talk: 'foo' is not a well-known D-Bus name/],
      ['--dbus-system.own=:1.5', /is not a well-known D-Bus name/],
      ['--dbus-user.call=org.a.b', /is not NAME=RULE/],
      ['--dbus-user.call=org.a.b=@x', /is not NAME=RULE/],
    ] as const) {
      const r = run(['--dbus-user=filter', arg], 'true');
      expect(r.status, arg).toBe(1);
      expect(r.stderr, arg).toMatch(msg);
    }
    const p = join(dir, 'bad.profile');
    writeFileSync(p, 'dbus-user filter\ndbus-user.own org\n');
    const r = tsjail([`--profile=${p}`, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${p}:2: dbus-user.own: 'org' is not a well-known D-Bus name`);
  });
});

describe('SIGKILL and stored plans', () => {
  it('a helper killed with SIGKILL leaves no proxy; the next filtered run removes its directory', async () => {
    const before = socketDirs();
    const s = startTsjail(['--noprofile', '--dbus-user=filter', '--', 'sleep', '30']);
    // tsjail execve()s the helper: the child's pid is the helper's.
    await waitFor(() => proxies().length === 1 && socketDirs().length > before.length);
    const left = socketDirs().filter((d) => !before.includes(d));
    process.kill(s.child.pid as number, 'SIGKILL');
    await s.done;
    await waitFor(() => proxies().length === 0);
    expect(socketDirs()).toEqual(expect.arrayContaining(left));
    const r = run(['--debug', '--dbus-user=filter'], 'true');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`dbus: removed ${left[0]}, left by a helper that was killed`);
    expect(socketDirs()).toEqual(before);
  });

  it('a launch from a stored plan filters too', () => {
    const cache = mkdtempSync(join(tmpdir(), 'tjtest-dbus-cache-'));
    try {
      const script = `${GDBUS.ping('com.example.Allowed')} >/dev/null 2>&1 && echo a; ${GDBUS.ping('com.example.Other')} >/dev/null 2>&1 || echo b`;
      const args = ['--noprofile', '--dbus-user=filter', '--dbus-user.talk=com.example.Allowed', '--', 'sh', '-c', script];
      const launch = (noNode: boolean) => spawnSync(FRONT_END, args, {
        encoding: 'utf8', cwd: '/', timeout: 20_000,
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root', XDG_CACHE_HOME: cache, ...ENV(),
          ...(noNode ? { NODE_OPTIONS: '--tsjail-test-no-node' } : {}),
        },
      });
      const cold = launch(false);
      expect(cold.status, cold.stderr).toBe(0);
      expect(cold.stdout).toBe('a\nb\n');
      // Any Node started now fails: the plan comes from the cache.
      const cached = launch(true);
      expect(cached.status, cached.stderr).toBe(0);
      expect(cached.stdout).toBe('a\nb\n');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('the proxy itself', () => {
  /** A helper whose proxy is proxy (make variant). */
  function variant(proxy: string): string {
    const helper = join(dir, `helper-${proxy.replace(/\W/g, '_')}`);
    execFileSync('make', ['-s', '-C', join(ROOT, 'native'), 'variant', `VARIANT=${helper}`, 'VARIANT_CONF=/etc/tsjail/tsjail.conf',
      `VARIANT_DBUS_PROXY=${proxy}`]);
    return helper;
  }

  it('is refused unless it and every directory above it are root\'s and writable by no one else; nothing is started', () => {
    const open = join(dir, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    copyFileSync('/usr/bin/xdg-dbus-proxy', join(open, 'xdg-dbus-proxy'));
    chmodSync(join(open, 'xdg-dbus-proxy'), 0o755);
    const before = socketDirs();
    for (const [proxy, msg] of [
      [join(open, 'xdg-dbus-proxy'), /dbus filter: refusing the proxy: .*'open' is not owned by root or is writable by others/],
      [join(dir, 'missing', 'xdg-dbus-proxy'), /dbus filter: .*missing\/xdg-dbus-proxy is not installed/],
    ] as const) {
      const r = tsjail(['--noprofile', '--dbus-user=filter', '--', 'true'], { env: { ...ENV(), TSJAIL_HELPER: variant(proxy) } });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
    expect(socketDirs()).toEqual(before);
  });

  it('that ends before it listens: one line, status 1, nothing left behind', () => {
    // The sandbox's mounts are made while the proxy starts: the child finds
    // out, after them, that it never listened.
    const before = socketDirs();
    const r = tsjail(['--noprofile', '--dbus-user=filter', '--', 'true'], { env: { ...ENV(), TSJAIL_HELPER: variant('/usr/bin/false') } });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/dbus filter: xdg-dbus-proxy ended before it listened/);
    expect(socketDirs()).toEqual(before);
  });
});
