import type { EngineContext } from './engine-context.js';

/** How long an image no record refers to is kept: a job may be about to refer to it (files fetched at its start). */
const orphanMarginMs = 3_600_000;

/**
 * Retention: conversations not touched for the retention time go with their turns, jobs and images; then every
 * stored image no record refers to (a turn deleted while it was generated, an attachment stored for a request that
 * lost a race for its idempotency key) goes too, unless it is younger than a job could take to refer to it.
 */
export async function cleanExpired(context: EngineContext): Promise<{ conversations: number; images: number }> {
  const { store, now, settings } = context;
  const { conversations, orphanedHashes } = await store.deleteExpired(now() - settings.retentionMs);
  await Promise.all(orphanedHashes.map((hash) => context.blobHolds.deleteUnreferenced(hash)));
  const unreferenced = await sweepUnreferenced(context, now() - settings.jobTimeoutMs - orphanMarginMs);
  if (conversations > 0 || unreferenced > 0) {
    context.logger.info(
      { conversations, images: orphanedHashes.length, unreferencedImages: unreferenced },
      'expired conversations and unreferenced images deleted',
    );
  }
  return { conversations, images: orphanedHashes.length + unreferenced };
}

async function sweepUnreferenced(context: EngineContext, storedBefore: number): Promise<number> {
  const { store, blobs } = context;
  const referenced = await store.referencedHashes();
  let deleted = 0;
  for await (const blob of blobs.list()) {
    if (referenced.has(blob.hash) || blob.storedAt >= storedBefore) continue;
    // Asked again for this one (a record may have come to refer to it since the set was read), and never one a
    // request of this process is about to refer to.
    if (await context.blobHolds.deleteUnreferenced(blob.hash)) deleted++;
  }
  return deleted;
}
