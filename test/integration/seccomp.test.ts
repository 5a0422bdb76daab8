/** The seccomp filter and the privilege options in real sandboxes, as root.
 * A small C program (test/fixtures/seccomp-probe.c) makes the calls; each
 * is also made outside the sandbox, or under a distinctive errno, so the
 * tests show the filter at work and not merely missing privileges. */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostProbe } from '../../src/fs/probe.js';
import { normalizeOptions } from '../../src/options.js';
import { buildPlan } from '../../src/plan/build.js';
import { encodePlan } from '../../src/plan/encode.js';
import { hostSecurity } from '../../src/seccomp/plan.js';
import { fieldOf, HELPER, keepHostMountsUnchanged, ROOT, tsjail as run, type RunOptions } from '../helpers.js';

/** These tests check the seccomp options themselves: the built-in defaults,
 * no profile adding to them (profiles have their own tests). */
const tsjail = (args: readonly string[], opts?: RunOptions) =>
  run(args.includes('--noprofile') ? args : [`--profile=${ROOT}/test/fixtures/bare.ini`, ...args], opts);

let dir = '';
let PROBE = '';

beforeAll(() => {
  // Under /srv: visible (read-only) in a default sandbox, unlike /tmp.
  dir = mkdtempSync('/srv/tjtest-seccomp-');
  chmodSync(dir, 0o755);
  PROBE = join(dir, 'probe');
  const cc = spawnSync('cc', ['-O1', '-o', PROBE, join(ROOT, 'test/fixtures/seccomp-probe.c')], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cannot build the probe: ${cc.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(out: string): Record<string, string> {
  return Object.fromEntries(out.trim().split('\n').filter((l) => l.includes(': ')).map((l) => l.split(': ') as [string, string]));
}

/** The calls made in a sandbox with these options. */
function inside(options: string[], calls: string[]): Record<string, string> {
  const r = tsjail([...options, '--', PROBE, ...calls]);
  expect(r.status, r.stderr).toBe(0);
  return parse(r.stdout);
}

/** The same calls made on the host. */
function outside(calls: string[]): Record<string, string> {
  const r = spawnSync(PROBE, calls, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(r.status, r.stderr).toBe(0);
  return parse(r.stdout);
}

const BLOCKED = ['mount', 'ptrace', 'kexec_load', 'init_module', 'bpf', 'personality', 'io_uring_setup'];

describe('the default filter', () => {
  it('gives EPERM to the calls of the default list; outside they work or fail otherwise', () => {
    const calls = ['getpid', ...BLOCKED];
    const ins = inside([], calls);
    const out = outside(calls);
    expect(ins.getpid).toBe('ok');
    for (const c of BLOCKED) expect(ins[c], c).toBe('EPERM');
    // Root outside: these work or trip over their bad arguments. (kexec_load
    // and init_module may be EPERM there too when the kernel locks them;
    // the next test covers them.)
    for (const c of ['mount', 'ptrace', 'bpf', 'personality', 'io_uring_setup']) expect(out[c], c).not.toBe('EPERM');
  });

  it('is what makes them fail: with another errno as the action, every one returns it', () => {
    const ins = inside(['--seccomp-error-action=EXFULL'], ['getpid', ...BLOCKED]);
    expect(ins.getpid).toBe('ok');
    for (const c of BLOCKED) expect(ins[c], c).toBe('EXFULL');
  });

  it('is one filter under no_new_privs, with no capabilities left', () => {
    const r = tsjail(['--', 'cat', '/proc/self/status']);
    expect(r.status, r.stderr).toBe(0);
    expect(fieldOf(r.stdout, 'Seccomp')).toBe('2');
    expect(fieldOf(r.stdout, 'Seccomp_filters')).toBe('1');
    expect(fieldOf(r.stdout, 'NoNewPrivs')).toBe('1');
    for (const k of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) expect(fieldOf(r.stdout, k), k).toBe('0000000000000000');
  });

  it('blocks the same calls through the x32 ABI and through int 0x80', () => {
    const calls = ['x32-mount', 'i386-mount', 'x32-getpid', 'i386-getpid'];
    const ins = inside([], calls);
    const out = outside(calls);
    // This kernel has no x32 ABI: outside, an x32 call is ENOSYS.
    expect(out['x32-mount']).toBe('ENOSYS');
    expect(out['i386-mount']).toBe('EFAULT');
    expect(ins['x32-mount']).toBe('EPERM');
    expect(ins['i386-mount']).toBe('EPERM');
    // Other calls pass through those ABIs as they would outside.
    expect(ins['x32-getpid']).toBe(out['x32-getpid']);
    expect(ins['i386-getpid']).toBe('ok');
  });

  it('with --seccomp.block-secondary, any i386 or x32 call is blocked', () => {
    const ins = inside(['--seccomp.block-secondary'], ['getpid', 'x32-getpid', 'i386-getpid']);
    expect(ins).toEqual({ getpid: 'ok', 'x32-getpid': 'EPERM', 'i386-getpid': 'EPERM' });
  });

  it('refuses TIOCSTI on the program\'s own terminal, with high bits set too, whatever the action', () => {
    const calls = ['tiocsti', 'tiocsti-high'];
    expect(outside(calls)).toEqual({ tiocsti: 'ok', 'tiocsti-high': 'ok' });
    expect(inside([], calls)).toEqual({ tiocsti: 'EPERM', 'tiocsti-high': 'EPERM' });
    expect(inside(['--noprofile', '--seccomp-error-action=log'], calls)).toEqual({ tiocsti: 'EPERM', 'tiocsti-high': 'EPERM' });
  });

  it('lets the usual programs run: a shell, ps, node', () => {
    const r = tsjail(['--', 'sh', '-c', `ps -e -o comm= | tr '\\n' ' '; echo; ${process.execPath} -e 'console.log(6*7)'`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tsjail-helper sh ps/);
    expect(r.stdout).toMatch(/^42$/m);
  });

  it('--noprofile keeps only the terminal rule', () => {
    expect(inside(['--noprofile'], ['mount', 'ptrace'])).toEqual({ mount: 'EFAULT', ptrace: 'ok' });
  });
});

describe('lists and actions', () => {
  it('--seccomp-error-action=kill ends the program with SIGSYS (exit 159)', () => {
    const r = tsjail(['--seccomp-error-action=kill', '--', PROBE, 'getpid', 'mount', 'getpid']);
    expect(r.status).toBe(159);
    expect(r.stdout).toBe('getpid: ok\n');
  });

  it('--seccomp-error-action=log lets the call through; =ENOSYS returns ENOSYS', () => {
    expect(inside(['--seccomp-error-action=log'], ['mount', 'ptrace'])).toEqual({ mount: 'EFAULT', ptrace: 'ok' });
    expect(inside(['--seccomp-error-action=ENOSYS'], ['mount', 'i386-mount'])).toEqual({ mount: 'ENOSYS', 'i386-mount': 'ENOSYS' });
  });

  it('--seccomp=LIST adds calls with their own errno, and !call takes one out', () => {
    expect(inside(['--seccomp=getpid:EXFULL,!ptrace'], ['getpid', 'ptrace', 'mount'])).toEqual({ getpid: 'EXFULL', ptrace: 'ok', mount: 'EPERM' });
  });

  it('--seccomp.drop=LIST blocks only LIST', () => {
    expect(inside(['--seccomp.drop=getpid'], ['getpid', 'ptrace'])).toEqual({ getpid: 'EPERM', ptrace: 'ok' });
  });

  // What the dynamically linked probe needs to start and print.
  const STARTUP = 'access,arch_prctl,brk,close,exit_group,fstat,getrandom,mmap,mprotect,munmap,newfstatat,openat,' +
    'pread64,prlimit64,read,rseq,set_robust_list,set_tid_address,write';

  it('--seccomp.keep=LIST allows only LIST: another call gets EPERM, or kills with =kill', () => {
    expect(inside([`--seccomp.keep=${STARTUP}`], ['getpid', 'socket-unix'])).toEqual({ getpid: 'EPERM', 'socket-unix': 'EPERM' });
    expect(inside([`--seccomp.keep=${STARTUP},getpid`], ['getpid'])).toEqual({ getpid: 'ok' });
    const r = tsjail([`--seccomp.keep=${STARTUP}`, '--seccomp-error-action=kill', '--', PROBE, 'getpid']);
    expect(r.status).toBe(159);
    // A program that needs more than the list cannot start.
    expect(tsjail(['--seccomp.keep=write,exit_group', '--', 'true']).status).not.toBe(0);
  });
});

describe('namespaces, protocols, memory', () => {
  it('--restrict-namespaces refuses unshare, clone and setns; clone3 gets ENOSYS', () => {
    const calls = ['unshare-user', 'unshare-user-net', 'clone-user', 'clone3-user'];
    const all = { 'unshare-user': 'ok', 'unshare-user-net': 'ok', 'clone-user': 'ok', 'clone3-user': 'ok' };
    expect(outside(calls)).toEqual(all);
    expect(inside([], calls)).toEqual(all);
    expect(inside(['--restrict-namespaces'], calls)).toEqual({
      'unshare-user': 'EPERM', 'unshare-user-net': 'EPERM', 'clone-user': 'EPERM', 'clone3-user': 'ENOSYS',
    });
    expect(inside(['--restrict-namespaces=net'], calls)).toEqual({
      'unshare-user': 'ok', 'unshare-user-net': 'EPERM', 'clone-user': 'ok', 'clone3-user': 'ENOSYS',
    });
  });

  it('--restrict-namespaces=cgroup,ipc refuses exactly those types, through unshare() and clone()', () => {
    const types = ['mnt', 'net', 'pid', 'uts', 'ipc', 'cgroup'];
    const calls = [...types.flatMap((t) => [`unshare-user+${t}`, `clone-user+${t}`]), 'unshare-user+time'];
    const ok = Object.fromEntries(calls.map((c) => [c, 'ok']));
    expect(outside(calls)).toEqual(ok);
    expect(inside([], calls)).toEqual(ok);
    const blocked = (c: string) => /\+(ipc|cgroup)$/.test(c);
    expect(inside(['--restrict-namespaces=cgroup,ipc'], calls))
      .toEqual(Object.fromEntries(calls.map((c) => [c, blocked(c) ? 'EPERM' : 'ok'])));
    expect(inside(['--restrict-namespaces=mnt,time'], calls))
      .toEqual(Object.fromEntries(calls.map((c) => [c, /\+(mnt|time)$/.test(c) ? 'EPERM' : 'ok'])));
  });

  it('--restrict-namespaces=cgroup,ipc: unshare(1) of each other type works', () => {
    // Without a capability (tsjail drops them all, root's too) only a new
    // user namespace gives the right to make the others: hence -U, or
    // --caps.keep=sys_admin for root. A bare `unshare -m` fails with EPERM
    // in any sandbox, whatever --restrict-namespaces says.
    const flags: Record<string, string> = { mnt: '-m', net: '-n', pid: '-fp', uts: '-u', ipc: '-i', cgroup: '-C', time: '-T' };
    for (const [type, flag] of Object.entries(flags)) {
      const blocked = type === 'ipc' || type === 'cgroup';
      for (const args of [['unshare', '-U', flag, 'true'], ['unshare', flag, 'true']]) {
        const caps = args.includes('-U') ? [] : ['--caps.keep=sys_admin'];
        // --noprofile: the default list would refuse unshare(1)'s mount().
        const r = tsjail(['--noprofile', '--restrict-namespaces=cgroup,ipc', ...caps, '--', ...args]);
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(blocked ? 1 : 0);
        if (blocked) expect(r.stderr).toMatch(/Operation not permitted/);
      }
    }
  });

  it('--restrict-namespaces=user makes unshare(1) fail', () => {
    expect(tsjail(['--', 'unshare', '--user', 'true']).status).toBe(0);
    const r = tsjail(['--restrict-namespaces=user', '--', 'unshare', '--user', 'true']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Operation not permitted/);
  });

  it('$N in a list is the native call of that number, as in firejail', () => {
    // 39: getpid on x86_64; 165: mount.
    expect(inside(['--seccomp.drop=$39:ENOENT,$165'], ['getpid', 'mount', 'i386-getpid', 'x32-getpid'])).toEqual({
      getpid: 'ENOENT', mount: 'EPERM', 'i386-getpid': 'ENOENT', 'x32-getpid': 'ENOENT',
    });
    expect(inside(['--seccomp=!$165'], ['mount'])).toEqual({ mount: 'EFAULT' });
  });

  it('--protocol refuses other socket families, on every ABI', () => {
    const calls = ['socket-unix', 'socket-inet', 'socket-inet6', 'socket-netlink', 'i386-socket-unix', 'i386-socket-inet', 'i386-socketcall'];
    const out = outside(calls);
    for (const c of calls) expect(out[c], c).toBe('ok');
    expect(inside(['--protocol=unix,netlink'], calls)).toEqual({
      'socket-unix': 'ok', 'socket-inet': 'EPERM', 'socket-inet6': 'EPERM', 'socket-netlink': 'ok',
      'i386-socket-unix': 'ok', 'i386-socket-inet': 'EPERM', 'i386-socketcall': 'EPERM',
    });
  });

  it('--memory-deny-write-execute refuses writable+executable memory', () => {
    const calls = ['mmap-wx', 'mprotect-x'];
    expect(inside([], calls)).toEqual({ 'mmap-wx': 'ok', 'mprotect-x': 'ok' });
    const ins = inside(['--memory-deny-write-execute'], calls);
    expect(ins['mmap-wx']).not.toBe('ok');
    expect(ins['mprotect-x']).not.toBe('ok');
  });

  it('--memory-deny-write-execute through the filter, as on a kernel without PR_SET_MDWE', () => {
    const plan = buildPlan(normalizeOptions({ memoryDenyWriteExecute: true, seccompErrorAction: 'EXFULL' }), {
      resolved: { program: PROBE, argv: ['probe', 'getpid', 'mmap-wx', 'mprotect-x'] }, env: [], cwd: '/',
      caller: { uid: 0, home: '/root' }, probe: hostProbe, root: null,
      security: { ...hostSecurity, hasMdwe: () => false },
    });
    expect(plan.security.memoryDenyWriteExecute).toBe(false);
    const file = join(dir, 'mdwe.plan');
    writeFileSync(file, encodePlan(plan));
    const fd = openSync(file, 'r');
    try {
      const r = spawnSync(HELPER, ['--plan-fd=3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', fd] });
      expect(r.status, r.stderr).toBe(0);
      // getpid also shows the probe's own start-up (mmap, mprotect) went through.
      expect(parse(r.stdout)).toEqual({ getpid: 'ok', 'mmap-wx': 'EXFULL', 'mprotect-x': 'EXFULL' });
    } finally {
      closeSync(fd);
    }
  });
});

describe('capabilities', () => {
  it('--caps.keep=net_raw as root keeps exactly that one', () => {
    const r = tsjail(['--caps.keep=net_raw', '--', 'cat', '/proc/self/status']);
    expect(r.status, r.stderr).toBe(0);
    for (const k of ['CapPrm', 'CapEff', 'CapBnd']) expect(fieldOf(r.stdout, k), k).toBe('0000000000002000');
    expect(fieldOf(r.stdout, 'CapInh')).toBe('0000000000000000');
    expect(fieldOf(r.stdout, 'Seccomp')).toBe('2');
  });

  it('--caps.drop=LIST as root drops only those', () => {
    const r = tsjail(['--caps.drop=net_raw,sys_admin', '--', 'cat', '/proc/self/status']);
    expect(r.status, r.stderr).toBe(0);
    // Everything this process has, less those two.
    const mine = BigInt(`0x${fieldOf(readFileSync('/proc/self/status', 'utf8'), 'CapBnd')}`);
    const want = (mine & ~((1n << 13n) | (1n << 21n))).toString(16).padStart(16, '0');
    for (const k of ['CapPrm', 'CapEff', 'CapBnd']) expect(fieldOf(r.stdout, k), k).toBe(want);
  });

  it('--print-plan shows the syscall list, the rules and the capabilities by name', () => {
    const r = tsjail(['--print-plan', '--caps.keep=net_raw', '--restrict-namespaces=user', '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.capsKeep).toEqual(['cap_net_raw']);
    expect(plan.security.seccomp.syscalls).toEqual(expect.arrayContaining(['mount', 'ptrace', 'bpf']));
    expect(plan.security.seccomp.rules).toEqual([
      'ioctl(TIOCSTI, TIOCLINUX): EPERM', 'unshare, clone, setns(user): EPERM; clone3: ENOSYS',
    ]);
  });
});

describe('bad input', () => {
  keepHostMountsUnchanged();
  it.each([
    ['--seccomp=mount,nosuchcall', "tsjail: --seccomp: unknown syscall 'nosuchcall'"],
    ['--seccomp.drop=@nosuchgroup', "tsjail: --seccomp.drop: unknown syscall group '@nosuchgroup'"],
    ['--seccomp.keep=read,nosuchcall', "tsjail: --seccomp.keep: unknown syscall 'nosuchcall'"],
    ['--caps.keep=net_raw,superpower', "tsjail: --caps.keep: unknown capability 'superpower'"],
    ['--protocol=unix,ipx', "tsjail: --protocol: unknown protocol 'ipx' (unix, inet, inet6, netlink, packet, bluetooth)"],
    ['--restrict-namespaces=user,box', "tsjail: --restrict-namespaces: unknown namespace 'box' (cgroup, ipc, mnt, net, pid, time, user, uts)"],
    ['--seccomp-error-action=EWHAT', "tsjail: --seccomp-error-action: 'EWHAT' is not errno, kill, log or an errno name"],
  ])('%s: one line naming it, exit 1, nothing run', (option, message) => {
    const r = tsjail([option, '--', PROBE, 'getpid']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(message);
  });

  it('--noroot as root is ignored with a warning, as firejail does', () => {
    const r = tsjail(['--noroot', '--', 'true']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/--noroot is ignored for root/);
  });
});
