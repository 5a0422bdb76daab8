import { describe, expect, it } from 'vitest';
import { EPERM } from '../../../src/seccomp/actions.js';
import { complement, namespaceGuard, protocolGuard, terminalGuard, type Pattern } from '../../../src/seccomp/guards.js';

const matches = (ps: readonly Pattern[], v: number) => ps.some((p) => ((v & p.mask) >>> 0) === p.value);

describe('complement', () => {
  it('matches exactly the values not in the set, over every value of a small mask', () => {
    for (const [mask, values] of [[0b1011, [0, 3]], [0b111, [5]], [0b1111, [1, 2, 4, 8, 15]], [0b11, []]] as const) {
      const ps = complement(mask, values);
      for (let v = 0; v < 16; v++) {
        const inSet = (values as readonly number[]).includes(v & mask);
        expect(matches(ps, v), `mask ${mask} value ${v}`).toBe(!inSet);
      }
    }
  });

  it('covers 32-bit values: TIOCSTI and TIOCLINUX out, their neighbours and high values in', () => {
    const ps = complement(0xffffffff, [0x5412, 0x541c]);
    expect(ps.length).toBeLessThanOrEqual(64);
    for (const v of [0x5412, 0x541c]) expect(matches(ps, v)).toBe(false);
    for (const v of [0, 1, 0x5411, 0x5413, 0x541b, 0x541d, 0x80045430, 0xffffffff, 0x40049409]) {
      expect(matches(ps, v), v.toString(16)).toBe(true);
    }
  });
});

describe('guards', () => {
  it('the terminal guard refuses TIOCSTI and TIOCLINUX, and its allow side is disjoint from its deny side', () => {
    const [g] = terminalGuard(EPERM).guards;
    expect(g?.syscall).toBe('ioctl');
    expect(g?.arg).toBe(1);
    for (const v of [0x5412, 0x541c, 0x5401, 0]) {
      expect(matches(g?.deny ?? [], v) && matches(g?.allow ?? [], v), v.toString(16)).toBe(false);
    }
  });

  it('the namespace guard: unshare/clone refuse the restricted flags; setns also refuses type 0; clone3 is ENOSYS', () => {
    const set = namespaceGuard(['user', 'net'], EPERM, { kind: 'errno', errno: 38 });
    const by = (s: string) => set.guards.find((g) => g.syscall === s);
    const USER = 0x10000000;
    const NET = 0x40000000;
    const PID = 0x20000000;
    expect(matches(by('unshare')?.deny ?? [], USER | 0x11)).toBe(true);
    expect(matches(by('unshare')?.deny ?? [], PID)).toBe(false);
    expect(matches(by('unshare')?.allow ?? [], PID)).toBe(true);
    expect(matches(by('clone')?.deny ?? [], NET | 0x11)).toBe(true);
    expect(matches(by('setns')?.deny ?? [], 0)).toBe(true);
    expect(matches(by('setns')?.deny ?? [], NET)).toBe(true);
    expect(matches(by('setns')?.allow ?? [], PID)).toBe(true);
    expect(by('clone3')).toMatchObject({ arg: null, action: { kind: 'errno', errno: 38 } });
    expect(set.label).toBe('unshare, clone, setns(user, net): EPERM; clone3: ENOSYS');
  });

  it('the protocol guard allows only the listed families, and refuses i386 socketcall(SYS_SOCKET)', () => {
    const set = protocolGuard(['unix', 'inet'], EPERM);
    const socket = set.guards.find((g) => g.syscall === 'socket');
    for (const f of [1, 2]) expect(matches(socket?.deny ?? [], f)).toBe(false);
    for (const f of [0, 10, 16, 17, 31, 46, 0xffffffff]) expect(matches(socket?.deny ?? [], f), String(f)).toBe(true);
    expect(set.guards.find((g) => g.syscall === 'socketcall')).toMatchObject({ arches: 'x86', deny: [{ mask: 0xffffffff, value: 1 }] });
  });
});
