import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataUrlImages } from '../../support/image-bytes.js';
import { colouredPng, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
let rootTs: string;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a paper lantern');
  rootTs = await harness.rootOf('a paper lantern');
  await harness.waitDone(rootTs);
});
afterAll(async () => {
  await harness?.close();
});

const bodyText = (body: unknown) => JSON.stringify(body ?? '');

describe('files shared in a Slack thread', () => {
  it('are recorded while Slack waits and downloaded when the job starts: the answer does not wait for a slow file', async () => {
    const { slack, imageApi } = harness;
    const reference = colouredPng(71);
    const file = slack.addFile(reference, { name: 'slow.png' });
    const release = slack.holdFiles();
    const before = slack.filesRequested;

    // Slack has its answer while the file is still held: the listener downloaded nothing.
    const { response } = await harness.say({ text: 'hang it in a garden', threadTs: rootTs, files: [file] });
    expect(response.status).toBe(200);
    expect(slack.filesRequested).toBe(before);
    const job = (await harness.bot.engine.store.listJobsByState(['queued', 'running'])).find(
      (candidate) => candidate.input.prompt === 'hang it in a garden',
    );
    expect(job?.input.files).toEqual([expect.objectContaining({ name: 'slow.png' })]);

    // The job asks for the file once it has started.
    await vi.waitFor(() => expect(slack.filesRequested).toBe(before + 1));
    release();
    const request = await imageApi.waitFor((candidate) => bodyText(candidate.body).includes('hang it in a garden'));
    expect(dataUrlImages(request.body)).toContainEqual(Buffer.from(reference));
    await harness.settled();
  });

  it('runs a reply that is only a file, as every platform does: "mix these images"', async () => {
    const { slack, imageApi } = harness;
    const reference = colouredPng(72);
    const file = slack.addFile(reference, { name: 'only.png' });

    await harness.say({ text: '', threadTs: rootTs, files: [file] });
    const request = await imageApi.waitFor((candidate) => bodyText(candidate.body).includes('mix these images'));
    expect(dataUrlImages(request.body)).toContainEqual(Buffer.from(reference));
    await harness.settled();
  });

  it('tells the member, through the job, when a recorded file cannot be downloaded any more', async () => {
    const { slack, imageApi } = harness;
    const file = slack.addFile(colouredPng(73), { name: 'gone.png' });
    const upstream = imageApi.requests.length;
    const release = slack.holdFiles();
    await harness.say({ text: 'frame it', threadTs: rootTs, files: [file] });
    slack.deleteFile(file.id);
    release();

    const told = await slack.waitFor(
      (call) => call.method === 'chat.postEphemeral' && String(call.args['text']).includes('gone.png'),
    );
    expect(String(told.args['text'])).toContain("I couldn't download gone.png from Slack");
    expect(imageApi.requests).toHaveLength(upstream);
    await harness.settled();
  });
});
