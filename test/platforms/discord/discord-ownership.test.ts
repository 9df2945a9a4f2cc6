import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jobStates } from '../../../src/core/records.js';
import { seedImagineJob } from '../../support/seed-records.js';
import { contentOf, type DiscordHarness, startConversation, useDiscordHarness } from './discord-harness.js';

const harnesses = useDiscordHarness();

/** What the member who pressed sees: the interaction's answer, and the follow-up that says what went wrong. */
async function pressAndRead(harness: DiscordHarness, messageId: string, customId: string, modal: boolean) {
  const { fake } = harness;
  const sent = modal
    ? fake.interaction({ type: 5, customId, fields: { instruction: 'make it stormy' }, message: messageId })
    : fake.interaction({ type: 3, customId, message: messageId });
  const callback = await harness.callback(sent);
  const answer = callback.body as { type: number; data?: { flags?: number } };
  if (answer.type !== 6) return { type: answer.type, flags: answer.data?.flags, content: contentOf(callback) };
  // Acknowledged first (Delete, Post again): whatever followed is what the member was told.
  const followUp =
    customId.startsWith('tp:redeliver:') &&
    (await fake.waitFor(
      (request) => request.method === 'POST' && request.path === `/webhooks/${fake.applicationId}/${sent.token}`,
    ));
  return { type: answer.type, followUp: followUp ? contentOf(followUp) : undefined };
}

describe('Discord buttons never reach another platform’s records', () => {
  it('answers a button carrying a Slack job’s or turn’s id exactly as one carrying an unknown id, and does nothing', async () => {
    const harness = await harnesses.start();
    const { messageId } = await startConversation(harness, 'a Discord lighthouse');
    await harness.bot.events.next('succeeded');
    const { store } = harness.bot;
    const at = harness.clock.now();
    const slackFailed = await seedImagineJob(store, { state: 'failed', prompt: 'a Slack fox', at });
    // Turn ids as the engine makes them (custom ids take at most 40 characters).
    const slackDone = await seedImagineJob(store, {
      state: 'delivered',
      prompt: 'a Slack boat',
      at,
      turn: { id: randomUUID() },
    });
    const before = await store.listJobsByState(jobStates);
    const generations = harness.imageApi.requests.length;

    const cases: Array<[string, string, boolean]> = [
      ['retry', slackFailed.job.id, false],
      ['cancel', slackDone.job.id, false],
      ['redeliver', slackDone.job.id, false],
      ['reroll', slackDone.turn.id, false],
      ['vary', `${slackDone.turn.id}:0`, false],
      ['delete', slackDone.turn.id, false],
      ['editmodal', `${slackDone.turn.id}:0`, true],
    ];
    for (const [action, slackId, modal] of cases) {
      const foreign = await pressAndRead(harness, messageId, `tp:${action}:${slackId}`, modal);
      const unknownId = slackId.replace(/^[\w-]+/, 'no-such-id');
      const missing = await pressAndRead(harness, messageId, `tp:${action}:${unknownId}`, modal);
      expect(foreign, action).toEqual(missing);
    }
    expect((await pressAndRead(harness, messageId, `tp:retry:${slackFailed.job.id}`, false)).content).toBe(
      '⚠️ That request is no longer stored.',
    );
    expect(await store.listJobsByState(jobStates)).toEqual(before);
    expect(await store.getTurn(slackDone.turn.id)).toEqual(slackDone.turn);
    expect(harness.imageApi.requests).toHaveLength(generations);
  });
});
