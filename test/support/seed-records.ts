import { randomUUID } from 'node:crypto';
import type { ConversationRecord, JobRecord, JobState, TurnRecord } from '../../src/core/records.js';
import type { Store } from '../../src/core/store.js';

export interface SeedJobOptions {
  readonly state: JobState;
  readonly prompt: string;
  readonly at: number;
  readonly memberId?: string;
  readonly model?: string;
  /** Added to the turn (outputs of a `generated` job, say). */
  readonly turn?: Partial<TurnRecord>;
}

export interface SeededJob {
  readonly conversation: ConversationRecord;
  readonly turn: TurnRecord;
  readonly job: JobRecord;
}

/**
 * Writes an /imagine conversation, its turn and its job in `state` straight into a store, with its usage
 * reservation: what a process that died mid-way leaves behind.
 */
export async function seedImagineJob(store: Store, options: SeedJobOptions): Promise<SeededJob> {
  const memberId = options.memberId ?? 'U1';
  const model = options.model ?? 'gemini-2.5-flash-image';
  const conversation: ConversationRecord = {
    id: `conversation-${randomUUID()}`,
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'C1',
    rootMessageId: `${options.at / 1000}.000100`,
    ownerId: memberId,
    model,
    createdAt: options.at,
    updatedAt: options.at,
  };
  const jobId = `job-${randomUUID()}`;
  const turn: TurnRecord = {
    id: `turn-${randomUUID()}`,
    conversationId: conversation.id,
    authorId: memberId,
    action: 'imagine',
    instruction: options.prompt,
    inputImages: [],
    outputImages: [],
    jobId,
    upstreamRequestIds: [],
    notices: [],
    createdAt: options.at,
    ...options.turn,
  };
  const running = options.state !== 'queued';
  const job: JobRecord = {
    id: jobId,
    conversationId: conversation.id,
    turnId: turn.id,
    platform: 'slack',
    workspaceId: 'T1',
    memberId,
    action: 'imagine',
    state: options.state,
    input: { prompt: options.prompt, model, attachments: [] },
    delivery: { channelId: 'C1' },
    costUnits: 1,
    createdAt: options.at,
    ...(running ? { startedAt: options.at } : {}),
    updatedAt: options.at,
  };
  await store.createJobWithKey(`seed:${jobId}`, { conversation, turn, job });
  await store.recordUsage({
    id: jobId,
    at: options.at,
    platform: 'slack',
    workspaceId: 'T1',
    memberId,
    model,
    tier: '1K',
    count: 1,
    outcome: options.state === 'generated' ? 'succeeded' : 'reserved',
    costUnits: 1,
    jobId,
  });
  const stored = await store.getJob(jobId);
  return { conversation, turn, job: stored ?? job };
}
