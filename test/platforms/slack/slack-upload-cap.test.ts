import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisePng } from '../discord/discord-harness.js';
import { type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
const cap = 1024 * 1024;

beforeAll(async () => {
  harness = await startSlackHarness({ bot: { settings: { maxUploadBytes: cap } } });
});
afterAll(async () => {
  await harness?.close();
});

describe('Slack upload cap', () => {
  it('re-encodes a result over the cap, says so on the file, and keeps the original in the store', async () => {
    const { slack, imageApi, bot } = harness;
    const big = noisePng(720, 720);
    expect(big.byteLength).toBeGreaterThan(cap);
    imageApi.enqueue({ kind: 'b64-of-size', bytes: big });

    await harness.imagine('static on an old television --model gpt-image-1');
    const rootTs = await harness.rootOf('static on an old television');
    await harness.waitDone(rootTs, 20_000);

    const completed = slack
      .callsOf('files.completeUploadExternal')
      .find((call) => call.args['thread_ts'] === rootTs && call.response['ok'] === true);
    const titles = JSON.stringify(completed?.args['files']);
    expect(titles).toContain('re-encoded to fit the 1 MB upload limit here; the full-size original is kept.');
    // The Web API takes `files` as a JSON string.
    const files = JSON.parse(String(completed?.args['files'] ?? '[]')) as { id: string }[];
    const fileIds = files.map((file) => file.id);
    const uploaded = fileIds.map((id) => slack.file(id)?.bytes.byteLength ?? 0);
    expect(uploaded).toHaveLength(1);
    expect(uploaded[0]).toBeGreaterThan(0);
    expect(uploaded[0]).toBeLessThanOrEqual(cap);

    const [job] = await bot.engine.store.listJobsByState(['delivered']);
    const turn = job ? await bot.engine.store.getTurn(job.turnId) : undefined;
    const original = turn?.outputImages[0] ? await bot.engine.blobs.get(turn.outputImages[0].hash) : undefined;
    expect(original && Buffer.from(original).equals(Buffer.from(big))).toBe(true);
    expect(slack.violations).toEqual([]);
  });
});
