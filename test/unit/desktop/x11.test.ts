import { describe, expect, it } from 'vitest';
import { checkX11Abstract, normalizeX11, x11Blacklist, x11Env } from '../../../src/desktop/x11.js';
import { OptionError } from '../../../src/errors.js';

describe('x11 none', () => {
  it('normalises none, and refuses the modes that need a display server of tsjail\'s', () => {
    expect(normalizeX11({})).toEqual({ none: false });
    expect(normalizeX11({ x11: 'none' })).toEqual({ none: true });
    expect(() => normalizeX11({ x11: 'xephyr' })).toThrow(OptionError);
    expect(() => normalizeX11({ x11: true })).toThrow(/^--x11: only --x11=none is supported/);
  });

  it('blacklists the socket directory, ~/.Xauthority and an absolute XAUTHORITY, and removes the variables', () => {
    expect(x11Blacklist('none', { XAUTHORITY: '/run/user/1000/xauth_x' }, '/home/u'))
      .toEqual(['/tmp/.X11-unix', '/home/u/.Xauthority', '/run/user/1000/xauth_x']);
    expect(x11Blacklist('none', { XAUTHORITY: 'relative' }, '/home/u')).toEqual(['/tmp/.X11-unix', '/home/u/.Xauthority']);
    expect(x11Blacklist(undefined, {}, '/home/u')).toEqual([]);
    expect(x11Env({ none: true })).toEqual([{ op: 'remove', name: 'DISPLAY' }, { op: 'remove', name: 'XAUTHORITY' }]);
    expect(x11Env({ none: false })).toEqual([]);
  });

  it('refuses a reachable abstract X socket only without a network namespace of the sandbox\'s own', () => {
    const listening = 'Num       RefCount Protocol Flags    Type St Inode Path\n' +
      '0000000000000000: 00000002 00000000 00010000 0001 01 21915 @/tmp/.X11-unix/X0\n';
    const other = '0000000000000000: 00000002 00000000 00010000 0001 01 21916 @/tmp/dbus-abc\n';
    expect(() => checkX11Abstract({ none: true }, false, listening)).toThrow(/add --net=none$/);
    expect(() => checkX11Abstract({ none: true }, true, listening)).not.toThrow();
    expect(() => checkX11Abstract({ none: true }, false, other)).not.toThrow();
    expect(() => checkX11Abstract({ none: false }, false, listening)).not.toThrow();
  });
});
