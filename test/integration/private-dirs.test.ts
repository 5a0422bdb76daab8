/** --private-bin, --private-opt, --private-srv, --private-cache and
 * --machine-id as root, each in a real sandbox; bad lists refused with one
 * line, nothing left behind. The host's mount table is unchanged after
 * each test. */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { keepHostMountsUnchanged, tsjail } from '../helpers.js';

keepHostMountsUnchanged();

function sh(args: string[], script: string) {
  return tsjail(['--quiet', ...args, '--', 'sh', '-c', script]);
}

describe('--private-bin', () => {
  it('a new /bin, /usr/bin, /sbin, ... holding only the listed programs, the host\'s files', () => {
    // Only what is listed is there: the shell's own globbing lists it.
    const r = sh(['--private-bin=sh,ls,readlink,stat'], 'echo /usr/bin/*; echo /bin/* /usr/sbin/* /usr/local/bin/*; ' +
      'readlink /usr/bin/sh; stat -c %i /usr/bin/ls; command -v cat || echo no-cat');
    expect(r.status, r.stderr).toBe(0);
    const [bin, others, link, ino, cat] = r.stdout.trim().split('\n');
    // sh is a link to dash: dash comes with it, as in firejail.
    const names = ['dash', 'ls', 'readlink', 'sh', 'stat'];
    expect(bin).toBe(names.map((n) => `/usr/bin/${n}`).join(' '));
    expect(others).toBe(['/bin', '/usr/sbin', '/usr/local/bin'].flatMap((d) => names.map((n) => `${d}/${n}`)).join(' '));
    expect(link).toBe('/usr/bin/dash');
    expect(ino).toBe(String(statSync('/usr/bin/ls').ino));
    expect(cat).toBe('no-cat');
  });

  it('reads glob patterns, and the lists add up', () => {
    const r = tsjail(['--quiet', '--private-bin=l[s]', '--private-bin=da[!a-r]h*,tru?', '--', 'ls', '-A', '/usr/bin']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['dash', 'ls', 'true']);
  });

  it('is writable by root only inside, and gone when the sandbox ends', () => {
    const r = sh(['--private-bin=sh,touch,ls,grep'], 'touch /usr/bin/tjtest-new && ls /usr/bin | grep -c tjtest-new');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('1');
    expect(existsSync('/usr/bin/tjtest-new')).toBe(false);
  });

  it('refuses a program that is not in the list, as firejail: one line, exit 1', () => {
    const r = tsjail(['--private-bin=ls', '--', 'cat', '/etc/hostname']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("tsjail: --private-bin: the program 'cat' is not in the list: the sandbox would not have it\n");
  });

  it.each([
    ['--private-bin=../x', "tsjail: --private-bin: '../x' is not a program (a name, without '/')\n"],
    ['--private-bin=/usr/bin/ls', "tsjail: --private-bin: '/usr/bin/ls' is not a program (a name, without '/')\n"],
    ['--private-bin=,', 'tsjail: --private-bin: needs a list of programs\n'],
    ['--private-opt=a/b', "tsjail: --private-opt: 'a/b' is not an entry of /opt (a name, without '/')\n"],
    ['--private-srv=..', "tsjail: --private-srv: '..' is not an entry of /srv (a name, without '/')\n"],
    ['--private-opt=,,', 'tsjail: --private-opt: needs a list of entries of /opt\n'],
  ])('%s is refused with one line', (arg, message) => {
    const r = tsjail([arg, '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(message);
  });
});

describe('--private-opt, --private-srv', () => {
  const made = ['/opt/tjtest-keep', '/opt/tjtest-drop', '/srv/tjtest-keep', '/srv/tjtest-drop'];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  it('keep only the listed entries; the rest is an empty tmpfs; none: empty', () => {
    for (const d of made) {
      mkdirSync(d, { recursive: true });
      writeFileSync(`${d}/f`, 'x');
    }
    const r = sh(['--private-opt=tjtest-keep,not-there', '--private-srv=tjtest-keep'],
      'ls -A /opt /srv | tr "\\n" " "; echo; cat /opt/tjtest-keep/f; echo; stat -f -c %T /opt');
    expect(r.status, r.stderr).toBe(0);
    const [list, content, fs] = r.stdout.trim().split('\n');
    expect(list).toBe('/opt: tjtest-keep  /srv: tjtest-keep ');
    expect(content).toBe('x');
    expect(fs).toBe('tmpfs');
    const none = sh(['--private-opt=none'], 'ls -A /opt | wc -l');
    expect(none.stdout.trim()).toBe('0');
  });
});

describe('--private-cache', () => {
  const cache = '/root/.cache';
  const marker = `${cache}/tjtest-private-cache`;
  afterAll(() => rmSync(marker, { force: true }));

  it('an empty, writable tmpfs on ~/.cache; the host\'s cache untouched', () => {
    mkdirSync(cache, { recursive: true });
    writeFileSync(marker, 'x');
    const r = sh(['--private-cache'], 'ls -A ~/.cache | wc -l; stat -f -c %T ~/.cache; stat -c %a ~/.cache; touch ~/.cache/new && echo written');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['0', 'tmpfs', '700', 'written']);
    expect(readFileSync(marker, 'utf8')).toBe('x');
    expect(existsSync(`${cache}/new`)).toBe(false);
  });
});

describe('--machine-id', () => {
  // The files the host has (a minimal Debian has only dbus's, which
  // dbus-daemon's installation makes with dbus-uuidgen); the sandbox covers
  // those, and a missing one stays missing.
  const FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];
  const hostIds = () => FILES.map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : null));

  it('a new random id each run, in systemd\'s format, the same in each file the host has, read-only; the host\'s untouched', () => {
    const before = hostIds();
    expect(before.some((x) => x !== null), 'neither /etc/machine-id nor /var/lib/dbus/machine-id (Debian: dbus-daemon)').toBe(true);
    const run = () => {
      const r = sh(['--machine-id'], FILES.map((f) => `cat ${f} 2>/dev/null || echo missing; `).join('') +
        `for f in ${FILES.join(' ')}; do [ -e $f ] || continue; echo x > $f 2>/dev/null && echo written || echo read-only; done`);
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim().split('\n');
    };
    const first = run();
    const second = run();
    const ids = first.slice(0, FILES.length);
    const present = ids.filter((x, i) => before[i] !== null);
    expect(ids.map((x, i) => (before[i] === null ? x : 'there'))).toEqual(before.map((x) => (x === null ? 'missing' : 'there')));
    for (const id of present) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(present).size).toBe(1);
    expect(first.slice(FILES.length)).toEqual(present.map(() => 'read-only'));
    expect(second[FILES.findIndex((f, i) => before[i] !== null)]).not.toBe(present[0]);
    for (const b of before) if (b !== null) expect(b.trim()).not.toBe(present[0]);
    expect(hostIds()).toEqual(before);
  });
});

