/** Capability names (capabilities(7)), by number. Options take them with or
 * without the cap_ prefix, in any case; the plan shows them as cap_NAME. */

export const CAPABILITIES = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap',
  'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner',
  'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice',
  'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease', 'audit_write', 'audit_control', 'setfcap',
  'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf',
  'checkpoint_restore',
] as const;

/** cap_NAME for a capability given as NAME, cap_NAME or CAP_NAME; null when
 * there is no such capability. */
export function capabilityName(text: string): string | null {
  const bare = text.toLowerCase().replace(/^cap_/, '');
  return (CAPABILITIES as readonly string[]).includes(bare) ? `cap_${bare}` : null;
}

/** The number of cap_NAME. */
export function capabilityNumber(name: string): number {
  const n = (CAPABILITIES as readonly string[]).indexOf(name.replace(/^cap_/, ''));
  if (n < 0) throw new RangeError(`no capability ${name}`);
  return n;
}
