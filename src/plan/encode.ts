/** SandboxPlan -> the wire format of native/PLAN.md. The helper re-checks
 * everything; the checks here only turn a mistake into a clear error before
 * the helper runs. */
import { PlanError } from '../errors.js';
import { encodeResources } from '../resources/encode.js';
import { capabilityNumber } from '../seccomp/caps.js';
import { NAMESPACES, PLAN_VERSION, type MountOp, type RootSpec, type SandboxPlan, type SecurityPlan } from './types.js';

export const PLAN_MAX = 1024 * 1024;

const enum Tag {
  Namespaces = 0x01,
  Flags = 0x02,
  Hostname = 0x03,
  Program = 0x04,
  Argv = 0x05,
  Env = 0x06,
  Cwd = 0x07,
  CapsKeep = 0x08,
  Source = 0x09,
  Mount = 0x10,
  SeccompBpf = 0x20,
  SeccompFlags = 0x21,
  SeccompAction = 0x22,
  SeccompSyscall = 0x23,
  SeccompRule = 0x24,
  Privs = 0x25,
  NetParent = 0x30,
  NetName = 0x31,
  NetVeth = 0x32,
  NetIp = 0x33,
  NetNetmask = 0x34,
  NetGateway = 0x35,
  NetMac = 0x36,
  NetMtu = 0x37,
  NetDns = 0x38,
  NetHosts = 0x39,
  Root = 0x50,
}

const MOUNT_KINDS: Record<MountOp['op'], number> = {
  'read-only': 1, 'read-write': 2, noexec: 3, tmpfs: 4, blacklist: 5, bind: 6,
  whitelist: 7, mkdir: 8, mkfile: 9, dev: 10,
};
const MF_OPTIONAL = 1;
const MF_READ_ONLY = 2;
const MF_USER_OWNED = 4;
const MF_SOUND = 8;
const MF_DRI = 16;

/** u16-length-prefixed strings. */
function prefixed(paths: readonly string[]): Buffer[] {
  return paths.flatMap((p) => {
    if (p.includes('\0')) throw new PlanError(`plan: a NUL byte in ${JSON.stringify(p)}`);
    const b = Buffer.from(p, 'utf8');
    const len = Buffer.alloc(2);
    len.writeUInt16LE(b.length, 0);
    return [len, b];
  });
}

function rootRecord(r: RootSpec): Buffer {
  const overlay = r.overlay !== null;
  const tmpfs = r.overlay === 'tmpfs';
  const head = Buffer.from([(overlay ? 1 : 0) | (tmpfs ? 2 : 0), r.lowers.length]);
  const paths = [r.base];
  if (r.overlay !== null && r.overlay !== 'tmpfs') paths.push(r.overlay.upper, r.overlay.work);
  return Buffer.concat([head, ...prefixed([...paths, ...r.lowers])]);
}

/** A MOUNT record's fields: u8 kind, u8 flags, u16 mode, u16 count, then
 * the paths, u16-length-prefixed (Writer.mount writes them). */
function mountFields(m: MountOp): { flags: number; mode: number; paths: readonly string[] } {
  switch (m.op) {
    case 'dev':
      return { flags: (m.sound ? MF_SOUND : 0) | (m.dri ? MF_DRI : 0), mode: 0, paths: [] };
    case 'mkdir':
    case 'mkfile':
      return { flags: 0, mode: 0, paths: [m.path] };
    case 'bind':
      return { flags: (m.optional ? MF_OPTIONAL : 0) | (m.readOnly ? MF_READ_ONLY : 0), mode: 0, paths: [m.src, m.dst] };
    case 'tmpfs':
      return { flags: (m.optional ? MF_OPTIONAL : 0) | (m.userOwned ? MF_USER_OWNED : 0), mode: m.mode, paths: [m.path] };
    case 'whitelist':
      return { flags: m.optional ? MF_OPTIONAL : 0, mode: 0, paths: [m.path, ...m.entries] };
    default:
      return { flags: m.optional ? MF_OPTIONAL : 0, mode: 0, paths: [m.path] };
  }
}

const FLAG_NO_NEW_PRIVS = 1;
const FLAG_QUIET = 2;
const FLAG_DEBUG = 4;

/** The records, written into one growing buffer as they come (a plan has
 * hundreds; a Buffer for each, then joined, was most of encoding one). */
class Writer {
  private buf = Buffer.alloc(16384);
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  private off = 12;

  private head(tag: Tag | number, len: number): void {
    if (this.off + 6 + len > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(2 * this.buf.length, this.off + 6 + len));
      bigger.set(this.buf.subarray(0, this.off));
      this.buf = bigger;
      this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.length);
    }
    this.view.setUint16(this.off, tag, true);
    this.view.setUint32(this.off + 2, len, true);
    this.off += 6;
  }

  record(tag: Tag | number, value: Buffer): void {
    this.head(tag, value.length);
    this.buf.set(value, this.off);
    this.off += value.length;
  }

  u32(tag: Tag, v: number): void {
    this.head(tag, 4);
    this.view.setUint32(this.off, v >>> 0, true);
    this.off += 4;
  }

  /** A MOUNT record, written in place (a plan has a hundred; Buffers for
   * each field and path, then joined, were most of encoding them). */
  mount(m: MountOp): void {
    const { flags, mode, paths } = mountFields(m);
    const sizes: number[] = [];
    let len = 6;
    for (const p of paths) {
      if (p.includes('\0')) throw new PlanError(`plan: a NUL byte in ${JSON.stringify(p)}`);
      const n = Buffer.byteLength(p, 'utf8');
      if (n > 0xffff) throw new PlanError(`plan: a path of ${n} bytes`);
      sizes.push(n);
      len += 2 + n;
    }
    this.head(Tag.Mount, len);
    const v = this.view;
    v.setUint8(this.off, MOUNT_KINDS[m.op]);
    v.setUint8(this.off + 1, flags);
    v.setUint16(this.off + 2, mode, true);
    v.setUint16(this.off + 4, paths.length, true);
    this.off += 6;
    for (let i = 0; i < paths.length; i++) {
      const n = sizes[i] as number;
      v.setUint16(this.off, n, true);
      this.buf.write(paths[i] as string, this.off + 2, n, 'utf8');
      this.off += 2 + n;
    }
  }

  str(tag: Tag, s: string): void {
    if (s.includes('\0')) throw new PlanError(`plan: a NUL byte in ${JSON.stringify(s)}`);
    const n = Buffer.byteLength(s, 'utf8');
    this.head(tag, n);
    this.buf.write(s, this.off, n, 'utf8');
    this.off += n;
  }

  finish(): Buffer {
    if (this.off > PLAN_MAX) {
      throw new PlanError(`plan: ${this.off} bytes, more than the limit of ${PLAN_MAX}`);
    }
    this.buf.write('TSJP', 0, 'latin1');
    this.view.setUint16(4, PLAN_VERSION, true);
    this.view.setUint16(6, 0, true);
    this.view.setUint32(8, this.off - 12, true);
    return Buffer.from(this.buf.subarray(0, this.off));
  }
}

function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v, 0);
  return b;
}

export function encodePlan(plan: SandboxPlan): Buffer {
  const w = new Writer();
  let ns = 0;
  for (const n of plan.namespaces) ns |= 1 << NAMESPACES.indexOf(n);
  w.u32(Tag.Namespaces, ns);
  const logBits = plan.log === 'debug' ? FLAG_DEBUG : plan.log === 'quiet' ? FLAG_QUIET : 0;
  w.u32(Tag.Flags, (plan.noNewPrivs ? FLAG_NO_NEW_PRIVS : 0) | logBits);
  if (plan.hostname !== null) w.str(Tag.Hostname, plan.hostname);
  w.str(Tag.Program, plan.program);
  for (const a of plan.argv) w.str(Tag.Argv, a);
  for (const e of plan.env) w.str(Tag.Env, e);
  if (plan.cwd !== null) w.str(Tag.Cwd, plan.cwd);
  if (plan.capsKeep.length > 0) {
    let caps = 0n;
    for (const c of plan.capsKeep) caps |= 1n << BigInt(capabilityNumber(c));
    w.record(Tag.CapsKeep, u64(caps));
  }
  for (const s of plan.sources) {
    w.record(Tag.Source, Buffer.concat([u64(BigInt(s.mtimeNs)), Buffer.from(s.path, 'utf8')]));
  }
  for (const m of plan.mounts) w.mount(m);
  if (plan.root !== null) w.record(Tag.Root, rootRecord(plan.root));
  for (const [tag, value] of encodeResources(plan.resources)) w.record(tag, value);
  securityRecords(w, plan.security);
  const net = plan.network;
  if (net !== null) {
    if (net.parent !== null) {
      w.str(Tag.NetParent, net.parent);
      w.str(Tag.NetName, net.name);
      if (net.vethName !== null) w.str(Tag.NetVeth, net.vethName);
      if (net.ip !== null) w.str(Tag.NetIp, net.ip);
      if (net.netmask !== null) w.str(Tag.NetNetmask, net.netmask);
      if (net.gateway !== null) w.str(Tag.NetGateway, net.gateway);
      if (net.mac !== null) w.str(Tag.NetMac, net.mac);
      if (net.mtu !== null) w.u32(Tag.NetMtu, net.mtu);
    }
    for (const d of net.dns) w.str(Tag.NetDns, d);
    if (net.hosts !== null) w.record(Tag.NetHosts, Buffer.from(net.hosts, 'utf8'));
  }
  return w.finish();
}

const SECCOMP_ALLOWLIST = 1;
const SECCOMP_BLOCK_SECONDARY = 2;
const PRIV_NOROOT = 1;
const PRIV_MDWE = 2;

/** Seccomp and privileges, tags 0x20-0x2f (PLAN.md). */
function securityRecords(w: Writer, s: SecurityPlan): void {
  const privs = (s.noRoot ? PRIV_NOROOT : 0) | (s.memoryDenyWriteExecute ? PRIV_MDWE : 0);
  if (privs !== 0) w.u32(Tag.Privs, privs);
  const f = s.seccomp;
  if (f === null) return;
  w.record(Tag.SeccompBpf, Buffer.from(f.bpf, 'base64'));
  w.u32(Tag.SeccompFlags, (f.allowlist ? SECCOMP_ALLOWLIST : 0) | (f.blockSecondary ? SECCOMP_BLOCK_SECONDARY : 0));
  w.str(Tag.SeccompAction, f.action);
  for (const c of f.syscalls) w.str(Tag.SeccompSyscall, c);
  for (const r of f.rules) w.str(Tag.SeccompRule, r);
}
