import { isIPv4, isIPv6 } from 'node:net';

/**
 * Whether a listening address (`HOST`) is reachable from this machine only: `localhost`, 127.0.0.0/8, `::1` (with or
 * without brackets) or an IPv4-mapped loopback address. `0.0.0.0`, `::` and every other address are the network.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  if (!isIPv6(name)) return false;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name)?.[1];
  return mapped?.startsWith('127.') === true;
}
