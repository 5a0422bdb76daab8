/** The plan's network part as wire records (native/PLAN.md, tags
 * 0x30-0x3f). */
import type { PlanWriter } from '../wire/writer.js';
import type { NetworkPlan } from './plan.js';

export function encodeNetwork(net: NetworkPlan, w: PlanWriter): void {
  if (net.parent !== null) {
    w.str('NET_PARENT', net.parent);
    w.str('NET_NAME', net.name);
    if (net.vethName !== null) w.str('NET_VETH', net.vethName);
    if (net.ip !== null) w.str('NET_IP', net.ip);
    if (net.netmask !== null) w.str('NET_NETMASK', net.netmask);
    if (net.gateway !== null) w.str('NET_GATEWAY', net.gateway);
    if (net.mac !== null) w.str('NET_MAC', net.mac);
    if (net.mtu !== null) w.u32('NET_MTU', net.mtu);
  }
  for (const d of net.dns) w.str('NET_DNS', d);
  if (net.hosts !== null) w.record('NET_HOSTS', Buffer.from(net.hosts, 'utf8'));
  if (net.netfilter !== null) w.str('NETFILTER', net.netfilter);
}
