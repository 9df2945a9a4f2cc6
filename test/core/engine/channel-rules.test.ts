import { afterEach, describe, expect, it } from 'vitest';
import { containsBlockedTerm, foldText } from '../../../src/core/engine/channel-rules.js';
import type { Requester } from '../../../src/core/engine/engine-types.js';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const admin: Requester = { platform: 'slack', workspaceId: 'T1', memberId: 'UADMIN', isAdmin: true };
const member: Requester = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' };

describe('blocked terms, matched as words', () => {
  it('ignores case, accents and punctuation, and never matches inside another word', () => {
    expect(foldText('  Crème  BRÛLÉE! ')).toBe('creme brulee');
    expect(containsBlockedTerm('a CRÈME-brûlée on a plate', ['creme brulee'])).toBe(true);
    expect(containsBlockedTerm('a Café at night', ['cafe'])).toBe(true);
    expect(containsBlockedTerm('a ｃａｆｅ at night', ['Café'])).toBe(true);
    expect(containsBlockedTerm('a classroom', ['ass'])).toBe(false);
    expect(containsBlockedTerm('a lighthouse', ['light house'])).toBe(false);
  });
});

describe('channel rules, decided where every request passes', () => {
  it('saves the rules for admins only and shows them back, model names as ids', async () => {
    const harness = harnesses.create();
    await expect(
      harness.engine.changeSettings(member, 'workspace', { blockedTerms: ['castle'] }),
    ).rejects.toMatchObject({ code: 'not_allowed' });
    await expect(harness.engine.changeSettings(member, 'member', { blockedTerms: ['castle'] })).rejects.toMatchObject({
      code: 'bad_setting',
    });
    const saved = await harness.engine.changeSettings(admin, 'workspace', {
      allowedChannels: ['C1', 'C1', 'C2'],
      blockedTerms: ['Castle', ' castle ', 'red  dragon'],
      allowedModels: ['seedream', 'gemini'],
    });
    expect(saved.workspace).toEqual({
      allowedChannels: ['C1', 'C2'],
      blockedTerms: ['Castle', 'red dragon'],
      allowedModels: ['doubao-seedream-4-5-251128', 'gemini-2.5-flash-image'],
    });
    const cleared = await harness.engine.changeSettings(admin, 'workspace', {
      allowedChannels: null,
      blockedTerms: [],
    });
    expect(cleared.workspace).toEqual({ allowedModels: ['doubao-seedream-4-5-251128', 'gemini-2.5-flash-image'] });
  });

  it('refuses what it cannot keep: a bad channel id, too many terms, an unknown model', async () => {
    const harness = harnesses.create();
    await expect(
      harness.engine.changeSettings(admin, 'workspace', { allowedChannels: ['<#C1>'] }),
    ).rejects.toMatchObject({ code: 'bad_setting' });
    const many = Array.from({ length: 201 }, (_, index) => `term${index}`);
    await expect(harness.engine.changeSettings(admin, 'workspace', { blockedTerms: many })).rejects.toMatchObject({
      code: 'bad_setting',
      message: 'At most 200 blocked terms can be listed; 201 were given.',
    });
    await expect(
      harness.engine.changeSettings(admin, 'workspace', { blockedTerms: ['x'.repeat(101)] }),
    ).rejects.toMatchObject({ code: 'bad_setting' });
    await expect(
      harness.engine.changeSettings(admin, 'workspace', { allowedModels: ['railway'] }),
    ).rejects.toMatchObject({ code: 'unknown_model' });
    expect((await harness.engine.settings(admin)).workspace).toEqual({});
  });

  it('refuses a blocked term without repeating it, before any job or image is stored', async () => {
    const harness = harnesses.create();
    await harness.engine.changeSettings(admin, 'workspace', { blockedTerms: ['crème brûlée'] });
    const refusal = harness.imagine('a CREME Brulee --ar 16:9', {
      attachments: [{ bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mimeType: 'image/png' }],
    });
    await expect(refusal).rejects.toMatchObject({ code: 'blocked_term' });
    const error = (await refusal.catch((caught: unknown) => caught)) as Error;
    expect(error.message.toLowerCase()).not.toMatch(/cr[eè]me|br[uû]l[eé]e/);
    await expect(harness.engine.precheck(harness.inbound({ text: 'crème brûlée' }))).rejects.toMatchObject({
      code: 'blocked_term',
    });
    // A flag's value is not the prompt: `--no` words are not matched, the prompt's are.
    await harness.imagineDelivered('a dessert --no creme brulee');
    expect(await harness.allJobs()).toHaveLength(1);
    expect(harness.blobFiles()).toHaveLength(1);
  });

  it('refuses a channel outside the allowed ones, for new requests and for the buttons of older results', async () => {
    const harness = harnesses.create();
    const { job } = await harness.imagineDelivered('a lighthouse', { channelId: 'C9', delivery: { channelId: 'C9' } });
    await harness.engine.changeSettings(admin, 'workspace', { allowedChannels: ['C1'] });

    await expect(harness.imagine('a harbour', { channelId: 'C9' })).rejects.toMatchObject({
      code: 'channel_not_allowed',
    });
    // A Reroll under the result made before the rule: the conversation's channel decides, not the press's.
    await expect(
      harness.submit({ action: 'reroll', channelId: 'C1', target: { turnId: job.turnId } }),
    ).rejects.toMatchObject({ code: 'channel_not_allowed' });
    expect(await harness.allJobs()).toHaveLength(1);
    await harness.imagineDelivered('a harbour', { channelId: 'C1' });
    expect(await harness.allJobs()).toHaveLength(2);
  });

  it('refuses a model the workspace does not allow, and gives members who name none the first allowed one', async () => {
    const harness = harnesses.create();
    await harness.engine.changeSettings(admin, 'workspace', { allowedModels: ['seedream-4.5'] });
    await expect(harness.imagine('a fox --model gpt-image-1')).rejects.toMatchObject({
      code: 'model_not_allowed',
      message: 'gpt-image-1 is not allowed here. Models you can use: doubao-seedream-4-5-251128.',
    });
    const { job } = await harness.imagine('a fox');
    expect(job.input.model).toBe('doubao-seedream-4-5-251128');
    const settled = await harness.settle(job.id);
    expect(settled.turn.parameters?.model).toBe('doubao-seedream-4-5-251128');
  });

  it('refuses a Retry of a turn whose prompt became blocked', async () => {
    const harness = harnesses.create();
    const { job } = await harness.imagine('a castle');
    await harness.engine.cancel(job.id, member);
    await harness.engine.changeSettings(admin, 'workspace', { blockedTerms: ['castle'] });
    await expect(harness.engine.retry(job.id, member, 'slack:T1:C1:retry-1')).rejects.toMatchObject({
      code: 'blocked_term',
    });
    expect(await harness.allJobs()).toHaveLength(1);
  });
});
