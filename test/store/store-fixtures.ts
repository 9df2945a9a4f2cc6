import type { ConversationRecord, ImageRef, JobRecord, TurnRecord, UsageRecord } from '../../src/core/records.js';
import type { Store } from '../../src/core/store.js';

/** Records for the store contract: one Slack conversation `c1` with turn `t1` and job `j1` unless overridden. */
export const hashA = 'a'.repeat(64);
export const hashB = 'b'.repeat(64);
export const hashC = 'c'.repeat(64);
export const hashD = 'd'.repeat(64);

export function image(hash: string): ImageRef {
  return { hash, mimeType: 'image/png', byteLength: 1234, width: 1024, height: 1024, seed: 7 };
}

export function conversation(overrides: Partial<ConversationRecord> = {}): ConversationRecord {
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

export function turn(overrides: Partial<TurnRecord> = {}): TurnRecord {
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

export function job(overrides: Partial<JobRecord> = {}): JobRecord {
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
export async function seed(
  store: Store,
  id = 'c1',
  at = 1_000,
  extra: Partial<ConversationRecord> = {},
): Promise<void> {
  await store.createJobWithKey(`key-${id}`, {
    conversation: conversation({ id, createdAt: at, updatedAt: at, ...extra }),
    turn: turn({ id: `${id}-t1`, conversationId: id, jobId: `${id}-j1`, createdAt: at }),
    job: job({ id: `${id}-j1`, conversationId: id, turnId: `${id}-t1`, createdAt: at, updatedAt: at }),
  });
}

export function messageAt(messageId: string) {
  return { platform: 'slack', workspaceId: 'T1', channelId: 'C1', messageId, conversationId: 'c1' } as const;
}

/** A usage reservation of member U1 in Slack workspace T1 for `jobId`. */
export function reservation(jobId: string, costUnits: number, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
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
    ...overrides,
  };
}
