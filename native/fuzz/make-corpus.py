#!/usr/bin/env python3
"""Writes the seed corpus for plan_fuzz into corpus/ next to this script.

Each seed is a small plan in the wire format of native/PLAN.md (the same
encoding as src/plan/encode.ts, with the constants of plan_def.py, which
scripts/gen-wire.mjs generates from native/plan.def): a few valid ones that
reach every record type, and a few near-valid ones that each break exactly
one rule.
Run again after a format change: python3 native/fuzz/make-corpus.py
"""
import os
import struct
import sys

# The tags, bits and kinds: generated from native/plan.def (gen-wire.mjs).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plan_def import *  # noqa: E402,F401,F403


def rec(tag, value):
    if isinstance(value, str):
        value = value.encode()
    return struct.pack('<HI', tag, len(value)) + value


def u32(tag, v):
    return rec(tag, struct.pack('<I', v))


def u64(tag, v):
    return rec(tag, struct.pack('<Q', v))


def prefixed(*paths):
    return b''.join(struct.pack('<H', len(p.encode())) + p.encode() for p in paths)


def mount(kind, *paths, flags=0, mode=0):
    return rec(MOUNT, struct.pack('<BHHH', kind, flags, mode, len(paths)) + prefixed(*paths))


def root(base, flags=0, upper=None, work=None, lowers=()):
    paths = [base] + ([upper, work] if upper is not None else []) + list(lowers)
    return rec(ROOT, struct.pack('<BB', flags, len(lowers)) + prefixed(*paths))


def source(mtime_ns, path):
    return rec(SOURCE, struct.pack('<Q', mtime_ns) + path.encode())


def plan(*records, version=PLAN_VERSION, reserved=0, length_delta=0):
    body = b''.join(records)
    return struct.pack('<4sHHI', b'TSJP', version, reserved, len(body) + length_delta) + body


def core(program='/bin/true', argv=('true',), ns=NS_PID | NS_MOUNT, flags=FLAG_NO_NEW_PRIVS):
    return [u32(NAMESPACES, ns), u32(FLAGS, flags), rec(PROGRAM, program)] + \
        [rec(ARGV, a) for a in argv]


# MAX_PATH (4095) bytes: "/aaa/aaa/.../aa".
LONG_PATH = ('/' + '/'.join(['aaa'] * 1024))[:MAX_PATH]
assert len(LONG_PATH) == MAX_PATH

SEEDS = {
    # Valid plans.
    'valid-minimal': plan(*core()),
    'valid-full': plan(
        u32(NAMESPACES, NS_PID | NS_MOUNT | NS_IPC | NS_UTS | NS_NET | NS_CGROUP),
        u32(FLAGS, FLAG_NO_NEW_PRIVS | FLAG_DEBUG),
        rec(HOSTNAME, 'sandbox.local'),
        rec(PROGRAM, '/bin/sh'),
        rec(ARGV, 'sh'), rec(ARGV, '-c'), rec(ARGV, 'echo "$HOME"'), rec(ARGV, ''),
        rec(ENV, 'PATH=/usr/bin:/bin'), rec(ENV, 'HOME=/home/user'), rec(ENV, 'TERM=xterm'),
        rec(CWD, '/home/user'),
        u64(CAPS_KEEP, (1 << CAPABILITIES.index('net_bind_service')) | (1 << CAPABILITIES.index('sys_admin'))),
        source(1700000000123456789, '/etc/tsjail/default.profile'),
        source(0, '/home/user/.config/tsjail/sh.profile'),
    ),
    'valid-mounts': plan(
        *core(program='/usr/bin/env', argv=('env',), flags=FLAG_QUIET),
        mount(MNT_READ_ONLY, '/'),
        mount(MNT_READ_WRITE, '/home/user/work', flags=MF_OPTIONAL),
        mount(MNT_NOEXEC, '/tmp'),
        mount(MNT_TMPFS, '/tmp', flags=MF_USER_OWNED, mode=0o1777),
        mount(MNT_BLACKLIST, '/root', flags=MF_OPTIONAL),
        mount(MNT_BIND, '/srv/data', '/mnt/data', flags=MF_READ_ONLY),
        mount(MNT_WHITELIST, '/home/user', 'Documents', '.config/app', flags=MF_OPTIONAL),
        mount(MNT_MKDIR, '/home/user/.cache'),
        mount(MNT_MKFILE, '/home/user/.bashrc'),
        mount(MNT_DEV, flags=MOUNT_KIND_FLAGS[MNT_DEV]),
        mount(MNT_PRIVATE_BIN, BIN_DIRS[1] + '/ls', BIN_DIRS[0] + '/tool', BIN_DIRS[-1] + '/ip'),
        mount(MNT_PRIVATE_BIN),
        mount(MNT_MACHINE_ID, *MACHINE_ID_FILES, flags=MF_OPTIONAL),
        root('/srv/chroot'),
    ),
    'valid-overlay': plan(
        *core(),
        root('/srv/rootfs', flags=RF_OVERLAY, upper='/var/tmp/up', work='/var/tmp/work',
             lowers=('/srv/layer1', '/srv/layer2')),
    ),
    # At the limits: paths of 4095 bytes, 64 SOURCE records, an overlay
    # with 32 lower layers. Its size also lifts libFuzzer's default -max_len
    # (4096) above the path limit, so that longer paths get tried.
    'valid-limits': plan(
        *core(), rec(CWD, LONG_PATH),
        *(source(i, '/etc/tsjail/%d.profile' % i) for i in range(64)),
        mount(MNT_WHITELIST, '/home', LONG_PATH[1:] + 'x'),
        root('/', flags=RF_OVERLAY | RF_TMPFS_UPPER, lowers=['/l%d' % i for i in range(32)]),
    ),
    # A seccomp filter (ld arch; jeq x86_64; ret ALLOW; ret ERRNO(1)) with
    # its description, and both PRIVS bits.
    'valid-seccomp': plan(
        *core(),
        rec(SECCOMP_BPF, struct.pack('<HBBI', 0x20, 0, 0, 4) + struct.pack('<HBBI', 0x15, 0, 1, 0xc000003e) +
            struct.pack('<HBBI', 0x06, 0, 0, 0x7fff0000) + struct.pack('<HBBI', 0x06, 0, 0, 0x00050001)),
        u32(SECCOMP_FLAGS, SF_ALL),
        rec(SECCOMP_ACTION, 'EPERM'),
        rec(SECCOMP_SYSCALL, 'mount'), rec(SECCOMP_SYSCALL, 'unlinkat:ENOENT'),
        rec(SECCOMP_RULE, 'ioctl(TIOCSTI, TIOCLINUX): EPERM'),
        u32(PRIVS, PRIV_ALL),
        rec(APPARMOR, 'tsjail-default'),
        rec(TRACE_PATH, '/etc/shadow'), rec(TRACE_PATH, '/boot'),
        rec(TRACE_CALL, struct.pack('<IIBB', 0xc000003e, 257, 1, 0) + b'openat'),
        rec(TRACE_CALL, struct.pack('<IIBB', 0x40000003, 5, 0, 255) + b'open'),
    ),
    # The network records (0x30-0x3f): an interface with every setting,
    # and name servers and a hosts file on their own.
    'valid-net': plan(
        *core(ns=NS_PID | NS_MOUNT | NS_NET),
        rec(NET_PARENT, 'br0'), rec(NET_NAME, 'eth0'), rec(NET_VETH, 'veth-t'),
        rec(NET_IP, '10.0.3.7'), rec(NET_NETMASK, '255.255.255.0'), rec(NET_GATEWAY, '10.0.3.1'),
        rec(NET_MAC, '02:00:5e:10:00:01'), u32(NET_MTU, 1400),
        rec(NET_DNS, '192.0.2.53'), rec(NET_DNS, '2001:db8::53'), rec(NET_HOSTS, '127.0.0.1 localhost\n'),
        rec(NETFILTER, '/etc/tsjail/client.net'),
    ),
    'valid-net-dns': plan(*core(), rec(NET_DNS, '9.9.9.9'), rec(NET_HOSTS, '')),
    'valid-netfilter': plan(*core(ns=NS_PID | NS_MOUNT | NS_NET), rec(NETFILTER, 'default')),
    # Cgroups and resource limits (0x40-0x4f), every record.
    'valid-resources': plan(
        *core(),
        rec(CGROUP_FILE, CGROUP_ROOT + '/pids/g1/tasks'), rec(CGROUP_FILE, CGROUP_ROOT + '/unified/g2'),
        rec(CPU_QUOTA, struct.pack('<II', 150000, 100000)), u64(MEMORY, MIN_MEMORY), u32(PIDS_MAX, MAX_PIDS),
        rec(CPUS, bytes([0x81, 0, 1])),
        *(rec(RLIMIT, struct.pack('<IQ', which, 1 << which)) for which in (RLIM_AS, RLIM_NOFILE, RLIM_SIGPENDING)),
        u32(NICE, struct.unpack('<I', struct.pack('<i', -5))[0]), u32(TIMEOUT, MAX_TIMEOUT),
    ),
    # D-Bus (0x60-0x6f): a filtered session bus with every kind of rule,
    # and a hidden system bus.
    'valid-dbus': plan(
        *core(),
        rec(DBUS_USER, 'filter'), rec(DBUS_USER_ADDRESS, 'unix:path=/run/user/1000/bus,guid=0123'),
        rec(DBUS_USER_SOCKET, '/run/user/1000/bus'), rec(DBUS_USER_SOCKET, '/tmp/dbus/bus'),
        rec(DBUS_USER_SEE, 'org.example.See'), rec(DBUS_USER_TALK, 'org.freedesktop.Notifications'),
        rec(DBUS_USER_TALK, 'com.example.*'), rec(DBUS_USER_OWN, 'org.gnome.Four-in-a-row'),
        rec(DBUS_USER_CALL, 'org.example.A=org.example.A.Method@/org/example'),
        rec(DBUS_USER_BROADCAST, 'org.example.A=*@/*'),
        rec(DBUS_SYSTEM, 'none'), rec(DBUS_SYSTEM_SOCKET, '/run/dbus/system_bus_socket'),
    ),
    # Near-valid plans, each breaking one rule.
    'bad-dbus-talk-no-filter': plan(*core(), rec(DBUS_SYSTEM, 'none'), rec(DBUS_SYSTEM_TALK, 'org.example.A')),
    'bad-seccomp-no-nnp': plan(
        *core(flags=0), rec(SECCOMP_BPF, struct.pack('<HBBI', 0x06, 0, 0, 0x7fff0000)),
        u32(SECCOMP_FLAGS, 0), rec(SECCOMP_ACTION, 'EPERM'),
    ),
    'bad-length': plan(*core(), length_delta=1),
    'bad-ld-preload': plan(*core(), rec(ENV, 'LD_PRELOAD=/tmp/evil.so')),
    'bad-program-dotdot': plan(*core(program='/usr/../bin/sh')),
    'bad-hostname-no-uts': plan(*core(), rec(HOSTNAME, 'box')),
    'bad-path-too-long': plan(*core(program=LONG_PATH + 'x')),
    'bad-net-no-netns': plan(*core(), rec(NET_PARENT, 'eth1')),
    'bad-netfilter-no-netns': plan(*core(), rec(NETFILTER, 'default')),
    'bad-rlimit-twice': plan(*core(), *(rec(RLIMIT, struct.pack('<IQ', RLIM_CPU, 5)) for _ in range(2))),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    print(f'wrote {len(SEEDS)} seeds to {out}')


if __name__ == '__main__':
    main()
