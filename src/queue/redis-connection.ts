import { Redis } from 'ioredis';

/** Redis cannot be reached or refused us: `message` is one sentence for the operator, with no password in it. */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}

/** `host:port/db` of a `redis://` URL, without its password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname || '127.0.0.1'}:${parsed.port || '6379'}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * A connection as BullMQ wants it (`maxRetriesPerRequest: null`: commands wait out a reconnect instead of failing),
 * opened now: an unreachable Redis stops start-up with a sentence instead of retrying forever in the background.
 */
export async function connectRedis(url: string, options: { readonly timeoutMs?: number } = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: options.timeoutMs ?? 5_000,
    // At start-up one attempt decides; afterwards ioredis reconnects with a capped back-off.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Reported once by whoever uses the connection; an unhandled 'error' event would end the process. The first one
  // says why a connection at start-up failed (connect() itself only says the connection closed).
  let firstError: unknown;
  redis.on('error', (error) => {
    firstError ??= error;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
        options.timeoutMs ?? 5_000,
      );
      redis.connect().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw describeRedisFailure(firstError ?? error, url);
  }
  return redis;
}

function describeRedisFailure(error: unknown, url: string): QueueUnavailableError {
  const where = `Redis at ${describeRedisUrl(url)}`;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const reason = (() => {
    if (code === 'ECONNREFUSED') return 'refused the connection: is Redis running there, and is REDIS_URL right?';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'has a host name that does not resolve: check REDIS_URL';
    if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout/i.test(message ?? ''))
      return 'did not answer in time: is Redis running there, and reachable from this machine?';
    if (/NOAUTH|WRONGPASS|invalid password/i.test(message ?? ''))
      return 'refused the login: check the user and password in REDIS_URL';
    return `could not be used (${message ?? String(error)})`;
  })();
  return new QueueUnavailableError(`${where} ${reason}`, { cause: error });
}
