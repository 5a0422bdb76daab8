/** Real sandboxes, as root: namespaces, init, exit codes, signals. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commOf, nsId, processesWith, processTree, startTsjail, tsjail, waitFor } from '../helpers.js';

describe('tsjail as root', () => {
  it('shows only the sandbox processes, its init as PID 1', () => {
    const r = tsjail(['--', 'ps', '-e', '-o', 'pid=,comm=']);
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows[0]).toEqual(['1', 'tsjail-helper']);
    // init, the program (ps): nothing from the host.
    expect(rows.map((x) => x[1])).toEqual(['tsjail-helper', 'ps']);
  });

  it('runs in new pid, mount, ipc and uts namespaces', () => {
    const r = tsjail(['--', 'sh', '-c', 'for n in pid mnt ipc uts net; do readlink /proc/self/ns/$n; done']);
    expect(r.status, r.stderr).toBe(0);
    const [pid, mnt, ipc, uts, net] = r.stdout.trim().split('\n');
    expect(pid).not.toBe(nsId('self', 'pid'));
    expect(mnt).not.toBe(nsId('self', 'mnt'));
    expect(ipc).not.toBe(nsId('self', 'ipc'));
    expect(uts).not.toBe(nsId('self', 'uts'));
    expect(net).toBe(nsId('self', 'net'));
  });

  it('sets --hostname inside only', () => {
    const before = tsjail(['--', 'hostname']).stdout;
    const r = tsjail(['--hostname=box', '--', 'hostname']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('box');
    expect(tsjail(['--', 'hostname']).stdout).toBe(before);
  });

  it('--name labels the sandbox in --debug and, as in firejail, leaves the hostname alone', () => {
    const before = tsjail(['--', 'hostname']).stdout;
    const r = tsjail(['--debug', '--name=my game', '--', 'hostname']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(before);
    expect(r.stderr).toContain('sandbox name: my game');
  });

  it('passes arguments after -- unchanged', () => {
    const args = ['--debug', '', 'a b', '$HOME', '"q"', '--', '-x', '\n', 'é'];
    const r = tsjail(['--', process.execPath, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '--', ...args]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(args);
  });

  it('exits with the program\'s exit code', () => {
    expect(tsjail(['--', 'sh', '-c', 'exit 7']).status).toBe(7);
    expect(tsjail(['--', 'true']).status).toBe(0);
    expect(tsjail(['--', 'false']).status).toBe(1);
  });

  it('exits 128+N when the program is killed by signal N', () => {
    expect(tsjail(['--', 'sh', '-c', 'kill -KILL $$']).status).toBe(137);
    expect(tsjail(['--', 'sh', '-c', 'kill -SEGV $$']).status).toBe(139);
  });

  it('leaves no process behind when the program leaves a background child', () => {
    const marker = '987.654321';
    const t0 = Date.now();
    const r = tsjail(['--', 'sh', '-c', `sleep ${marker} & exit 3`]);
    expect(r.status, r.stderr).toBe(3);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(processesWith(marker)).toEqual([]);
  });

  it('replaces node with the helper, forwards SIGTERM and SIGUSR1 to the program', async () => {
    const marker = '876.54321';
    const t = startTsjail(['--', 'sh', '-c', `trap 'echo got-usr1' USR1; sleep ${marker} & wait; wait; echo after`]);
    const pid = t.child.pid as number;
    await waitFor(() => processesWith(marker).length === 1);
    const tree = processTree(pid);
    expect(commOf(pid)).toBe('tsjail-helper');
    expect(tree.map(commOf)).not.toContain('node');
    expect(tree.map(commOf)).toContain('sh');
    process.kill(pid, 'SIGUSR1');
    await waitFor(() => t.output().includes('got-usr1'));
    // The shell survives USR1 (it traps it); SIGTERM then ends it.
    process.kill(pid, 'SIGTERM');
    const res = await t.done;
    expect(res.code).toBe(143);
    expect(processesWith(marker)).toEqual([]);
  });

  it('runs the user\'s shell when no program is given', () => {
    const r = tsjail([], { env: { SHELL: '/bin/sh' }, input: 'echo shell-$((6*7))\n' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('shell-42');
  });

  it('gives the program a cleaned environment', () => {
    const r = tsjail(['--', 'env'], { env: { LD_PRELOAD: 'libm.so.6', SECRET_TOKEN: 'x', LANG: 'C' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^LD_PRELOAD=/m);
    expect(r.stdout).not.toMatch(/^SECRET_TOKEN=/m);
    expect(r.stdout).toMatch(/^LANG=C$/m);
    expect(r.stdout).toMatch(/^container=tsjail$/m);
  });

  it('applies --env and --rmenv, and refuses loader variables in --env', () => {
    const r = tsjail(['--env=FOO=bar=baz', '--rmenv=LANG', '--', 'env'], { env: { LANG: 'C' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^FOO=bar=baz$/m);
    expect(r.stdout).not.toMatch(/^LANG=/m);
    const bad = tsjail(['--env=LD_PRELOAD=/x.so', '--', 'true']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/LD_PRELOAD may not be passed/);
  });

  it('closes inherited file descriptors other than 0-2', () => {
    const r = tsjail(['--', 'sh', '-c', 'ls /proc/self/fd | sort -n | tr "\\n" " "']);
    expect(r.status, r.stderr).toBe(0);
    // 0-2, and the fd ls itself opened on /proc/self/fd.
    expect(r.stdout.trim().split(' ').map(Number).filter((n) => n > 3)).toEqual([]);
  });

  it('gives root no capabilities and no_new_privs by default', () => {
    const r = tsjail(['--', 'grep', '-E', '^(Cap|NoNewPrivs)', '/proc/self/status']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CapEff:\s+0{16}/);
    expect(r.stdout).toMatch(/CapPrm:\s+0{16}/);
    expect(r.stdout).toMatch(/CapBnd:\s+0{16}/);
    expect(r.stdout).toMatch(/NoNewPrivs:\s+1/);
  });

  it('starts in the caller\'s directory', () => {
    const r = tsjail(['--', 'pwd'], { cwd: '/usr/share' });
    expect(r.stdout.trim()).toBe('/usr/share');
  });

  it('writes --debug lines from both halves to stderr', () => {
    const r = tsjail(['--debug', '--', 'true']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/tsjail: debug: program \/usr\/bin\/true/);
    expect(r.stderr).toMatch(/tsjail: debug: mount propagation of \/ is now slave/);
  });
});

describe('bad input', () => {
  it('an unknown option: one line naming it and the closest option, exit 1, nothing run', () => {
    const cases: [string, string][] = [
      ['--privat', 'tsjail: unknown option --privat (did you mean --private?)\n'],
      ['--nonewpriv', 'tsjail: unknown option --nonewpriv (did you mean --nonewprivs?)\n'],
      ['--no-such-option', 'tsjail: unknown option --no-such-option (tsjail --help lists them)\n'],
      ['--private-lib=libc.so.6', 'tsjail: --private-lib is a profile directive, not an option: tsjail reads it in profiles but does not enforce it yet\n'],
    ];
    for (const [arg, message] of cases) {
      const r = tsjail([arg, 'sh', '-c', 'echo ran']);
      expect(r.status, arg).toBe(1);
      expect(r.stderr, arg).toBe(message);
      expect(r.stdout, arg).toBe('');
    }
    // After the program, it is the program's.
    expect(tsjail(['--noprofile', 'echo', '--privat']).stdout).toBe('--privat\n');
  });

  it('a missing program: one line, exit 1, nothing started', () => {
    const r = tsjail(['--', 'tjtest-no-such-program']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("tsjail: cannot find program 'tjtest-no-such-program'\n");
  });

  it('a bad hostname is refused before anything runs', () => {
    const r = tsjail(['--hostname=-bad/name', '--', 'true']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--hostname: '-bad\/name' is not a valid hostname/);
  });

  it('a helper that is not there is reported', () => {
    const r = tsjail(['--', 'true'], { env: { TSJAIL_HELPER: '/nonexistent/tsjail-helper' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot run the helper '\/nonexistent\/tsjail-helper'/);
  });

  it('--print-plan runs nothing', () => {
    const r = tsjail(['--print-plan', '--hostname=box', '--', 'sh', '-c', 'exit 9']);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.hostname).toBe('box');
    expect(plan.program).toBe('/usr/bin/sh');
    expect(existsSync(plan.program)).toBe(true);
  });
});
