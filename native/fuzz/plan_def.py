# Generated from native/plan.def by scripts/gen-wire.mjs: do not edit; change the table and run `node scripts/gen-wire.mjs`.
# The plan's wire format (native/PLAN.md), for make-corpus.py.

PLAN_VERSION = 2
PLAN_MAX = 1048576
PLAN_HEADER = 12
MAX_PATH = 4095
MAX_IFNAME = 15
MAX_ADDR_TEXT = 45
MTU_MIN = 68
MTU_MAX = 65535
MAX_MOUNT_PATHS = 256
MAX_LOWERS = 32
MAX_BPF_INSNS = 4096
MAX_CPUS = 1024
MAX_VALUE = 9007199254740991
MIN_MEMORY = 1048576
MAX_PIDS = 4194304
MAX_TIMEOUT = 35999999
CGROUP_ROOT = '/sys/fs/cgroup'
MAX_DBUS_ADDRESS = 1024
MAX_DBUS_NAME = 255
MAX_DBUS_RULES = 256
MF_DEVICES = 1016

# Record tags.
NAMESPACES = 0x01
FLAGS = 0x02
HOSTNAME = 0x03
PROGRAM = 0x04
ARGV = 0x05
ENV = 0x06
CWD = 0x07
CAPS_KEEP = 0x08
SOURCE = 0x09
MOUNT = 0x10
SECCOMP_BPF = 0x20
SECCOMP_FLAGS = 0x21
SECCOMP_ACTION = 0x22
SECCOMP_SYSCALL = 0x23
SECCOMP_RULE = 0x24
PRIVS = 0x25
APPARMOR = 0x26
TRACE_PATH = 0x27
TRACE_CALL = 0x28
NET_PARENT = 0x30
NET_NAME = 0x31
NET_VETH = 0x32
NET_IP = 0x33
NET_NETMASK = 0x34
NET_GATEWAY = 0x35
NET_MAC = 0x36
NET_MTU = 0x37
NET_DNS = 0x38
NET_HOSTS = 0x39
NETFILTER = 0x3a
CGROUP_FILE = 0x40
CPU_QUOTA = 0x41
MEMORY = 0x42
PIDS_MAX = 0x43
CPUS = 0x44
RLIMIT = 0x45
NICE = 0x46
TIMEOUT = 0x47
ROOT = 0x50
DBUS_USER = 0x60
DBUS_USER_ADDRESS = 0x61
DBUS_USER_SOCKET = 0x62
DBUS_USER_SEE = 0x63
DBUS_USER_TALK = 0x64
DBUS_USER_OWN = 0x65
DBUS_USER_CALL = 0x66
DBUS_USER_BROADCAST = 0x67
DBUS_SYSTEM = 0x68
DBUS_SYSTEM_ADDRESS = 0x69
DBUS_SYSTEM_SOCKET = 0x6a
DBUS_SYSTEM_SEE = 0x6b
DBUS_SYSTEM_TALK = 0x6c
DBUS_SYSTEM_OWN = 0x6d
DBUS_SYSTEM_CALL = 0x6e
DBUS_SYSTEM_BROADCAST = 0x6f

# NS_BITS, and all of them.
NS_PID = 0x1
NS_MOUNT = 0x2
NS_IPC = 0x4
NS_UTS = 0x8
NS_NET = 0x10
NS_CGROUP = 0x20
NS_ALL = 0x3f

# FLAG_BITS, and all of them.
FLAG_NO_NEW_PRIVS = 0x1
FLAG_QUIET = 0x2
FLAG_DEBUG = 0x4
FLAG_ALL = 0x7

# SECCOMP_BITS, and all of them.
SF_ALLOWLIST = 0x1
SF_BLOCK_SECONDARY = 0x2
SF_NOTIFY = 0x4
SF_ALL = 0x7

# PRIV_BITS, and all of them.
PRIV_NOROOT = 0x1
PRIV_MDWE = 0x2
PRIV_NOGROUPS = 0x4
PRIV_ALL = 0x7

# MOUNT_FLAGS, and all of them.
MF_OPTIONAL = 0x1
MF_READ_ONLY = 0x2
MF_USER_OWNED = 0x4
MF_SOUND = 0x8
MF_DRI = 0x10
MF_VIDEO = 0x20
MF_TV = 0x40
MF_DVD = 0x80
MF_U2F = 0x100
MF_INPUT = 0x200
MF_KEEP_CWD = 0x400
MF_ALL = 0x7ff

# ROOT_FLAGS, and all of them.
RF_OVERLAY = 0x1
RF_TMPFS_UPPER = 0x2
RF_ALL = 0x3

# Mount kinds, and the flags each allows.
MNT_READ_ONLY = 1
MNT_READ_WRITE = 2
MNT_NOEXEC = 3
MNT_TMPFS = 4
MNT_BLACKLIST = 5
MNT_BIND = 6
MNT_WHITELIST = 7
MNT_MKDIR = 8
MNT_MKFILE = 9
MNT_DEV = 10
MNT_PRIVATE_BIN = 11
MNT_MACHINE_ID = 12
MOUNT_KIND_FLAGS = {MNT_READ_ONLY: 0x1, MNT_READ_WRITE: 0x1, MNT_NOEXEC: 0x1, MNT_TMPFS: 0x5, MNT_BLACKLIST: 0x1, MNT_BIND: 0x3, MNT_WHITELIST: 0x401, MNT_MKDIR: 0x0, MNT_MKFILE: 0x0, MNT_DEV: 0x3f8, MNT_PRIVATE_BIN: 0x0, MNT_MACHINE_ID: 0x1}

# private-bin's directories, machine-id's files.
BIN_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/games', '/usr/local/games', '/usr/local/sbin', '/usr/sbin', '/sbin']
MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id']

# RLIMIT which.
RLIM_AS = 0
RLIM_CPU = 1
RLIM_FSIZE = 2
RLIM_NOFILE = 3
RLIM_NPROC = 4
RLIM_SIGPENDING = 5

CAPABILITIES = ['chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease', 'audit_write', 'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf', 'checkpoint_restore']
