import { describe, expect, it } from 'vitest';
import { OptionError, PlanError } from '../../../src/errors.js';
import { filesystemOps, whitelistTop } from '../../../src/fs/build.js';
import type { FsProbe } from '../../../src/fs/probe.js';
import { normalizeOptions, type RawOptions } from '../../../src/options.js';

/** A host where every path is a directory owned by root, but /home/u. */
const host: FsProbe = {
  kind: () => 'dir',
  canonical: (p) => p,
  list: () => [],
  owner: (p) => (p === '/home/u' || p.startsWith('/home/u/') ? 1000 : 0),
};
const user = { uid: 1000, home: '/home/u' };
const root = { uid: 0, home: '/root' };

function ops(raw: RawOptions, caller = root) {
  return filesystemOps(normalizeOptions(raw).filesystem, false, caller, host);
}

describe('filesystemOps: refused before anything is made', () => {
  it.each(['/', '/proc', '/proc/sys', '/sys', '/sys/fs/cgroup'])('--tmpfs=%s', (p) => {
    expect(() => ops({ tmpfs: [p] })).toThrow(OptionError);
    expect(() => ops({ tmpfs: [p] })).toThrow(`--tmpfs: '${p}': a tmpfs may not cover /, /proc or /sys`);
  });

  it('--tmpfs elsewhere is fine for root', () => {
    expect(ops({ tmpfs: ['/srv/x', '/procfoo'] }).map((o) => o.op)).toEqual(['tmpfs', 'tmpfs']);
  });

  it.each([
    ['mkdir', root, '/etc/x', "--mkdir: '/etc/x' is not in your home, /tmp or /run/user/0"],
    ['mkfile', root, '/etc/x', "--mkfile: '/etc/x' is not in your home, /tmp or /run/user/0"],
    ['mkdir', user, '/root/x', "--mkdir: '/root/x' is not in your home, /tmp or /run/user/1000"],
    ['mkdir', user, '/run/user/0/x', "--mkdir: '/run/user/0/x' is not in your home, /tmp or /run/user/1000"],
    ['mkfile', root, '/tmpx', "--mkfile: '/tmpx' is not in your home, /tmp or /run/user/0"],
  ] as const)('--%s as uid %o: %s', (what, caller, p, message) => {
    expect(() => ops({ [what]: [p] }, caller)).toThrow(message);
  });

  it('--mkdir and --mkfile in the home, /tmp and /run/user/UID', () => {
    expect(ops({ mkdir: ['/root/a', '/tmp/b'], mkfile: ['/run/user/0/c'] })).toEqual([
      { op: 'mkdir', path: '/root/a' }, { op: 'mkdir', path: '/tmp/b' }, { op: 'mkfile', path: '/run/user/0/c' },
    ]);
    expect(ops({ mkdir: ['/home/u/a', '/run/user/1000/b'] }, user).map((o) => o.op)).toEqual(['mkdir', 'mkdir']);
  });

  it('--private=DIR for a user: a directory the user owns', () => {
    expect(() => ops({ private: '/' }, user)).toThrow(PlanError);
    expect(() => ops({ private: '/' }, user)).toThrow("--private: '/' is not yours (owned by uid 0)");
    expect(() => ops({ private: '/srv' }, user)).toThrow(/not yours/);
    expect(ops({ private: '/home/u/p' }, user)).toContainEqual(
      { op: 'bind', src: '/home/u/p', dst: '/home/u', readOnly: false, optional: false });
    expect(ops({ private: '/srv' }, root)).toHaveLength(1);
  });

  it('--private=FILE is refused', () => {
    const files: FsProbe = { ...host, kind: (p) => (p === '/home/u/f' ? 'file' : 'dir') };
    expect(() => filesystemOps(normalizeOptions({ private: '/home/u/f' }).filesystem, false, user, files))
      .toThrow("--private: '/home/u/f' is not a directory");
  });
});

describe('whitelists as firejail has them', () => {
  it.each([
    ['/home/u/x', '/home/u'], ['/run/user/1000/bus', '/run/user/1000'], ['/usr/libexec/file-roller', '/usr/libexec'],
    ['/usr/share/zoneinfo', '/usr/share'], ['/etc/localtime', '/etc'], ['/boot/x', '/boot'], ['/sys/module/amdgpu', '/sys/module'],
    ['/srv', '/srv'], ['/proc/sys', null], ['/sys/fs/cgroup', null], ['/home/other', null], ['/usr', null], ['/', null],
  ] as const)('%s: its top directory is %s', (p, top) => {
    expect(whitelistTop(p, user)).toBe(top);
  });

  /** /etc/localtime -> /usr/share/zoneinfo/Etc/UTC, /etc/os-release -> ../usr/lib/os-release. */
  const links: FsProbe = {
    ...host,
    kind: (p) => (p === '/etc/localtime' || p === '/etc/os-release' || p === '/home/u/l' ? 'link' : 'dir'),
    canonical: (p) => ({
      '/etc/localtime': '/usr/share/zoneinfo/Etc/UTC', '/etc/os-release': '/usr/lib/os-release', '/home/u/l': '/home/u/d/f',
    } as Record<string, string>)[p] ?? p,
  };
  const lists = (raw: RawOptions) => filesystemOps(normalizeOptions(raw).filesystem, false, user, links)
    .flatMap((o) => (o.op === 'whitelist' ? [`${o.path}: ${o.entries.join(' ')}`] : []));

  it('a whitelisted link stays an entry as named; its target joins only a directory the sandbox reduces', () => {
    expect(lists({ whitelist: ['/etc/localtime', '/usr/share/fonts'] }))
      .toEqual(['/etc: localtime', '/usr/share: fonts zoneinfo/Etc/UTC']);
    expect(lists({ whitelist: ['/etc/localtime'] })).toEqual(['/etc: localtime']);
    expect(lists({ privateEtc: ['os-release'], whitelist: ['/usr/lib/x'] })).toEqual(['/etc: os-release', '/usr/lib: x os-release']);
    // In the home, as firejail: the link and what it points to.
    expect(lists({ whitelist: ['/home/u/l'] })).toEqual(['/home/u: l d/f']);
  });

  it('repeated entries are given once', () => {
    expect(lists({ privateEtc: ['group', 'passwd', 'group'], whitelist: ['/etc/passwd'] })).toEqual(['/etc: group passwd']);
  });
});
