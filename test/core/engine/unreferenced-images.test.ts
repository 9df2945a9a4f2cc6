import { existsSync, utimesSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineImageProvider } from '../../../src/providers/offline-renderer.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { observeProvider } from '../../support/observed-provider.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const longAgo = new Date('2020-01-01T00:00:00Z');
const pngOf = (seed: number) => encodePng(8, 8, () => [seed * 40, 0, 0]);

describe('retention sweeps images no record refers to', () => {
  it('deletes an attachment stored for a request that lost its idempotency race, once it is old', async () => {
    const harness = harnesses.create();
    const key = 'slack:T1:C1:raced';
    const [one, two] = await Promise.all(
      [1, 2].map((seed) =>
        harness.engine.submit(
          harness.inbound({
            idempotencyKey: key,
            text: 'mix this in',
            attachments: [{ bytes: pngOf(seed), mimeType: 'image/png', name: `in-${seed}.png` }],
          }),
        ),
      ),
    );
    expect([one?.status, two?.status].sort()).toEqual(['duplicate', 'queued']);
    const kept = (one?.status === 'queued' ? one : two)?.job;
    await harness.settle(kept?.id ?? '');
    const files = harness.blobFiles();
    // Two attachments and one output were stored; the losing request's attachment is not referred to.
    expect(files).toHaveLength(3);

    expect(await harness.engine.cleanExpired()).toEqual({ conversations: 0, images: 0 });
    for (const file of files) utimesSync(file, longAgo, longAgo);
    expect(await harness.engine.cleanExpired()).toEqual({ conversations: 0, images: 1 });
    const left = harness.blobFiles();
    expect(left).toHaveLength(2);
    expect(left.every((file) => existsSync(file))).toBe(true);
    const turn = await harness.store.getTurn((await harness.store.getJob(kept?.id ?? ''))?.turnId ?? '');
    for (const ref of [...(turn?.inputImages ?? []), ...(turn?.outputImages ?? [])]) {
      expect(existsSync(harness.blobPath(ref.hash))).toBe(true);
    }
  });

  it('deletes the images of a turn deleted while they were being made', async () => {
    const provider = observeProvider(createOfflineImageProvider({ maxLongSide: 64 }));
    // The provider does not stop for the abort: its images arrive after the turn is gone.
    const deaf = {
      name: 'deaf',
      offline: true,
      generate: (request: Parameters<typeof provider.generate>[0]) => provider.generate(request),
    };
    const harness = harnesses.create({ provider: deaf });
    provider.hold();
    const doomed = await harness.imagine('a sandcastle');
    await provider.calls.waitFor((call) => call.request.prompt === 'a sandcastle');
    await harness.engine.deleteTurn(doomed.turn.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U1' });
    provider.release();
    await harness.events.waitFor((event) => event.type === 'progress' && event.phase === 'storing');
    await harness.engine.shutdown();
    const orphans = harness.blobFiles();
    expect(orphans).toHaveLength(1);

    for (const file of orphans) utimesSync(file, longAgo, longAgo);
    expect(await harness.engine.cleanExpired()).toEqual({ conversations: 0, images: 1 });
    expect(harness.blobFiles()).toEqual([]);
  });
});
