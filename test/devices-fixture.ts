/** A /dev with real device nodes of every class the device options know
 * (plan.def's DEV_NODES), for the tests of --nosound, --no3d, ...: this
 * machine has none of them. The nodes are made with mknod on a tmpfs that
 * a private mount namespace of the test's own mounts over /dev (after
 * binding the host's null, zero, ... into it), so the host's /dev, and the
 * other suites running at the same time, never see them; the namespace
 * and everything in it go when the command ends. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/** Each device option, and the nodes of its class made here. */
export const DEVICE_NODES = {
  nosound: ['/dev/snd/controlC9'],
  no3d: ['/dev/dri/card9', '/dev/nvidia9', '/dev/nvidiactl'],
  novideo: ['/dev/video9'],
  notv: ['/dev/dvb/adapter0/frontend0'],
  nodvd: ['/dev/sr9', '/dev/cdrom'],
  nou2f: ['/dev/hidraw9', '/dev/usb/hiddev9'],
  noinput: ['/dev/input/event9'],
} as const;
export type DeviceOption = keyof typeof DEVICE_NODES;
export const DEVICE_OPTIONS = Object.keys(DEVICE_NODES) as DeviceOption[];
export const ALL_NODES: readonly string[] = DEVICE_OPTIONS.flatMap((o) => DEVICE_NODES[o]);

const SETUP = `set -e
mount -t tmpfs -o mode=755 tjtest-dev /mnt
for n in null zero full random urandom tty; do touch /mnt/$n; mount --bind /dev/$n /mnt/$n; done
mkdir /mnt/pts /mnt/shm /mnt/snd /mnt/dri /mnt/input /mnt/usb /mnt/dvb /mnt/dvb/adapter0
mknod -m 666 /mnt/snd/controlC9 c 116 9
mknod -m 666 /mnt/dri/card9 c 226 9
mknod -m 666 /mnt/nvidia9 c 195 9
mknod -m 666 /mnt/nvidiactl c 195 255
mknod -m 666 /mnt/video9 c 81 9
mknod -m 666 /mnt/dvb/adapter0/frontend0 c 212 4
mknod -m 666 /mnt/sr9 b 11 9
ln -s sr9 /mnt/cdrom
mknod -m 666 /mnt/hidraw9 c 243 9
mknod -m 666 /mnt/usb/hiddev9 c 180 105
mknod -m 666 /mnt/input/event9 c 13 73
touch /mnt/shm/jack-tjtest
mount --move /mnt /dev
exec "$@"`;

/** argv run (as root) in a mount namespace of its own whose /dev holds
 * the nodes above. */
export function withDevices(argv: readonly string[], input = ''): SpawnSyncReturns<string> {
  return spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', SETUP, 'sh', ...argv], {
    encoding: 'utf8', input, timeout: 30_000, cwd: '/',
  });
}

/** A shell script printing, for each node, "PATH TYPE" (stat -L's %F,
 * with major:minor for a device), or "PATH absent" / "PATH denied". */
export const LIST_NODES = `for p in ${ALL_NODES.join(' ')}; do
  t=$(stat -L -c '%F %t:%T' "$p" 2>&1) && echo "$p $t" && continue
  case "$t" in *'Permission denied'*) echo "$p denied";; *) echo "$p absent";; esac
done`;

/** LIST_NODES' output as a map. */
export function nodeStates(stdout: string): Map<string, string> {
  return new Map(stdout.trim().split('\n').filter((l) => l.startsWith('/dev/')).map((l) => {
    const i = l.indexOf(' ');
    return [l.slice(0, i), l.slice(i + 1)];
  }));
}

/** What a node looks like when it is there: its device type. */
export function isDevice(state: string | undefined): boolean {
  return state !== undefined && /^(character|block) special file [0-9a-f]+:[0-9a-f]+$/.test(state);
}
