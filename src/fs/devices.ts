/** The device options (--nosound, --no3d, --novideo, --notv, --nodvd,
 * --nou2f, --noinput), as firejail's: a private /dev keeps the device
 * classes not turned off (the dev operation's flags, plan.def's DEV_NODES);
 * without one, the host's /dev is kept and the classes turned off are
 * blacklisted there. --nosound also hides the sound servers' sockets. */
import { DEV_NODES } from '../wire/plan-def.js';
import type { DeviceClasses } from './plan.js';
import type { FsProbe } from './probe.js';

/** The entries of dir named name, or, for 'x*', x followed by digits. */
function entries(probe: FsProbe, dir: string, name: string): string[] {
  if (!name.endsWith('*')) return probe.kind(`${dir}/${name}`) === null ? [] : [`${dir}/${name}`];
  const prefix = name.slice(0, -1);
  return probe.list(dir).filter((n) => n.startsWith(prefix) && /^[0-9]+$/.test(n.slice(prefix.length))).map((n) => `${dir}/${n}`);
}

/** The host's /dev entries of the classes turned off (symlinks among them,
 * like cdrom -> sr0, included: the caller skips them). */
export function hiddenDevices(devices: DeviceClasses, probe: FsProbe): string[] {
  return DEV_NODES.filter((d) => devices[d.flag as keyof DeviceClasses] === false).flatMap((d) => entries(probe, '/dev', d.name));
}

/** What --nosound hides besides /dev/snd, where it is: PulseAudio's
 * client configuration and socket, PipeWire's sockets, and (with the
 * host's /dev) JACK's shared memory, (with the host's /tmp) PulseAudio's
 * directories there. A private /tmp is not even listed: a stored plan
 * would depend on the host's /tmp, which changes all the time. */
export function soundSockets(
  caller: { readonly uid: number; readonly home: string }, probe: FsProbe, hostDev: boolean, hostTmp: boolean,
): string[] {
  const run = `/run/user/${caller.uid}`;
  const starting = (dir: string, prefix: string) =>
    probe.list(dir).filter((n) => n.startsWith(prefix)).map((n) => `${dir}/${n}`);
  return [
    `${caller.home}/.config/pulse`, `${run}/pulse/native`,
    ...starting(run, 'pipewire-'), ...(hostTmp ? starting('/tmp', 'pulse-') : []), ...(hostDev ? starting('/dev/shm', 'jack') : []),
  ].filter((p) => probe.kind(p) !== null);
}
