import { describe, expect, it } from 'vitest';
import { normalizeDbus, type RawDbusOptions } from '../../../src/dbus/options.js';
import { buildDbus, unixPath, type DbusHost } from '../../../src/dbus/plan.js';

const SOCK = 0o140000 | 0o777;

function host(env: Record<string, string>, sockets: readonly string[], netns = false): DbusHost {
  return { env, uid: 1000, netns, mode: (p) => (sockets.includes(p) ? SOCK : 0), canonical: (p) => p };
}

const build = (raw: RawDbusOptions, h: DbusHost) => buildDbus(normalizeDbus(raw), h);

describe('the D-Bus part of the plan', () => {
  it('is null when no bus has a policy', () => {
    expect(build({}, host({}, []))).toEqual({ plan: null, env: [] });
  });

  it('none: the default socket and the address\'s, hidden; the variable removed', () => {
    const r = build({ dbusUser: ['none'] }, host({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/b/bus,guid=1' }, []));
    expect(r.plan).toEqual({
      user: { policy: 'none', address: null, sockets: ['/tmp/b/bus', '/run/user/1000/bus'], see: [], talk: [], own: [], call: [], broadcast: [] },
      system: null,
    });
    expect(r.env).toEqual([{ op: 'remove', name: 'DBUS_SESSION_BUS_ADDRESS' }]);
  });

  it('filter: the proxy to the address, in place of the sockets; the program pointed at the first there', () => {
    const r = build({ dbusUser: ['filter'], dbusUserTalk: ['org.a.B'], dbusUserCall: ['org.c.D=*@/'] },
      host({}, ['/run/user/1000/bus']));
    expect(r.plan?.user).toEqual({
      policy: 'filter', address: 'unix:path=/run/user/1000/bus', sockets: ['/run/user/1000/bus'],
      see: [], talk: ['org.a.B'], own: [], call: ['org.c.D=*@/'], broadcast: [],
    });
    expect(r.env).toEqual([{ op: 'set', name: 'DBUS_SESSION_BUS_ADDRESS', value: 'unix:path=/run/user/1000/bus' }]);
  });

  it('filter of the system bus: its variable only when the bus is not at the default socket', () => {
    const atDefault = build({ dbusSystem: ['filter'] }, host({}, ['/run/dbus/system_bus_socket']));
    expect(atDefault.plan?.system?.address).toBe('unix:path=/run/dbus/system_bus_socket');
    expect(atDefault.env).toEqual([{ op: 'remove', name: 'DBUS_SYSTEM_BUS_ADDRESS' }]);
    const elsewhere = build({ dbusSystem: ['filter'] }, host({ DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/srv/sys' }, ['/srv/sys']));
    expect(elsewhere.plan?.system?.sockets).toEqual(['/srv/sys', '/run/dbus/system_bus_socket']);
    expect(elsewhere.env).toEqual([{ op: 'set', name: 'DBUS_SYSTEM_BUS_ADDRESS', value: 'unix:path=/srv/sys' }]);
  });

  it('filter with no bus here, or one tsjail cannot filter, hides it instead', () => {
    expect(build({ dbusUser: ['filter'] }, host({}, [])).plan?.user?.policy).toBe('none');
    const tcp = build({ dbusUser: ['filter'] }, host({ DBUS_SESSION_BUS_ADDRESS: 'tcp:host=localhost,port=1' }, ['/run/user/1000/bus']));
    expect(tcp.plan?.user).toMatchObject({ policy: 'none', address: null, sockets: ['/run/user/1000/bus'] });
  });

  it('an abstract address is filtered at the default socket', () => {
    const r = build({ dbusUser: ['filter'] }, host({ DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-x' }, ['/run/user/1000/bus'], true));
    expect(r.plan?.user).toMatchObject({ policy: 'filter', address: 'unix:abstract=/tmp/dbus-x', sockets: ['/run/user/1000/bus'] });
  });

  it('reads unix:path= as D-Bus writes it', () => {
    expect(unixPath('unix:path=/run/user/1000/bus')).toBe('/run/user/1000/bus');
    expect(unixPath('unix:guid=x,path=/a%20b/bus;unix:path=/c')).toBe('/a b/bus');
    expect(unixPath('unix:abstract=/tmp/x')).toBeNull();
    expect(unixPath('tcp:host=a,port=1')).toBeNull();
    expect(unixPath('unix:path=rel')).toBeNull();
  });
});
