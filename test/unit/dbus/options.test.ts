import { describe, expect, it } from 'vitest';
import { isBusName, isCallRule, isNameRule, normalizeDbus } from '../../../src/dbus/options.js';

describe('D-Bus names and rules', () => {
  it('takes well-known names, with the .* wildcard, as firejail\'s profiles write them', () => {
    for (const n of ['org.freedesktop.Notifications', 'org.gnome.Four-in-a-row', 'com.chatterino.*', 'a._b', 'org.mpris.MediaPlayer2.vlc']) {
      expect(isBusName(n), n).toBe(true);
    }
    for (const n of ['foo', ':1.5', 'org..a', '.org.a', 'org.a.', 'org.1a', 'org.a b', 'org.*', '*', 'org.a*', `a.${'b'.repeat(254)}`, '']) {
      expect(isBusName(n), n).toBe(false);
    }
  });

  it('takes xdg-dbus-proxy\'s [METHOD][@PATH] rules', () => {
    for (const r of ['*', '*@/', '@/org/a', 'org.a.B', 'org.a.*', 'org.a.B.Method@/org/a/*', '@/*', 'org.a.b@/']) {
      expect(isCallRule(r), r).toBe(true);
    }
    for (const r of ['', '@', 'org', 'org.a.B@org', '@/a//b', '@/a/', '@/a-b', 'org.a.B@/a/**', '**']) {
      expect(isCallRule(r), r).toBe(false);
    }
    expect(isNameRule('org.freedesktop.Notifications=org.freedesktop.Notifications.*@/org/freedesktop/Notifications')).toBe(true);
    expect(isNameRule('org.a.B')).toBe(false);
    expect(isNameRule('=*')).toBe(false);
  });
});

describe('normalizeDbus', () => {
  it('leaves the buses as they are by default', () => {
    const d = normalizeDbus({});
    expect(d.user.policy).toBe('allow');
    expect(d.system.policy).toBe('allow');
  });

  it('none wins over filter in any order, and says it refused to relax', () => {
    expect(normalizeDbus({ dbusUser: ['filter'] }).user).toMatchObject({ policy: 'filter', relaxRefused: false });
    expect(normalizeDbus({ dbusUser: ['filter', 'none'] }).user).toMatchObject({ policy: 'none', relaxRefused: false });
    expect(normalizeDbus({ dbusUser: ['none', 'filter'] }).user).toMatchObject({ policy: 'none', relaxRefused: true });
  });

  it('--nodbus is none on both buses', () => {
    const d = normalizeDbus({ nodbus: true, dbusSystem: ['filter'] });
    expect(d.user.policy).toBe('none');
    expect(d.system).toMatchObject({ policy: 'none', relaxRefused: true });
  });

  it('keeps each rule once, in order', () => {
    const d = normalizeDbus({ dbusUser: ['filter'], dbusUserTalk: ['org.a.B', 'org.c.D', 'org.a.B'], dbusSystemOwn: ['org.x.*'] });
    expect(d.user.rules.talk).toEqual(['org.a.B', 'org.c.D']);
    expect(d.system.rules.own).toEqual(['org.x.*']);
  });

  it('refuses a bad policy, name or rule with the option\'s name', () => {
    expect(() => normalizeDbus({ dbusUser: ['allow'] })).toThrow("--dbus-user: 'allow' is not none or filter");
    expect(() => normalizeDbus({ dbusSystemTalk: ['foo'] })).toThrow(/--dbus-system\.talk: 'foo' is not a well-known D-Bus name/);
    expect(() => normalizeDbus({ dbusUserCall: ['org.a.B'] })).toThrow(/--dbus-user\.call: 'org\.a\.B' is not NAME=RULE/);
  });
});
