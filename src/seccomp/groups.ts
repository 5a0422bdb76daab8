/** Named groups of syscalls, for the default blacklist and for lists given
 * to --seccomp=, --seccomp.drop= and --seccomp.keep= (and profiles) as
 * @name. A group may name other groups. Members the installed libseccomp
 * does not know (calls newer than it) are skipped; a call named directly
 * must be known. Calls that exist only on another architecture (i386's
 * umount, stime, ...) are listed too: the filter covers the i386 and x32
 * ABIs as well as the native one. */

export const GROUPS: Readonly<Record<string, readonly string[]>> = {
  // Mount tables: the sandbox's mounts are made by the helper, before.
  '@mount': [
    'mount', 'umount', 'umount2', 'pivot_root', 'chroot',
    'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr',
  ],
  // Kernel modules.
  '@module': ['init_module', 'finit_module', 'delete_module', 'create_module', 'query_module', 'get_kernel_syms'],
  // Rebooting, or booting another kernel.
  '@reboot': ['reboot', 'kexec_load', 'kexec_file_load'],
  '@swap': ['swapon', 'swapoff'],
  // Setting the system clock.
  '@clock': ['adjtimex', 'clock_adjtime', 'clock_adjtime64', 'clock_settime', 'clock_settime64', 'settimeofday', 'stime'],
  // Reading or steering other processes.
  '@debug': ['ptrace', 'process_vm_readv', 'process_vm_writev', 'perf_event_open', 'pidfd_getfd'],
  // Direct port I/O.
  '@raw-io': ['iopl', 'ioperm', 'pciconfig_iobase', 'pciconfig_read', 'pciconfig_write'],
  // Execution domains and CPU emulation.
  '@cpu-emulation': ['modify_ldt', 'vm86', 'vm86old', 'personality'],
  // The kernel keyring.
  '@keyring': ['add_key', 'request_key', 'keyctl'],
  // Legacy asynchronous I/O.
  '@aio': ['io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64'],
  // io_uring: a large attack surface few programs need (they fall back).
  '@io-uring': ['io_uring_setup', 'io_uring_enter', 'io_uring_register'],
  // NUMA memory placement.
  '@numa': ['mbind', 'migrate_pages', 'move_pages', 'set_mempolicy', 'set_mempolicy_home_node'],
  // Calls the kernel keeps only for old binaries, or never implemented.
  '@obsolete': [
    '_sysctl', 'afs_syscall', 'bdflush', 'break', 'ftime', 'getpmsg', 'gtty', 'idle', 'lock', 'lookup_dcookie',
    'mpx', 'nfsservctl', 'prof', 'profil', 'putpmsg', 'remap_file_pages', 'security', 'stty', 'sysfs', 'tuxcall',
    'ulimit', 'uselib', 'ustat', 'vserver',
  ],
  // Changing scheduling, priorities, memory placement and limits: a
  // resource-control group, as firejail's profiles name it.
  '@resources': [
    'ioprio_set', 'mbind', 'migrate_pages', 'move_pages', 'nice', 'sched_setaffinity', 'sched_setattr',
    'sched_setparam', 'sched_setscheduler', 'set_mempolicy', 'setpriority', 'setrlimit', 'prlimit64',
  ],
  // Calls for the system's administrator, not for a sandboxed program.
  '@privileged': [
    'acct', 'bpf', 'syslog', 'sethostname', 'setdomainname', 'vhangup', 'open_by_handle_at',
    'name_to_handle_at', 'fanotify_init', 'userfaultfd', 'ioprio_set', 'vmsplice',
  ],
};

/** What --seccomp (and the default profile) blacklists. */
export const DEFAULT_GROUP = '@default';

const DEFAULT_MEMBERS = [
  '@mount', '@module', '@reboot', '@swap', '@clock', '@debug', '@raw-io', '@cpu-emulation', '@keyring', '@aio',
  '@io-uring', '@numa', '@obsolete', '@privileged',
];

const ALL: Readonly<Record<string, readonly string[]>> = { ...GROUPS, [DEFAULT_GROUP]: DEFAULT_MEMBERS };

export function isGroup(name: string): boolean {
  return Object.hasOwn(ALL, name);
}

export function groupNames(): string[] {
  return Object.keys(ALL).sort();
}

/** The calls of a group, groups within it expanded. */
export function expandGroup(name: string): string[] {
  const members = ALL[name];
  if (members === undefined) throw new RangeError(`no syscall group ${name}`);
  return members.flatMap((m) => (m.startsWith('@') ? expandGroup(m) : [m]));
}
