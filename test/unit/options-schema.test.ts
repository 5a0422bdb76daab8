import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli.js';
import {
  closestName, commandLineRows, directiveRows, enforcement, FIREJAIL_ALIASES, OPTION_TABLE, optionRow, SECTIONS, toRawOptions,
  unknownDirective,
} from '../../src/options-schema.js';

describe('the options table', () => {
  it('has one row per name, each directive in a known section', () => {
    const names = OPTION_TABLE.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of directiveRows()) expect(SECTIONS).toContain(r.section);
    for (const [, to] of FIREJAIL_ALIASES) for (const [name] of to) expect(optionRow(name)).toBeDefined();
  });

  it('puts on the command line exactly the rows with an option behind them', () => {
    const cli = commandLineRows().map((r) => r.name).sort();
    expect(cli).toEqual(['apparmor', 'nogroups', 'netfilter', 'tracelog', 'applications-dir', 'bin-dir', 'bind', 'blacklist', 'blacklist-nolog', 'cgroup', 'chroot', 'cpu', 'cpu-quota',
      'cpus', 'caps.drop', 'caps.keep', 'debug', 'disable-mnt', 'dry-run', 'defaultgw', 'dns', 'env', 'hostname', 'hosts-file', 'ignore', 'interface-name', 'ip', 'mac', 'mtu', 'net', 'netmask', 'veth-name', 'memory', 'mkdir', 'mkfile', 'nice',
      'noblacklist', 'noexec', 'noprofile', 'nowhitelist', 'overlay', 'overlay-clean', 'overlay-export', 'overlay-import',
      'overlay-list', 'overlay-lower', 'overlay-tmpfs', 'memory-deny-write-execute', 'nonewprivs', 'noroot', 'pids-max', 'print-plan', 'private', 'private-dev', 'private-etc',
      'private-bin', 'private-cache', 'private-opt', 'private-srv', 'machine-id', 'nosound', 'no3d', 'novideo', 'notv', 'nodvd',
      'nou2f', 'noinput', 'private-tmp', 'profile', 'profile-check', 'profile-convert', 'quiet', 'read-only', 'read-write', 'rlimit-as',
      'rlimit-cpu', 'rlimit-fsize', 'rlimit-nofile', 'rlimit-nproc', 'rlimit-sigpending', 'rmenv', 'protocol',
      'restrict-namespaces', 'seccomp', 'seccomp-error-action', 'seccomp.block-secondary', 'seccomp.drop', 'seccomp.keep',
      'setup-desktop',
      'setup-desktop-list', 'setup-desktop-remove', 'timeout', 'tmpfs', 'whitelist',
      'dbus-user', 'dbus-user.see', 'dbus-user.talk', 'dbus-user.own', 'dbus-user.call', 'dbus-user.broadcast',
      'dbus-system', 'dbus-system.see', 'dbus-system.talk', 'dbus-system.own', 'dbus-system.call', 'dbus-system.broadcast',
      'nodbus', 'name', 'build', 'x11', 'writable-run-user', 'writable-etc', 'writable-var', 'writable-var-log', 'allusers'].sort());
    for (const r of OPTION_TABLE) {
      expect(enforcement(r) === 'option', r.name).toBe(r.field !== undefined);
    }
  });

  it('turns values into RawOptions by kind', () => {
    expect(toRawOptions(new Map<string, boolean | string | string[]>([
      ['hostname', 'h'], ['env', ['A=1']], ['quiet', true], ['blacklist', ['/x']], ['private', true], ['profile', 'p'],
      ['private-bin', ['ls']], ['private-srv', ['www']], ['nosound', true], ['tab', true],
    ]), ['ls'])).toEqual({
      command: ['ls'], hostname: 'h', env: ['A=1'], quiet: true, blacklist: ['/x'], private: true, privateBin: ['ls'],
      privateSrv: ['www'], nosound: true,
    });
  });

  it('parses the command line through the same rows', () => {
    const r = parseCommandLine(['--profile=firefox', '--ignore=net', '--ignore', 'seccomp', '--hostname=x', '--', 'ls']);
    if (r.kind !== 'run') throw new Error('expected run');
    expect(Object.fromEntries(r.values)).toEqual({ profile: 'firefox', ignore: ['net', 'seccomp'], hostname: 'x' });
    expect(r.command).toEqual(['ls']);
  });
});

describe('closestName and unknownDirective: a typo gets the name meant', () => {
  it.each([
    ['privat', 'private'], ['seccmp', 'seccomp'], ['nonewpriv', 'nonewprivs'], ['hostnmae', 'hostname'],
    ['print-pln', 'print-plan'], ['xyz', null], ['no-such-option', null],
  ])('%s -> %s', (typed, meant) => {
    expect(closestName(typed, commandLineRows().map((r) => r.name))).toBe(meant);
  });

  it('names the closest directive, and none when nothing is close', () => {
    expect(unknownDirective('privat-tmp')).toBe("unknown directive 'privat-tmp' (did you mean 'private-tmp'?)");
    expect(unknownDirective('whitelst')).toBe("unknown directive 'whitelst' (did you mean 'whitelist'?)");
    expect(unknownDirective('no-such-thing')).toBe("unknown directive 'no-such-thing'");
  });
});
