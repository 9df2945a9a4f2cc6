import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colouredPng, dataUrlOf, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
let rootTs: string;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a quiet harbour --model seedream');
  rootTs = await harness.rootOf('a quiet harbour');
  await harness.waitDone(rootTs);
});
afterAll(async () => {
  await harness?.close();
});

const liveStates = ['queued', 'running', 'generated', 'delivered'] as const;
const shared = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) =>
    harness.slack.addFile(colouredPng(from + index), { name: `photo-${index + 1}.png` }),
  );

describe('Slack blend', () => {
  it('explains itself on `/imagine blend`: slash commands carry no files', async () => {
    const answer = JSON.parse((await harness.imagine('blend')).body) as { text: string };
    expect(answer.text).toContain('share them in one message that starts with `blend`');
    expect(answer.text).toContain('`gpt-image-1`');
    expect(answer.text).not.toContain('seededit');
  });

  it('blends 3 images shared in the thread into a new turn made from those images only', async () => {
    const { slack, imageApi } = harness;
    const before = imageApi.requests.length;
    await harness.say({ text: 'blend into one dreamy landscape', threadTs: rootTs, files: shared(60, 3) });
    await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && String(call.args['text']).startsWith('Turn 2:'),
    );
    const request = imageApi.requests.slice(before).find((candidate) => candidate.method === 'POST');
    const body = JSON.stringify(request?.body);
    expect(request?.body).toMatchObject({ prompt: 'into one dreamy landscape' });
    for (const index of [0, 1, 2]) expect(body).toContain(dataUrlOf(colouredPng(60 + index)));
    // Not an edit: the latest result is not among the inputs.
    expect(body).not.toContain(dataUrlOf(harness.generated[0] as Uint8Array));
    expect(slack.violations).toEqual([]);
  });

  it('refuses 5 images in the thread with a sentence, and makes no job', async () => {
    const { slack, imageApi, bot } = harness;
    await harness.settled();
    const jobs = (await bot.engine.store.listJobsByState([...liveStates])).length;
    const before = imageApi.requests.length;
    await harness.say({ text: 'blend', threadTs: rootTs, files: shared(70, 5) });
    await slack.waitFor(
      (call) =>
        call.method === 'chat.postEphemeral' &&
        String(call.args['text']).includes('Blend takes 2 to 4 images; 5 were given.'),
    );
    expect((await bot.engine.store.listJobsByState([...liveStates])).length).toBe(jobs);
    expect(imageApi.requests.length).toBe(before);
    expect(slack.violations).toEqual([]);
  });
});
