import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fakes/fake-image-api.js';
import { useFakeApiSuite } from '../../support/fake-api-suite.js';
import { dataUrlImages, distinctFakeImages, sha256 } from '../../support/image-bytes.js';
import { observeProvider } from '../../support/observed-provider.js';

const suite = useFakeApiSuite({ b64Image: distinctFakeImages() });
const harnesses = suite.harnesses;

const generationFor = (prompt: string) => (request: RecordedRequest) =>
  request.path === '/v1/images/generations' && JSON.stringify(request.body).includes(prompt);

/** The images one recorded upstream request carried, as sha256 hashes (what the blob store keys them by). */
function sentImages(prompt: string): string[] {
  const requests = suite.fake.requests.filter(generationFor(prompt));
  expect(requests, `upstream requests for "${prompt}"`).toHaveLength(1);
  return dataUrlImages(requests[0]?.body).map(sha256);
}

describe('edits chain against the image API', () => {
  it("sends turn 2's output as the input of turn 3", async () => {
    const harness = harnesses.create({ provider: suite.client.provider });
    const first = await harness.imagineDelivered('a lighthouse at dusk');
    const conversationId = first.turn.conversationId;
    const second = await harness.settle((await harness.edit(conversationId, 'make it stormy')).job.id);
    const third = await harness.settle((await harness.edit(conversationId, 'add a red boat')).job.id);
    expect([second.job.state, third.job.state]).toEqual(['delivered', 'delivered']);

    const [turn1Output] = first.turn.outputImages;
    const [turn2Output] = second.turn.outputImages;
    expect(turn1Output?.hash).not.toBe(turn2Output?.hash);
    expect(sentImages('a lighthouse at dusk')).toEqual([]);
    expect(sentImages('make it stormy')).toEqual([turn1Output?.hash]);
    // The bytes the fake received for turn 3 are exactly the stored output of turn 2.
    const [sent] = dataUrlImages(suite.fake.requests.find(generationFor('add a red boat'))?.body);
    expect(Buffer.compare(sent ?? Buffer.alloc(0), Buffer.from(await harness.blobs.get(turn2Output?.hash ?? '')))).toBe(
      0,
    );
    expect(third.turn.inputImages.map((image) => image.hash)).toEqual([turn2Output?.hash]);
    expect(third.turn.upstreamRequestIds).toEqual([
      suite.fake.requests.find(generationFor('add a red boat'))?.requestId,
    ]);
    expect(suite.fake.violations).toEqual([]);
  });

  it('chains two quick replies: the second edits the output of the first, not the original', async () => {
    const provider = observeProvider(suite.client.provider);
    const harness = harnesses.create({ provider });
    const first = await harness.imagineDelivered('a harbour at dawn');
    const conversationId = first.turn.conversationId;
    // The first reply is held on its way to the API while the second arrives.
    provider.hold();
    const quick = await harness.edit(conversationId, 'add fog');
    await provider.calls.waitFor((call) => call.request.prompt === 'add fog');
    const second = await harness.edit(conversationId, 'add gulls');
    expect((await harness.store.getJob(quick.job.id))?.state).toBe('running');
    expect(second.position).toBe(1);
    provider.release();
    const [foggy, gulls] = [await harness.settle(quick.job.id), await harness.settle(second.job.id)];
    expect([foggy.job.state, gulls.job.state]).toEqual(['delivered', 'delivered']);

    expect(sentImages('add fog')).toEqual([first.turn.outputImages[0]?.hash]);
    expect(sentImages('add gulls')).toEqual([foggy.turn.outputImages[0]?.hash]);
    expect(gulls.turn.parentTurnId).toBe(foggy.turn.id);
    // One job of the conversation ran at a time: the second started after the first was delivered.
    const order = harness.events.items
      .filter((event) => event.job.id === quick.job.id || event.job.id === second.job.id)
      .filter((event) => event.type === 'started' || event.type === 'succeeded')
      .map((event) => `${event.type}:${event.job.id === quick.job.id ? 'fog' : 'gulls'}`);
    expect(order).toEqual(['started:fog', 'succeeded:fog', 'started:gulls', 'succeeded:gulls']);
  });
});
