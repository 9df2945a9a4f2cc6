import { afterEach, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../src/core/user-facing-error.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { sha256 } from '../../support/image-bytes.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const attachment = { bytes: encodePng(8, 8, () => [10, 200, 10]), mimeType: 'image/png', name: 'photo.png' };

describe('invalid input makes no job', () => {
  it.each([
    ['an unknown flag', 'a lighthouse --bogus 3', 'unknown_flag', /Unknown flag `--bogus`/],
    ['too many images', 'a lighthouse --n 99', 'bad_count', /--n takes 1 to 4 on gemini-2\.5-flash-image, not 99/],
    ['an unknown model', 'a lighthouse --model nope-9000', 'unknown_model', /Unknown model `nope-9000`/],
    ['a NUL in the prompt', 'a light\u0000house', 'control_character', /control character \(U\+0000\) at character 8/],
    ['an escape sequence', 'a lighthouse \u001b[31mred', 'control_character', /\(U\+001B\)/],
    ['a C1 control', 'a lighthouse\u0085', 'control_character', /\(U\+0085\)/],
    ['a lone carriage return', 'a lighthouse\rat dusk', 'control_character', /\(U\+000D\)/],
  ])('refuses %s at once, with nothing stored', async (_case, text, code, message) => {
    const harness = harnesses.create();
    const inbound = harness.inbound({ text, attachments: [attachment], rootMessageId: '1700000000.000100' });
    // The platform's check before it answers, then the submit itself: the same refusal.
    for (const attempt of [harness.engine.precheck(inbound), harness.engine.submit(inbound)]) {
      await expect(attempt).rejects.toBeInstanceOf(UserFacingError);
      await expect(attempt).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    }

    expect(await harness.allJobs()).toEqual([]);
    const location = {
      platform: 'slack',
      workspaceId: 'T1',
      channelId: 'C1',
      rootMessageId: '1700000000.000100',
    } as const;
    expect(await harness.engine.findConversation(location)).toBeUndefined();
    expect(await harness.store.sumUsage({ platform: 'slack', workspaceId: 'T1', since: 0 })).toBe(0);
    expect(harness.blobFiles()).toEqual([]);
    expect(harness.events.items).toEqual([]);
  });

  it('refuses a control character in a structured option too, naming the option', async () => {
    const harness = harnesses.create();
    const inbound = harness.inbound({ text: 'a lighthouse', options: { negativePrompt: 'fog\u0000' } });
    await expect(harness.engine.precheck(inbound)).rejects.toMatchObject({
      code: 'control_character',
      message: expect.stringMatching(/^The no option contains an invisible control character \(U\+0000\)/),
    });
    expect(await harness.allJobs()).toEqual([]);
  });

  it('keeps line breaks (LF and CRLF) and tabs in a prompt', async () => {
    const harness = harnesses.create();
    const settled = await harness.imagineDelivered('a lighthouse\r\nat dusk\n\twith a red boat');
    expect(settled.job.state).toBe('delivered');
    expect(settled.turn.parameters?.prompt).toMatch(/^a lighthouse\r\nat dusk\n\s*with a red boat$/);
  });

  it('refuses a bad flag in a reply without touching the conversation', async () => {
    const harness = harnesses.create();
    const first = await harness.imagineDelivered('a lighthouse');
    const before = await harness.store.getConversation(first.turn.conversationId);
    harness.clock.advance(60_000);
    await expect(harness.edit(first.turn.conversationId, 'make it stormy --n 99')).rejects.toMatchObject({
      code: 'bad_count',
    });
    expect(await harness.store.listTurns(first.turn.conversationId)).toHaveLength(1);
    expect(await harness.store.getConversation(first.turn.conversationId)).toEqual(before);
    expect(await harness.allJobs()).toHaveLength(1);
  });

  it('accepts a valid request in the precheck with its notices, and stores nothing until it is submitted', async () => {
    const harness = harnesses.create();
    const inbound = harness.inbound({ text: 'a lighthouse --model gpt-image-1 --ar 16:9', attachments: [attachment] });
    const { notices } = await harness.engine.precheck(inbound);
    expect(notices.join(' ')).toMatch(/16:9/);
    expect(await harness.allJobs()).toEqual([]);
    expect(harness.blobFiles()).toEqual([]);
    expect(harness.events.items).toEqual([]);

    const submitted = await harness.engine.submit(inbound);
    expect(submitted).toMatchObject({ status: 'queued', notices });
    expect(harness.blobFiles()).toContain(harness.blobPath(sha256(attachment.bytes)));
    expect((await harness.settle(submitted.job.id)).job.state).toBe('delivered');
  });
});
