import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fakes/fake-image-api.js';
import { nextEventId } from '../../fakes/fake-slack-payloads.js';
import { dataUrlImages } from '../../support/image-bytes.js';
import { loadPayload, type PayloadIds } from '../payloads.js';
import { colouredPng, type SlackHarness, startSlackHarness } from './slack-harness.js';

let harness: SlackHarness;
let rootTs: string;

beforeAll(async () => {
  harness = await startSlackHarness();
  await harness.imagine('a red boat on a lake');
  rootTs = await harness.rootOf('a red boat on a lake');
  await harness.waitDone(rootTs);
});
afterAll(async () => {
  await harness?.close();
});

const generations = () => harness.imageApi.requests.filter((request) => request.path.startsWith('/v1/images'));
const bodyText = (request: RecordedRequest | undefined) => JSON.stringify(request?.body ?? null);
const activeJobs = async () =>
  (await harness.bot.engine.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).length;

/** The fake's ids for a capture: a member message stored in the conversation thread (or in `channel`) and the rest. */
function idsFor(extra: PayloadIds = {}, where: { channel?: string; threadTs?: string | null } = {}): PayloadIds {
  const { slack } = harness;
  const channel = where.channel ?? 'C1';
  const threadTs = where.threadTs === null ? undefined : (where.threadTs ?? rootTs);
  const ts = slack.postAsMember({ channel, user: 'U1', text: 'captured', ...(threadTs ? { threadTs } : {}) });
  return {
    team: slack.teamId,
    channel,
    user: 'U1',
    bot_user: slack.botUserId,
    ts,
    thread_ts: threadTs ?? ts,
    event_id: nextEventId(),
    ...extra,
  };
}

async function replay(name: string, ids: PayloadIds): Promise<number> {
  const { payload } = loadPayload(`slack/${name}`, ids);
  // processBeforeResponse: the answer comes once the listener has recorded (or ignored) the event.
  return (await harness.bot.signer.event(payload)).status;
}

describe('captured Slack events, replayed through Bolt', () => {
  it('starts nothing for Slackbot, other apps, classic bots, edits and joins', async () => {
    const before = { generations: generations().length, jobs: await activeJobs() };
    const ephemerals = harness.slack.ephemerals.length;
    const calls = harness.slack.calls.length;

    expect(await replay('message-slackbot-removed.json', idsFor({ dm: 'D1' }, { channel: 'D1', threadTs: null }))).toBe(
      200,
    );
    for (const name of ['message-other-app.json', 'message-classic-bot.json', 'message-changed.json']) {
      expect(await replay(name, idsFor())).toBe(200);
    }
    expect(await replay('message-channel-join.json', idsFor({}, { threadTs: null }))).toBe(200);

    expect(await activeJobs()).toBe(before.jobs);
    expect(generations()).toHaveLength(before.generations);
    expect(harness.slack.ephemerals).toHaveLength(ephemerals);
    expect(harness.slack.calls.slice(calls).filter((call) => call.method.startsWith('chat.'))).toEqual([]);
  });

  it('edits with a shared file (file_share) and with a reply also sent to the channel (thread_broadcast)', async () => {
    const { slack, imageApi } = harness;
    const reference = colouredPng(41);
    const file = slack.addFile(reference, { name: 'file.png' });
    await replay(
      'message-file-share.json',
      idsFor({ file_id: file.id, file_url: file.url_private, file_download_url: file.url_private_download }),
    );
    const edit = await imageApi.waitFor((request) => bodyText(request).includes('Hi there!'));
    expect(dataUrlImages(edit.body)).toContainEqual(Buffer.from(reference));

    await replay('message-thread-broadcast.json', idsFor());
    await imageApi.waitFor((request) => bodyText(request).includes('add a rainbow'));
  });

  it('takes an external Slack Connect member as a member of the installed workspace: a reply continues the thread, a mention starts one', async () => {
    const { slack, imageApi, bot } = harness;
    const external = { external_team: 'T0EXTERNAL' };

    await replay('message-slack-connect-reply.json', idsFor(external));
    await imageApi.waitFor((request) => bodyText(request).includes('make it a night scene'));
    const reply = (await bot.engine.store.listJobsByState(['queued', 'running', 'generated', 'delivered'])).find(
      (job) => job.input.prompt === 'make it a night scene',
    );
    expect(reply).toMatchObject({ workspaceId: slack.teamId, action: 'edit', delivery: { senderTeam: 'T0EXTERNAL' } });

    const mention = idsFor(external, { threadTs: null });
    await replay('app-mention-slack-connect.json', mention);
    await imageApi.waitFor((request) => bodyText(request).includes('a harbour at dawn'));
    const conversation = await bot.engine.findConversation({
      platform: 'slack',
      workspaceId: slack.teamId,
      channelId: 'C1',
      threadId: String(mention['ts']),
    });
    expect(conversation).toBeDefined();
  });

  it('reads a Slack Connect file stub with files.info and uses the image', async () => {
    const { slack, imageApi } = harness;
    const reference = colouredPng(42);
    const stub = slack.stubFile(reference, { name: 'partner.png' });

    await replay('message-file-stub-connect.json', idsFor({ file_id: stub.id, text: 'use their logo' }));
    const request = await imageApi.waitFor((candidate) => bodyText(candidate).includes('use their logo'));

    expect(dataUrlImages(request.body)).toContainEqual(Buffer.from(reference));
    expect(slack.callsOf('files.info').map((call) => call.args['file'])).toContain(stub.id);
  });

  it('says a file the workspace cannot see is unseen, and still runs the text the member wrote', async () => {
    const { slack, imageApi } = harness;
    const stub = slack.stubFile(colouredPng(43), { name: 'secret.png', access: 'none' });
    const before = generations().length;

    await replay('message-file-stub-connect.json', idsFor({ file_id: stub.id, text: 'add a crane' }));
    const request = await imageApi.waitFor((candidate) => bodyText(candidate).includes('add a crane'));
    expect(dataUrlImages(request.body)).toHaveLength(1);
    const status = await slack.waitFor(
      (call) => call.method === 'chat.postMessage' && String(call.args['blocks']).includes('add a crane'),
    );
    expect(String(status.args['blocks'])).toContain(
      // A stub names no file, and files.info tells this workspace nothing more.
      "I can't see the shared file: it was shared from another organisation's workspace (Slack Connect), and this workspace has no access to it. I went ahead with the rest of your message.",
    );
    expect(generations()).toHaveLength(before + 1);
  });

  it('tells the member about a file hidden by the plan limit when it was all they sent, and makes nothing', async () => {
    const { slack } = harness;
    const stub = slack.stubFile(colouredPng(44), { name: 'old.png', access: 'hidden_by_limit' });
    const before = { generations: generations().length, jobs: await activeJobs() };

    await replay('message-file-hidden-by-limit.json', idsFor({ file_id: stub.id, text: '' }));
    const told = await slack.waitFor(
      (call) => call.method === 'chat.postEphemeral' && String(call.args['text']).includes('old.png'),
    );

    expect(told.args['text']).toBe(
      "I can't see old.png: Slack hides it because of this workspace's file storage limit. Share the image again from a message of your own in this workspace.",
    );
    expect(await activeJobs()).toBe(before.jobs);
    expect(generations()).toHaveLength(before.generations);
  });

  it('never echoes a literal <!channel> back where Slack would ping with it', async () => {
    const { slack, imageApi } = harness;
    const ids = idsFor();
    const callsBefore = slack.calls.length;

    await replay('message-literal-channel.json', ids);
    const request = await imageApi.waitFor((candidate) => bodyText(candidate).includes('make it red'));
    // The model gets what the member typed; Slack gets it escaped.
    expect(bodyText(request)).toContain('<!channel> make it red & gold');
    await slack.waitForCalls('chat.postMessage', 1, (call) => String(call.args['text']).startsWith('Turn'));
    const posted = slack.calls.slice(callsBefore).filter((call) => call.method.startsWith('chat.'));
    expect(posted.length).toBeGreaterThan(0);
    for (const call of posted) {
      expect(`${String(call.args['text'])}${String(call.args['blocks'] ?? '')}`).not.toMatch(
        /<!(channel|here|everyone)/,
      );
    }
    expect(posted.some((call) => String(call.args['text']).includes('&lt;!channel&gt; make it red &amp; gold'))).toBe(
      true,
    );
  });
});
