/** The D-Bus records (tags 0x60-0x6f): TS encodes, the helper decodes, and
 * refuses malformed ones before anything is created. */
import { describe, expect, it } from 'vitest';
import type { BusPlan } from '../../src/dbus/plan.js';
import { encodePlan } from '../../src/plan/encode.js';
import type { SandboxPlan } from '../../src/plan/types.js';
import { TAG } from '../../src/wire/plan-def.js';
import { dumpPlan, MINIMAL_PLAN } from '../helpers.js';

const base: SandboxPlan = MINIMAL_PLAN;

const filter: BusPlan = {
  policy: 'filter', address: 'unix:path=/run/user/1000/bus,guid=0123', sockets: ['/run/user/1000/bus', '/tmp/x/bus'],
  see: ['org.a.See'], talk: ['org.freedesktop.Notifications', 'com.chatterino.*'], own: ['org.gnome.Four-in-a-row'],
  call: ['org.b.C=org.b.C.Method@/org/b'], broadcast: ['org.b.C=*@/*'],
};
const none: BusPlan = { policy: 'none', address: null, sockets: ['/run/dbus/system_bus_socket'], see: [], talk: [], own: [], call: [], broadcast: [] };

/** A valid plan with raw records appended. */
function withRecords(plan: SandboxPlan, ...recs: [number, string][]): Buffer {
  const b = encodePlan(plan);
  const parts = recs.map(([tag, v]) => {
    const head = Buffer.alloc(6);
    head.writeUInt16LE(tag, 0);
    head.writeUInt32LE(Buffer.byteLength(v), 2);
    return Buffer.concat([head, Buffer.from(v)]);
  });
  const out = Buffer.concat([b, ...parts]);
  out.writeUInt32LE(out.length - 12, 8);
  return out;
}

describe('D-Bus records', () => {
  it('come back equal', () => {
    for (const dbus of [{ user: filter, system: none }, { user: none, system: null }, { user: null, system: filter }]) {
      const plan: SandboxPlan = { ...base, dbus };
      const r = dumpPlan(encodePlan(plan));
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(plan);
    }
  });

  const user = { ...base, dbus: { user: filter, system: null } };
  const cases: [string, Buffer, RegExp][] = [
    ['an unknown policy', withRecords(base, [TAG.DBUS_USER, 'allow']), /DBUS_USER 'allow' is not none or filter/],
    ['a rule without filter', withRecords(base, [TAG.DBUS_SYSTEM, 'none'], [TAG.DBUS_SYSTEM_TALK, 'org.a.B']),
      /DBUS_SYSTEM_TALK without DBUS_SYSTEM filter/],
    ['an address without filter', withRecords(base, [TAG.DBUS_USER_ADDRESS, 'unix:path=/x']), /DBUS_USER_ADDRESS without DBUS_USER filter/],
    ['filter without an address', withRecords(base, [TAG.DBUS_USER, 'filter']), /DBUS_USER filter needs DBUS_USER_ADDRESS/],
    ['a socket without a policy', withRecords(base, [TAG.DBUS_USER_SOCKET, '/run/user/1/bus']), /DBUS_USER_SOCKET without DBUS_USER/],
    ['a relative socket', withRecords(base, [TAG.DBUS_USER, 'none'], [TAG.DBUS_USER_SOCKET, 'bus']), /DBUS_USER_SOCKET is not a normalised absolute path/],
    ['an address that is an option of the proxy\'s', withRecords(base, [TAG.DBUS_USER, 'filter'], [TAG.DBUS_USER_ADDRESS, '--fd=0']),
      /is not a unix: D-Bus address/],
    ['an address with a space', withRecords(base, [TAG.DBUS_USER, 'filter'], [TAG.DBUS_USER_ADDRESS, 'unix:path=/a b']), /not a unix: D-Bus address/],
    ['a unique name', withRecords(user, [TAG.DBUS_USER_TALK, ':1.4']), /DBUS_USER_TALK ':1.4' is not a well-known bus name/],
    ['a one-element name', withRecords(user, [TAG.DBUS_USER_OWN, 'org']), /is not a well-known bus name/],
    ['a name with an option in it', withRecords(user, [TAG.DBUS_USER_SEE, 'org.a --log']), /is not a well-known bus name/],
    ['a call without a rule', withRecords(user, [TAG.DBUS_USER_CALL, 'org.a.B']), /is not NAME=RULE/],
    ['a call with a bad path', withRecords(user, [TAG.DBUS_USER_BROADCAST, 'org.a.B=*@/a//b']), /is not NAME=RULE/],
    ['a policy twice', withRecords(base, [TAG.DBUS_USER, 'none'], [TAG.DBUS_USER, 'none']), /DBUS_USER given twice/],
    ['five sockets', withRecords(base, [TAG.DBUS_USER, 'none'], ...[1, 2, 3, 4, 5].map((i): [number, string] => [TAG.DBUS_USER_SOCKET, `/s${i}`])),
      /more than 4 DBUS_USER_SOCKET records/],
  ];
  it.each(cases)('refuses %s', (_name, bytes, re) => {
    const r = dumpPlan(bytes);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
