import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { JobRecord } from '../core/records.js';
import type { Store } from '../core/store.js';
import { migrate } from './migrations.js';
import { prepareConversationStatements } from './sqlite-conversations.js';
import { prepareIdempotency } from './sqlite-idempotency.js';
import { prepareJobStatements } from './sqlite-jobs.js';
import { prepareMessageStatements } from './sqlite-messages.js';
import { prepareRetentionStatements } from './sqlite-retention.js';
import { sqliteMigrations } from './sqlite-schema.js';
import { prepareSettingsStatements } from './sqlite-settings.js';
import { prepareTurnStatements } from './sqlite-turns.js';
import { prepareUsageStatements } from './sqlite-usage.js';

export interface SqliteStoreOptions {
  /** A database file (its directory is created) or `':memory:'`. */
  readonly path: string;
  /** The clock for the timestamps the store adds itself (message links, settings, migrations). */
  readonly now?: () => number;
  /** How long a write waits for another connection's lock before failing. */
  readonly busyTimeoutMs?: number;
  /**
   * How often the WAL is checkpointed into the database file; 0 leaves it to SQLite (every ~1,000 pages written).
   * A checkpoint fsyncs (about 10 ms on a VM disk): run inside a commit, that lands on one job's latency every few
   * dozen jobs; on a timer it costs one pause per interval. SQLite's own checkpoint stays as a backstop at
   * `walAutocheckpointPages`.
   */
  readonly checkpointIntervalMs?: number;
  readonly walAutocheckpointPages?: number;
}

export const sqliteStoreDefaults = {
  now: Date.now,
  busyTimeoutMs: 5_000,
  checkpointIntervalMs: 10_000,
  walAutocheckpointPages: 10_000,
} as const satisfies Required<Omit<SqliteStoreOptions, 'path'>>;

/**
 * The default store: one better-sqlite3 connection in WAL mode, schema migrated on open, every statement prepared
 * once. better-sqlite3 is synchronous; each method resolves (or rejects) with the result of its synchronous work,
 * and multi-statement writes run in one transaction.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const { now, busyTimeoutMs, checkpointIntervalMs, walAutocheckpointPages } = { ...sqliteStoreDefaults, ...options };
  const memory = options.path === ':memory:' || options.path === '';
  if (!memory) mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path, { timeout: busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (checkpointIntervalMs > 0) db.pragma(`wal_autocheckpoint = ${Math.trunc(walAutocheckpointPages)}`);
    migrate(db, sqliteMigrations, now);
    const checkpoints = memory || checkpointIntervalMs <= 0 ? undefined : startCheckpoints(db, checkpointIntervalMs);
    return storeOn(db, now, () => clearInterval(checkpoints));
  } catch (error) {
    db.close();
    throw error;
  }
}

function startCheckpoints(db: Database.Database, intervalMs: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A checkpoint that cannot run now (locked by another process) runs next time, or SQLite's backstop does.
    }
  }, intervalMs);
  timer.unref();
  return timer;
}

function storeOn(db: Database.Database, now: () => number, stopCheckpoints: () => void): Store {
  const conversations = prepareConversationStatements(db);
  const turns = prepareTurnStatements(db);
  const jobs = prepareJobStatements(db, turns);
  const messages = prepareMessageStatements(db, now);
  const usage = prepareUsageStatements(db);
  const idempotency = prepareIdempotency(db, { conversations, turns, jobs, usage });
  const settings = prepareSettingsStatements(db, now);
  const retention = prepareRetentionStatements(db);
  const insertTurn = db.transaction(turns.insert);
  const updateTurn = db.transaction(turns.update);
  const insertJob = db.transaction(jobs.insert);
  const mergeJobDelivery = db.transaction((id: string, delivery: JobRecord['delivery'], updatedAt: number) => {
    const job = jobs.get(id);
    if (!job) return undefined;
    const merged = Object.fromEntries(
      Object.entries({ ...job.delivery, ...delivery }).filter(([, value]) => value !== null && value !== undefined),
    );
    return jobs.update(id, { delivery: merged, updatedAt });
  });
  const updateTurnAndJob = db.transaction(
    (turn: Parameters<Store['updateTurnAndJob']>[0], job: Parameters<Store['updateTurnAndJob']>[1]) => ({
      turn: turns.update(turn.id, turn.patch),
      job: jobs.update(job.id, job.patch, job.options),
    }),
  );

  return {
    createConversation: async (conversation) => conversations.insert(conversation),
    getConversation: async (id) => conversations.get(id),
    findConversationByLocation: async (location) => conversations.findByLocation(location),
    updateConversation: async (id, patch) => conversations.update(id, patch),
    deleteConversation: async (id) => retention.deleteConversation(id),

    createTurn: async (turn) => insertTurn.immediate(turn),
    getTurn: async (id) => turns.get(id),
    updateTurn: async (id, patch) => updateTurn.immediate(id, patch),
    listTurns: async (conversationId) => turns.list(conversationId),
    latestDeliveredTurn: async (conversationId) => turns.latestDelivered(conversationId),
    deleteTurn: async (id) => retention.deleteTurn(id),

    linkMessage: async (link) => messages.link(link),
    findMessage: async (platform, channelId, messageId) => messages.find(platform, channelId, messageId),
    listMessagesOfTurn: async (turnId) => messages.listOfTurn(turnId),

    createJob: async (job) => insertJob.immediate(job),
    getJob: async (id) => jobs.get(id),
    updateJob: async (id, patch, options) => jobs.update(id, patch, options),
    mergeJobDelivery: async (id, delivery, updatedAt) => mergeJobDelivery.immediate(id, delivery, updatedAt),
    updateTurnAndJob: async (turn, job) => updateTurnAndJob.immediate(turn, job),
    listJobsByState: async (states) => jobs.listByState(states),
    findPendingJob: async (memberId, turnId, action) => jobs.findPending(memberId, turnId, action),
    listJobsOfConversation: async (conversationId) => jobs.listOfConversation(conversationId),

    claimIdempotencyKey: async (key, jobId, at) => idempotency.claim(key, jobId, at),
    findIdempotencyKey: async (key) => idempotency.find(key),
    createJobWithKey: async (key, records) => idempotency.createWithKey(key, records),

    getMemberSettings: async (platform, workspaceId, memberId) => settings.getMember(platform, workspaceId, memberId),
    setMemberSettings: async (platform, workspaceId, memberId, patch) =>
      settings.setMember(platform, workspaceId, memberId, patch),
    getServerSettings: async (platform, workspaceId) => settings.getServer(platform, workspaceId),
    setServerSettings: async (platform, workspaceId, patch) => settings.setServer(platform, workspaceId, patch),

    recordUsage: async (record) => usage.record(record),
    settleUsage: async (id, outcome, costUnits, count) => usage.settle(id, outcome, costUnits, count),
    sumUsage: async (query) => usage.sum(query),
    usageReleaseAt: async (query) => usage.releaseAt(query),
    usageSummary: async (query) => usage.summary(query),

    deleteExpired: async (before) => retention.deleteExpired(before),
    isHashReferenced: async (hash) => retention.isReferenced(hash),
    referencedHashes: async () => retention.referenced(),

    close: async () => {
      stopCheckpoints();
      if (!db.open) return;
      db.pragma('optimize');
      db.close();
    },
  };
}
