import { afterEach, describe, expect, it } from 'vitest';
import type { Requester } from '../../../src/core/engine/engine-types.js';
import { billedStandIn } from '../../support/billed-provider.js';
import { harnessTracker } from '../../support/harness-tracker.js';

const harnesses = harnessTracker();
afterEach(() => harnesses.closeAll());

const member: Requester = { platform: 'slack', workspaceId: 'T1', memberId: 'U1' };
const hour = 3_600_000;

describe('usage, counted in the quota’s own windows', () => {
  it('shows the units of the rolling hour and day with the limits that hold, the workspace’s to admins only', async () => {
    const harness = harnesses.create({
      provider: billedStandIn(),
      settings: { quota: { memberPerHour: 10, memberPerDay: 50 } },
    });
    await harness.imagineDelivered('a tulip');
    harness.clock.advance(hour - 1);
    await harness.imagineDelivered('a rose');
    await harness.store.setServerSettings('slack', 'T1', { quotaMemberPerHour: 8 });

    const report = await harness.engine.usage(member);
    expect(report.lastHour).toEqual({ units: 2, limit: 8 });
    expect(report.lastDay).toEqual({ units: 2, limit: 50 });
    expect(report.byModel).toEqual([expect.objectContaining({ model: 'gemini-2.5-flash-image', images: 2 })]);
    expect(report.workspaceDay).toBeUndefined();

    // Exactly one hour after the first image, it has left the hour, as it has for the quota.
    harness.clock.advance(1);
    expect((await harness.engine.usage(member)).lastHour.units).toBe(1);
    expect((await harness.engine.usage({ ...member, isAdmin: true })).workspaceDay).toEqual({ units: 2 });
  });
});

describe('settings, validated once', () => {
  it('saves a model by its id and a ratio reduced, and refuses what no model takes with its sentence', async () => {
    const harness = harnesses.create();
    const saved = await harness.engine.changeSettings(member, 'member', { model: 'seedream', aspectRatio: '32:18' });
    expect(saved.member).toEqual({ defaultModel: 'doubao-seedream-4-5-251128', aspectRatio: '16:9' });

    await expect(harness.engine.changeSettings(member, 'member', { model: 'railway' })).rejects.toMatchObject({
      code: 'unknown_model',
    });
    await expect(harness.engine.changeSettings(member, 'member', { aspectRatio: 'wide' })).rejects.toMatchObject({
      code: 'bad_aspect',
    });
    await expect(harness.engine.changeSettings(member, 'member', { quality: 'ultra' })).rejects.toMatchObject({
      code: 'bad_quality',
      message: 'Quality is low, medium or high.',
    });
    await expect(harness.engine.changeSettings(member, 'member', { quotaMemberPerHour: 5 })).rejects.toMatchObject({
      code: 'bad_setting',
    });
    expect((await harness.engine.settings(member)).member).toEqual(saved.member);
  });

  it('lets only an admin change the workspace’s defaults and limits, and clears with null', async () => {
    const harness = harnesses.create();
    await expect(harness.engine.changeSettings(member, 'workspace', { quotaMemberPerDay: 5 })).rejects.toMatchObject({
      code: 'not_allowed',
    });
    const admin = { ...member, isAdmin: true };
    const saved = await harness.engine.changeSettings(admin, 'workspace', { quotaMemberPerDay: 5, quality: 'high' });
    expect(saved.workspace).toEqual({ quotaMemberPerDay: 5, quality: 'high' });
    const cleared = await harness.engine.changeSettings(admin, 'workspace', { quotaMemberPerDay: null });
    expect(cleared.workspace).toEqual({ quality: 'high' });
    await expect(harness.engine.changeSettings(admin, 'workspace', { quotaMemberPerDay: -1 })).rejects.toMatchObject({
      code: 'bad_setting',
    });
  });
});

describe('a message that is only images', () => {
  it('is the same instruction from every platform: "mix these images"', async () => {
    const harness = harnesses.create();
    const { job } = await harness.submit({
      text: '',
      attachments: [{ bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mimeType: 'image/png', name: 'a.png' }],
    });
    expect(job.input.prompt).toBe('mix these images');
  });
});
