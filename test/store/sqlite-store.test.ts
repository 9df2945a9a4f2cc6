import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRecord, ImageRef, JobRecord, TurnRecord, UsageRecord } from '../../src/core/records.js';
import type { Store } from '../../src/core/store.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';

const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);
const hashC = 'c'.repeat(64);
const hashD = 'd'.repeat(64);

function image(hash: string): ImageRef {
  return { hash, mimeType: 'image/png', byteLength: 1234, width: 1024, height: 1024, seed: 7 };
}

function conversation(overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id: 'c1',
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'C1',
    rootMessageId: '1700000000.000100',
    ownerId: 'U1',
    model: 'gemini-2.5-flash-image',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

function turn(overrides: Partial<TurnRecord> = {}): TurnRecord {
  return {
    id: 't1',
    conversationId: 'c1',
    authorId: 'U1',
    action: 'imagine',
    instruction: 'a lighthouse at dusk',
    inputImages: [],
    outputImages: [],
    jobId: 'j1',
    upstreamRequestIds: [],
    notices: [],
    createdAt: 1_000,
    ...overrides,
  };
}

function job(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'j1',
    conversationId: 'c1',
    turnId: 't1',
    platform: 'slack',
    workspaceId: 'T1',
    memberId: 'U1',
    action: 'imagine',
    state: 'queued',
    input: { prompt: 'a lighthouse at dusk', attachments: [] },
    delivery: { channelId: 'C1', threadTs: '1700000000.000100' },
    costUnits: 1,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

/** A conversation, its first turn and that turn's job. */
async function seed(store: Store, id = 'c1', at = 1_000, extra: Partial<ConversationRecord> = {}): Promise<void> {
  await store.createJobWithKey(`key-${id}`, {
    conversation: conversation({ id, createdAt: at, updatedAt: at, ...extra }),
    turn: turn({ id: `${id}-t1`, conversationId: id, jobId: `${id}-j1`, createdAt: at }),
    job: job({ id: `${id}-j1`, conversationId: id, turnId: `${id}-t1`, createdAt: at, updatedAt: at }),
  });
}

let directory: string;
let path: string;
const opened: Store[] = [];

function open(): Store {
  const store = createSqliteStore({ path, now: () => 5_000 });
  opened.push(store);
  return store;
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'threadpaint-store-'));
  path = join(directory, 'data', 'threadpaint.db');
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('conversations', () => {
  it('finds a conversation by its thread id and by its root message id', async () => {
    const store = open();
    await store.createConversation(conversation({ platform: 'discord', workspaceId: 'G1', rootMessageId: 'M1' }));
    const location = { platform: 'discord', workspaceId: 'G1', channelId: 'C1' } as const;

    expect((await store.findConversationByLocation({ ...location, rootMessageId: 'M1' }))?.id).toBe('c1');
    expect(await store.findConversationByLocation({ ...location, threadId: 'TH1' })).toBeUndefined();

    // Discord opens the thread after the first reply is posted.
    const updated = await store.updateConversation('c1', { threadId: 'TH1', updatedAt: 2_000 });
    expect(updated).toMatchObject({ threadId: 'TH1', rootMessageId: 'M1', updatedAt: 2_000, createdAt: 1_000 });
    expect((await store.findConversationByLocation({ ...location, threadId: 'TH1' }))?.id).toBe('c1');
    expect(await store.getConversation('c1')).toEqual(updated);
  });

  it('matches a Slack thread_ts against the root message ts', async () => {
    const store = open();
    await store.createConversation(conversation({ rootMessageId: '1700000000.000100' }));
    const found = await store.findConversationByLocation({
      platform: 'slack',
      workspaceId: 'T1',
      channelId: 'C1',
      threadId: '1700000000.000100',
    });
    expect(found?.id).toBe('c1');
  });

  it('does not find a conversation across channels, workspaces or platforms (a Slack ts is unique per channel)', async () => {
    const store = open();
    await store.createConversation(conversation({ id: 'c1', channelId: 'C1', rootMessageId: '17.1' }));
    await store.createConversation(conversation({ id: 'c2', channelId: 'C2', rootMessageId: '17.1' }));
    const at = { platform: 'slack', workspaceId: 'T1', rootMessageId: '17.1' } as const;

    expect((await store.findConversationByLocation({ ...at, channelId: 'C1' }))?.id).toBe('c1');
    expect((await store.findConversationByLocation({ ...at, channelId: 'C2' }))?.id).toBe('c2');
    expect(await store.findConversationByLocation({ ...at, channelId: 'C3' })).toBeUndefined();
    expect(await store.findConversationByLocation({ ...at, workspaceId: 'T2', channelId: 'C1' })).toBeUndefined();
    expect(await store.findConversationByLocation({ ...at, platform: 'discord', channelId: 'C1' })).toBeUndefined();
    expect(await store.findConversationByLocation({ platform: 'slack', workspaceId: 'T1', channelId: 'C1' })).toBe(
      undefined,
    );
  });

  it('clears a field patched with null and answers undefined for an unknown conversation', async () => {
    const store = open();
    await store.createConversation(conversation({ threadId: 'TH1' }));
    const updated = await store.updateConversation('c1', { threadId: null, model: 'gpt-image-1', updatedAt: 3_000 });
    expect(updated).not.toHaveProperty('threadId');
    expect(updated?.model).toBe('gpt-image-1');
    expect(await store.updateConversation('nope', { updatedAt: 3_000 })).toBeUndefined();
  });
});

describe('turns', () => {
  it('chains turns through parentTurnId and lists them in creation order', async () => {
    const store = open();
    await seed(store);
    const second = turn({
      id: 'c1-t2',
      parentTurnId: 'c1-t1',
      action: 'edit',
      instruction: 'make it stormy',
      inputImages: [image(hashA)],
      jobId: 'c1-j2',
      createdAt: 2_000,
    });
    const third = turn({ id: 'c1-t3', parentTurnId: 'c1-t2', action: 'edit', jobId: 'c1-j3', createdAt: 2_000 });
    await store.createTurn(second);
    await store.createTurn(third);

    const turns = await store.listTurns('c1');
    expect(turns.map((each) => [each.id, each.parentTurnId])).toEqual([
      ['c1-t1', undefined],
      ['c1-t2', 'c1-t1'],
      ['c1-t3', 'c1-t2'],
    ]);
    expect(await store.getTurn('c1-t2')).toEqual(second);
  });

  it('stores what a running job learns about its turn', async () => {
    const store = open();
    await seed(store);
    const parameters = { model: 'gemini-2.5-flash-image', prompt: 'a lighthouse', count: 1, seed: 42, tier: '1K' };
    const updated = await store.updateTurn('c1-t1', {
      parameters,
      outputImages: [image(hashA), image(hashB)],
      upstreamRequestIds: ['req-1'],
      providerState: { thoughtSignature: 'sig' },
      notices: ['preview: offline renderer'],
    });
    expect(updated).toMatchObject({
      parameters,
      outputImages: [image(hashA), image(hashB)],
      upstreamRequestIds: ['req-1'],
      providerState: { thoughtSignature: 'sig' },
      notices: ['preview: offline renderer'],
      instruction: 'a lighthouse at dusk',
    });
    const cleared = await store.updateTurn('c1-t1', { providerState: null });
    expect(cleared).not.toHaveProperty('providerState');
    expect(cleared?.outputImages).toHaveLength(2);
  });

  it('answers the newest turn with delivered or generated outputs as the base of the next edit', async () => {
    const store = open();
    await seed(store);
    await store.updateTurnAndJob(
      { id: 'c1-t1', patch: { outputImages: [image(hashA)] } },
      { id: 'c1-j1', patch: { state: 'delivered', updatedAt: 1_100 } },
    );
    // A later turn that is still running, and one that failed, do not count.
    for (const [index, state] of [
      [2, 'running'],
      [3, 'failed'],
    ] as const) {
      await store.createTurn(
        turn({ id: `c1-t${index}`, parentTurnId: 'c1-t1', jobId: `c1-j${index}`, createdAt: 2_000 }),
      );
      await store.createJob(job({ id: `c1-j${index}`, turnId: `c1-t${index}`, state, createdAt: 2_000 }));
    }
    expect((await store.latestDeliveredTurn('c1'))?.id).toBe('c1-t1');

    await store.updateTurnAndJob(
      { id: 'c1-t2', patch: { outputImages: [image(hashB)] } },
      { id: 'c1-j2', patch: { state: 'generated', updatedAt: 2_100 } },
    );
    expect((await store.latestDeliveredTurn('c1'))?.id).toBe('c1-t2');
    expect(await store.latestDeliveredTurn('other')).toBeUndefined();
  });

  it('deletes a turn with its job and message links, keeps its children, and reports images nothing else uses', async () => {
    const store = open();
    await seed(store);
    await store.updateTurn('c1-t1', { outputImages: [image(hashA), image(hashB)] });
    await store.createTurn(turn({ id: 'c1-t2', parentTurnId: 'c1-t1', inputImages: [image(hashA)], createdAt: 2_000 }));
    await store.linkMessage({ ...messageAt('M1'), turnId: 'c1-t1' });

    const result = await store.deleteTurn('c1-t1');
    expect(result).toEqual({ deleted: true, orphanedHashes: [hashB] });
    expect(await store.getTurn('c1-t1')).toBeUndefined();
    expect(await store.getJob('c1-j1')).toBeUndefined();
    expect(await store.findMessage('slack', 'C1', 'M1')).toBeUndefined();
    expect(await store.getTurn('c1-t2')).not.toHaveProperty('parentTurnId');
    expect(await store.deleteTurn('c1-t1')).toEqual({ deleted: false, orphanedHashes: [] });
  });
});

function messageAt(messageId: string) {
  return { platform: 'slack', workspaceId: 'T1', channelId: 'C1', messageId, conversationId: 'c1' } as const;
}

describe('message map', () => {
  it('finds the turn (and output) of any message the bot posted, and lists the messages of a turn', async () => {
    const store = open();
    await seed(store);
    await store.linkMessage({ ...messageAt('M1'), turnId: 'c1-t1' });
    await store.linkMessage({ ...messageAt('M2'), turnId: 'c1-t1', outputIndex: 1 });

    expect(await store.findMessage('slack', 'C1', 'M2')).toEqual({
      ...messageAt('M2'),
      turnId: 'c1-t1',
      outputIndex: 1,
    });
    expect(await store.findMessage('slack', 'C1', 'M1')).toEqual({ ...messageAt('M1'), turnId: 'c1-t1' });
    expect(await store.findMessage('slack', 'C2', 'M1')).toBeUndefined();
    expect(await store.findMessage('discord', 'C1', 'M1')).toBeUndefined();
    expect((await store.listMessagesOfTurn('c1-t1')).map((link) => link.messageId)).toEqual(['M1', 'M2']);
  });

  it('refuses a link to a turn that does not exist', async () => {
    const store = open();
    await seed(store);
    await expect(store.linkMessage({ ...messageAt('M1'), turnId: 'nope' })).rejects.toThrow(/FOREIGN KEY/);
  });
});

describe('jobs', () => {
  it('persists every state transition, visible after closing and reopening the database', async () => {
    const first = open();
    await seed(first);
    await first.updateJob('c1-j1', { state: 'running', startedAt: 1_100, updatedAt: 1_100 });
    await first.updateTurnAndJob(
      { id: 'c1-t1', patch: { outputImages: [image(hashA)], upstreamRequestIds: ['req-1'] } },
      { id: 'c1-j1', patch: { state: 'generated', costUnits: 2, updatedAt: 1_200 } },
    );
    await first.close();

    const second = open();
    expect(await second.getJob('c1-j1')).toMatchObject({ state: 'generated', startedAt: 1_100, costUnits: 2 });
    expect((await second.listJobsByState(['generated'])).map((each) => each.id)).toEqual(['c1-j1']);
    const delivery = { channelId: 'C1', messageTs: '17.2', interactionToken: null };
    await second.updateJob('c1-j1', { state: 'delivered', finishedAt: 1_300, delivery, updatedAt: 1_300 });
    await second.close();

    const third = open();
    expect(await third.getJob('c1-j1')).toEqual({
      ...job({ id: 'c1-j1', turnId: 'c1-t1', idempotencyKey: 'key-c1' }),
      state: 'delivered',
      startedAt: 1_100,
      finishedAt: 1_300,
      delivery,
      costUnits: 2,
      updatedAt: 1_300,
    });
    expect((await third.getTurn('c1-t1'))?.outputImages).toEqual([image(hashA)]);
  });

  it('records an error and clears it again', async () => {
    const store = open();
    await seed(store);
    const error = {
      code: 'timeout' as const,
      message: 'the image took too long',
      referenceId: 'ref-1',
      retryable: true,
    };
    expect(await store.updateJob('c1-j1', { state: 'failed', error, updatedAt: 2 })).toMatchObject({ error });
    expect(await store.updateJob('c1-j1', { error: null, updatedAt: 3 })).not.toHaveProperty('error');
    expect(await store.updateJob('nope', { state: 'failed', updatedAt: 3 })).toBeUndefined();
  });

  it('applies a conditional update only while the job is in one of the expected states', async () => {
    const store = open();
    await seed(store);
    await store.updateJob('c1-j1', { state: 'running', updatedAt: 2 });
    const cancel = await store.updateJob('c1-j1', { state: 'cancelled', updatedAt: 3 }, { ifStateIn: ['queued'] });
    expect(cancel).toBeUndefined();
    expect((await store.getJob('c1-j1'))?.state).toBe('running');
    const interrupt = await store.updateJob(
      'c1-j1',
      { state: 'interrupted', updatedAt: 4 },
      { ifStateIn: ['running'] },
    );
    expect(interrupt?.state).toBe('interrupted');
  });

  it('lists jobs by state oldest first, and the jobs of a conversation', async () => {
    const store = open();
    await seed(store, 'c2', 3_000);
    await seed(store, 'c1', 1_000);
    await seed(store, 'c3', 2_000);
    await store.updateJob('c3-j1', { state: 'running', updatedAt: 2_100 });

    expect((await store.listJobsByState(['queued', 'running'])).map((each) => each.id)).toEqual([
      'c1-j1',
      'c3-j1',
      'c2-j1',
    ]);
    expect((await store.listJobsByState(['queued'])).map((each) => each.id)).toEqual(['c1-j1', 'c2-j1']);
    expect(await store.listJobsByState([])).toEqual([]);
    expect((await store.listJobsOfConversation('c3')).map((each) => each.id)).toEqual(['c3-j1']);
  });

  it('finds a pending Reroll of the same turn by the same member (a double click)', async () => {
    const store = open();
    await seed(store);
    await store.createTurn(turn({ id: 'c1-t2', parentTurnId: 'c1-t1', action: 'reroll', jobId: 'c1-j2' }));
    await store.createJob(job({ id: 'c1-j2', turnId: 'c1-t2', action: 'reroll', memberId: 'U1' }));

    expect((await store.findPendingJob('U1', 'c1-t1', 'reroll'))?.id).toBe('c1-j2');
    expect((await store.findPendingJob('U1', 'c1-t2', 'reroll'))?.id).toBe('c1-j2');
    expect(await store.findPendingJob('U2', 'c1-t1', 'reroll')).toBeUndefined();
    expect(await store.findPendingJob('U1', 'c1-t1', 'variations')).toBeUndefined();

    await store.updateJob('c1-j2', { state: 'running', updatedAt: 2 });
    expect((await store.findPendingJob('U1', 'c1-t1', 'reroll'))?.id).toBe('c1-j2');
    await store.updateJob('c1-j2', { state: 'generated', updatedAt: 3 });
    expect(await store.findPendingJob('U1', 'c1-t1', 'reroll')).toBeUndefined();
  });
});

describe('idempotency', () => {
  const records = (suffix: string) => ({
    conversation: conversation(),
    turn: turn({ id: `t-${suffix}`, jobId: `j-${suffix}` }),
    job: job({ id: `j-${suffix}`, turnId: `t-${suffix}` }),
  });

  it('makes one job for a repeated delivery and answers with the first job, even after it was delivered', async () => {
    const store = open();
    expect(await store.createJobWithKey('slack:T1:C1:17.1', records('a'))).toEqual({ created: true, jobId: 'j-a' });
    expect(await store.createJobWithKey('slack:T1:C1:17.1', records('b'))).toEqual({
      created: false,
      reason: 'duplicate',
      jobId: 'j-a',
    });

    await store.updateJob('j-a', { state: 'delivered', finishedAt: 9_000, updatedAt: 9_000 });
    await store.close();
    const reopened = open();
    expect(await reopened.createJobWithKey('slack:T1:C1:17.1', records('c'))).toMatchObject({
      created: false,
      jobId: 'j-a',
    });

    expect((await reopened.listJobsOfConversation('c1')).map((each) => each.id)).toEqual(['j-a']);
    expect((await reopened.listTurns('c1')).map((each) => each.id)).toEqual(['t-a']);
    expect((await reopened.getJob('j-a'))?.idempotencyKey).toBe('slack:T1:C1:17.1');
  });

  it('writes nothing, key included, when the job cannot be written', async () => {
    const store = open();
    const broken = { job: job({ id: 'j-x', conversationId: 'missing', turnId: 'missing' }) };
    await expect(store.createJobWithKey('discord:123', broken)).rejects.toThrow(/FOREIGN KEY/);
    expect(await store.createJobWithKey('discord:123', records('a'))).toEqual({ created: true, jobId: 'j-a' });
  });

  const reservation = (jobId: string, costUnits: number): UsageRecord => ({
    id: jobId,
    at: 1_000,
    platform: 'slack',
    workspaceId: 'T1',
    memberId: 'U1',
    model: 'gemini-2.5-flash-image',
    tier: '1K',
    count: 1,
    outcome: 'reserved',
    costUnits,
    jobId,
  });
  const hourOfU1 = { query: { platform: 'slack', workspaceId: 'T1', memberId: 'U1', since: 0 }, limit: 5 } as const;

  it('writes the usage reservation with the job, and nothing of either when the quota has no room', async () => {
    const store = open();
    const first = { ...records('a'), reservation: reservation('j-a', 4), quota: [hourOfU1] };
    expect(await store.createJobWithKey('k-a', first)).toEqual({ created: true, jobId: 'j-a' });
    expect(await store.sumUsage(hourOfU1.query)).toBe(4);

    const second = {
      turn: turn({ id: 't-b', jobId: 'j-b' }),
      job: job({ id: 'j-b', turnId: 't-b' }),
      reservation: reservation('j-b', 2),
      quota: [hourOfU1],
    };
    expect(await store.createJobWithKey('k-b', second)).toEqual({ created: false, reason: 'quota', guard: hourOfU1 });
    expect(await store.getJob('j-b')).toBeUndefined();
    expect(await store.getTurn('t-b')).toBeUndefined();
    expect(await store.findIdempotencyKey('k-b')).toBeUndefined();
    expect(await store.sumUsage(hourOfU1.query)).toBe(4);
    // The refused key stays free: the same delivery goes through once there is room.
    expect(await store.createJobWithKey('k-b', { ...second, quota: [{ ...hourOfU1, limit: 6 }] })).toMatchObject({
      created: true,
    });
  });

  it('answers a Reroll that is already queued for the member as a duplicate of it, inside the write', async () => {
    const store = open();
    await store.createJobWithKey('k-a', records('a'));
    await store.updateJob('j-a', { state: 'delivered', updatedAt: 2_000 });
    const reroll = (suffix: string) => ({
      turn: turn({ id: `t-${suffix}`, jobId: `j-${suffix}`, parentTurnId: 't-a', action: 'reroll' }),
      job: job({ id: `j-${suffix}`, turnId: `t-${suffix}`, action: 'reroll' }),
      unlessPending: { memberId: 'U1', turnId: 't-a', action: 'reroll' as const },
    });
    expect(await store.createJobWithKey('click-1', reroll('b'))).toEqual({ created: true, jobId: 'j-b' });
    expect(await store.createJobWithKey('click-2', reroll('c'))).toEqual({
      created: false,
      reason: 'pending',
      jobId: 'j-b',
    });
    expect(await store.getJob('j-c')).toBeUndefined();
    await store.updateJob('j-b', { state: 'delivered', updatedAt: 3_000 });
    expect(await store.createJobWithKey('click-3', reroll('d'))).toEqual({ created: true, jobId: 'j-d' });
  });

  it('points a retried turn at its new job and touches the conversation in the same write', async () => {
    const store = open();
    await store.createJobWithKey('k-a', records('a'));
    await store.updateJob('j-a', { state: 'failed', updatedAt: 2_000 });
    const retry = job({ id: 'j-r', turnId: 't-a', createdAt: 7_000, updatedAt: 7_000 });
    await store.createJobWithKey('k-r', { job: retry, retryTurnId: 't-a', touchConversationId: 'c1' });
    expect((await store.getTurn('t-a'))?.jobId).toBe('j-r');
    expect((await store.getConversation('c1'))?.updatedAt).toBe(7_000);
  });

  it('merges delivery ids instead of overwriting them: two writers keep both', async () => {
    const store = open();
    await store.createJobWithKey('k-a', records('a'));
    const [status, result] = await Promise.all([
      store.mergeJobDelivery('j-a', { statusTs: '17.2' }, 3_000),
      store.mergeJobDelivery('j-a', { turnTs: '17.9', threadTs: null }, 3_001),
    ]);
    expect(status?.delivery).toMatchObject({ channelId: 'C1', statusTs: '17.2' });
    expect(result?.delivery).toEqual({ channelId: 'C1', statusTs: '17.2', turnTs: '17.9' });
    expect((await store.getJob('j-a'))?.delivery).toEqual({ channelId: 'C1', statusTs: '17.2', turnTs: '17.9' });
    expect(await store.mergeJobDelivery('missing', { a: 1 }, 1)).toBeUndefined();
  });

  it('claims a key once', async () => {
    const store = open();
    expect(await store.claimIdempotencyKey('discord:42', 'j1', 1)).toEqual({ claimed: true });
    expect(await store.claimIdempotencyKey('discord:42', 'j2', 2)).toEqual({ claimed: false, jobId: 'j1' });
  });
});

describe('settings', () => {
  it('merges a patch into member settings and clears a field patched with null', async () => {
    const store = open();
    expect(await store.getMemberSettings('discord', 'G1', 'U1')).toEqual({});
    expect(
      await store.setMemberSettings('discord', 'G1', 'U1', { defaultModel: 'gpt-image-1', quality: 'high' }),
    ).toEqual({ defaultModel: 'gpt-image-1', quality: 'high' });
    await store.setMemberSettings('discord', 'G1', 'U1', { aspectRatio: '16:9', quality: null });
    expect(await store.getMemberSettings('discord', 'G1', 'U1')).toEqual({
      defaultModel: 'gpt-image-1',
      aspectRatio: '16:9',
    });
    expect(await store.getMemberSettings('discord', 'G2', 'U1')).toEqual({});
    expect(await store.getMemberSettings('slack', 'G1', 'U1')).toEqual({});
  });

  it('keeps server settings apart from member settings', async () => {
    const store = open();
    await store.setServerSettings('slack', 'T1', { quotaMemberPerHour: 20, defaultModel: 'qwen-image-plus' });
    await store.setServerSettings('slack', 'T1', { quotaMemberPerHour: null, quotaServerPerDay: 500 });
    expect(await store.getServerSettings('slack', 'T1')).toEqual({
      defaultModel: 'qwen-image-plus',
      quotaServerPerDay: 500,
    });
    expect(await store.getMemberSettings('slack', 'T1', 'U1')).toEqual({});
  });
});

describe('usage ledger', () => {
  const hour = 3_600_000;
  function usage(overrides: Partial<UsageRecord>): UsageRecord {
    return {
      id: 'u1',
      at: 0,
      platform: 'discord',
      workspaceId: 'G1',
      memberId: 'U1',
      model: 'gemini-2.5-flash-image',
      tier: '1K',
      count: 1,
      outcome: 'reserved',
      costUnits: 1,
      jobId: 'j1',
      ...overrides,
    };
  }
  const member = { platform: 'discord', workspaceId: 'G1', memberId: 'U1' } as const;

  it('reserves, settles, and sums a rolling window without cancelled rows', async () => {
    const store = open();
    await store.recordUsage(usage({ id: 'old', at: 0, costUnits: 5 }));
    await store.recordUsage(usage({ id: 'u1', at: 2 * hour, costUnits: 4, count: 4 }));
    await store.recordUsage(usage({ id: 'u2', at: 2 * hour + 10, costUnits: 2 }));
    await store.recordUsage(usage({ id: 'u3', at: 2 * hour + 20, costUnits: 3 }));
    await store.recordUsage(usage({ id: 'other', at: 2 * hour, memberId: 'U2', costUnits: 7 }));

    expect(await store.settleUsage('u1', 'succeeded', 3, 3)).toMatchObject({
      outcome: 'succeeded',
      costUnits: 3,
      count: 3,
    });
    await store.settleUsage('u2', 'timeout', 2);
    await store.settleUsage('u3', 'cancelled', 0);
    expect(await store.settleUsage('nope', 'failed', 1)).toBeUndefined();

    const window = { ...member, since: 2 * hour - hour };
    expect(await store.sumUsage(window)).toBe(3 + 2);
    expect(await store.sumUsage({ ...member, since: 0 })).toBe(5 + 3 + 2);
    expect(await store.sumUsage({ platform: 'discord', workspaceId: 'G1', since: hour })).toBe(3 + 2 + 7);
    expect(await store.sumUsage({ ...member, workspaceId: 'G2', since: 0 })).toBe(0);
  });

  it('says when enough units leave a rolling window for the member to go again', async () => {
    const store = open();
    await store.recordUsage(usage({ id: 'u1', at: 1_000, costUnits: 2 }));
    await store.recordUsage(usage({ id: 'u2', at: 2_000, costUnits: 2, outcome: 'cancelled' }));
    await store.recordUsage(usage({ id: 'u3', at: 3_000, costUnits: 2 }));
    await store.recordUsage(usage({ id: 'u4', at: 4_000, costUnits: 2 }));

    expect(await store.usageReleaseAt({ ...member, since: 0, units: 1 })).toBe(1_000);
    expect(await store.usageReleaseAt({ ...member, since: 0, units: 3 })).toBe(3_000);
    expect(await store.usageReleaseAt({ ...member, since: 1_500, units: 4 })).toBe(4_000);
    expect(await store.usageReleaseAt({ ...member, since: 0, units: 7 })).toBeUndefined();
  });

  it('summarises images and units per model', async () => {
    const store = open();
    await store.recordUsage(usage({ id: 'u1', model: 'gpt-image-1', count: 4, costUnits: 8, outcome: 'succeeded' }));
    await store.recordUsage(usage({ id: 'u2', model: 'gpt-image-1', count: 1, costUnits: 2, outcome: 'refused' }));
    await store.recordUsage(
      usage({ id: 'u3', model: 'gemini-2.5-flash-image', count: 1, costUnits: 1, outcome: 'succeeded' }),
    );
    await store.recordUsage(
      usage({ id: 'u4', model: 'gemini-2.5-flash-image', count: 1, costUnits: 1, outcome: 'cancelled' }),
    );
    await store.recordUsage(
      usage({ id: 'u5', model: 'gemini-2.5-flash-image', memberId: 'U2', costUnits: 1, outcome: 'succeeded' }),
    );

    expect(await store.usageSummary({ ...member, since: 0 })).toEqual([
      { model: 'gemini-2.5-flash-image', images: 1, calls: 1, units: 1 },
      { model: 'gpt-image-1', images: 4, calls: 2, units: 10 },
    ]);
    expect(await store.usageSummary({ platform: 'discord', workspaceId: 'G1', since: 0 })).toEqual([
      { model: 'gemini-2.5-flash-image', images: 2, calls: 2, units: 2 },
      { model: 'gpt-image-1', images: 4, calls: 2, units: 10 },
    ]);
  });
});

describe('retention', () => {
  it('deletes expired conversations with their turns, jobs and links, and reports the images nothing uses', async () => {
    const store = open();
    await seed(store, 'old', 1_000);
    await store.updateTurn('old-t1', { inputImages: [image(hashA)], outputImages: [image(hashB), image(hashC)] });
    await store.updateJob('old-j1', { state: 'delivered', updatedAt: 1_000 });
    await store.linkMessage({ ...messageAt('M-old'), conversationId: 'old', turnId: 'old-t1' });
    // A newer conversation started from the old one's output: that image must stay.
    await seed(store, 'new', 50_000, { rootMessageId: '17.9' });
    await store.updateTurn('new-t1', { inputImages: [image(hashC)] });

    const result = await store.deleteExpired(10_000);
    expect(result.conversations).toBe(1);
    expect(result.orphanedHashes.sort()).toEqual([hashA, hashB]);

    expect(await store.getConversation('old')).toBeUndefined();
    expect(await store.listTurns('old')).toEqual([]);
    expect(await store.getJob('old-j1')).toBeUndefined();
    expect(await store.findMessage('slack', 'C1', 'M-old')).toBeUndefined();
    expect(await store.getConversation('new')).toBeDefined();
    expect(await store.isHashReferenced(hashC)).toBe(true);
    expect(await store.isHashReferenced(hashA)).toBe(false);
    expect(await store.referencedHashes()).toEqual(new Set([hashC]));
  });

  it('keeps an expired conversation whose job is still in flight', async () => {
    const store = open();
    await seed(store, 'old', 1_000);
    expect(await store.deleteExpired(10_000)).toEqual({ conversations: 0, orphanedHashes: [] });
    await store.updateJob('old-j1', { state: 'interrupted', updatedAt: 2_000 });
    expect((await store.deleteExpired(10_000)).conversations).toBe(1);
  });

  it('counts job attachments as references until the job is gone', async () => {
    const store = open();
    await seed(store);
    await store.createTurn(turn({ id: 'c1-t2', jobId: 'c1-j2', createdAt: 2_000 }));
    const input = { prompt: 'mix them', attachments: [image(hashD)] };
    await store.createJob(job({ id: 'c1-j2', turnId: 'c1-t2', action: 'edit', input }));
    expect(await store.isHashReferenced(hashD)).toBe(true);
    expect(await store.deleteConversation('c1')).toEqual({ deleted: true, orphanedHashes: [hashD] });
  });

  it('forgets an idempotency key only once its job is gone and the key is older than the cutoff', async () => {
    const store = open();
    await seed(store, 'old', 1_000);
    await store.updateJob('old-j1', { state: 'delivered', updatedAt: 1_000 });
    await store.deleteExpired(10_000);
    const again = await store.createJobWithKey('key-old', {
      conversation: conversation({ id: 'again' }),
      turn: turn({ id: 'again-t1', conversationId: 'again', jobId: 'again-j1' }),
      job: job({ id: 'again-j1', conversationId: 'again', turnId: 'again-t1' }),
    });
    expect(again).toEqual({ created: true, jobId: 'again-j1' });
  });
});
