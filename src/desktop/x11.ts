/** x11 none (firejail's --x11=none): the sandbox gets no way to the X
 * server. The X socket directory, ~/.Xauthority and $XAUTHORITY are
 * blacklisted, DISPLAY and XAUTHORITY removed; the server's abstract
 * socket (@/tmp/.X11-unix/XN) is reached through the network namespace,
 * so without one of the sandbox's own an X server listening there is an
 * error, as in firejail. The other modes (xephyr, xorg, xpra, xvfb) start
 * a display server of their own, which tsjail does not. */
import { readFileSync } from 'node:fs';
import { noteUncacheable } from '../cache/deps.js';
import type { EnvOp } from '../cache/store.js';
import { OptionError } from '../errors.js';

export interface X11Options {
  /** x11 none. */
  readonly none: boolean;
}

/** The x11 field of RawOptions: a mode, or true for --x11 alone. */
export interface RawX11Options {
  x11?: string | boolean | undefined;
}

export const NO_X11_OPTIONS: X11Options = Object.freeze({ none: false });

export function normalizeX11(raw: RawX11Options): X11Options {
  if (raw.x11 === undefined || raw.x11 === false) return NO_X11_OPTIONS;
  if (raw.x11 === 'none') return Object.freeze({ none: true });
  const mode = raw.x11 === true ? '' : `=${raw.x11}`;
  throw new OptionError(`--x11${mode}: only --x11=none is supported (tsjail starts no X server of its own: no xephyr, xorg, xpra or xvfb)`);
}

/** The paths x11 none blacklists (before the options are normalised, as
 * profile blacklists; each skipped when it is not there). */
export function x11Blacklist(x11: string | boolean | undefined, env: Readonly<Record<string, string | undefined>>, home: string): string[] {
  if (x11 !== 'none') return [];
  const paths = ['/tmp/.X11-unix', `${home}/.Xauthority`];
  const auth = env['XAUTHORITY'];
  if (auth !== undefined && auth.startsWith('/')) paths.push(auth);
  return paths;
}

/** What x11 none does to the environment. */
export function x11Env(x11: X11Options): EnvOp[] {
  return x11.none ? [{ op: 'remove', name: 'DISPLAY' }, { op: 'remove', name: 'XAUTHORITY' }] : [];
}

/** Without a network namespace of its own, the sandbox reaches the X
 * server's abstract socket: an error when one listens (read from the
 * kernel's list of unix sockets at each launch, so such a plan is never
 * stored). unixSockets: /proc/net/unix's text (for tests). */
export function checkX11Abstract(x11: X11Options, ownNetns: boolean, unixSockets?: string): void {
  if (!x11.none || ownNetns) return;
  noteUncacheable('x11 none without a network namespace: the X server\'s abstract socket is looked for at each launch');
  let text = unixSockets;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/net/unix', 'utf8');
    } catch {
      text = '';
    }
  }
  if (/ @\/tmp\/\.X11-unix\/X\d+$/m.test(text)) {
    throw new OptionError('--x11=none: an X server listens on its abstract socket (@/tmp/.X11-unix), which the sandbox reaches without a network namespace of its own: add --net=none');
  }
}
