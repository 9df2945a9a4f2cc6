import { describe, expect, it } from 'vitest';
import { seedImagineJob } from '../../support/seed-records.js';
import { usePlaygroundServer } from './playground-harness.js';

const playgrounds = usePlaygroundServer();

describe('the playground sees only local records', () => {
  it('answers every API call about a Slack job, turn or conversation with 404, exactly as for an unknown id', async () => {
    const playground = await playgrounds.start();
    const { harness } = playground;
    const slack = await harness.imagineDelivered('a Slack lighthouse');
    const failed = await seedImagineJob(harness.store, { state: 'failed', prompt: 'a fox', at: harness.clock.now() });
    const before = { jobs: await harness.allJobs(), blobs: harness.blobFiles().sort() };
    const conversationId = slack.turn.conversationId;
    const hash = slack.turn.outputImages[0]?.hash ?? '';

    const calls: Array<[string, (id: string) => Promise<{ status: number; body: string }>, string]> = [
      ['status', (id) => playground.request(`/api/jobs/${id}`), slack.job.id],
      ['retry', (id) => playground.request(`/api/jobs/${id}/retry`, { json: {} }), failed.job.id],
      ['cancel', (id) => playground.request(`/api/jobs/${id}/cancel`, { json: {} }), slack.job.id],
      ['image', (id) => playground.request(`/api/turns/${id}/images/0`), slack.turn.id],
      [
        'edit',
        (id) => playground.request('/api/submit', { json: { conversationId: id, text: 'stormy' } }),
        conversationId,
      ],
      [
        'variations',
        (id) => playground.request('/api/submit', { json: { action: 'variations', conversationId, turnId: id } }),
        slack.turn.id,
      ],
      ['reroll', (id) => playground.request('/api/submit', { json: { action: 'reroll', turnId: id } }), slack.turn.id],
    ];
    for (const [name, call, slackId] of calls) {
      const foreign = await call(slackId);
      const missing = await call('no-such-id');
      expect(foreign.status, `${name}: ${foreign.body}`).toBe(404);
      expect(foreign.body, name).toBe(missing.body);
    }
    // The stored bytes are not reachable by their hash any more either.
    expect((await playground.request(`/api/images/${hash}`)).status).toBe(404);
    expect({ jobs: await harness.allJobs(), blobs: harness.blobFiles().sort() }).toEqual(before);
    expect(harness.deliverer.deliveriesOf(slack.job.id)).toHaveLength(1);
  });

  it('still runs its own conversation: imagine, then an edit of the picked image', async () => {
    const playground = await playgrounds.start();
    const first = await playground.request('/api/submit', { json: { text: 'a snowman' } });
    const { jobId, conversationId, turnId } = JSON.parse(first.body) as Record<string, string>;
    await playground.harness.settle(jobId ?? '');
    const edit = await playground.request('/api/submit', {
      json: { conversationId, turnId, index: 0, text: 'give it a hat', action: 'edit' },
    });
    expect(edit.status, edit.body).toBe(200);
    const editJob = (JSON.parse(edit.body) as { jobId: string }).jobId;
    expect((await playground.harness.settle(editJob)).job).toMatchObject({ platform: 'local', state: 'delivered' });
  });
});
