#!/usr/bin/env python3
"""Writes the seed corpus for plan_fuzz into corpus/ next to this script.

Each seed is a small plan in the wire format of native/PLAN.md (the same
encoding as src/plan/encode.ts): a few valid ones that reach every record
type, and a few near-valid ones that each break exactly one rule.
Run again after a format change: python3 native/fuzz/make-corpus.py
"""
import os
import struct

NAMESPACES, FLAGS, HOSTNAME, PROGRAM, ARGV, ENV, CWD, CAPS_KEEP, SOURCE = range(1, 10)
MOUNT, ROOT = 0x10, 0x50
SECCOMP_BPF, SECCOMP_FLAGS, SECCOMP_ACTION, SECCOMP_SYSCALL, SECCOMP_RULE, PRIVS = range(0x20, 0x26)

NS_PID, NS_MOUNT, NS_IPC, NS_UTS, NS_NET, NS_CGROUP = (1 << i for i in range(6))
FLAG_NO_NEW_PRIVS, FLAG_QUIET, FLAG_DEBUG = 1, 2, 4

# MOUNT kinds and flags (plan.h).
RO, RW, NOEXEC, TMPFS, BLACKLIST, BIND, WHITELIST, MKDIR, MKFILE, DEV = range(1, 11)
MF_OPTIONAL, MF_READ_ONLY, MF_USER_OWNED, MF_SOUND, MF_DRI = (1 << i for i in range(5))
RF_OVERLAY, RF_TMPFS_UPPER = 1, 2


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
    return rec(MOUNT, struct.pack('<BBHH', kind, flags, mode, len(paths)) + prefixed(*paths))


def root(base, flags=0, upper=None, work=None, lowers=()):
    paths = [base] + ([upper, work] if upper is not None else []) + list(lowers)
    return rec(ROOT, struct.pack('<BB', flags, len(lowers)) + prefixed(*paths))


def source(mtime_ns, path):
    return rec(SOURCE, struct.pack('<Q', mtime_ns) + path.encode())


def plan(*records, version=1, reserved=0, length_delta=0):
    body = b''.join(records)
    return struct.pack('<4sHHI', b'TSJP', version, reserved, len(body) + length_delta) + body


def core(program='/bin/true', argv=('true',), ns=NS_PID | NS_MOUNT, flags=FLAG_NO_NEW_PRIVS):
    return [u32(NAMESPACES, ns), u32(FLAGS, flags), rec(PROGRAM, program)] + \
        [rec(ARGV, a) for a in argv]


# 4095 bytes (TSJ_MAX_PATH): "/aaa/aaa/.../aa".
LONG_PATH = ('/' + '/'.join(['aaa'] * 1024))[:4095]
assert len(LONG_PATH) == 4095

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
        u64(CAPS_KEEP, (1 << 10) | (1 << 21)),
        source(1700000000123456789, '/etc/tsjail/default.profile'),
        source(0, '/home/user/.config/tsjail/sh.profile'),
    ),
    'valid-mounts': plan(
        *core(program='/usr/bin/env', argv=('env',), flags=FLAG_QUIET),
        mount(RO, '/'),
        mount(RW, '/home/user/work', flags=MF_OPTIONAL),
        mount(NOEXEC, '/tmp'),
        mount(TMPFS, '/tmp', flags=MF_USER_OWNED, mode=0o1777),
        mount(BLACKLIST, '/root', flags=MF_OPTIONAL),
        mount(BIND, '/srv/data', '/mnt/data', flags=MF_READ_ONLY),
        mount(WHITELIST, '/home/user', 'Documents', '.config/app', flags=MF_OPTIONAL),
        mount(MKDIR, '/home/user/.cache'),
        mount(MKFILE, '/home/user/.bashrc'),
        mount(DEV, flags=MF_SOUND | MF_DRI),
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
        mount(WHITELIST, '/home', LONG_PATH[1:] + 'x'),
        root('/', flags=RF_OVERLAY | RF_TMPFS_UPPER, lowers=['/l%d' % i for i in range(32)]),
    ),
    # A seccomp filter (ld arch; jeq x86_64; ret ALLOW; ret ERRNO(1)) with
    # its description, and both PRIVS bits.
    'valid-seccomp': plan(
        *core(),
        rec(SECCOMP_BPF, struct.pack('<HBBI', 0x20, 0, 0, 4) + struct.pack('<HBBI', 0x15, 0, 1, 0xc000003e) +
            struct.pack('<HBBI', 0x06, 0, 0, 0x7fff0000) + struct.pack('<HBBI', 0x06, 0, 0, 0x00050001)),
        u32(SECCOMP_FLAGS, 3),
        rec(SECCOMP_ACTION, 'EPERM'),
        rec(SECCOMP_SYSCALL, 'mount'), rec(SECCOMP_SYSCALL, 'unlinkat:ENOENT'),
        rec(SECCOMP_RULE, 'ioctl(TIOCSTI, TIOCLINUX): EPERM'),
        u32(PRIVS, 3),
    ),
    # Near-valid plans, each breaking one rule.
    'bad-seccomp-no-nnp': plan(
        *core(flags=0), rec(SECCOMP_BPF, struct.pack('<HBBI', 0x06, 0, 0, 0x7fff0000)),
        u32(SECCOMP_FLAGS, 0), rec(SECCOMP_ACTION, 'EPERM'),
    ),
    'bad-length': plan(*core(), length_delta=1),
    'bad-ld-preload': plan(*core(), rec(ENV, 'LD_PRELOAD=/tmp/evil.so')),
    'bad-program-dotdot': plan(*core(program='/usr/../bin/sh')),
    'bad-hostname-no-uts': plan(*core(), rec(HOSTNAME, 'box')),
    'bad-path-too-long': plan(*core(program=LONG_PATH + 'x')),
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
