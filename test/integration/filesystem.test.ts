/** The sandbox's filesystem, as root: the default policy and every option,
 * each checked inside a real sandbox, with the host's mount table unchanged
 * afterwards. Host paths used here live under /root (root's home stays
 * visible to root), never under /tmp, which is a tmpfs inside. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { DEV_NODES } from '../../src/wire/plan-def.js';
import { keepHostMountsUnchanged, tsjail } from '../helpers.js';

keepHostMountsUnchanged();

const work = mkdtempSync('/root/tjtest-fs-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sh(args: string[], script: string) {
  return tsjail([...args, '--', 'sh', '-c', script]);
}

describe('the default sandbox', () => {
  it('has the system read-only', () => {
    const r = sh([], 'for d in /usr /etc /bin /var /opt; do touch $d/tjtest-x 2>&1; done; true');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/Read-only file system/g)).toHaveLength(5);
    expect(existsSync('/usr/tjtest-x')).toBe(false);
  });

  it('has an empty, writable tmpfs on /tmp, /var/tmp, /var/log', () => {
    writeFileSync('/tmp/tjtest-host-file', 'x');
    try {
      const r = sh([], 'ls -A /tmp /var/tmp /var/log; touch /tmp/a /var/tmp/b /var/log/c && echo written; stat -f -c %T /tmp');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('tjtest-host-file');
      expect(r.stdout).toContain('written');
      expect(r.stdout.trim().split('\n').pop()).toBe('tmpfs');
      expect(existsSync('/tmp/a')).toBe(false);
    } finally {
      rmSync('/tmp/tjtest-host-file');
    }
  });

  it('has a /home with nothing but the caller\'s home (root: nothing)', () => {
    const r = sh([], 'ls -A /home | wc -l');
    expect(r.stdout.trim()).toBe('0');
  });

  it('has a private /dev with only the basic nodes (and the host\'s device classes: test/integration/devices.test.ts)', () => {
    const r = sh([], 'ls -A /dev');
    const classes = new RegExp(`^(${DEV_NODES.map((d) => d.name.replace(/\\*$/, '[0-9]+')).join('|')})$`);
    expect(r.stdout.trim().split('\n').filter((n) => !classes.test(n)).sort()).toEqual(
      ['fd', 'full', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero']);
    const w = sh([], 'echo hi > /dev/null && head -c 4 /dev/urandom | wc -c && ls /dev/pts');
    expect(w.stdout.trim().split('\n')[0]).toBe('4');
  });

  it('shows only the sandbox\'s processes in /proc and hides sensitive entries', () => {
    const r = sh([], 'ls /proc | grep -c "^[0-9]"; cat /proc/kcore 2>&1 | head -c 0; head -c1 /proc/kallsyms >/dev/null 2>&1 || echo kallsyms-hidden; echo c > /proc/sysrq-trigger 2>&1 || echo sysrq-refused; echo x > /proc/sys/kernel/hostname 2>&1 || echo sys-ro');
    expect(r.status, r.stderr).toBe(0);
    expect(Number(r.stdout.split('\n')[0])).toBeLessThanOrEqual(4);
    expect(r.stdout).toContain('kallsyms-hidden');
    expect(r.stdout).toContain('sysrq-refused');
    expect(r.stdout).toContain('sys-ro');
  });

  it('has /sys read-only and /boot, /etc/shadow unreadable', () => {
    const r = sh([], 'touch /sys/tjtest 2>&1; ls /sys/firmware 2>&1; cat /etc/shadow 2>&1; ls /boot 2>&1');
    expect(r.stdout).toMatch(/\/sys\/tjtest.*Read-only file system/);
    expect(r.stdout).toMatch(/\/sys\/firmware.*Permission denied/);
    expect(r.stdout).toMatch(/\/etc\/shadow: Permission denied/);
    expect(r.stdout).toMatch(/\/boot.*Permission denied/);
  });

  it('--noprofile leaves the filesystem as the host has it (but /proc)', () => {
    const r = sh(['--noprofile'], 'stat -f -c %T /tmp; ls -A /dev | wc -l');
    expect(r.stdout.split('\n')[0]).not.toBe('tmpfs');
    expect(Number(r.stdout.split('\n')[1])).toBeGreaterThan(13);
  });
});

describe('filesystem options', () => {
  it('--blacklist hides a file and a directory; --noblacklist lifts a default', () => {
    mkdirSync(join(work, 'dir'), { recursive: true });
    writeFileSync(join(work, 'dir', 'secret'), 'secret');
    writeFileSync(join(work, 'file'), 'data');
    const r = sh([`--blacklist=${work}/dir`, `--blacklist=${work}/file`],
      `ls ${work}/dir 2>&1; cat ${work}/file 2>&1; echo x > ${work}/file 2>&1; stat -c %a ${work}/file`);
    expect(r.stdout).toMatch(/dir.*Permission denied/);
    expect(r.stdout).toMatch(/file: Permission denied/);
    expect(r.stdout).toMatch(/file: (Permission denied|Read-only file system)/);
    expect(r.stdout.trim().split('\n').pop()).toBe('0');
    expect(readFileSync(join(work, 'file'), 'utf8')).toBe('data');
    // Each is a mount of its own: read-only, nosuid, nodev, noexec.
    const mi = sh([`--blacklist=${work}/dir`, `--blacklist=${work}/file`], 'cat /proc/self/mountinfo');
    for (const p of [`${work}/dir`, `${work}/file`]) {
      const line = mi.stdout.split('\n').filter((l) => l.split(' ')[4] === p).pop();
      expect(line, p).toBeDefined();
      expect((line as string).split(' ')[5]?.split(','), p).toEqual(expect.arrayContaining(['ro', 'nosuid', 'nodev', 'noexec']));
    }
    const nb = sh(['--noblacklist=/etc/shadow'], 'head -c 5 /etc/shadow');
    expect(nb.stdout).toBe('root:');
  });

  it('--blacklist of a path that does not exist yet keeps it from being made, and leaves nothing', () => {
    const later = join(work, 'later');
    const r = sh([`--blacklist=${later}`], `mkdir ${later} 2>&1; touch ${later}/x 2>&1; echo done`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cannot create directory.*File exists/);
    expect(r.stdout).toMatch(/Permission denied/);
    expect(existsSync(later)).toBe(false);
  });

  it('a placeholder made in the sandbox\'s own tmpfs never removes the host\'s directory of that name', () => {
    const host = `/tmp/tjtest-same-name-${process.pid}`;
    mkdirSync(host);
    try {
      // /tmp is a tmpfs inside: the path is missing there, and made there.
      const r = sh([`--blacklist=${host}`], `ls -d ${host}`);
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(host)).toBe(true);
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });

  it('--whitelist keeps only the listed entries of their directory', () => {
    mkdirSync(join(work, 'wl', 'keep', 'sub'), { recursive: true });
    mkdirSync(join(work, 'wl', 'drop'), { recursive: true });
    writeFileSync(join(work, 'wl', 'keep', 'sub', 'f'), 'kept\n');
    // /root is root's home: a whitelist there hides the rest of it.
    const r = sh([`--whitelist=${work}/wl/keep/sub`], `ls -A /root; ls -A ${work}/wl; cat ${work}/wl/keep/sub/f; echo more > ${work}/wl/keep/sub/g && echo wrote`);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(work.split('/').pop());
    expect(lines[1]).toBe('keep');
    expect(lines[2]).toBe('kept');
    expect(lines[3]).toBe('wrote');
    expect(readFileSync(join(work, 'wl', 'keep', 'sub', 'g'), 'utf8')).toBe('more\n');
    const nw = sh([`--whitelist=${work}/wl/keep`, `--nowhitelist=${work}/wl/keep`], 'ls -A /root | wc -l');
    expect(Number(nw.stdout.trim())).toBeGreaterThan(1);
  });

  it('glob patterns: --whitelist, --read-only and --blacklist name what they find; --nowhitelist and --noblacklist patterns cancel', () => {
    const d = join(work, 'glob');
    for (const n of ['app-1', 'app-2', 'app-old', 'data.db', 'data.txt', 'other']) mkdirSync(join(d, n), { recursive: true });
    const r = sh([`--whitelist=${d}/app-*`, `--whitelist=${d}/data.*`, `--nowhitelist=${d}/app-o*`, `--read-only=${d}/app-?`,
      `--blacklist=${d}/data.*`, `--noblacklist=${d}/*.txt`],
    `ls -A ${d} | tr '\\n' ' '; echo; touch ${d}/app-1/x 2>/dev/null || echo app-1-ro; ls ${d}/data.db 2>/dev/null || echo db-hidden; ls -d ${d}/data.txt`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`app-1 app-2 data.db data.txt \napp-1-ro\ndb-hidden\n${d}/data.txt\n`);
  });

  it('hides /run/user/UID/gnupg (the gpg agent) as firejail\'s default does, under its profiles too; --writable-run-user leaves it', () => {
    const dir = '/run/user/0/gnupg';
    // The first of these the host lacks goes again after the test.
    const made = ['/run/user', '/run/user/0', dir].find((p) => !existsSync(p));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tjtest-agent'), '');
    try {
      const ls = (args: string[]) => sh(args, `ls ${dir} 2>/dev/null | grep -c tjtest-agent`).stdout.trim();
      expect(ls([])).toBe('0');
      expect(ls(['--profile=/etc/firejail/default.profile'])).toBe('0');
      expect(ls(['--writable-run-user'])).toBe('1');
      expect(ls(['--profile=/etc/firejail/default.profile', '--writable-run-user'])).toBe('1');
    } finally {
      rmSync(join(dir, 'tjtest-agent'), { force: true });
      if (made !== undefined) rmSync(made, { recursive: true, force: true });
    }
  });

  it('--writable-etc, --writable-var and --writable-var-log leave those as the host has them', () => {
    const probe = 'test -w /etc && echo etc; test -w /var && echo var; grep -c " /var/log .* - tmpfs " /proc/self/mountinfo';
    expect(sh([], probe).stdout).toBe('1\n');
    expect(sh(['--writable-etc', '--writable-var', '--writable-var-log'], probe).stdout).toBe('etc\nvar\n0\n');
  });

  it('--allusers leaves every directory of /home visible', () => {
    const homes = readdirSync('/home').length;
    expect(Number(sh([], 'ls -A /home | wc -l').stdout.trim())).toBe(0); // root's home is /root
    expect(Number(sh(['--allusers'], 'ls -A /home | wc -l').stdout.trim())).toBe(homes);
  });

  it('--read-only and --read-write', () => {
    mkdirSync(join(work, 'ro', 'rw'), { recursive: true });
    const r = sh([`--read-only=${work}/ro`, `--read-write=${work}/ro/rw`],
      `touch ${work}/ro/a 2>&1; touch ${work}/ro/rw/b && echo rw-ok`);
    expect(r.stdout).toMatch(/ro\/a.*Read-only file system/);
    expect(r.stdout).toContain('rw-ok');
    expect(existsSync(join(work, 'ro', 'rw', 'b'))).toBe(true);
  });

  it('--read-write cannot undo a read-only host mount, even for root? no: root may', () => {
    const r = sh(['--read-write=/proc/sys'], 'echo ok');
    expect(r.status).toBe(0);
  });

  it('--noexec', () => {
    mkdirSync(join(work, 'nx'), { recursive: true });
    writeFileSync(join(work, 'nx', 'run'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
    const r = sh([`--noexec=${work}/nx`], `${work}/nx/run 2>&1`);
    expect(r.stdout).toMatch(/Permission denied/);
    expect(sh([], `${work}/nx/run`).stdout).toBe('ran\n');
  });

  it('--tmpfs (root)', () => {
    mkdirSync(join(work, 'tm'), { recursive: true });
    writeFileSync(join(work, 'tm', 'hidden'), 'x');
    const r = sh([`--tmpfs=${work}/tm`], `ls -A ${work}/tm | wc -l; touch ${work}/tm/new && echo ok`);
    expect(r.stdout).toBe('0\nok\n');
    expect(existsSync(join(work, 'tm', 'new'))).toBe(false);
  });

  it('--bind (root)', () => {
    mkdirSync(join(work, 'src'), { recursive: true });
    mkdirSync(join(work, 'dst'), { recursive: true });
    writeFileSync(join(work, 'src', 'f'), 'from-src');
    const r = sh([`--bind=${work}/src,${work}/dst`], `cat ${work}/dst/f`);
    expect(r.stdout).toBe('from-src');
  });

  it('--private gives an empty home; --private=DIR uses DIR', () => {
    writeFileSync(join(work, 'in-home'), 'x');
    const r = sh(['--private'], 'ls -A /root | wc -l; touch /root/new && echo ok');
    expect(r.stdout).toBe('0\nok\n');
    expect(existsSync('/root/new')).toBe(false);
    mkdirSync(join(work, 'alt'), { recursive: true });
    writeFileSync(join(work, 'alt', 'marker'), 'm');
    const d = sh([`--private=${work}/alt`], 'ls -A /root');
    expect(d.stdout.trim()).toBe('marker');
  });

  it('relative paths are taken from the working directory, as firejail does', () => {
    // Under /srv: --private=DIR hides root's home, where work is.
    const rel = mkdtempSync('/srv/tjtest-rel-');
    onTestFinished(() => rmSync(rel, { recursive: true, force: true }));
    for (const d of ['dir1', 'dir2', 'testdir', 'x', 'cwd']) mkdirSync(join(rel, d), { recursive: true });
    writeFileSync(join(rel, 'dir1', 'f'), 'from-dir1');
    writeFileSync(join(rel, 'testdir', 'marker'), 'm');
    const cwd = join(rel, 'cwd');
    const r = tsjail(['--bind=../dir1,../dir2', '--private=../testdir', '--read-only=../x', '--', 'sh', '-c',
      `cat ${rel}/dir2/f; echo; ls -A /root; touch ${rel}/x/new 2>&1 || true`], { cwd });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('from-dir1');
    expect(lines[1]).toBe('marker');
    expect(lines[2]).toMatch(/Read-only file system/);
    expect(existsSync(join(rel, 'x', 'new'))).toBe(false);
    // in the working directory itself
    const b = tsjail(['--bind=dir1,dir2', '--', 'cat', `${rel}/dir2/f`], { cwd: rel });
    expect(b.stdout, b.stderr).toBe('from-dir1');
  });

  it('--private-tmp, --private-dev, --disable-mnt', () => {
    const r = sh(['--noprofile', '--private-tmp', '--private-dev', '--disable-mnt'],
      'ls -A /tmp | wc -l; ls /dev | wc -l; ls /mnt 2>&1');
    const [tmp, dev, mnt] = r.stdout.trim().split('\n');
    expect(tmp).toBe('0');
    expect(Number(dev)).toBe(13);
    expect(mnt).toMatch(/Permission denied/);
  });

  it('--private-etc keeps only the listed entries of /etc', () => {
    const r = sh(['--private-etc=hostname,passwd,ssl'], 'ls -A /etc; touch /etc/x 2>&1');
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['hostname', 'passwd', 'ssl']);
    expect(lines[3]).toMatch(/Read-only file system/);
  });

  it('--mkdir and --mkfile create in the home, as the user', () => {
    const dir = join(work, 'made', 'a', 'b');
    const file = join(work, 'made', 'f');
    const r = sh([`--mkdir=${dir}`, `--mkfile=${file}`, `--whitelist=${dir}`], `ls -A ${work}/made`);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(dir)).toBe(true);
    expect(existsSync(file)).toBe(true);
  });
});

describe('bad filesystem input', () => {
  it('a path that does not exist is skipped, as firejail does', () => {
    const r = tsjail(['--debug', '--read-only=/nonexistent-tjtest', '--noexec=/nonexistent-tjtest', '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/read-only \/nonexistent-tjtest: not there, skipped/);
  });

  it.each([
    [['--whitelist=/sys/fs'], /--whitelist: '\/sys\/fs' is not below your home, \/run\/user\/UID, a directory in \/ \(not \/proc, \/sys, \/home\)/],
    [['--blacklist=/a/../etc'], /--blacklist: '\/a\/..\/etc' has a '.' or '..' component/],
    [['--read-only=~nobody/x'], /--read-only: '~nobody\/x' is not an absolute path/],
    [['--whitelist=/tmp/a\nb'], /^tsjail: --whitelist: '\/tmp\/a\\nb' has a control character/],
    [[`--read-only=/tmp/${'a/'.repeat(2500)}`], /--read-only: '\/tmp\/a\/.*\.\.\.' is 5004 characters long, more than 4095/],
    [['--bind=/a'], /--bind: '\/a' is not SRC,DST/],
    [['--private=/nonexistent-tjtest'], /--private: '\/nonexistent-tjtest' does not exist/],
    [['--private-etc=../shadow'], /--private-etc: '..\/shadow' is not an entry of \/etc/],
  ])('%s', (args, message) => {
    const r = tsjail([...args, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
