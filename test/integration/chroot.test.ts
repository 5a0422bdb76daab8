/** --chroot, managed overlays and layer export/import, as root, on a tiny
 * busybox root filesystem built here. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepHostMountsUnchanged, tsjail } from '../helpers.js';
import { makeRootfs, snapshot } from '../rootfs.js';

const work = mkdtempSync('/root/tjtest-chroot-');
let rootfs = '';
let base = '';
const names: string[] = [];
const overlayName = (tag: string) => {
  const n = `tjtest-${tag}-${process.pid}`;
  names.push(n);
  return n;
};
const store = '/root/.local/share/tsjail/overlays';

beforeAll(() => {
  rootfs = makeRootfs(work);
  base = snapshot(rootfs);
});
afterAll(() => {
  for (const n of names) rmSync(join(store, n), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});
keepHostMountsUnchanged(() => expect(snapshot(rootfs)).toBe(base));

describe('--chroot', () => {
  it('shows the root filesystem, not the host, with the sandbox init as PID 1', () => {
    const r = tsjail([`--chroot=${rootfs}`, '--', '/bin/sh', '-c', 'ls /; cat /etc/os-release; ps -o pid,args; ls /proc | grep -c "^[0-9]"']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('NAME="tjtest rootfs"');
    expect(r.stdout).not.toContain('usr');
    expect(r.stdout).toMatch(/^\s*1 .*tsjail-helper/m);
    expect(Number(r.stdout.trim().split('\n').pop())).toBeLessThanOrEqual(4);
  });

  it('has a fresh /proc, a private /dev, /sys read-only and a tmpfs /tmp', () => {
    const r = tsjail([`--chroot=${rootfs}`, '--', '/bin/sh', '-c', 'ls /dev | wc -l; touch /sys/x 2>&1; touch /tmp/x && echo tmp-ok; grep -c " /tmp " /proc/self/mountinfo']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('13');
    expect(lines[1]).toMatch(/Read-only file system/);
    expect(lines[2]).toBe('tmp-ok');
    expect(existsSync(join(rootfs, 'tmp', 'x'))).toBe(false);
  });

  it('keeps the kernel\'s files as without a new root: /proc/sys read-only, kallsyms and /sys/firmware hidden (as with --overlay-tmpfs)', () => {
    // A sysctl written with the value it has (harmless, should the write go
    // through); busybox's test -w says yes to root whatever the mount.
    const probe = 'v=$(cat /proc/sys/vm/swappiness); (echo "$v" > /proc/sys/vm/swappiness) 2>/dev/null && echo sysctl-written; ' +
      'cat /proc/kallsyms 2>/dev/null | wc -c; ls /sys/firmware 2>/dev/null | wc -l; echo done';
    for (const args of [[`--chroot=${rootfs}`, '--', '/bin/sh'], ['--overlay-tmpfs', '--', 'sh']]) {
      const r = tsjail([...args, '-c', probe]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.replace(/ /g, ''), args[0]).toBe('0\n0\ndone\n');
    }
  });

  it('makes no placeholder inside a new root, and never touches the host\'s directory of that name', () => {
    const host = `/srv/tjtest-empty-${process.pid}`;
    mkdirSync(host);
    try {
      const r = tsjail([`--chroot=${rootfs}`, `--blacklist=${host}`, '--', '/bin/sh', '-c', `ls -d ${host} 2>&1`]);
      expect(r.stdout).toMatch(/No such file or directory/);
      expect(existsSync(host)).toBe(true);
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });

  it('finds the program inside the new root', () => {
    const r = tsjail([`--chroot=${rootfs}`, '--', 'cat', '/etc/os-release']);
    expect(r.status, r.stderr).toBe(0);
    const missing = tsjail([`--chroot=${rootfs}`, '--', 'bash']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`tsjail: cannot find program 'bash' in ${rootfs}\n`);
  });
});

describe('overlays', () => {
  it('persist across runs (the seeds\' take-away container), leaving the base unchanged', () => {
    const name = overlayName('web');
    const port = 20000 + (process.pid % 20000);
    const first = tsjail([`--overlay=${name}`, `--chroot=${rootfs}`, '--', '/bin/sh', '-c',
      `echo logo > /logo; httpd -f -p 127.0.0.1:${port} -h /www & sleep 0.3; wget -q -O - http://127.0.0.1:${port}/index.html`]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('hello from the rootfs\n');
    const second = tsjail([`--overlay=${name}`, `--chroot=${rootfs}`, '--', '/bin/sh', '-c', 'cat /logo']);
    expect(second.stdout).toBe('logo\n');
    expect(existsSync(join(rootfs, 'logo'))).toBe(false);
    expect(readdirSync(join(store, name, 'upper'))).toEqual(['logo']);
  });

  it('--overlay-tmpfs throws its changes away', () => {
    const r = tsjail(['--overlay-tmpfs', `--chroot=${rootfs}`, '--', '/bin/sh', '-c', 'echo x > /etc/new; rm /etc/basefile; ls /etc']);
    expect(r.stdout.trim().split('\n')).toEqual(['new', 'os-release']);
  });

  it('--overlay-lower stacks read-only layers', () => {
    const layer = join(work, 'layer');
    mkdirSync(join(layer, 'etc'), { recursive: true });
    writeFileSync(join(layer, 'etc', 'from-layer'), 'layer\n');
    const r = tsjail(['--overlay-tmpfs', `--overlay-lower=${layer}`, `--chroot=${rootfs}`, '--', 'cat', '/etc/from-layer', '/etc/basefile']);
    expect(r.stdout).toBe('layer\nfrom the base\n');
  });

  it('an overlay over the host root keeps the host unchanged', () => {
    const name = overlayName('host');
    const r = tsjail([`--overlay=${name}`, '--', 'sh', '-c', 'echo x > /etc/tjtest-overlay && cat /etc/tjtest-overlay']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('x\n');
    expect(existsSync('/etc/tjtest-overlay')).toBe(false);
    expect(readFileSync(join(store, name, 'upper', 'etc', 'tjtest-overlay'), 'utf8')).toBe('x\n');
  });

  it('an overlay over the host root hides the host\'s files as the default sandbox does (shadow, cron, the other homes), writable as it is', () => {
    const r = tsjail(['--overlay-tmpfs', '--', 'sh', '-c',
      'cat /etc/shadow >/dev/null 2>&1 || echo shadow-hidden; ls /etc/cron.d >/dev/null 2>&1 || echo cron-hidden; ls -A /home | wc -l; ' +
      'echo x > /etc/tjtest-overlay-tmpfs && cat /etc/tjtest-overlay-tmpfs']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.replace(/ /g, '')).toBe('shadow-hidden\ncron-hidden\n0\nx\n');
    expect(existsSync('/etc/tjtest-overlay-tmpfs')).toBe(false);
  });

  it('a deleted base file is a whiteout that survives export and import', () => {
    const name = overlayName('wh');
    const copy = overlayName('whcopy');
    const tar = join(work, 'layer.tar');
    const r = tsjail([`--overlay=${name}`, `--chroot=${rootfs}`, '--', '/bin/sh', '-c', 'rm /etc/basefile; mkdir /data; echo new > /data/file']);
    expect(r.status, r.stderr).toBe(0);
    expect(tsjail([`--overlay-export=${name}`, tar]).status).toBe(0);
    const listing = execFileSync('tar', ['tf', tar], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toContain('etc/.wh.basefile');
    expect(listing).toContain('data/file');
    const imp = tsjail([`--overlay-import=${tar}`, copy]);
    expect(imp.status, imp.stderr).toBe(0);
    const run = tsjail([`--overlay=${copy}`, `--chroot=${rootfs}`, '--', '/bin/sh', '-c', 'ls /etc; cat /data/file']);
    expect(run.stdout).toBe('os-release\nnew\n');
    expect(tsjail(['--overlay-list']).stdout.split('\n')).toEqual(expect.arrayContaining([name, copy]));
    expect(tsjail([`--overlay-clean=${copy}`]).status).toBe(0);
    expect(existsSync(join(store, copy))).toBe(false);
  });

  it('an opaque directory round-trips', () => {
    const name = overlayName('opq');
    const copy = overlayName('opqcopy');
    const tar = join(work, 'opq.tar');
    tsjail([`--overlay=${name}`, `--chroot=${rootfs}`, '--', '/bin/sh', '-c', 'rm -r /etc; mkdir /etc; echo only > /etc/only']);
    tsjail([`--overlay-export=${name}`, tar]);
    expect(execFileSync('tar', ['tf', tar], { encoding: 'utf8' })).toContain('etc/.wh..wh..opq');
    tsjail([`--overlay-import=${tar}`, copy]);
    const run = tsjail([`--overlay=${copy}`, `--chroot=${rootfs}`, '--', 'ls', '/etc']);
    expect(run.stdout).toBe('only\n');
  });
});

describe('bad input', () => {
  function tarOf(build: (dir: string) => void, args: string[]): string {
    const dir = mkdtempSync(join(work, 'src-'));
    build(dir);
    const file = join(work, `bad-${readdirSync(work).length}.tar`);
    execFileSync('tar', ['cf', file, '-C', dir, ...args]);
    return file;
  }

  it.each([
    [['--chroot=/nonexistent-tjtest', '--', 'true'], /chroot \/nonexistent-tjtest: No such file or directory|cannot find program/],
    [['--overlay=a/b', '--', 'true'], /--overlay: 'a\/b' is not an overlay name/],
    [['--overlay=..', '--', 'true'], /--overlay: '..' is not an overlay name/],
    [['--overlay-lower=/usr', '--', 'true'], /--overlay-lower needs --overlay=NAME or --overlay-tmpfs/],
    [['--overlay-export=tjtest-none'], /takes exactly one more argument/],
  ])('%s', (args, message) => {
    const r = tsjail(args);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('a tar with an absolute path, a .. member or a link outside is refused and leaves nothing', () => {
    const abs = join(work, 'abs.tar');
    execFileSync('tar', ['cPf', abs, '/etc/hostname']);
    const dotdot = join(work, 'dotdot.tar');
    execFileSync('python3', ['-c', `import tarfile,io
t=tarfile.open('${dotdot}','w'); j=tarfile.TarInfo('a/../../x'); j.size=1; t.addfile(j, io.BytesIO(b'x')); t.close()`]);
    const link = tarOf((d) => symlinkSync('../../../etc', join(d, 'escape')), ['escape']);
    const hard = join(work, 'hard.tar');
    execFileSync('python3', ['-c', `import tarfile,io
t=tarfile.open('${hard}','w'); i=tarfile.TarInfo('h'); i.type=tarfile.LNKTYPE; i.linkname='../../etc/passwd'; t.addfile(i); t.close()`]);
    const viaLink = join(work, 'via.tar');
    execFileSync('python3', ['-c', `import tarfile,io
t=tarfile.open('${viaLink}','w'); i=tarfile.TarInfo('l'); i.type=tarfile.SYMTYPE; i.linkname='/etc'; t.addfile(i)
j=tarfile.TarInfo('l/tjtest-made'); j.size=1; t.addfile(j, io.BytesIO(b'x')); t.close()`]);
    const cases: [string, RegExp][] = [
      [abs, /absolute path/],
      [dotdot, /not a plain relative path/],
      [link, /points outside the layer/],
      [hard, /not a plain relative path/],
      [viaLink, /goes through 'l', which is not a directory/],
    ];
    for (const [file, message] of cases) {
      const name = overlayName('bad');
      const r = tsjail([`--overlay-import=${file}`, name]);
      expect(r.status, file).toBe(1);
      expect(r.stderr, file).toMatch(message);
      expect(existsSync(join(store, name)), file).toBe(false);
    }
    expect(existsSync('/etc/tjtest-made')).toBe(false);
  });
});
