import { describe, expect, it } from 'vitest';
import { buildProfile, type BuildFacts } from '../../../src/build/profile.js';
import type { Observations } from '../../../src/build/trace.js';
import { parseIniProfile } from '../../../src/profile/ini-reader.js';

const facts: BuildFacts = {
  program: 'app', command: ['app', '--flag', 'a b'], version: '0.1.0', uid: 1000, home: '/home/u', homeReal: '/home/u',
  includes: ['inc/disable-common.ini'],
  blacklisted: [{ raw: '${HOME}/.ssh', path: '/home/u/.ssh' }, { raw: '${HOME}/.gnupg*', path: '/home/u/.gnupg*' }],
  readOnly: [{ raw: '${HOME}/.profile', path: '/home/u/.profile' }],
  sessionBus: ['/run/user/1000/bus'], systemBus: ['/run/dbus/system_bus_socket'],
  isSymlink: (p) => p === '/etc/localtime',
  realpath: (p) => (p === '/usr/bin/sh' ? '/usr/bin/dash' : p),
  interpreter: (p) => (p === '/usr/local/bin/tool' ? '/usr/bin/python3' : null),
};

function obs(o: Partial<{ files: string[]; written: string[]; execs: string[]; families: string[]; connects: string[]; syscalls: string[] }>): Observations {
  return {
    files: new Set(o.files ?? []), written: new Set(o.written ?? []), execs: o.execs ?? [], families: new Set(o.families ?? []),
    connects: new Set(o.connects ?? []), syscalls: new Set(o.syscalls ?? ['read']),
  };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith(';'));

describe('the built profile', () => {
  it('allows what the run used: home entries, /etc entries, programs, socket families; hides the rest', () => {
    const text = buildProfile(obs({
      files: ['/home/u', '/home/u/.profile', '/home/u/.config/app/x.conf', '/home/u/.local/share/app/db', '/home/u/Documents/a/b',
        '/etc/ld.so.cache', '/etc/ssl/certs/ca.pem', '/dev/null', '/dev/pts/0', '/usr/bin/sh'],
      written: ['/home/u/.profile'],
      execs: ['/usr/bin/sh', '/usr/local/bin/tool', '/opt/x/bin/y'],
      families: ['AF_UNIX', 'AF_NETLINK', 'AF_ALG'],
    }), facts);
    expect(lines(text)).toEqual([
      '[filesystem]', 'include = inc/disable-common.ini', 'read-write = ${HOME}/.profile',
      'whitelist = ${HOME}/.config/app', 'whitelist = ${HOME}/.local/share/app', 'whitelist = ${HOME}/.profile', 'whitelist = ${HOME}/Documents',
      'private-tmp', 'private-dev', 'private-etc = ld.so.cache,ssl', 'private-bin = dash,python3,sh,tool',
      '[devices]', 'nosound', 'no3d',
      '[security]', 'caps.drop = all', 'nonewprivs', 'noroot', 'seccomp', 'protocol = netlink,unix',
      '[network]', 'net = none',
      '[desktop]', 'dbus-user = none', 'dbus-system = none',
    ]);
    expect(text).toContain('; it also asked for AF_ALG, which protocol cannot name');
    expect(text).toContain(';   app --flag "a b"');
    expect(text).toContain('; seccomp.keep = read');
    // It reads back as a profile.
    expect(() => parseIniProfile('built.ini', text)).not.toThrow();
  });

  it('keeps what the run needed open: the network, a bus, devices, /tmp; unhides what it used', () => {
    const text = buildProfile(obs({
      files: ['/home/u/.ssh/config', '/home/u/.gnupg2/x', '/dev/snd/pcmC0D0p', '/tmp/sock', '/tmp/.X11-unix/X0', '/etc/localtime'],
      families: ['AF_INET'], connects: ['/run/user/1000/bus'],
    }), { ...facts, uid: 0 });
    const l = lines(text);
    expect(l).toEqual(expect.arrayContaining(['noblacklist = ${HOME}/.gnupg*', 'noblacklist = ${HOME}/.ssh', 'whitelist = /tmp/sock',
      'protocol = inet', 'dbus-system = none', 'no3d']));
    expect(l.indexOf('noblacklist = ${HOME}/.ssh')).toBeLessThan(l.indexOf('include = inc/disable-common.ini'));
    for (const absent of ['private-dev', 'private-tmp', 'net = none', 'dbus-user = none', 'nosound', 'noroot']) expect(l).not.toContain(absent);
    expect(text).toContain('; private-etc = localtime');
    expect(text).toContain('; it used the network (AF_INET)');
    expect(text).toContain('; it used the session bus');
  });
});
