// Generated from native/plan.def by scripts/gen-wire.mjs: do not edit; change the table and run `node scripts/gen-wire.mjs`.
// The plan's wire format (native/PLAN.md): tags, counts, bits, kinds and names.

export const PLAN_VERSION = 2;
export const PLAN_MAX = 1048576;
export const PLAN_HEADER = 12;
export const MAX_PATH = 4095;
export const MAX_IFNAME = 15;
export const MAX_ADDR_TEXT = 45;
export const MTU_MIN = 68;
export const MTU_MAX = 65535;
export const MAX_MOUNT_PATHS = 256;
export const MAX_LOWERS = 32;
export const MAX_BPF_INSNS = 4096;
export const MAX_CPUS = 1024;
export const MAX_VALUE = 9007199254740991;
export const MIN_MEMORY = 1048576;
export const MAX_PIDS = 4194304;
export const MAX_TIMEOUT = 35999999;
export const CGROUP_ROOT = '/sys/fs/cgroup';
export const MAX_DBUS_ADDRESS = 1024;
export const MAX_DBUS_NAME = 255;
export const MAX_DBUS_RULES = 256;
export const MF_DEVICES = 1016;

/** Record tags. */
export const TAG = {
  NAMESPACES: 0x01,
  FLAGS: 0x02,
  HOSTNAME: 0x03,
  PROGRAM: 0x04,
  ARGV: 0x05,
  ENV: 0x06,
  CWD: 0x07,
  CAPS_KEEP: 0x08,
  SOURCE: 0x09,
  MOUNT: 0x10,
  SECCOMP_BPF: 0x20,
  SECCOMP_FLAGS: 0x21,
  SECCOMP_ACTION: 0x22,
  SECCOMP_SYSCALL: 0x23,
  SECCOMP_RULE: 0x24,
  PRIVS: 0x25,
  APPARMOR: 0x26,
  TRACE_PATH: 0x27,
  TRACE_CALL: 0x28,
  NET_PARENT: 0x30,
  NET_NAME: 0x31,
  NET_VETH: 0x32,
  NET_IP: 0x33,
  NET_NETMASK: 0x34,
  NET_GATEWAY: 0x35,
  NET_MAC: 0x36,
  NET_MTU: 0x37,
  NET_DNS: 0x38,
  NET_HOSTS: 0x39,
  NETFILTER: 0x3a,
  CGROUP_FILE: 0x40,
  CPU_QUOTA: 0x41,
  MEMORY: 0x42,
  PIDS_MAX: 0x43,
  CPUS: 0x44,
  RLIMIT: 0x45,
  NICE: 0x46,
  TIMEOUT: 0x47,
  ROOT: 0x50,
  DBUS_USER: 0x60,
  DBUS_USER_ADDRESS: 0x61,
  DBUS_USER_SOCKET: 0x62,
  DBUS_USER_SEE: 0x63,
  DBUS_USER_TALK: 0x64,
  DBUS_USER_OWN: 0x65,
  DBUS_USER_CALL: 0x66,
  DBUS_USER_BROADCAST: 0x67,
  DBUS_SYSTEM: 0x68,
  DBUS_SYSTEM_ADDRESS: 0x69,
  DBUS_SYSTEM_SOCKET: 0x6a,
  DBUS_SYSTEM_SEE: 0x6b,
  DBUS_SYSTEM_TALK: 0x6c,
  DBUS_SYSTEM_OWN: 0x6d,
  DBUS_SYSTEM_CALL: 0x6e,
  DBUS_SYSTEM_BROADCAST: 0x6f,
} as const;
export type RecordName = keyof typeof TAG;

/** How many of each record a plan has (min..max), and its length bound. */
export const RECORDS: { readonly [K in RecordName]: { readonly min: number; readonly max: number; readonly len: number } } = {
  NAMESPACES: { min: 1, max: 1, len: 4 },
  FLAGS: { min: 1, max: 1, len: 4 },
  HOSTNAME: { min: 0, max: 1, len: 64 },
  PROGRAM: { min: 1, max: 1, len: 4095 },
  ARGV: { min: 1, max: 4096, len: 131072 },
  ENV: { min: 0, max: 1024, len: 131072 },
  CWD: { min: 0, max: 1, len: 4095 },
  CAPS_KEEP: { min: 0, max: 1, len: 8 },
  SOURCE: { min: 0, max: 64, len: 4103 },
  MOUNT: { min: 0, max: 1024, len: 0 },
  SECCOMP_BPF: { min: 0, max: 1, len: 32768 },
  SECCOMP_FLAGS: { min: 0, max: 1, len: 4 },
  SECCOMP_ACTION: { min: 0, max: 1, len: 32 },
  SECCOMP_SYSCALL: { min: 0, max: 1024, len: 64 },
  SECCOMP_RULE: { min: 0, max: 64, len: 256 },
  PRIVS: { min: 0, max: 1, len: 4 },
  APPARMOR: { min: 0, max: 1, len: 255 },
  TRACE_PATH: { min: 0, max: 1024, len: 4095 },
  TRACE_CALL: { min: 0, max: 256, len: 74 },
  NET_PARENT: { min: 0, max: 1, len: 15 },
  NET_NAME: { min: 0, max: 1, len: 15 },
  NET_VETH: { min: 0, max: 1, len: 15 },
  NET_IP: { min: 0, max: 1, len: 45 },
  NET_NETMASK: { min: 0, max: 1, len: 45 },
  NET_GATEWAY: { min: 0, max: 1, len: 45 },
  NET_MAC: { min: 0, max: 1, len: 17 },
  NET_MTU: { min: 0, max: 1, len: 4 },
  NET_DNS: { min: 0, max: 4, len: 45 },
  NET_HOSTS: { min: 0, max: 1, len: 65536 },
  NETFILTER: { min: 0, max: 1, len: 4095 },
  CGROUP_FILE: { min: 0, max: 16, len: 4095 },
  CPU_QUOTA: { min: 0, max: 1, len: 8 },
  MEMORY: { min: 0, max: 1, len: 8 },
  PIDS_MAX: { min: 0, max: 1, len: 4 },
  CPUS: { min: 0, max: 1, len: 128 },
  RLIMIT: { min: 0, max: 6, len: 12 },
  NICE: { min: 0, max: 1, len: 4 },
  TIMEOUT: { min: 0, max: 1, len: 4 },
  ROOT: { min: 0, max: 1, len: 0 },
  DBUS_USER: { min: 0, max: 1, len: 8 },
  DBUS_USER_ADDRESS: { min: 0, max: 1, len: 1024 },
  DBUS_USER_SOCKET: { min: 0, max: 4, len: 4095 },
  DBUS_USER_SEE: { min: 0, max: 256, len: 255 },
  DBUS_USER_TALK: { min: 0, max: 256, len: 255 },
  DBUS_USER_OWN: { min: 0, max: 256, len: 255 },
  DBUS_USER_CALL: { min: 0, max: 256, len: 768 },
  DBUS_USER_BROADCAST: { min: 0, max: 256, len: 768 },
  DBUS_SYSTEM: { min: 0, max: 1, len: 8 },
  DBUS_SYSTEM_ADDRESS: { min: 0, max: 1, len: 1024 },
  DBUS_SYSTEM_SOCKET: { min: 0, max: 4, len: 4095 },
  DBUS_SYSTEM_SEE: { min: 0, max: 256, len: 255 },
  DBUS_SYSTEM_TALK: { min: 0, max: 256, len: 255 },
  DBUS_SYSTEM_OWN: { min: 0, max: 256, len: 255 },
  DBUS_SYSTEM_CALL: { min: 0, max: 256, len: 768 },
  DBUS_SYSTEM_BROADCAST: { min: 0, max: 256, len: 768 },
};

/** NS_BITS: the bits as the plan's booleans. */
export interface NsBits {
  readonly pid: boolean;
  readonly mount: boolean;
  readonly ipc: boolean;
  readonly uts: boolean;
  readonly net: boolean;
  readonly cgroup: boolean;
}
export const NS_BITS: { readonly [K in keyof NsBits]: number } = {
  pid: 0x1,
  mount: 0x2,
  ipc: 0x4,
  uts: 0x8,
  net: 0x10,
  cgroup: 0x20,
};
/** In bit order. */
export const NS_BITS_KEYS = ['pid', 'mount', 'ipc', 'uts', 'net', 'cgroup'] as const;

/** FLAG_BITS: the bits as the plan's booleans. */
export interface FlagBits {
  /** no_new_privs */
  readonly noNewPrivs: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
}
export const FLAG_BITS: { readonly [K in keyof FlagBits]: number } = {
  noNewPrivs: 0x1,
  quiet: 0x2,
  debug: 0x4,
};
/** In bit order. */
export const FLAG_BITS_KEYS = ['noNewPrivs', 'quiet', 'debug'] as const;

/** SECCOMP_BITS: the bits as the plan's booleans. */
export interface SeccompBits {
  /** allow-list: the syscalls listed are the ones allowed */
  readonly allowlist: boolean;
  /** block-secondary: the i386 and x32 ABIs are blocked whole */
  readonly blockSecondary: boolean;
  /** the filter sends user notifications (tracelog): installed with a listener the sandbox's init answers */
  readonly notify: boolean;
}
export const SECCOMP_BITS: { readonly [K in keyof SeccompBits]: number } = {
  allowlist: 0x1,
  blockSecondary: 0x2,
  notify: 0x4,
};
/** In bit order. */
export const SECCOMP_BITS_KEYS = ['allowlist', 'blockSecondary', 'notify'] as const;

/** PRIV_BITS: the bits as the plan's booleans. */
export interface PrivBits {
  /** noroot: run rootless: a user namespace that maps only the caller */
  readonly noRoot: boolean;
  /** memory-deny-write-execute: prctl(PR_SET_MDWE) before execve (Linux 6.3); on older kernels the filter carries the same rule instead */
  readonly memoryDenyWriteExecute: boolean;
  /** nogroups: the program has no supplementary groups (as tsjail.conf's user-nogroups allows) */
  readonly noGroups: boolean;
}
export const PRIV_BITS: { readonly [K in keyof PrivBits]: number } = {
  noRoot: 0x1,
  memoryDenyWriteExecute: 0x2,
  noGroups: 0x4,
};
/** In bit order. */
export const PRIV_BITS_KEYS = ['noRoot', 'memoryDenyWriteExecute', 'noGroups'] as const;

/** MOUNT_FLAGS: the bits as the plan's booleans. */
export interface MountFlags {
  /** a missing path is skipped */
  readonly optional: boolean;
  /** read-only */
  readonly readOnly: boolean;
  /** user-owned: the tmpfs belongs to the caller */
  readonly userOwned: boolean;
  /** `/dev/snd` */
  readonly sound: boolean;
  /** `/dev/dri` and NVIDIA's nodes */
  readonly dri: boolean;
  /** `/dev/videoN` */
  readonly video: boolean;
  /** `/dev/dvb` */
  readonly tv: boolean;
  /** `/dev/srN`, `cdrom`, `cdrw`, `dvd`, `dvdrw` */
  readonly dvd: boolean;
  /** `/dev/hidrawN`, `/dev/usb` */
  readonly u2f: boolean;
  /** `/dev/input` */
  readonly input: boolean;
  /** keep-cwd: whitelist: the working directory, when below the directory, stays visible too */
  readonly keepCwd: boolean;
}
export const MOUNT_FLAGS: { readonly [K in keyof MountFlags]: number } = {
  optional: 0x1,
  readOnly: 0x2,
  userOwned: 0x4,
  sound: 0x8,
  dri: 0x10,
  video: 0x20,
  tv: 0x40,
  dvd: 0x80,
  u2f: 0x100,
  input: 0x200,
  keepCwd: 0x400,
};
/** In bit order. */
export const MOUNT_FLAGS_KEYS = ['optional', 'readOnly', 'userOwned', 'sound', 'dri', 'video', 'tv', 'dvd', 'u2f', 'input', 'keepCwd'] as const;

/** ROOT_FLAGS: the bits as the plan's booleans. */
export interface RootFlags {
  readonly overlay: boolean;
  /** tmpfs upper: with overlay */
  readonly tmpfsUpper: boolean;
}
export const ROOT_FLAGS: { readonly [K in keyof RootFlags]: number } = {
  overlay: 0x1,
  tmpfsUpper: 0x2,
};
/** In bit order. */
export const ROOT_FLAGS_KEYS = ['overlay', 'tmpfsUpper'] as const;

/** Mount operations: the kind byte, how many paths, the flags allowed, a mode, which paths may be "/" (bit N: path N). */
export const MOUNT_KINDS = {
  'read-only': { kind: 1, min: 1, max: 1, flags: 0x1, mode: false, slash: 0x1 },
  'read-write': { kind: 2, min: 1, max: 1, flags: 0x1, mode: false, slash: 0x0 },
  'noexec': { kind: 3, min: 1, max: 1, flags: 0x1, mode: false, slash: 0x1 },
  'tmpfs': { kind: 4, min: 1, max: 1, flags: 0x5, mode: true, slash: 0x0 },
  'blacklist': { kind: 5, min: 1, max: 1, flags: 0x1, mode: false, slash: 0x0 },
  'bind': { kind: 6, min: 2, max: 2, flags: 0x3, mode: false, slash: 0x1 },
  'whitelist': { kind: 7, min: 1, max: 256, flags: 0x401, mode: false, slash: 0x0 },
  'mkdir': { kind: 8, min: 1, max: 1, flags: 0x0, mode: false, slash: 0x0 },
  'mkfile': { kind: 9, min: 1, max: 1, flags: 0x0, mode: false, slash: 0x0 },
  'dev': { kind: 10, min: 0, max: 0, flags: 0x3f8, mode: false, slash: 0x0 },
  'private-bin': { kind: 11, min: 0, max: 256, flags: 0x0, mode: false, slash: 0x0 },
  'machine-id': { kind: 12, min: 1, max: 2, flags: 0x1, mode: false, slash: 0x0 },
} as const;
export type MountKindName = keyof typeof MOUNT_KINDS;

/** The entries of /dev of each device class (a flag of the dev operation); a name ending in `*` stands for it followed by digits. */
export const DEV_NODES: readonly { readonly flag: keyof MountFlags; readonly name: string }[] = [
  { flag: 'sound', name: 'snd' },
  { flag: 'dri', name: 'dri' },
  { flag: 'dri', name: 'nvidia*' },
  { flag: 'dri', name: 'nvidiactl' },
  { flag: 'dri', name: 'nvidia-modeset' },
  { flag: 'dri', name: 'nvidia-uvm' },
  { flag: 'video', name: 'video*' },
  { flag: 'tv', name: 'dvb' },
  { flag: 'dvd', name: 'sr*' },
  { flag: 'dvd', name: 'cdrom' },
  { flag: 'dvd', name: 'cdrw' },
  { flag: 'dvd', name: 'dvd' },
  { flag: 'dvd', name: 'dvdrw' },
  { flag: 'u2f', name: 'hidraw*' },
  { flag: 'u2f', name: 'usb' },
  { flag: 'input', name: 'input' },
];

/** private-bin: where programs are, in the order they are looked for. */
export const BIN_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/games', '/usr/local/games', '/usr/local/sbin', '/usr/sbin', '/sbin'] as const;

/** machine-id: the files that may get the new id. */
export const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'] as const;

/** RLIMIT's which, by number. */
export const RLIMITS = ['as', 'cpu', 'fsize', 'nofile', 'nproc', 'sigpending'] as const;

/** Capabilities (capabilities(7)), by number: CAPS_KEEP's bits. */
export const CAPABILITIES = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid',
  'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner',
  'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice',
  'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease', 'audit_write', 'audit_control', 'setfcap',
  'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf',
  'checkpoint_restore',
] as const;
