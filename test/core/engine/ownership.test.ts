import { afterEach, describe, expect, it } from 'vitest';
import type { InboundRequest, Requester } from '../../../src/core/engine/engine-types.js';
import type { EngineHarness, SettledJob } from '../../support/engine-harness.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { seedImagineJob } from '../../support/seed-records.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const owner: Requester = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' };
/** Callers that must not see workspace T1's Slack records: the playground, a Discord server, another Slack team. */
const strangers: ReadonlyArray<readonly [string, Requester]> = [
  ['the playground', { platform: 'local', workspaceId: '', memberId: 'playground' }],
  ['a Discord server', { platform: 'discord', workspaceId: '123456789012345678', memberId: 'U1', isAdmin: true }],
  ['another Slack workspace', { platform: 'slack', workspaceId: 'T2', memberId: 'U1', isAdmin: true }],
];

/** What a rejected call says (code and sentence), to compare a foreign id's answer with a missing id's. */
async function refusal(attempt: Promise<unknown>): Promise<{ code: unknown; message: unknown }> {
  try {
    await attempt;
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return { code, message };
  }
  throw new Error('expected a refusal');
}

async function snapshot(harness: EngineHarness, settled: SettledJob) {
  return {
    jobs: await harness.allJobs(),
    turns: await harness.store.listTurns(settled.turn.conversationId),
    conversation: await harness.store.getConversation(settled.turn.conversationId),
    blobs: harness.blobFiles().sort(),
  };
}

describe('ownership: ids from another platform or workspace', () => {
  it.each(strangers)('reads nothing of a Slack conversation for %s', async (_who, stranger) => {
    const harness = harnesses.create();
    const settled = await harness.imagineDelivered('a lighthouse at dusk');

    expect(await harness.engine.getJob(settled.job.id, stranger)).toBeUndefined();
    expect(await harness.engine.getTurn(settled.turn.id, stranger)).toBeUndefined();
    expect(await harness.engine.readOutput(settled.turn.id, 0, stranger)).toBeUndefined();
    // The owner's scope reads all three.
    expect(await harness.engine.getJob(settled.job.id, owner)).toMatchObject({ id: settled.job.id });
    expect(await harness.engine.getTurn(settled.turn.id, owner)).toMatchObject({ id: settled.turn.id });
    const output = await harness.engine.readOutput(settled.turn.id, 0, owner);
    expect(output?.ref).toEqual(settled.turn.outputImages[0]);
    expect(await harness.engine.readOutput(settled.turn.id, 1, owner)).toBeUndefined();
  });

  it.each(strangers)(
    'answers %s about a Slack job exactly as about a missing one, and changes nothing',
    async (_who, stranger) => {
      const harness = harnesses.create();
      const settled = await harness.imagineDelivered('a harbour at dawn');
      const failed = await seedImagineJob(harness.store, { state: 'failed', prompt: 'a fox', at: harness.clock.now() });
      const before = await snapshot(harness, settled);

      for (const [foreign, missing] of [
        [
          harness.engine.retry(failed.job.id, stranger, 'x:retry-1'),
          harness.engine.retry('no-such-job', stranger, 'x:retry-2'),
        ],
        [harness.engine.cancel(settled.job.id, stranger), harness.engine.cancel('no-such-job', stranger)],
        [harness.engine.redeliver(settled.job.id, stranger), harness.engine.redeliver('no-such-job', stranger)],
      ] as const) {
        const [foreignAnswer, missingAnswer] = [await refusal(foreign), await refusal(missing)];
        expect(foreignAnswer).toEqual(missingAnswer);
        expect(foreignAnswer.code).toBe('job_missing');
      }
      expect(await harness.engine.deleteTurn(settled.turn.id, stranger)).toEqual([]);
      expect(await snapshot(harness, settled)).toEqual(before);
      expect(harness.deliverer.deliveriesOf(settled.job.id)).toHaveLength(1);
    },
  );

  it.each(strangers)('lets %s continue no Slack conversation and act on none of its turns', async (_who, stranger) => {
    const harness = harnesses.create();
    const settled = await harness.imagineDelivered('a red boat');
    const conversationId = settled.turn.conversationId;
    const before = await snapshot(harness, settled);
    const as = (overrides: Parameters<EngineHarness['inbound']>[0]) =>
      harness.inbound({ ...stranger, idempotencyKey: `x:${Math.random()}`, ...overrides });

    const foreignRequests = [
      as({ action: 'edit', text: 'make it stormy', conversationId }),
      as({ action: 'reroll', conversationId, target: { turnId: settled.turn.id } }),
      as({ action: 'variations', target: { turnId: settled.turn.id, index: 0 } }),
    ];
    // The same requests with ids that never existed.
    const attempts = foreignRequests.map((foreign): [InboundRequest, InboundRequest] => [
      foreign,
      {
        ...foreign,
        idempotencyKey: `${foreign.idempotencyKey}-missing`,
        ...(foreign.conversationId ? { conversationId: 'gone' } : {}),
        ...(foreign.target ? { target: { ...foreign.target, turnId: 'gone' } } : {}),
      },
    ]);
    for (const [foreign, missing] of attempts) {
      for (const call of ['precheck', 'submit'] as const) {
        const foreignAnswer = await refusal(harness.engine[call](foreign));
        expect(foreignAnswer).toEqual(await refusal(harness.engine[call](missing)));
        expect(foreignAnswer.code).toBe('conversation_expired');
      }
    }
    expect(await snapshot(harness, settled)).toEqual(before);
  });
});

describe('ownership: a turn belongs to its conversation', () => {
  it('refuses a target turn of another conversation of the same member as if it did not exist', async () => {
    const harness = harnesses.create();
    const first = await harness.imagineDelivered('a snowman');
    const second = await harness.imagineDelivered('a sandcastle');
    const jobs = await harness.allJobs();

    const crossed = harness.inbound({
      action: 'edit',
      text: 'give it a hat',
      conversationId: second.turn.conversationId,
      target: { turnId: first.turn.id, index: 0 },
    });
    const missing = { ...crossed, idempotencyKey: `${crossed.idempotencyKey}-b`, target: { turnId: 'gone', index: 0 } };
    expect(await refusal(harness.engine.submit(crossed))).toEqual(await refusal(harness.engine.submit(missing)));
    expect(await harness.allJobs()).toEqual(jobs);

    // The same target with its own conversation (or none) is an ordinary edit of that conversation.
    const edit = await harness.submit({ action: 'edit', text: 'give it a hat', target: { turnId: first.turn.id } });
    expect(edit.conversation.id).toBe(first.turn.conversationId);
    expect((await harness.settle(edit.job.id)).job.state).toBe('delivered');
  });

  it('retries on the requester’s own platform and workspace, as that member', async () => {
    const harness = harnesses.create();
    const failed = await seedImagineJob(harness.store, { state: 'failed', prompt: 'a kite', at: harness.clock.now() });
    const retried = await harness.engine.retry(failed.job.id, { ...owner, memberId: 'U2' }, 'slack:T1:C1:retry');
    expect(retried.job).toMatchObject({ platform: 'slack', workspaceId: 'T1', memberId: 'U2', state: 'queued' });
    expect((await harness.settle(retried.job.id)).job.state).toBe('delivered');
  });
});
