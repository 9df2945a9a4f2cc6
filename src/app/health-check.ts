import { statfs } from 'node:fs/promises';
import type { PlatformHealth } from '../core/platform/chat-platform.js';
import type { Store } from '../core/store.js';
import { withTimeout } from '../core/time-limit.js';
import type { HealthReport } from '../server/http-server.js';

export interface HealthCheckOptions {
  readonly store: Pick<Store, 'checkWritable'>;
  /** `DATA_DIR`: its file system must keep `minFreeBytes` free (SQLite, images, the lock, backups). */
  readonly dataDir: string;
  readonly minFreeBytes: number;
  /** Each enabled platform's own word on its connection (undefined before they start). */
  readonly platforms: () => Readonly<Record<string, PlatformHealth>> | undefined;
  /** A shared queue's connection (Redis answers); absent for the in-process queue. */
  readonly queue?: () => Promise<boolean>;
  /** Facts shown beside the checks (provider, queue). */
  readonly facts?: () => Record<string, unknown>;
  /** Free bytes of the file system `dataDir` is on (injected by tests to fake a full disk). */
  readonly freeBytes?: (directory: string) => Promise<number>;
  /** A write's answer is kept this long, so a flood of `/healthz` is not a flood of writes. */
  readonly cacheMs?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

async function statfsFree(directory: string): Promise<number> {
  const stats = await statfs(directory);
  return stats.bavail * stats.bsize;
}

interface Probe {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * What `/healthz` answers: ok only when the store takes a write, the data directory has room, and every enabled
 * platform is connected; otherwise `failing` names each part that is not, and the server answers 503.
 */
export function createHealthCheck(options: HealthCheckOptions): () => Promise<HealthReport> {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const freeBytes = options.freeBytes ?? statfsFree;
  let cached: { at: number; probe: Promise<Probe> } | undefined;

  async function probeStore(): Promise<Probe> {
    try {
      await withTimeout(options.store.checkWritable(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
      return { ok: true, detail: 'writable' };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  function storeProbe(): Promise<Probe> {
    if (!cached || now() - cached.at >= cacheMs) cached = { at: now(), probe: probeStore() };
    return cached.probe;
  }

  async function probeDisk(): Promise<Probe & { freeBytes?: number }> {
    try {
      const free = await freeBytes(options.dataDir);
      const ok = free >= options.minFreeBytes;
      const detail = ok
        ? `${megabytes(free)} MB free`
        : `${megabytes(free)} MB free, below DATA_DIR_MIN_FREE_MB=${megabytes(options.minFreeBytes)}`;
      return { ok, detail, freeBytes: free };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  return async () => {
    const [store, disk, queue] = await Promise.all([storeProbe(), probeDisk(), options.queue?.()]);
    const connections = options.platforms() ?? {};
    const failing = [
      ...(store.ok ? [] : ['store']),
      ...(disk.ok ? [] : ['disk']),
      ...(queue === false ? ['queue'] : []),
      ...Object.entries(connections)
        .filter(([, health]) => !health.connected)
        .map(([name]) => `platform:${name}`),
    ];
    return {
      ok: failing.length === 0,
      ...(failing.length > 0 ? { failing } : {}),
      store: store.detail,
      disk: disk.detail,
      ...(queue === undefined ? {} : { redis: queue ? 'answering' : 'not answering' }),
      connections,
      ...options.facts?.(),
    };
  };
}

function megabytes(bytes: number): number {
  return Math.floor(bytes / 1_000_000);
}
