import { afterEach, describe, expect, it } from 'vitest';
import type { ImageRef, TurnRecord } from '../../../src/core/records.js';
import { startFakeImageApi } from '../../fakes/fake-image-api.js';
import type { EngineHarness, SettledJob } from '../../support/engine-harness.js';
import { createFakeApiProvider } from '../../support/fake-api-provider.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { distinctFakeImages, sha256 } from '../../support/image-bytes.js';

const harnesses = harnessTracker();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await harnesses.closeAll();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const hashes = (images: readonly ImageRef[]) => images.map((image) => image.hash);

async function delivered(harness: EngineHarness, jobId: string): Promise<SettledJob> {
  const settled = await harness.settle(jobId);
  expect(settled.job.state, JSON.stringify(settled.job.error)).toBe('delivered');
  return settled;
}

/**
 * imagine → three edits → reroll → variations, then a restart over the same DATA_DIR. `offline`: the offline
 * renderer tints an edit by what its instruction names ("night"), so a reroll of an edit may repeat its bytes.
 */
async function driveConversation(harness: EngineHarness, options: { offline: boolean }): Promise<void> {
  const start = await harness.imagine('a lighthouse at dusk --model seedream-4.5 --n 2 --seed 42', {
    rootMessageId: '1700000000.000100',
  });
  const conversationId = start.conversation.id;
  const first = await delivered(harness, start.job.id);
  expect(first.turn.outputImages).toHaveLength(2);
  expect(first.turn.parameters).toMatchObject({ model: 'doubao-seedream-4-5-251128', count: 2, seed: 42 });

  const edits: SettledJob[] = [];
  for (const instruction of ['make it stormy', 'add a red boat', 'make it night']) {
    const { job } = await harness.edit(conversationId, instruction);
    edits.push(await delivered(harness, job.id));
  }
  const [stormy, boat, night] = edits as [SettledJob, SettledJob, SettledJob];

  const reroll = await harness.submit({
    action: 'reroll',
    conversationId,
    target: { turnId: night.turn.id },
    text: '',
  });
  const rerolled = await delivered(harness, reroll.job.id);
  const variations = await harness.submit({
    action: 'variations',
    conversationId,
    target: { turnId: first.turn.id, index: 1 },
    options: { count: 2 },
    text: '',
  });
  const varied = await delivered(harness, variations.job.id);

  // Parent links: each edit hangs under the turn it edited; reroll and variations under the turn they act on.
  expect(first.turn.parentTurnId).toBeUndefined();
  expect(stormy.turn.parentTurnId).toBe(first.turn.id);
  expect(boat.turn.parentTurnId).toBe(stormy.turn.id);
  expect(night.turn.parentTurnId).toBe(boat.turn.id);
  expect(rerolled.turn.parentTurnId).toBe(night.turn.id);
  expect(varied.turn.parentTurnId).toBe(first.turn.id);

  // Each edit starts from the first output of the turn before it, never from several fused together.
  expect(hashes(stormy.turn.inputImages)).toEqual([first.turn.outputImages[0]?.hash]);
  expect(hashes(boat.turn.inputImages)).toEqual(hashes(stormy.turn.outputImages));
  expect(hashes(night.turn.inputImages)).toEqual(hashes(boat.turn.outputImages));
  expect(stormy.turn.parameters?.prompt).toBe('make it stormy');

  // Reroll: the same request (prompt, inputs) with a new seed.
  expect(rerolled.turn.action).toBe('reroll');
  expect(rerolled.turn.parameters?.prompt).toBe(night.turn.parameters?.prompt);
  expect(hashes(rerolled.turn.inputImages)).toEqual(hashes(night.turn.inputImages));
  expect(rerolled.turn.parameters?.seed).toBeTypeOf('number');
  expect(rerolled.turn.parameters?.seed).not.toBe(night.turn.parameters?.seed);
  if (!options.offline) expect(hashes(rerolled.turn.outputImages)).not.toEqual(hashes(night.turn.outputImages));

  // Variations: the picked output (index 1) as the input, two new images.
  expect(hashes(varied.turn.inputImages)).toEqual([first.turn.outputImages[1]?.hash]);
  expect(varied.turn.outputImages).toHaveLength(2);

  // Every turn was delivered once, with the bytes that are stored.
  const turns = [first, stormy, boat, night, rerolled, varied];
  expect(harness.deliverer.delivered.map((delivery) => delivery.jobId)).toEqual(turns.map(({ job }) => job.id));
  for (const { job, turn } of turns) {
    const [delivery] = harness.deliverer.deliveriesOf(job.id);
    expect(delivery?.images.map(sha256)).toEqual(hashes(turn.outputImages));
    expect(job.delivery).toMatchObject({ channelId: 'C1', messageId: delivery?.messageId });
    expect(turn.notices.join(' ').includes('Offline preview')).toBe(options.offline);
  }
  expect(harness.logger.at('error')).toEqual([]);

  // A restart: a new engine and store over the same DATA_DIR finds every turn and image.
  const reopened = await harness.reopen();
  expect(await reopened.engine.start()).toEqual({ resumed: 0, interrupted: 0, redelivered: 0 });
  const stored = await reopened.store.listTurns(conversationId);
  const strip = ({ notices: _notices, ...turn }: TurnRecord) => turn;
  expect(stored.map(strip)).toEqual(turns.map(({ turn }) => strip(turn)));
  for (const turn of stored) {
    for (const image of turn.outputImages) {
      expect(sha256(await reopened.blobs.get(image.hash))).toBe(image.hash);
    }
  }
  const conversation = await reopened.engine.findConversation({
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'C1',
    rootMessageId: '1700000000.000100',
  });
  expect(conversation?.id).toBe(conversationId);
  expect((await reopened.store.listJobsOfConversation(conversationId)).map((job) => job.state)).toEqual(
    Array.from({ length: 6 }, () => 'delivered'),
  );
  expect(reopened.deliverer.attempts.items).toEqual([]);
}

describe('a whole conversation through the engine', () => {
  it('runs imagine, three edits, a reroll and variations with the offline renderer, and keeps it all across a restart', async () => {
    await driveConversation(harnesses.create(), { offline: true });
  });

  it('runs the same conversation against the image API (loopback fake), one upstream call per image', async () => {
    const fake = await startFakeImageApi({ b64Image: distinctFakeImages() });
    const client = createFakeApiProvider(fake.url);
    cleanups.push(
      () => client.close(),
      () => fake.close(),
    );
    await driveConversation(harnesses.create({ provider: client.provider }), { offline: false });
    const generations = fake.requests.filter((request) => request.path === '/v1/images/generations');
    // 2 (imagine --n 2) + 3 edits + 1 reroll + 2 variations; Seedream answers with URLs the client downloads.
    expect(generations).toHaveLength(8);
    expect(fake.violations).toEqual([]);
  });
});
