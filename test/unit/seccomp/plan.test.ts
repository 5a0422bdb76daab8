/** SecurityOptions -> the plan's security part and capabilities. The
 * compiler is the real one unless a test swaps the host. */
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../src/errors.js';
import { normalizeSecurity, type RawSecurityOptions } from '../../../src/seccomp/options.js';
import { hostSecurity, securityPlan, type SecurityHost } from '../../../src/seccomp/plan.js';
import type { FilterSpec } from '../../../src/seccomp/compile.js';

const ROOT = { uid: 0 };
const USER = { uid: 1000 };

/** The real compiler, a kernel without PR_SET_MDWE, and the specs seen. */
function host(mdwe = false): SecurityHost & { specs: FilterSpec[] } {
  const specs: FilterSpec[] = [];
  return {
    specs,
    compile: (s) => (specs.push(s), hostSecurity.compile(s)),
    hasMdwe: () => mdwe,
    boundingSet: () => (1n << 41n) - 1n,
  };
}

function plan(raw: RawSecurityOptions, opts: { defaults?: boolean; caller?: { uid: number }; h?: SecurityHost } = {}) {
  return securityPlan(normalizeSecurity(raw), opts.defaults ?? true, opts.caller ?? USER, opts.h ?? host());
}

describe('securityPlan', () => {
  it('the default profile: the default list, EPERM, the terminal rule, no capabilities', () => {
    const r = plan({});
    expect(r.capsKeep).toEqual([]);
    expect(r.security.noRoot).toBe(false);
    expect(r.security.memoryDenyWriteExecute).toBe(false);
    const s = r.security.seccomp;
    expect(s).toMatchObject({ action: 'EPERM', allowlist: false, blockSecondary: false, rules: ['ioctl(TIOCSTI, TIOCLINUX): EPERM'] });
    expect(s?.syscalls).toEqual(expect.arrayContaining(['mount', 'ptrace', 'kexec_load', 'init_module', 'bpf', 'io_uring_setup']));
    expect(Buffer.from(s?.bpf ?? '', 'base64').length % 8).toBe(0);
  });

  it('--noprofile: only the terminal rule, unless --seccomp asks for the list', () => {
    expect(plan({}, { defaults: false }).security.seccomp?.syscalls).toEqual([]);
    expect(plan({ seccomp: true }, { defaults: false }).security.seccomp?.syscalls).toContain('mount');
  });

  it('--seccomp=LIST adds to the default list, !name takes out, name:ENAME has its own errno', () => {
    const s = plan({ seccomp: 'chmod,!@debug,unlinkat:ENOENT' }).security.seccomp;
    expect(s?.syscalls).toContain('chmod');
    expect(s?.syscalls).toContain('unlinkat:ENOENT');
    expect(s?.syscalls).toContain('mount');
    expect(s?.syscalls).not.toContain('ptrace');
  });

  it('$N names the native call of that number, as in firejail; !$N takes it out', () => {
    expect(plan({ seccompDrop: '$263:ENOENT,$165' }).security.seccomp?.syscalls).toEqual(['mount', 'unlinkat:ENOENT']);
    expect(plan({ seccompKeep: '$0,$1,$231' }).security.seccomp?.syscalls).toEqual(['execve', 'exit_group', 'read', 'write']);
    expect(plan({ seccomp: '!$165' }).security.seccomp?.syscalls).not.toContain('mount');
    expect(() => plan({ seccompDrop: '$9999' })).toThrow('--seccomp.drop: there is no syscall number 9999 on this machine');
  });

  it('--seccomp.drop blocks only its list; --seccomp.block-secondary also blocks personality', () => {
    expect(plan({ seccompDrop: 'mount,@swap' }).security.seccomp?.syscalls).toEqual(['mount', 'swapoff', 'swapon']);
    const s = plan({ seccompDrop: 'mount', seccompBlockSecondary: true }).security.seccomp;
    expect(s?.syscalls).toEqual(['mount', 'personality']);
    expect(s?.blockSecondary).toBe(true);
  });

  it('--seccomp.keep: an allow-list with execve, and clone3 answered ENOSYS', () => {
    const s = plan({ seccompKeep: 'read,write,exit_group', seccompErrorAction: 'kill' }).security.seccomp;
    expect(s).toMatchObject({ allowlist: true, action: 'kill', syscalls: ['execve', 'exit_group', 'read', 'write'] });
    expect(s?.rules).toEqual(['ioctl(TIOCSTI, TIOCLINUX): EPERM', 'clone3: ENOSYS']);
  });

  it('guards for --restrict-namespaces and --protocol, in words', () => {
    const s = plan({ restrictNamespaces: 'user', protocol: ['unix,inet'], seccompErrorAction: 'EACCES' }).security.seccomp;
    expect(s?.rules).toEqual([
      'ioctl(TIOCSTI, TIOCLINUX): EPERM',
      'unshare, clone, setns(user): EACCES; clone3: ENOSYS',
      'socket(family not unix, inet): EACCES',
    ]);
  });

  it('--memory-deny-write-execute: prctl where the kernel has it, else a filter rule', () => {
    const withPrctl = plan({ memoryDenyWriteExecute: true }, { h: host(true) }).security;
    expect(withPrctl.memoryDenyWriteExecute).toBe(true);
    expect(withPrctl.seccomp?.rules).toHaveLength(1);
    const old = host(false);
    const withFilter = plan({ memoryDenyWriteExecute: true }, { h: old }).security;
    expect(withFilter.memoryDenyWriteExecute).toBe(false);
    expect(withFilter.seccomp?.rules).toContain('mmap(PROT_WRITE|PROT_EXEC), mprotect(PROT_EXEC), shmat(SHM_EXEC): EPERM');
    expect(old.specs[0]?.guards.map((g) => g.syscall)).toEqual(expect.arrayContaining(['mmap', 'mprotect', 'pkey_mprotect', 'shmat']));
  });

  it('capabilities: root keeps --caps.keep, or all but --caps.drop; other users none', () => {
    expect(plan({ capsKeep: 'net_raw,chown' }, { caller: ROOT }).capsKeep).toEqual(['cap_chown', 'cap_net_raw']);
    const kept = plan({ capsDrop: 'net_raw,sys_admin' }, { caller: ROOT }).capsKeep;
    expect(kept).toHaveLength(39);
    expect(kept).not.toContain('cap_net_raw');
    expect(plan({ capsDrop: 'all' }, { caller: ROOT }).capsKeep).toEqual([]);
    expect(plan({ capsDrop: 'net_raw' }).capsKeep).toEqual([]);
    expect(() => plan({ capsKeep: 'net_raw' })).toThrow(/--caps.keep: only root can keep capabilities/);
  });

  it('a capability outside the bounding set is refused, and never kept by --caps.drop', () => {
    const h = { ...host(), boundingSet: () => ((1n << 38n) - 1n) & ~(1n << 24n) };
    expect(() => plan({ capsKeep: 'bpf' }, { caller: ROOT, h })).toThrow(PlanError);
    expect(() => plan({ capsKeep: 'bpf' }, { caller: ROOT, h })).toThrow(/--caps.keep: cap_bpf is not in the bounding set here/);
    const kept = plan({ capsDrop: 'chown' }, { caller: ROOT, h }).capsKeep;
    expect(kept).toHaveLength(36);
    expect(kept).not.toContain('cap_sys_resource');
    expect(kept).not.toContain('cap_perfmon');
  });

  it('--noroot is for other users than root', () => {
    expect(plan({ noroot: true }).security.noRoot).toBe(true);
    expect(plan({ noroot: true }, { caller: ROOT }).security.noRoot).toBe(false);
  });
});
