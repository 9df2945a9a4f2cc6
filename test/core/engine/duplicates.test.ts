import { describe, expect, it } from 'vitest';
import { billedStandIn } from '../../support/billed-provider.js';
import { useFakeApiSuite } from '../../support/fake-api-suite.js';
import { observeProvider } from '../../support/observed-provider.js';

const suite = useFakeApiSuite();
const harnesses = suite.harnesses;

const generations = () => suite.fake.requests.filter((request) => request.path === '/v1/images/generations');

describe('a repeated delivery makes one job', () => {
  it('answers duplicate with the same job while it runs, after it was delivered, and after a restart', async () => {
    const provider = observeProvider(suite.client.provider);
    const harness = harnesses.create({ provider });
    provider.hold();
    const delivery = harness.inbound({ idempotencyKey: 'slack:T1:C1:1700000000.000100', text: 'a lighthouse' });
    const first = await harness.engine.submit(delivery);
    expect(first.status).toBe('queued');
    await provider.calls.waitFor(() => true);
    expect((await harness.store.getJob(first.job.id))?.state).toBe('running');

    const whileRunning = await harness.engine.submit(delivery);
    expect(whileRunning).toMatchObject({ status: 'duplicate', job: { id: first.job.id, state: 'running' } });

    provider.release();
    await harness.settle(first.job.id);
    const afterDelivery = await harness.engine.submit(delivery);
    expect(afterDelivery).toMatchObject({ status: 'duplicate', job: { id: first.job.id, state: 'delivered' } });

    const restarted = await harness.reopen({ provider: suite.client.provider });
    await restarted.engine.start();
    const afterRestart = await restarted.engine.submit(delivery);
    expect(afterRestart).toMatchObject({ status: 'duplicate', job: { id: first.job.id, state: 'delivered' } });

    expect(generations()).toHaveLength(1);
    expect(await restarted.allJobs()).toHaveLength(1);
    expect(harness.deliverer.delivered).toHaveLength(1);
    expect(harness.events.count('queued')).toBe(1);
    expect(restarted.events.items).toEqual([]);
  });

  it('queues a double-clicked Reroll once; another member pressing it gets their own job', async () => {
    const provider = observeProvider(suite.client.provider);
    const harness = harnesses.create({ provider });
    const original = await harness.imagineDelivered('a red fox in snow');
    const conversationId = original.turn.conversationId;
    const reroll = { action: 'reroll' as const, conversationId, target: { turnId: original.turn.id }, text: '' };

    provider.hold();
    const click = await harness.engine.submit(harness.inbound({ ...reroll, idempotencyKey: 'discord:interaction-1' }));
    const doubleClick = await harness.engine.submit(
      harness.inbound({ ...reroll, idempotencyKey: 'discord:interaction-2' }),
    );
    expect(click.status).toBe('queued');
    expect(doubleClick).toMatchObject({ status: 'duplicate', job: { id: click.job.id } });
    const someoneElse = await harness.engine.submit(
      harness.inbound({ ...reroll, memberId: 'U2', idempotencyKey: 'discord:interaction-3' }),
    );
    expect(someoneElse.status).toBe('queued');

    provider.release();
    await harness.settle(click.job.id);
    await harness.settle(someoneElse.job.id);
    const turns = await harness.store.listTurns(conversationId);
    expect(turns.map((turn) => `${turn.action}:${turn.authorId}`)).toEqual(['imagine:U1', 'reroll:U1', 'reroll:U2']);
    expect(generations()).toHaveLength(3);

    // Once the first Reroll is done, pressing it again is a new request.
    const again = await harness.engine.submit(harness.inbound({ ...reroll, idempotencyKey: 'discord:interaction-4' }));
    expect(again.status).toBe('queued');
    await harness.settle(again.job.id);
  });
});

describe('a repeated delivery after a refusal would apply', () => {
  it('is answered as a duplicate, not refused, when the member reached the quota meanwhile', async () => {
    const harness = harnesses.create({ provider: billedStandIn(), settings: { quota: { memberPerHour: 1 } } });
    const delivery = harness.inbound({ idempotencyKey: 'slack:T1:C1:1700000000.000900', text: 'a lighthouse' });
    const first = await harness.engine.submit(delivery);
    if (first.status !== 'queued') throw new Error('expected the first delivery to queue');
    await harness.settle(first.job.id);
    // The hour's single unit is spent: a new request is refused, the same delivery again is a duplicate.
    await expect(
      harness.engine.submit(harness.inbound({ idempotencyKey: 'slack:T1:C1:other', text: 'x' })),
    ).rejects.toThrow(/You have used 1 of 1/);
    expect(await harness.engine.precheck(delivery)).toEqual({ notices: [], duplicate: true });
    const again = await harness.engine.submit(delivery);
    expect(again.status).toBe('duplicate');
    expect(again.job.id).toBe(first.job.id);
  });
});
