/** --tracelog in real sandboxes: an access to a blacklisted path fails as it
 * does without tracelog, and a line reaches syslog; other accesses are not
 * logged; the program's output and exit status are unchanged. Syslog is a
 * datagram socket of the test's own (socat), on a /dev of the test's own in
 * a mount namespace of its own (unshare -m), so the host's logging is never
 * touched. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HELPER, requireInstalled, setuidHelper, TSJAIL } from '../helpers.js';

const user = inject('testUser');

/** Runs argv in a mount namespace whose /dev/log is a socket socat reads
 * into a file; returns the result and what syslog received. */
const WITH_SYSLOG = `
set -e
out=$1; shift
d=$(mktemp -d /tmp/tjtest-devlog.XXXXXX)
trap 'umount -l "$d" 2>/dev/null; rmdir "$d" 2>/dev/null; true' EXIT
mount -t tmpfs -o mode=755 tjdev "$d"
for n in null zero full random urandom tty; do touch "$d/$n"; mount --bind "/dev/$n" "$d/$n"; done
mkdir "$d/pts" "$d/shm"; mount --rbind /dev/pts "$d/pts"; mount --rbind /dev/shm "$d/shm"; ln -s pts/ptmx "$d/ptmx"
[ "$NO_SYSLOG" = 1 ] || { socat -u UNIX-RECV:"$d/log",perm=0666 OPEN:"$out",creat,append & s=$!; }
[ "$NO_SYSLOG" = 1 ] || while [ ! -S "$d/log" ]; do sleep 0.01; done
mount --move "$d" /dev
set +e
"$@"; rc=$?
[ "$NO_SYSLOG" = 1 ] || { sleep 0.2; kill $s; wait $s; }
exit $rc
`;

let dir: string;
let secret: string;
let closed: string;

beforeAll(() => {
  requireInstalled('socat', 'socat');
  requireInstalled('unshare', 'util-linux');
  // Not under /tmp (the default sandbox's /tmp is a tmpfs of its own).
  dir = mkdtempSync('/srv/tjtest-tracelog-');
  chmodSync(dir, 0o755);
  secret = join(dir, 'secret');
  writeFileSync(secret, 'secret\n');
  closed = join(dir, 'closed');
  mkdirSync(closed);
  writeFileSync(join(closed, 'inner'), 'inner\n');
  writeFileSync(join(closed, 'a\nb'), 'newline\n');
  // NEL (U+0085) and the line separator (U+2028), line breaks to some
  // readers of logs, and the right-to-left override (U+202E).
  writeFileSync(join(closed, 'a\u0085b\u2028c\u202ed'), 'unicode\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Traced { status: number | null; stdout: string; stderr: string; log: string }

function traced(argv: readonly string[], opts: { asUser?: boolean; noSyslog?: boolean; helper?: string } = {}): Traced {
  const out = join(dir, `log-${Math.random().toString(36).slice(2)}`);
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', NO_SYSLOG: opts.noSyslog ? '1' : '0' };
  if (opts.helper !== undefined) env['TSJAIL_HELPER'] = opts.helper;
  const tsjailArgv = [process.execPath, TSJAIL, ...argv];
  const run = opts.asUser
    ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'env', `HOME=${user.home}`,
      `XDG_CACHE_HOME=${join(user.home, '.cache')}`, ...tsjailArgv]
    : [...tsjailArgv];
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', WITH_SYSLOG, 'sh', out, ...run], {
    encoding: 'utf8', env: { ...process.env, ...env, HOME: opts.asUser ? user.home : process.env['HOME'] }, cwd: '/', timeout: 30_000,
  });
  let log = '';
  try {
    log = readFileSync(out, 'utf8');
  } catch {
    /* nothing received */
  }
  rmSync(out, { force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, log };
}

/** The syslog lines: socat writes the datagrams one after the other. */
function lines(log: string): string[] {
  return log.split(/(?=<\d+>)/).filter((l) => l !== '');
}

describe('--tracelog as root', () => {
  const program = ['--', 'sh', '-c', `cat ${'$0'}; echo "cat $?"; cat /etc/hostname >/dev/null; exit 7`];

  it('the access fails as without tracelog, one line reaches syslog, the rest is unchanged', () => {
    const plain = traced([`--blacklist=${secret}`, ...program, secret]);
    const r = traced(['--tracelog', `--blacklist=${secret}`, ...program, secret]);
    expect(r.status).toBe(7);
    expect(r.status).toBe(plain.status);
    expect(r.stdout).toBe('cat 1\n');
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stderr).toBe(plain.stderr);
    expect(r.stderr).toMatch(/secret: Permission denied/);
    expect(plain.log).toBe('');
    const got = lines(r.log);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(new RegExp(
      `^<85>[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d tsjail\\[(\\d+)\\]: blacklist violation - sandbox \\1, exe cat, syscall openat, path ${secret}$`));
  });

  it('relative paths and paths below a blacklisted directory are logged as absolute paths', () => {
    const r = traced(['--tracelog', `--blacklist=${closed}`, '--', 'sh', '-c',
      `cd ${dir} && cat closed/inner; ls ${closed}; test -e ${closed}/inner`]);
    expect(r.status).toBe(1);
    const got = lines(r.log).map((l) => l.replace(/^.*exe /, ''));
    expect(got).toContain(`cat, syscall openat, path ${closed}/inner`);
    expect(got.some((l) => l.startsWith('ls, ') && l.endsWith(`path ${closed}`))).toBe(true);
    expect(got.some((l) => /^(sh|test), syscall (newfstatat|stat|faccessat2?|access), path .*closed\/inner$/.test(l))).toBe(true);
  });

  it('blacklist-nolog (and a pattern) blacklists as blacklist does, and no line is logged for it', () => {
    const r = traced(['--tracelog', `--blacklist=${closed}`, `--blacklist-nolog=${dir}/sec*`, '--', 'sh', '-c',
      `cat ${secret}; echo "cat $?"; cat ${closed}/inner; echo "cat $?"`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('cat 1\ncat 1\n');
    expect(r.stderr).toMatch(/secret: Permission denied/);
    const got = lines(r.log);
    expect(got).toEqual([expect.stringMatching(new RegExp(`exe cat, syscall openat, path ${closed}/inner$`))]);
  });

  it('control characters in a path are escaped in the line', () => {
    const r = traced(['--tracelog', `--blacklist=${closed}`, '--', 'cat', `${closed}/a\nb`]);
    expect(r.status).toBe(1);
    expect(lines(r.log)).toEqual([expect.stringMatching(new RegExp(`exe cat, syscall openat, path ${closed}/a\\\\x0ab$`))]);
  });

  it('every byte but printable ASCII is escaped too: no UTF-8 line break or reordering reaches the line', () => {
    const r = traced(['--tracelog', `--blacklist=${closed}`, '--', 'cat', `${closed}/a\u0085b\u2028c\u202ed`]);
    expect(r.status).toBe(1);
    expect(lines(r.log)).toEqual([expect.stringMatching(
      new RegExp(`exe cat, syscall openat, path ${closed}/a\\\\xc2\\\\x85b\\\\xe2\\\\x80\\\\xa8c\\\\xe2\\\\x80\\\\xaed$`))]);
  });

  it('without a blacklist there is nothing to log: no filter notifications at all', () => {
    const r = traced(['--noprofile', '--tracelog', '--print-plan', '--', 'true']);
    const plan = JSON.parse(r.stdout);
    expect(plan.security.tracelog).toBeNull();
    expect(plan.security.seccomp.notify).toBe(false);
  });

  it('without a syslog socket: one line, and the program runs as without tracelog', () => {
    const r = traced(['--tracelog', `--blacklist=${secret}`, ...program, secret], { noSyslog: true });
    expect(r.status).toBe(7);
    expect(r.stdout).toBe('cat 1\n');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('tsjail:'))).toEqual([
      'tsjail: warning: tracelog: cannot reach syslog at /dev/log (No such file or directory): blacklist violations are not logged',
    ]);
  });
});

describe('--tracelog as a user', () => {
  it('through the rootless helper: the same line', () => {
    const r = traced(['--tracelog', `--blacklist=${secret}`, '--', 'cat', secret], { asUser: true, helper: HELPER });
    expect(r.status, r.stderr).toBe(1);
    expect(lines(r.log)).toEqual([expect.stringMatching(new RegExp(`exe cat, syscall openat, path ${secret}$`))]);
  });

  it('through the setuid helper: the same line', () => {
    const h = setuidHelper();
    try {
      const r = traced(['--tracelog', `--blacklist=${secret}`, '--', 'cat', secret], { asUser: true, helper: h.path });
      expect(r.status, r.stderr).toBe(1);
      expect(lines(r.log)).toEqual([expect.stringMatching(new RegExp(`exe cat, syscall openat, path ${secret}$`))]);
    } finally {
      h.dispose();
    }
  });
});
