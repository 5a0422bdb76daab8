/** A private D-Bus bus for a test: dbus-daemon listening on a socket in a
 * directory the test names, run as root or as a user, with names owned on
 * it by a small GDBus program (fixtures/dbus-owner.py). Everything is
 * stopped by dispose(), also when the test fails. The machine's own buses
 * are never touched. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { requireInstalled, ROOT, type User } from './helpers.js';

export interface PrivateBus {
  /** unix:path=SOCKET */
  readonly address: string;
  readonly socket: string;
  dispose(): void;
}

const OWNER = join(ROOT, 'test', 'fixtures', 'dbus-owner.py');

function asUserArgs(user: User | undefined, argv: readonly string[]): [string, string[]] {
  if (user === undefined) return [argv[0] as string, argv.slice(1)];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', ...argv]];
}

/** Resolves when the process prints a line matching re on stdout. */
function waitForLine(p: ChildProcess, re: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no ${re} within 10 s (stderr: ${err})`)), 10_000);
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready: ${err}`));
    });
  });
}

function stop(p: ChildProcess): void {
  if (p.exitCode === null && p.signalCode === null && p.pid !== undefined) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** A bus any user may connect to, run by root: a user's sandbox reaches it
 * without a process of that user's living as long as the test. */
function anyUserConfig(socket: string): string {
  const file = join(dirname(socket), `${socket.split('/').pop() ?? 'bus'}.conf`);
  writeFileSync(file, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*"/>
    <allow own="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`);
  return file;
}

/** A session-type bus at socket (its directory must exist, writable by
 * user), with names owned on it. as: the user who runs the bus and owns
 * the names (default root), or 'any': root runs it, every user may use it. */
export async function privateBus(socket: string, names: readonly string[], as?: User | 'any'): Promise<PrivateBus> {
  const user = as === 'any' ? undefined : as;
  requireInstalled('dbus-daemon', 'dbus-daemon');
  requireInstalled('/usr/bin/python3', 'python3');
  if (spawnSync('/usr/bin/python3', ['-c', 'from gi.repository import Gio']).status !== 0) {
    throw new Error('python3 cannot import gi.repository.Gio: apt-get install python3-gi gir1.2-glib-2.0 (scripts/setup-deps installs them)');
  }
  const address = `unix:path=${socket}`;
  const procs: ChildProcess[] = [];
  const config = as === 'any' ? anyUserConfig(socket) : null;
  const dispose = () => {
    procs.reverse().forEach(stop);
    if (config !== null) rmSync(config, { force: true });
  };
  try {
    const how = config === null ? ['--session', `--address=${address}`] : [`--config-file=${config}`];
    const [cmd, args] = asUserArgs(user, ['dbus-daemon', ...how, '--nofork', '--print-address']);
    const daemon = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(daemon);
    await waitForLine(daemon, /unix:path=\S+/, 'dbus-daemon');
    if (names.length > 0) {
      const [ocmd, oargs] = asUserArgs(user, ['/usr/bin/python3', OWNER, address, ...names]);
      const owner = spawn(ocmd, oargs, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
      procs.push(owner);
      await waitForLine(owner, /ready/, 'the names\' owner');
    }
  } catch (e) {
    dispose();
    throw e;
  }
  return { address, socket, dispose };
}

/** gdbus calls a sandboxed shell makes: each prints its reply, or fails. */
export const GDBUS = {
  ping: (dest: string, bus = 'session') => `gdbus call --${bus} --dest ${dest} --object-path / --method org.freedesktop.DBus.Peer.Ping`,
  listNames: (bus = 'session') =>
    `gdbus call --${bus} --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.ListNames`,
  own: (name: string, bus = 'session') =>
    `gdbus call --${bus} --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.RequestName ${name} 4`,
};
