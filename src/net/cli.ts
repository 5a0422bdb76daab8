/** The network options on the command line (firejail's spelling). cli.ts
 * adds them to its parser and hands their values to normalizeNetwork. */
import type { Argv } from 'yargs';
import type { RawNetOptions } from './options.js';

export function addNetOptions(y: Argv): Argv {
  return y
    .option('net', { type: 'string', requiresArg: true, description: 'none: only lo; IFACE: a macvlan on IFACE (a veth if IFACE is a bridge)' })
    .option('ip', { type: 'string', requiresArg: true, description: 'IPv4 address in the sandbox (none: no address; default: a free one)' })
    .option('netmask', { type: 'string', requiresArg: true, description: 'Network mask (default: the parent interface\'s)' })
    .option('defaultgw', { type: 'string', requiresArg: true, description: 'Default gateway (default: the host\'s, if on that subnet)' })
    .option('mac', { type: 'string', requiresArg: true, description: 'MAC address of the sandbox\'s interface' })
    .option('mtu', { type: 'string', requiresArg: true, description: 'MTU of the sandbox\'s interface' })
    .option('interface-name', { type: 'string', requiresArg: true, description: 'Name of the interface inside (default: eth0)' })
    .option('veth-name', { type: 'string', requiresArg: true, description: 'Name of the host end of the veth pair (bridge only)' })
    .option('dns', { type: 'string', requiresArg: true, description: 'Name server for the sandbox\'s resolv.conf (up to 4)' })
    .option('hosts-file', { type: 'string', requiresArg: true, description: 'File to use as /etc/hosts in the sandbox' });
}

function last(v: unknown): string | undefined {
  if (Array.isArray(v)) return last(v[v.length - 1]);
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function netRaw(a: Record<string, unknown>): RawNetOptions {
  return {
    net: last(a['net']),
    ip: last(a['ip']),
    netmask: last(a['netmask']),
    defaultgw: last(a['defaultgw']),
    mac: last(a['mac']),
    mtu: last(a['mtu']),
    interfaceName: last(a['interface-name']),
    vethName: last(a['veth-name']),
    dns: strings(a['dns']),
    hostsFile: last(a['hosts-file']),
  };
}
