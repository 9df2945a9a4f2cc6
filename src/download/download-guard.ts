import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

/** The callback shape `net.connect` gives its `lookup` option (one address, or all of them with `all: true`). */
export type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `dns.lookup`-compatible function, as `net.connect` calls it. */
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/** A refused destination: which host and which address, so the operator log says why. */
export class DownloadRefusedError extends Error {
  override readonly name = 'DownloadRefusedError';
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`download refused: ${reason}`);
  }
}

export const privateAddressHint = 'set ALLOW_PRIVATE_DOWNLOADS=true for on-prem or tests';

export function privateAddressError(host: string, address: string): DownloadRefusedError {
  const where = host === address ? address : `${host} resolves to ${address}, which`;
  return new DownloadRefusedError(host, `${where} is a private address (${privateAddressHint})`);
}

/**
 * Wraps a lookup so that a connection can only be opened to addresses `isPrivate` accepts. This runs at connect
 * time, on the address the socket will really use, so a DNS answer that changes between a check and the connection
 * (rebinding) cannot slip through. With several answers, one private address refuses them all.
 */
export function guardLookup(lookup: LookupFunction, isPrivate: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = typeof address === 'string' ? [address] : address.map((entry) => entry.address);
      const refused = addresses.find((candidate) => isPrivate(candidate));
      if (refused !== undefined) return callback(privateAddressError(hostname, refused), address, family);
      if (addresses.length === 0) return callback(new DownloadRefusedError(hostname, `${hostname} has no address`), []);
      callback(null, address, family);
    });
  };
}

/**
 * Checks a URL before any connection: scheme, host allow-list, and IP-literal hosts (`net.connect` skips the
 * lookup for those, so the guarded lookup would never see them).
 */
export function checkDestination(
  url: URL,
  policy: { allowedHosts?: readonly string[]; isPrivate?: (address: string) => boolean },
): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DownloadRefusedError(url.hostname, `only http and https URLs are fetched, not ${url.protocol}`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (policy.allowedHosts && !policy.allowedHosts.some((pattern) => hostMatches(host, pattern))) {
    throw new DownloadRefusedError(host, `${host} is not an allowed download host`);
  }
  if (policy.isPrivate && isIP(host) !== 0 && policy.isPrivate(host)) throw privateAddressError(host, host);
}

/** `example.com` matches only itself; `*.example.com` matches its subdomains, not `example.com`. */
export function hostMatches(host: string, pattern: string): boolean {
  const normalized = pattern.trim().toLowerCase();
  if (normalized.startsWith('*.')) return host.endsWith(normalized.slice(1)) && host.length > normalized.length - 1;
  return host === normalized;
}
