/** The plan's D-Bus part as wire records (native/PLAN.md, tags 0x60-0x6f). */
import type { RecordName } from '../wire/plan-def.js';
import type { PlanWriter } from '../wire/writer.js';
import { BUSES, RULE_KINDS, type BusName, type RuleKind } from './options.js';
import type { DbusPlan } from './plan.js';

const RECORD: Readonly<Record<BusName, { policy: RecordName; address: RecordName; socket: RecordName } & Record<RuleKind, RecordName>>> = {
  user: {
    policy: 'DBUS_USER', address: 'DBUS_USER_ADDRESS', socket: 'DBUS_USER_SOCKET', see: 'DBUS_USER_SEE', talk: 'DBUS_USER_TALK',
    own: 'DBUS_USER_OWN', call: 'DBUS_USER_CALL', broadcast: 'DBUS_USER_BROADCAST',
  },
  system: {
    policy: 'DBUS_SYSTEM', address: 'DBUS_SYSTEM_ADDRESS', socket: 'DBUS_SYSTEM_SOCKET', see: 'DBUS_SYSTEM_SEE',
    talk: 'DBUS_SYSTEM_TALK', own: 'DBUS_SYSTEM_OWN', call: 'DBUS_SYSTEM_CALL', broadcast: 'DBUS_SYSTEM_BROADCAST',
  },
};

export function encodeDbus(dbus: DbusPlan, w: PlanWriter): void {
  for (const name of BUSES) {
    const bus = dbus[name];
    if (bus === null) continue;
    const r = RECORD[name];
    w.str(r.policy, bus.policy);
    if (bus.address !== null) w.str(r.address, bus.address);
    for (const s of bus.sockets) w.str(r.socket, s);
    for (const k of RULE_KINDS) for (const v of bus[k]) w.str(r[k], v);
  }
}
