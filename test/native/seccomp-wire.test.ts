/** The seccomp and privilege records (0x20-0x25) on the wire: plans built
 * by buildPlan come back from the helper's --dump-plan unchanged, and
 * hostile ones are refused before anything is created. */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FsProbe } from '../../src/fs/probe.js';
import { normalizeOptions, type RawOptions } from '../../src/options.js';
import { buildPlan } from '../../src/plan/build.js';
import { encodePlan } from '../../src/plan/encode.js';
import type { SandboxPlan } from '../../src/plan/types.js';
import { HELPER, MINIMAL_PLAN, dumpPlan } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tjtest-scwire-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dump = dumpPlan;

const emptyHost: FsProbe = { kind: () => null, canonical: (p) => p, list: () => [] };
function built(raw: RawOptions, uid = 1000): SandboxPlan {
  return buildPlan(normalizeOptions(raw), {
    resolved: { program: '/bin/true', argv: ['true'] }, env: [], cwd: '/', caller: { uid, home: '/home/u' },
    probe: emptyHost, root: null,
  });
}

function rec(tag: number, value: Buffer | string): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value) : value;
  const head = Buffer.alloc(6);
  head.writeUInt16LE(tag, 0);
  head.writeUInt32LE(v.length, 2);
  return Buffer.concat([head, v]);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
}

/** MINIMAL_PLAN plus raw records. */
function withRecords(...records: Buffer[]): Buffer {
  const out = Buffer.concat([encodePlan(MINIMAL_PLAN), ...records]);
  out.writeUInt32LE(out.length - 12, 8);
  return out;
}

const RET_ALLOW = Buffer.from([6, 0, 0, 0, 0, 0, 0xff, 0x7f]);

/** TRACE_CALL: x86_64, number 2, the path and directory arguments, the name. */
function traceCall(path: number, dirfd: number, name: string): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt32LE(0xc000003e, 0);
  head.writeUInt32LE(2, 4);
  head.writeUInt8(path, 8);
  head.writeUInt8(dirfd, 9);
  return Buffer.concat([head, Buffer.from(name)]);
}

describe('round trip', () => {
  it.each([
    ['the default sandbox', {}],
    ['an allow-list with every guard', { seccompKeep: 'read,write,ioctl,socket,clone', restrictNamespaces: true, protocol: ['unix'], memoryDenyWriteExecute: true, seccompErrorAction: 'kill' }],
    ['block-secondary, a call with its own errno, --noroot', { seccomp: 'unlinkat:ENOENT', seccompBlockSecondary: true, noroot: true }],
    ['nogroups, apparmor and tracelog', { nogroups: true, apparmor: 'my-profile//hat', tracelog: true, blacklist: ['/etc/shadow', '/boot'] }],
    ['tracelog in an allow-list, on the native ABI only', { tracelog: true, blacklist: ['/etc/shadow'], seccompKeep: 'openat,newfstatat,read', seccompBlockSecondary: true }],
  ] as [string, RawOptions][])('%s', (_name, raw) => {
    const plan = built(raw);
    const r = dump(encodePlan(plan));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(plan)));
  });

  it('capabilities a root caller keeps, by name', () => {
    const plan = built({ capsKeep: 'net_raw,sys_time' }, 0);
    expect(plan.capsKeep).toEqual(['cap_net_raw', 'cap_sys_time']);
    const r = dump(encodePlan(plan));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).capsKeep).toEqual(['cap_net_raw', 'cap_sys_time']);
  });
});

describe('malformed security records are refused', () => {
  const seccomp = (bpf: Buffer = RET_ALLOW) => [rec(0x20, bpf), rec(0x21, u32(0)), rec(0x22, 'EPERM')];
  it.each([
    ['a filter of 7 bytes', withRecords(rec(0x20, Buffer.alloc(7)), rec(0x21, u32(0)), rec(0x22, 'EPERM')), /SECCOMP_BPF must be 1 to 4096 instructions/],
    ['an empty filter', withRecords(rec(0x20, Buffer.alloc(0)), rec(0x21, u32(0)), rec(0x22, 'EPERM')), /SECCOMP_BPF must be 1 to 4096/],
    ['a filter of 4097 instructions', withRecords(...seccomp(Buffer.alloc(4097 * 8))), /SECCOMP_BPF must be 1 to 4096/],
    ['two filters', withRecords(...seccomp(), rec(0x20, RET_ALLOW)), /SECCOMP_BPF given twice/],
    ['a filter without its flags', withRecords(rec(0x20, RET_ALLOW), rec(0x22, 'EPERM')), /SECCOMP_BPF needs SECCOMP_FLAGS and SECCOMP_ACTION/],
    ['a syscall name without a filter', withRecords(rec(0x23, 'mount')), /SECCOMP records without SECCOMP_BPF/],
    ['unknown seccomp flags', withRecords(rec(0x20, RET_ALLOW), rec(0x21, u32(8)), rec(0x22, 'EPERM')), /unknown SECCOMP_FLAGS bits 0x8/],
    ['unknown privilege bits', withRecords(rec(0x25, u32(8))), /unknown PRIVS bits 0x8/],
    ['a syscall name with a space', withRecords(...seccomp(), rec(0x23, 'mount now')), /SECCOMP_SYSCALL 'mount now' is not a syscall name/],
    ['an action with a quote', withRecords(rec(0x20, RET_ALLOW), rec(0x21, u32(0)), rec(0x22, 'EP"RM')), /SECCOMP_ACTION 'EP"RM' is not valid/],
    ['a rule with a control byte', withRecords(...seccomp(), rec(0x24, 'a\x1bb')), /SECCOMP_RULE is not printable text/],
    ['an AppArmor profile with a space', withRecords(rec(0x26, 'a b')), /APPARMOR is not printable text without spaces/],
    ['tracelog paths without the notify flag', withRecords(...seccomp(), rec(0x27, '/etc/shadow')), /TRACE_PATH and TRACE_CALL need SECCOMP_FLAGS notify/],
    ['a traced call with its path in argument 6', withRecords(rec(0x20, RET_ALLOW), rec(0x21, u32(4)), rec(0x22, 'EPERM'), rec(0x28, traceCall(6, 255, 'open'))), /TRACE_CALL arguments 6 and 255 are not 0-5/],
    ['a traced call whose path and directory are one argument', withRecords(rec(0x20, RET_ALLOW), rec(0x21, u32(4)), rec(0x22, 'EPERM'), rec(0x28, traceCall(1, 1, 'openat'))), /TRACE_CALL arguments 1 and 1/],
    ['a traced call with a bad name', withRecords(rec(0x20, RET_ALLOW), rec(0x21, u32(4)), rec(0x22, 'EPERM'), rec(0x28, traceCall(0, 255, 'Open!'))), /TRACE_CALL name 'Open!' is not a syscall name/],
    ['a traced call without a name', withRecords(rec(0x20, RET_ALLOW), rec(0x21, u32(4)), rec(0x22, 'EPERM'), rec(0x28, traceCall(0, 255, ''))), /TRACE_CALL is too short/],
    ['a relative tracelog path', withRecords(rec(0x20, RET_ALLOW), rec(0x21, u32(4)), rec(0x22, 'EPERM'), rec(0x27, 'etc/shadow')), /TRACE_PATH/],
    ['a filter without no_new_privs', encodePlan({ ...MINIMAL_PLAN, noNewPrivs: false, security: { noRoot: false, memoryDenyWriteExecute: false, noGroups: false, apparmor: null, tracelog: null, seccomp: { action: 'EPERM', allowlist: false, blockSecondary: false, notify: false, syscalls: [], rules: [], bpf: RET_ALLOW.toString('base64') } } }), /a seccomp filter needs no_new_privs/],
  ] as [string, Buffer, RegExp][])('%s', (_name, bytes, message) => {
    const r = dump(bytes);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
