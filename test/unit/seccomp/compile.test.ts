/** The compiler, through the real libseccomp: what the BPF and libseccomp's
 * pseudo code say. */
import { describe, expect, it } from 'vitest';
import { EPERM, ENOSYS } from '../../../src/seccomp/actions.js';
import { compileFilter, type FilterSpec, type ListEntry } from '../../../src/seccomp/compile.js';
import { expandGroup } from '../../../src/seccomp/groups.js';
import { namespaceGuard, protocolGuard, terminalGuard } from '../../../src/seccomp/guards.js';
import { ARCH } from '../../../src/seccomp/libseccomp.js';
import { TRACED_CALLS } from '../../../src/seccomp/tracelog.js';

/** What firejail 0.9.72 blocks by default on x86_64 (firejail --seccomp.print). */
const FIREJAIL_DEFAULT = `_sysctl acct add_key adjtimex afs_syscall bpf chroot clock_adjtime clock_settime
create_module delete_module fanotify_init finit_module fsconfig fsmount fsopen fspick get_kernel_syms getpmsg
init_module io_cancel io_destroy io_getevents io_setup io_submit ioperm iopl ioprio_set kexec_file_load
kexec_load keyctl lookup_dcookie mbind migrate_pages modify_ldt mount move_mount move_pages name_to_handle_at
nfsservctl open_by_handle_at open_tree perf_event_open personality pidfd_getfd pivot_root process_vm_readv
process_vm_writev ptrace putpmsg query_module reboot remap_file_pages request_key security set_mempolicy
setdomainname sethostname settimeofday swapoff swapon sysfs syslog tuxcall umount2 uselib userfaultfd ustat
vhangup vmsplice vserver`.split(/\s+/);

function list(names: string[], direct = false): Map<string, ListEntry> {
  return new Map(names.map((n) => [n, { action: null, direct, option: '--seccomp' }]));
}

function spec(over: Partial<FilterSpec>): FilterSpec {
  return { allowlist: false, action: EPERM, syscalls: new Map(), guards: terminalGuard(EPERM).guards, blockSecondary: false, ...over };
}

/** The BPF as (code, jt, jf, k) rows. */
function insns(bpf: Buffer) {
  const out = [];
  for (let i = 0; i < bpf.length; i += 8) {
    out.push({ code: bpf.readUInt16LE(i), jt: bpf[i + 2], jf: bpf[i + 3], k: bpf.readUInt32LE(i + 4) });
  }
  return out;
}

describe('the default list', () => {
  it('holds the 71 calls firejail blocks by default', () => {
    expect(FIREJAIL_DEFAULT).toHaveLength(71);
    const ours = new Set(expandGroup('@default'));
    expect(FIREJAIL_DEFAULT.filter((n) => !ours.has(n))).toEqual([]);
  });

  it('compiles to one program that checks the architecture first and covers x86_64, i386 and x32', () => {
    const r = compileFilter(spec({ syscalls: list(expandGroup('@default')) }), { pfc: true });
    const prog = insns(r.bpf);
    // ld [4] (seccomp_data.arch), then a jump on it.
    expect(prog[0]).toEqual({ code: 0x20, jt: 0, jf: 0, k: 4 });
    expect(prog[1]?.code).toBe(0x15);
    expect(prog.length).toBeLessThan(1024);
    expect(r.pfc).toMatch(/filter for arch x86_64/);
    expect(r.pfc).toMatch(/filter for arch x86 /);
    expect(r.pfc).toMatch(/filter for arch x32/);
    // mount on each ABI: 165, i386 21, x32 0x40000000 | 165.
    expect(r.pfc).toMatch(/if \(\$syscall == 165\)\n\s+action ERRNO\(1\)/);
    expect(r.pfc).toMatch(/if \(\$syscall == 21\)\n\s+action ERRNO\(1\)/);
    expect(r.pfc).toMatch(/if \(\$syscall == 1073741989\)\n\s+action ERRNO\(1\)/);
    expect(r.syscalls).toContain('mount');
    expect(r.syscalls).toContain('umount'); // i386 only
    expect(r.syscalls).not.toContain('pciconfig_read'); // not on x86 at all
  });

  it('with blockSecondary holds only x86_64, and sends x32 numbers to the error action', () => {
    const r = compileFilter(spec({ syscalls: list(['mount']), blockSecondary: true }), { pfc: true });
    expect(r.pfc).not.toMatch(/arch x86 |arch x32/);
    expect(r.pfc).toMatch(/invalid architecture action\naction ERRNO\(1\)/);
    const prog = insns(r.bpf);
    // jge 0x40000000 on the syscall number: x32 numbers go elsewhere.
    expect(prog.some((i) => i.code === 0x35 && i.k === 0x40000000)).toBe(true);
  });
});

describe('argument rules', () => {
  it('compare the low 32 bits under a mask, whatever the high bits', () => {
    const r = compileFilter(spec({}), { pfc: true });
    const ioctl = r.pfc?.split('syscall "ioctl"')[1]?.split('default action')[0] ?? '';
    expect(ioctl).toMatch(/\$a1\.hi32 & 0x00000000 == 0\)/);
    expect(ioctl).toMatch(/\$a1\.lo32 & 0xffffffff == 21522\)\n\s+action ERRNO\(1\)/); // TIOCSTI
    expect(ioctl).toMatch(/\$a1\.lo32 & 0xffffffff == 21532\)\n\s+action ERRNO\(1\)/); // TIOCLINUX
  });

  it('an allow-list that names a guarded call allows it by patterns, never whole', () => {
    const r = compileFilter(spec({
      allowlist: true,
      syscalls: list(['execve', 'ioctl', 'socket', 'clone', 'write']),
      guards: [...terminalGuard(EPERM).guards, ...protocolGuard(['unix'], EPERM).guards,
        ...namespaceGuard(['user'], EPERM, ENOSYS).guards],
    }), { pfc: true });
    const x86_64 = r.pfc?.split('# filter for arch x86 ')[0] ?? '';
    expect(x86_64).not.toMatch(/syscall "ioctl"[^\n]*\n\s+if \(\$syscall == 16\)\n\s+action ALLOW/);
    expect(x86_64).toMatch(/\$a1\.lo32 & 0xffffc000 == 0\)\n\s+action ALLOW/);
    expect(x86_64).toMatch(/syscall "socket"[\s\S]*?\$a0\.lo32 & 0xffffffff == 1\)\n\s+action ALLOW/);
    expect(x86_64).toMatch(/syscall "clone"[\s\S]*?\$a0\.lo32 & 0x10000000 == 0\)\n\s+action ALLOW/);
    expect(x86_64).toMatch(/syscall "clone3"[\s\S]*?action ERRNO\(38\)/);
    // On i386, socket() may come through socketcall(): never allowed there.
    const x86 = r.pfc?.split('# filter for arch x86 ')[1]?.split('# filter for arch x32')[0] ?? '';
    expect(x86).not.toMatch(/syscall "socket"/);
    expect(r.syscalls).toEqual(['clone', 'execve', 'ioctl', 'socket', 'write']);
  });

  it('a blacklist that names a guarded call blocks it whole', () => {
    const r = compileFilter(spec({ syscalls: list(['ioctl']) }), { pfc: true });
    expect(r.pfc).toMatch(/syscall "ioctl" \(16\)[^\n]*\n\s+if \(\$syscall == 16\)\n\s+action ERRNO\(1\)/);
  });
});

describe('names', () => {
  it('an unknown name given directly is an error naming it and the option', () => {
    expect(() => compileFilter(spec({ syscalls: list(['mount', 'nosuchcall'], true) }))).toThrow("--seccomp: unknown syscall 'nosuchcall'");
  });

  it('a group member this libseccomp does not know is skipped', () => {
    const r = compileFilter(spec({ syscalls: list(['mount', 'open_tree_attr_from_the_future']) }));
    expect(r.syscalls).toEqual(['mount']);
  });

  it('a call with its own action shows it', () => {
    const r = compileFilter(spec({ syscalls: new Map([['unlinkat', { action: { kind: 'errno', errno: 2 }, direct: true, option: '--seccomp' }]]) }), { pfc: true });
    expect(r.syscalls).toEqual(['unlinkat:ENOENT']);
    expect(r.pfc).toMatch(/action ERRNO\(2\)/);
  });
});

it('the arch tokens are the kernel\'s AUDIT_ARCH values', () => {
  expect(ARCH.x86_64).toBe(0xc000003e);
  expect(ARCH.x86).toBe(0x40000003);
});

describe('tracelog: notified calls', () => {
  const notify = TRACED_CALLS;

  it('a blocking filter notifies the path calls it lets through, on every ABI, and fstat is not one', () => {
    const r = compileFilter(spec({ syscalls: list(['mount', 'chmod']), notify }), { pfc: true });
    const openat = r.notified.filter((c) => c.name === 'openat');
    expect(openat).toEqual([
      { name: 'openat', arch: ARCH.x86_64, nr: 257, path: 1, dirfd: 0 },
      { name: 'openat', arch: ARCH.x86, nr: 295, path: 1, dirfd: 0 },
      // x32 calls come as x86_64 ones with bit 30 set
      { name: 'openat', arch: ARCH.x86_64, nr: 0x40000000 + 257, path: 1, dirfd: 0 },
    ]);
    // stat64 is i386's only; chmod stays blocked, not notified.
    expect(r.notified.filter((c) => c.name === 'stat64').map((c) => c.arch)).toEqual([ARCH.x86]);
    expect(r.notified.some((c) => c.name === 'chmod')).toBe(false);
    // SECCOMP_RET_USER_NOTIF, which libseccomp 2.5's pseudo code shows as a number.
    expect(r.pfc).toMatch(/if \(\$syscall == 257\)\n\s+action 0x7fc00000/);
    // newfstatat(fd, "", AT_EMPTY_PATH) names no path: notified only without the flag.
    expect(r.pfc).toMatch(/if \(\$syscall == 262\)\n.*\n\s+if \(\$a3\.lo32 & 0x00001000 == 0\)\n\s+action 0x7fc00000/);
  });

  it('an allow-list notifies only the path calls it allows, and still allows fstat', () => {
    const r = compileFilter(spec({ allowlist: true, syscalls: list(['openat', 'newfstatat', 'read']), notify, blockSecondary: true }), { pfc: true });
    expect(r.notified.map((c) => c.name).sort()).toEqual(['newfstatat', 'openat']);
    expect(r.pfc).toMatch(/if \(\$syscall == 257\)\n\s+action 0x7fc00000/);
    expect(r.pfc).toMatch(/if \(\$a3\.lo32 & 0x00001000 == 4096\)\n\s+action ALLOW/);
  });

  it('without tracelog nothing is notified', () => {
    const r = compileFilter(spec({ syscalls: list(['mount']) }), { pfc: true });
    expect(r.notified).toEqual([]);
    expect(r.pfc).not.toMatch(/0x7fc00000/);
  });
});
