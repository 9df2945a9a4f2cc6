import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/core/records.js';
import type { NewJobRecords, Store } from '../../src/core/store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.js';
import { conversation, job, reservation, seed, turn } from './store-fixtures.js';

/*
 * Two stores on separate pools stand for two processes sharing one schema: each write below is sent from both at
 * once, and what must hold across processes is checked in what the database holds afterwards.
 */
let schema: TestSchema;
let first: Store;
let second: Store;

beforeEach(async () => {
  schema = createTestSchema();
  const open = async () =>
    (await openPostgresStore({ url: schema.url, schema: schema.name, now: () => 5_000, maxConnections: 6 })).store;
  [first, second] = await Promise.all([open(), open()]);
});
afterEach(async () => {
  await Promise.all([first.close(), second.close()]);
  await schema.drop();
});

/** Spreads `count` calls over both stores, all started before any is awaited. */
function fromBoth<T>(count: number, call: (store: Store, index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => call(index % 2 === 0 ? first : second, index)));
}

function newConversationJob(index: number, costUnits = 1): NewJobRecords {
  const id = `c${index}`;
  return {
    conversation: conversation({ id, rootMessageId: `17.${index}` }),
    turn: turn({ id: `${id}-t`, conversationId: id, jobId: `${id}-j` }),
    job: job({ id: `${id}-j`, conversationId: id, turnId: `${id}-t` }),
    reservation: reservation(`${id}-j`, costUnits),
  };
}

const memberHour = { platform: 'slack', workspaceId: 'T1', memberId: 'U1', since: 0 } as const;
const serverDay = { platform: 'slack', workspaceId: 'T1', since: 0 } as const;

describe('PostgreSQL store shared by two processes', () => {
  it('never lets two processes both pass a full quota', async () => {
    const quota = [{ query: memberHour, limit: 5 }];
    const results = await fromBoth(24, (store, index) =>
      store.createJobWithKey(`k${index}`, { ...newConversationJob(index), quota }),
    );
    expect(results.filter((result) => result.created)).toHaveLength(5);
    expect(results.filter((result) => !result.created && result.reason === 'quota')).toHaveLength(19);
    expect(await first.sumUsage(memberHour)).toBe(5);
  });

  it('holds a server-wide quota across members of one workspace', async () => {
    const results = await fromBoth(16, (store, index) => {
      const records = newConversationJob(index);
      const memberId = `U${index}`;
      return store.createJobWithKey(`k${index}`, {
        ...records,
        job: { ...records.job, memberId },
        reservation: { ...(records.reservation as UsageRecord), memberId },
        quota: [{ query: serverDay, limit: 3 }],
      });
    });
    expect(results.filter((result) => result.created)).toHaveLength(3);
    expect(await second.sumUsage(serverDay)).toBe(3);
  });

  it('locks a workspace whose id holds quotes, backslashes and semicolons as that workspace', async () => {
    const workspaceId = "T1'; SELECT pg_sleep(10); --\\";
    const records = newConversationJob(1);
    const result = await first.createJobWithKey('k1', {
      ...records,
      conversation: conversation({ id: 'c1', workspaceId }),
      job: { ...records.job, workspaceId },
      quota: [{ query: { ...serverDay, workspaceId }, limit: 5 }],
    });
    expect(result).toEqual({ created: true, jobId: 'c1-j' });
    expect((await second.getJob('c1-j'))?.workspaceId).toBe(workspaceId);
  });

  it('lets one of two processes claim a key, and answers the other with its job', async () => {
    const results = await fromBoth(10, (store, index) =>
      store.createJobWithKey('slack:T1:C1:17.1', newConversationJob(index)),
    );
    const created = results.filter((result) => result.created);
    expect(created).toHaveLength(1);
    const winner = created[0]?.jobId;
    expect(results.filter((result) => !result.created)).toEqual(
      Array.from({ length: 9 }, () => ({ created: false, reason: 'duplicate', jobId: winner })),
    );
    expect(await first.findIdempotencyKey('slack:T1:C1:17.1')).toBe(winner);
  });

  it('queues one Reroll when the same click arrives at two processes', async () => {
    await seed(first);
    await first.updateJob('c1-j1', { state: 'delivered', updatedAt: 2_000 });
    const results = await fromBoth(10, (store, index) =>
      store.createJobWithKey(`click-${index}`, {
        turn: turn({ id: `r${index}`, parentTurnId: 'c1-t1', action: 'reroll', jobId: `rj${index}` }),
        job: job({ id: `rj${index}`, turnId: `r${index}`, action: 'reroll' }),
        unlessPending: { memberId: 'U1', turnId: 'c1-t1', action: 'reroll' },
      }),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(results.filter((result) => !result.created && result.reason === 'pending')).toHaveLength(9);
  });

  it('applies exactly one of a start and a cancel racing for a queued job', async () => {
    for (let round = 0; round < 10; round++) {
      await seed(first, `c${round}`, 1_000, { rootMessageId: `17.${round}` });
      const id = `c${round}-j1`;
      const [started, cancelled] = await Promise.all([
        first.updateJob(id, { state: 'running', updatedAt: 2_000 }, { ifStateIn: ['queued'] }),
        second.updateJob(id, { state: 'cancelled', updatedAt: 2_000 }, { ifStateIn: ['queued'] }),
      ]);
      expect([started, cancelled].filter((each) => each !== undefined)).toHaveLength(1);
      expect((await first.getJob(id))?.state).toBe((started ?? cancelled)?.state);
    }
  });

  it('keeps every delivery id merged from both processes at once', async () => {
    await seed(first);
    await fromBoth(20, (store, index) => store.mergeJobDelivery('c1-j1', { [`message${index}`]: `M${index}` }, 3_000));
    const delivery = (await second.getJob('c1-j1'))?.delivery;
    expect(Object.keys(delivery ?? {}).sort()).toEqual(
      ['channelId', 'threadTs', ...Array.from({ length: 20 }, (_, index) => `message${index}`)].sort(),
    );
  });

  it('keeps every field of settings merged from both processes at once', async () => {
    for (let round = 0; round < 5; round++) {
      const workspace = `T${round}`;
      await Promise.all([
        first.setServerSettings('slack', workspace, { defaultModel: 'gpt-image-1' }),
        second.setServerSettings('slack', workspace, { aspectRatio: '16:9' }),
        first.setServerSettings('slack', workspace, { quality: 'high' }),
        second.setServerSettings('slack', workspace, { quotaMemberPerHour: 10 }),
        first.setServerSettings('slack', workspace, { quotaMemberPerDay: 20 }),
        second.setServerSettings('slack', workspace, { quotaServerPerDay: 30 }),
      ]);
      expect(await first.getServerSettings('slack', workspace)).toEqual({
        defaultModel: 'gpt-image-1',
        aspectRatio: '16:9',
        quality: 'high',
        quotaMemberPerHour: 10,
        quotaMemberPerDay: 20,
        quotaServerPerDay: 30,
      });
    }
  });
});
