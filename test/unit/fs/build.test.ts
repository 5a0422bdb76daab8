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

  it('--tmpfs for a user: only a directory of the user\'s in the home, the user\'s tmpfs', () => {
    expect(ops({ tmpfs: ['/home/u/.local/share'] }, user)).toEqual([
      { op: 'tmpfs', path: '/home/u/.local/share', mode: 0o755, userOwned: true, optional: true },
    ]);
    expect(() => ops({ tmpfs: ['/srv/x'] }, user)).toThrow("--tmpfs: '/srv/x' is not in your home: a tmpfs elsewhere is for root only");
    expect(() => ops({ tmpfs: ['/tmp'] }, user)).toThrow(/is for root only/);
    const rootsDir: FsProbe = { ...host, owner: (p) => (p === '/home/u/r' ? 0 : 1000) };
    expect(() => filesystemOps(normalizeOptions({ tmpfs: ['/home/u/r'] }).filesystem, false, user, rootsDir))
      .toThrow("--tmpfs: '/home/u/r' is not yours (owned by uid 0)");
    // A link in the home to elsewhere: the planner follows it (as the user) and refuses.
    const linked: FsProbe = { ...host, canonical: (p) => p.replace('/home/u/link', '/etc') };
    expect(() => filesystemOps(normalizeOptions({ tmpfs: ['/home/u/link'] }).filesystem, false, user, linked))
      .toThrow(/is not in your home/);
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

/** A host with a merged /usr: /bin and /sbin are links; a few programs. */
const usr: Record<string, 'dir' | 'file' | 'link'> = {
  '/bin': 'link', '/sbin': 'link', '/usr/bin': 'dir', '/usr/sbin': 'dir', '/usr/local/bin': 'dir', '/usr/games': 'dir',
  '/usr/bin/ls': 'file', '/usr/bin/dash': 'file', '/usr/bin/sh': 'link', '/usr/bin/python3': 'link',
  '/usr/bin/python3.11': 'file', '/usr/bin/vi': 'link', '/usr/bin/vim.basic': 'file', '/usr/bin/firefox': 'link',
  '/usr/sbin/ip': 'file', '/usr/local/bin/ls': 'file', '/usr/bin/.hidden': 'file', '/usr/bin/X11': 'link',
  '/etc/machine-id': 'file', '/var/lib/dbus/machine-id': 'link',
  '/dev': 'dir', '/dev/snd': 'dir', '/dev/video0': 'other' as 'file', '/dev/video1': 'other' as 'file', '/dev/videoX': 'file',
  '/dev/sr0': 'other' as 'file', '/dev/cdrom': 'link', '/dev/input': 'dir', '/dev/shm': 'dir', '/dev/shm/jack-1': 'file',
  '/run/user/1000': 'dir', '/run/user/1000/pulse/native': 'file', '/run/user/1000/pipewire-0': 'file',
  '/home/u/.config/pulse': 'dir', '/home/u/.cache': 'dir', '/opt': 'dir', '/opt/app': 'dir', '/opt/link': 'link',
};
const links: Record<string, string> = {
  '/usr/bin/sh': '/usr/bin/dash', '/usr/bin/python3': '/usr/bin/python3.11', '/usr/bin/vi': '/usr/bin/vim.basic',
  '/usr/bin/firefox': '/usr/lib/firefox/firefox', '/var/lib/dbus/machine-id': '/etc/machine-id', '/bin': '/usr/bin',
  '/usr/bin/X11': '/usr/bin',
};
const merged: FsProbe = {
  kind: (p) => usr[p] ?? null,
  canonical: (p) => links[p] ?? p.replace(/^\/bin\//, '/usr/bin/'),
  list: (d) => Object.keys(usr).filter((p) => p.startsWith(`${d}/`) && !p.slice(d.length + 1).includes('/')).map((p) => p.slice(d.length + 1)),
  owner: () => 1000,
};
function mergedOps(raw: RawOptions, caller = user, ctx = {}) {
  return filesystemOps(normalizeOptions(raw).filesystem, false, caller, merged, ctx);
}

describe('filesystemOps: --private-bin', () => {
  it('looks programs up as firejail does: /usr/local/bin first, a link brings its target in a directory of programs', () => {
    expect(mergedOps({ privateBin: ['ls,sh', 'python3', 'vi,ip,firefox,nothere'] })).toEqual([{
      op: 'private-bin',
      files: ['/usr/local/bin/ls', '/usr/bin/sh', '/usr/bin/dash', '/usr/bin/python3', '/usr/bin/python3.11', '/usr/bin/vi',
        '/usr/bin/vim.basic', '/usr/sbin/ip', '/usr/bin/firefox'],
    }]);
  });

  it('reads glob patterns; * does not match a leading dot; a link is kept as a link, whatever it points to', () => {
    expect(mergedOps({ privateBin: ['pyth*'] })).toEqual([{ op: 'private-bin', files: ['/usr/bin/python3', '/usr/bin/python3.11'] }]);
    expect(mergedOps({ privateBin: ['*'] })[0]).toEqual(expect.objectContaining({ files: expect.not.arrayContaining(['/usr/bin/.hidden']) }));
    expect(mergedOps({ privateBin: ['X11,[ld]*'] })).toEqual([{ op: 'private-bin', files: ['/usr/bin/X11', '/usr/local/bin/ls', '/usr/bin/dash'] }]);
  });

  it('the program run must be in the list when it is in a directory of programs', () => {
    expect(() => mergedOps({ privateBin: ['ls'] }, user, { program: '/usr/bin/cat' }))
      .toThrow("--private-bin: the program 'cat' is not in the list: the sandbox would not have it");
    expect(() => mergedOps({ privateBin: ['ls'] }, user, { program: '/bin/cat' })).toThrow(/'cat' is not in the list/);
    expect(mergedOps({ privateBin: ['py*'] }, user, { program: '/usr/bin/python3' })).toHaveLength(1);
    expect(mergedOps({ privateBin: ['ls'] }, user, { program: '/opt/app/run' })).toHaveLength(1);
  });

  it.each([
    [['../x'], "--private-bin: '../x' is not a program (a name, without '/')"],
    [['/usr/bin/ls'], "--private-bin: '/usr/bin/ls' is not a program (a name, without '/')"],
    [['ls,..'], "--private-bin: '..' is not a program"],
    [[','], '--private-bin: needs a list of programs'],
    [[''], '--private-bin: needs a list of programs'],
  ])('refuses %j', (list, message) => {
    expect(() => mergedOps({ privateBin: list })).toThrow(message);
  });
});

describe('filesystemOps: --private-opt, --private-srv, --private-cache, --machine-id', () => {
  it('--private-opt is a whitelist of /opt (links left out); --private-srv of /srv', () => {
    expect(mergedOps({ privateOpt: ['app,link,none'] })).toEqual([{ op: 'whitelist', path: '/opt', entries: ['app', 'none'], optional: true, keepCwd: false }]);
    expect(mergedOps({ privateSrv: ['none'] })).toEqual([{ op: 'whitelist', path: '/srv', entries: ['none'], optional: true, keepCwd: false }]);
    expect(() => mergedOps({ privateOpt: ['a/b'] })).toThrow("--private-opt: 'a/b' is not an entry of /opt (a name, without '/')");
    expect(() => mergedOps({ privateSrv: ['.'] })).toThrow("--private-srv: '.' is not an entry of /srv");
  });

  it('--private-cache: the caller\'s tmpfs on ~/.cache when it is the caller\'s directory', () => {
    expect(mergedOps({ privateCache: true })).toEqual([{ op: 'tmpfs', path: '/home/u/.cache', mode: 0o700, userOwned: true, optional: true }]);
    expect(ops({ privateCache: true }, user)).toHaveLength(1);
    const notMine: FsProbe = { ...merged, owner: () => 0 };
    expect(filesystemOps(normalizeOptions({ privateCache: true }).filesystem, false, user, notMine)).toEqual([]);
  });

  it('--machine-id: the files that are files (a link to /etc/machine-id needs nothing more)', () => {
    expect(mergedOps({ machineId: true })).toEqual([{ op: 'machine-id', paths: ['/etc/machine-id'], optional: true }]);
    expect(ops({ machineId: true }, user)).toEqual([]);
  });
});

describe('filesystemOps: blacklist patterns and blacklist-nolog (firejail\'s)', () => {
  const files: Record<string, string[]> = {
    '/usr/share': ['perl', 'perl5', 'doc'],
    '/home/u': ['.bash_history', '.python_history', '.gimp-2.10', '.gimp-2.8'],
  };
  const probe: FsProbe = {
    ...host,
    kind: (p) => (p === '/home/u' || p === '/usr/share' || Object.entries(files).some(([d, ns]) => ns.some((n) => `${d}/${n}` === p)) ? 'dir' : null),
    list: (d) => files[d] ?? [],
  };
  const built = (raw: RawOptions) =>
    filesystemOps(normalizeOptions(raw).filesystem, false, user, probe).filter((o) => o.op === 'blacklist');

  it('a pattern blacklists what it finds now, each optional; one that finds nothing, nothing', () => {
    expect(built({ blacklist: ['/usr/share/perl*', '/usr/share/ruby*'] })).toEqual([
      { op: 'blacklist', path: '/usr/share/perl', optional: true },
      { op: 'blacklist', path: '/usr/share/perl5', optional: true },
    ]);
  });

  it('blacklist-nolog blacklists as blacklist does, marked for tracelog to leave out', () => {
    expect(built({ blacklistNolog: ['/home/u/.*_history'], blacklist: ['/usr/share/doc'] })).toEqual([
      { op: 'blacklist', path: '/usr/share/doc', optional: true },
      { op: 'blacklist', path: '/home/u/.bash_history', optional: true, nolog: true },
      { op: 'blacklist', path: '/home/u/.python_history', optional: true, nolog: true },
    ]);
    // Named by both: logged.
    expect(built({ blacklistNolog: ['/usr/share/doc'], blacklist: ['/usr/share/doc'] })).toEqual([
      { op: 'blacklist', path: '/usr/share/doc', optional: true },
    ]);
  });

  it('read-only and whitelist patterns name what they find; a whitelist pattern that finds nothing still reduces its directory', () => {
    const all = (raw: RawOptions) => filesystemOps(normalizeOptions(raw).filesystem, false, user, probe);
    expect(all({ readOnly: ['/home/u/.gimp*'] })).toEqual([
      { op: 'read-only', path: '/home/u/.gimp-2.10', optional: true },
      { op: 'read-only', path: '/home/u/.gimp-2.8', optional: true },
    ]);
    expect(all({ whitelist: ['/usr/share/perl*'], nowhitelist: ['/usr/share/perl5*'] })).toEqual([
      { op: 'whitelist', path: '/usr/share', entries: ['perl'], optional: true, keepCwd: false },
    ]);
    expect(all({ whitelist: ['/usr/share/lua*'] })).toEqual([
      { op: 'whitelist', path: '/usr/share', entries: [], optional: true, keepCwd: false },
    ]);
  });

  it('a noblacklist pattern keeps what it matches, of plain paths and of patterns alike', () => {
    expect(built({ blacklist: ['/home/u/.gimp*', '/usr/share/perl', '/usr/share/perl5'], noblacklist: ['/home/u/.gimp-2.1*', '/usr/share/perl*'] }))
      .toEqual([{ op: 'blacklist', path: '/home/u/.gimp-2.8', optional: true }]);
  });

  it('a path in a directory of ${PATH} a pattern listed is looked up in that listing, not asked of the host', () => {
    const bin: Record<string, string[]> = { '/usr/bin': ['perl', 'perl5.36'], '/usr/share': ['perl', 'perl5'] };
    const asked: string[] = [];
    const kind = (p: string) =>
      (p === '/usr/bin' || p === '/usr/share' || Object.entries(bin).some(([d, ns]) => ns.some((n) => `${d}/${n}` === p)) ? ('dir' as const) : null);
    const counting = (listed: (d: string) => string[] | null): FsProbe => ({
      ...host, list: (d) => listed(d) ?? [], listed, kind: (p) => (asked.push(p), kind(p)),
    });
    const black = (probe: FsProbe, raw: RawOptions) => filesystemOps(normalizeOptions(raw).filesystem, false, user, probe)
      .filter((o) => o.op === 'blacklist').map((o) => ('path' in o ? o.path : ''));
    const raw = { blacklist: ['/usr/bin/ruby*', '/usr/bin/perl', '/usr/bin/python3', '/usr/share/ruby*', '/usr/share/python3'] };
    expect(black(counting((d) => bin[d] ?? []), raw)).toEqual(['/usr/bin/perl']);
    // /usr/bin was listed for ruby*: python3 is not in it. /usr/share is no directory of ${PATH}: the host is asked.
    expect(asked).not.toContain('/usr/bin/python3');
    expect(asked).toContain('/usr/share/python3');
    // A directory that cannot be read lists nothing, and is no answer: the host is asked.
    asked.length = 0;
    expect(black(counting((d) => (d === '/usr/bin' ? null : bin[d] ?? [])), raw)).toEqual(['/usr/bin/perl']);
    expect(asked).toContain('/usr/bin/python3');
    // A path the plan makes is there although no listing has it.
    const made = filesystemOps(normalizeOptions({ readOnly: ['/home/u/.x*', '/home/u/new'], mkdir: ['/home/u/new'] }).filesystem, false, user, probe);
    expect(made).toContainEqual({ op: 'read-only', path: '/home/u/new', optional: true });
  });
});

describe('filesystemOps: ${PATH}\'s linked directories', () => {
  it('a name in /bin after the same name in /usr/bin (/bin -> usr/bin) is the same file: not looked at again', () => {
    // As the host answers: a lookup goes through the parent's link.
    const through = (p: string) => p.replace(/^\/(s?bin)\//, '/usr/$1/');
    const host: FsProbe = { ...merged, kind: (p) => merged.kind(through(p)), canonical: (p) => merged.canonical(through(p)) };
    const asked: string[] = [];
    const counting: FsProbe = { ...host, kind: (p) => (asked.push(p), host.kind(p)) };
    const black = (list: string[], probe: FsProbe) => filesystemOps(normalizeOptions({ blacklist: list }).filesystem, false, user, probe)
      .flatMap((o) => (o.op === 'blacklist' && o.path.includes('bin/') ? [o.path] : []));
    const list = ['/usr/bin/ls', '/usr/bin/nope', '/bin/ls', '/bin/nope', '/bin/dash', '/sbin/ip', '/usr/games/ls'];
    expect(black(list, counting)).toEqual(['/usr/bin/ls', '/usr/bin/dash', '/usr/sbin/ip']);
    expect(asked).not.toContain('/bin/ls');
    expect(asked).not.toContain('/bin/nope');
    // Not named by /usr/bin first: looked at, and the same blacklist as before.
    expect(asked).toContain('/bin/dash');
    expect(asked).toContain('/sbin/ip');
    // The same blacklist as when /bin's names come first and are looked at.
    const binFirst = ['/bin/ls', '/bin/nope', ...list.filter((p) => !['/bin/ls', '/bin/nope'].includes(p))];
    asked.length = 0;
    expect(black(binFirst, counting)).toEqual(black(list, host));
    expect(asked).toContain('/bin/ls');
    // A directory that is no link to another of ${PATH}'s is no alias.
    const apart: FsProbe = { ...host, canonical: (p) => p };
    asked.length = 0;
    expect(black(['/usr/bin/ls', '/bin/ls'], { ...apart, kind: (p) => (asked.push(p), apart.kind(p)) })).toEqual(['/usr/bin/ls', '/bin/ls']);
    expect(asked).toContain('/bin/ls');
  });
});

describe('filesystemOps: the gpg agent\'s and systemd\'s sockets in /run/user/UID', () => {
  const there: FsProbe = { ...host, kind: (p) => (p.startsWith('/run/user/1000') || p === '/home' ? 'dir' : null) };
  const black = (raw: RawOptions) => filesystemOps(normalizeOptions(raw).filesystem, true, user, there)
    .flatMap((o) => (o.op === 'blacklist' && o.path.startsWith('/run/user/') ? [o.path] : []));

  it('are hidden by default, as in firejail, unless writable-run-user', () => {
    expect(black({})).toEqual(['/run/user/1000/gnupg', '/run/user/1000/systemd']);
    expect(black({ writableRunUser: true })).toEqual([]);
    expect(black({ noblacklist: ['/run/user/1000/gnupg'] })).toEqual(['/run/user/1000/systemd']);
  });
});

describe('filesystemOps: writable-etc, writable-var, writable-var-log', () => {
  const ops_ = (raw: RawOptions) => filesystemOps(normalizeOptions(raw).filesystem, true, root, host);
  const has = (o: ReturnType<typeof ops_>, op: string, path: string) => o.some((x) => x.op === op && 'path' in x && x.path === path);

  it('leave /etc and /var as the host has them, and /var/log without its tmpfs', () => {
    const plain = ops_({});
    expect(has(plain, 'read-only', '/etc') && has(plain, 'read-only', '/var') && has(plain, 'tmpfs', '/var/log')).toBe(true);
    const w = ops_({ writableEtc: true, writableVar: true, writableVarLog: true });
    expect([has(w, 'read-only', '/etc'), has(w, 'read-only', '/var'), has(w, 'tmpfs', '/var/log')]).toEqual([false, false, false]);
    expect(has(w, 'read-only', '/usr') && has(w, 'tmpfs', '/var/tmp')).toBe(true);
  });

  it('allusers leaves /home whole, not reduced to the caller\'s home', () => {
    expect(has(ops_({}), 'whitelist', '/home')).toBe(true);
    expect(has(ops_({ allUsers: true }), 'whitelist', '/home')).toBe(false);
  });
});

describe('filesystemOps: the device options', () => {
  const dev = (ops_: ReturnType<typeof mergedOps>) => ops_.filter((o) => o.op === 'dev');
  const black = (ops_: ReturnType<typeof mergedOps>) => ops_.flatMap((o) => (o.op === 'blacklist' ? [o.path] : []));

  it('a private /dev keeps every class but those turned off', () => {
    expect(dev(mergedOps({ privateDev: true }))).toEqual([
      { op: 'dev', sound: true, dri: true, video: true, tv: true, dvd: true, u2f: true, input: true },
    ]);
    expect(dev(mergedOps({ privateDev: true, nosound: true, no3d: true, novideo: true, notv: true, nodvd: true, nou2f: true, noinput: true })))
      .toEqual([{ op: 'dev', sound: false, dri: false, video: false, tv: false, dvd: false, u2f: false, input: false }]);
    // Only the sound servers' sockets to hide beside it (no JACK: /dev/shm is new).
    expect(black(mergedOps({ privateDev: true, nosound: true }))).toEqual([
      '/home/u/.config/pulse', '/run/user/1000/pulse/native', '/run/user/1000/pipewire-0',
    ]);
  });

  it('--nosound looks for PulseAudio\'s /tmp/pulse-* only on the host\'s /tmp (a stored plan must not depend on /tmp)', () => {
    const withPulse: FsProbe = { ...merged, kind: (p) => (p === '/tmp/pulse-x' ? 'dir' : merged.kind(p)),
      list: (d) => (d === '/tmp' ? ['pulse-x'] : merged.list(d)) };
    const listed: string[] = [];
    const watch: FsProbe = { ...withPulse, list: (d) => { listed.push(d); return withPulse.list(d); } };
    expect(black(filesystemOps(normalizeOptions({ nosound: true }).filesystem, false, user, withPulse))).toContain('/tmp/pulse-x');
    for (const raw of [{ nosound: true, privateTmp: true }, { nosound: true, whitelist: ['/tmp/x'] }]) {
      expect(black(filesystemOps(normalizeOptions(raw).filesystem, false, user, watch))).not.toContain('/tmp/pulse-x');
    }
    expect(black(filesystemOps(normalizeOptions({ nosound: true }).filesystem, true, user, watch))).not.toContain('/tmp/pulse-x');
    expect(listed).not.toContain('/tmp');
  });

  it('on the host\'s /dev, each class turned off is blacklisted where it is (not its links), optional', () => {
    const o = mergedOps({ novideo: true, nodvd: true, noinput: true, nosound: true });
    expect(dev(o)).toEqual([]);
    expect(black(o)).toEqual(['/dev/snd', '/dev/video0', '/dev/video1', '/dev/sr0', '/dev/input', '/home/u/.config/pulse',
      '/run/user/1000/pulse/native', '/run/user/1000/pipewire-0', '/dev/shm/jack-1']);
    expect(o.every((x) => x.op !== 'blacklist' || x.optional)).toBe(true);
    expect(black(mergedOps({}))).toEqual([]);
  });

  it('a new root brings its own /dev: nothing of the host\'s is blacklisted', () => {
    expect(black(mergedOps({ novideo: true }, user, { newRoot: true }))).toEqual([]);
  });
});
