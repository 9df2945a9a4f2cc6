import { isIPv4, isIPv6 } from 'node:net';

type Range = readonly [prefix: readonly number[], bits: number];

/** IPv4 ranges that are not the public internet (RFC 6890 special-purpose registry, the non-global entries). */
const privateIpv4: readonly Range[] = [
  [[0, 0, 0, 0], 8], // "this network"
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10], // CGNAT
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16], // link-local, cloud metadata endpoints
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24],
  [[192, 0, 2, 0], 24],
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
];

const privateIpv6: readonly Range[] = [
  [[0x01, 0x00], 64], // discard-only
  [[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48], // local-use NAT64
  [[0x20, 0x01, 0x00, 0x00], 32], // Teredo: the real client address is obfuscated, refuse the tunnel
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0xfc], 7], // unique-local
  [[0xfe, 0x80], 10], // link-local
  [[0xfe, 0xc0], 10], // site-local (deprecated)
  [[0xff], 8], // multicast
];

/** IPv6 ranges that carry an IPv4 address; the embedded address decides. */
const embeddingIpv6: readonly (readonly [...Range, offset: number])[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96, 12], // IPv4-mapped ::ffff:a.b.c.d
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 96, 12], // IPv4-compatible ::a.b.c.d (also :: and ::1)
  [[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96, 12], // NAT64
  [[0x20, 0x02], 16, 2], // 6to4
];

/**
 * True for an address that is not on the public internet: loopback, private, link-local, CGNAT, unique-local
 * IPv6, multicast, reserved, and IPv6 forms that embed such an IPv4 address. Anything that does not parse as an
 * IP address counts as private (fail closed).
 */
export function isPrivateAddress(address: string): boolean {
  const bytes = parseIpAddress(address);
  if (!bytes) return true;
  if (bytes.length === 4) return privateIpv4.some((range) => inRange(bytes, range));
  for (const [prefix, bits, offset] of embeddingIpv6) {
    if (inRange(bytes, [prefix, bits])) return isPrivateAddress(bytes.slice(offset, offset + 4).join('.'));
  }
  return privateIpv6.some((range) => inRange(bytes, range));
}

/** The address as 4 or 16 bytes; undefined when it is not an IP literal. Accepts `[v6]` and zone ids. */
export function parseIpAddress(address: string): number[] | undefined {
  const text = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(text)) return text.split('.').map(Number);
  if (!isIPv6(text)) return undefined;
  const [head = '', tail] = text.split('::');
  const toGroups = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [Number.parseInt(group, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const zeros = new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  return [...headGroups, ...zeros, ...tailGroups].flatMap((group) => [group >> 8, group & 0xff]);
}

function inRange(bytes: readonly number[], [prefix, bits]: Range): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const index = bit / 8;
    const mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
    if (((bytes[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}
