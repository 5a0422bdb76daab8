import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli.js';
import { OptionError } from '../../../src/errors.js';
import { normalizeOptions, type RawOptions } from '../../../src/options.js';
import { normalizeSecurity } from '../../../src/seccomp/options.js';

function cli(args: string[]): RawOptions {
  const r = parseCommandLine(args);
  if (r.kind !== 'run') throw new Error('not a run');
  return r.options;
}

describe('security options', () => {
  it('defaults: no list given, EPERM, all capabilities dropped, no_new_privs', () => {
    expect(normalizeOptions({}).security).toEqual({
      seccomp: null, seccompDrop: null, seccompKeep: null, errorAction: { kind: 'errno', errno: 1 },
      blockSecondary: false, memoryDenyWriteExecute: false, protocols: null, restrictNamespaces: null,
      capsDrop: 'all', capsKeep: null, capsKeepFromProfile: false, noNewPrivs: true, noRoot: false, noGroups: false, apparmor: null, tracelog: false,
    });
  });

  it('nogroups, apparmor (tsjail-default, or a profile by name) and tracelog', () => {
    const o = normalizeOptions(cli(['--nogroups', '--apparmor', '--tracelog', '--', 'true'])).security;
    expect([o.noGroups, o.apparmor, o.tracelog]).toEqual([true, 'tsjail-default', true]);
    expect(normalizeOptions(cli(['--apparmor=firejail-default', '--', 'true'])).security.apparmor).toBe('firejail-default');
    expect(() => normalizeOptions({ apparmor: 'two words' })).toThrow(/--apparmor: 'two words' is not an AppArmor profile name/);
  });

  it('reads firejail\'s spelling from the command line', () => {
    const o = normalizeOptions(cli([
      '--seccomp=mount,@clock,!ptrace,unlinkat:ENOENT,chmod', '--seccomp-error-action=kill',
      '--seccomp.block-secondary', '--restrict-namespaces=user,net', '--protocol=unix,inet', '--protocol=inet6',
      '--memory-deny-write-execute', '--caps.keep=net_raw,CAP_CHOWN', '--nonewprivs', '--noroot', '--', 'true',
    ])).security;
    expect(o.seccomp).toEqual([
      { name: 'mount', exclude: false, action: null },
      { name: '@clock', exclude: false, action: null },
      { name: 'ptrace', exclude: true, action: null },
      { name: 'unlinkat', exclude: false, action: { kind: 'errno', errno: 2 } },
      { name: 'chmod', exclude: false, action: null },
    ]);
    expect(o.errorAction).toEqual({ kind: 'kill' });
    expect(o.blockSecondary).toBe(true);
    expect(o.restrictNamespaces).toEqual(['user', 'net']);
    expect(o.protocols).toEqual(['unix', 'inet', 'inet6']);
    expect(o.memoryDenyWriteExecute).toBe(true);
    expect(o.capsKeep).toEqual(['cap_net_raw', 'cap_chown']);
    expect(o.noRoot).toBe(true);
  });

  it('a bare --seccomp or --restrict-namespaces does not swallow the program', () => {
    const raw = cli(['--seccomp', '--restrict-namespaces', 'ls', '-l']);
    expect(raw.command).toEqual(['ls', '-l']);
    const o = normalizeOptions(raw).security;
    expect(o.seccomp).toEqual([]);
    expect(o.restrictNamespaces).toEqual(['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts']);
    expect(cli(['--hostname', 'box', '--seccomp', 'ls']).command).toEqual(['ls']);
    expect(cli(['--', '--seccomp']).command).toEqual(['--seccomp']);
  });

  it('--seccomp-error-action takes errno, kill, log or an errno name', () => {
    expect(normalizeSecurity({ seccompErrorAction: 'errno' }).errorAction).toEqual({ kind: 'errno', errno: 1 });
    expect(normalizeSecurity({ seccompErrorAction: 'ENOSYS' }).errorAction).toEqual({ kind: 'errno', errno: 38 });
    expect(normalizeSecurity({ seccompErrorAction: 'log' }).errorAction).toEqual({ kind: 'log' });
    expect(() => normalizeSecurity({ seccompErrorAction: 'EFOO' })).toThrow(/--seccomp-error-action: 'EFOO' is not errno, kill, log/);
  });

  it.each([
    [{ seccomp: '@nosuchgroup' }, /--seccomp: unknown syscall group '@nosuchgroup'/],
    [{ seccomp: 'Mount!' }, /--seccomp: 'Mount!' is not a syscall name, @group or \$number/],
    [{ seccomp: 'a,,b' }, /--seccomp: an empty entry in 'a,,b'/],
    [{ seccomp: '$' }, /--seccomp: '\$' is not a syscall name/],
    [{ seccomp: '$12345' }, /--seccomp: '\$12345' is not a syscall name/],
    [{ seccomp: '$x1' }, /--seccomp: '\$x1' is not a syscall name/],
    [{ seccompDrop: '' }, /--seccomp.drop: needs a list/],
    [{ seccompKeep: 'read:EPERM' }, /--seccomp.keep: 'read:EPERM': an action only goes with a blocked call/],
    [{ seccomp: 'unlinkat:EFOO' }, /unknown action 'EFOO'/],
    [{ seccomp: 'a', seccompKeep: 'b' }, /--seccomp.keep \(an allow-list\) cannot be used with/],
    [{ seccomp: 'a', seccompDrop: 'b' }, /--seccomp.drop \(only these calls\) cannot be used with --seccomp/],
    [{ protocol: ['unix,ipx'] }, /--protocol: unknown protocol 'ipx'/],
    [{ restrictNamespaces: 'user,foo' }, /--restrict-namespaces: unknown namespace 'foo'/],
    [{ capsKeep: 'net_raw,superpower' }, /--caps.keep: unknown capability 'superpower'/],
    [{ capsDrop: 'chown', capsKeep: 'net_raw' }, /--caps.keep and --caps.drop cannot be used together/],
  ])('refuses %j', (raw, message) => {
    expect(() => normalizeSecurity(raw)).toThrow(OptionError);
    expect(() => normalizeSecurity(raw)).toThrow(message);
  });
});
