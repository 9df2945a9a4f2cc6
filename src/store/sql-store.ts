import type { JobRecord } from '../core/records.js';
import type { Store } from '../core/store.js';
import { conversationQueries as conversations } from './sql-conversations.js';
import type { SqlDatabase } from './sql-database.js';
import { idempotencyQueries as idempotency } from './sql-idempotency.js';
import { jobQueries as jobs } from './sql-jobs.js';
import { messageQueries as messages } from './sql-messages.js';
import { retentionQueries as retention } from './sql-retention.js';
import { settingsQueries as settings } from './sql-settings.js';
import { turnQueries as turns } from './sql-turns.js';
import { usageQueries as usage } from './sql-usage.js';

/** Merged delivery ids: fields of `delivery` win, and a field that ends up `null` is dropped. */
function mergeDelivery(stored: JobRecord['delivery'], delivery: JobRecord['delivery']): JobRecord['delivery'] {
  return Object.fromEntries(
    Object.entries({ ...stored, ...delivery }).filter(([, value]) => value !== null && value !== undefined),
  );
}

/**
 * The `Store` on either engine: every method is the same statements through `db`. Multi-statement writes are one
 * transaction; read-modify-writes read the row under its lock. `now` stamps what the store adds itself (message
 * links, settings).
 */
export function createSqlStore(db: SqlDatabase, now: () => number, onClose: () => Promise<void>): Store {
  let closed: Promise<void> | undefined;
  return {
    createConversation: (conversation) => conversations.insert(db, conversation),
    getConversation: (id) => conversations.get(db, id),
    findConversationByLocation: (location) => conversations.findByLocation(db, location),
    updateConversation: (id, patch) => conversations.update(db, id, patch),
    deleteConversation: (id) => retention.deleteConversation(db, id),

    createTurn: (turn) => db.transaction((transaction) => turns.insert(transaction, turn)),
    getTurn: (id) => turns.get(db, id),
    updateTurn: (id, patch) => db.transaction((transaction) => turns.update(transaction, id, patch)),
    listTurns: (conversationId) => turns.list(db, conversationId),
    latestDeliveredTurn: (conversationId) => turns.latestDelivered(db, conversationId),
    deleteTurn: (id) => retention.deleteTurn(db, id),

    linkMessage: (link) => messages.link(db, link, now()),
    findMessage: (platform, channelId, messageId) => messages.find(db, platform, channelId, messageId),
    listMessagesOfTurn: (turnId) => messages.listOfTurn(db, turnId),

    createJob: (job) => db.transaction((transaction) => jobs.insert(transaction, job)),
    getJob: (id) => jobs.get(db, id),
    updateJob: (id, patch, options) => jobs.update(db, id, patch, options),
    mergeJobDelivery: (id, delivery, updatedAt) =>
      db.transaction(async (transaction) => {
        const job = await jobs.lock(transaction, id);
        if (!job) return undefined;
        return jobs.update(transaction, id, { delivery: mergeDelivery(job.delivery, delivery), updatedAt });
      }),
    updateTurnAndJob: (turn, job) =>
      db.transaction(async (transaction) => ({
        turn: await turns.update(transaction, turn.id, turn.patch),
        job: await jobs.update(transaction, job.id, job.patch, job.options),
      })),
    listJobsByState: (states) => jobs.listByState(db, states),
    findPendingJob: (memberId, turnId, action) => jobs.findPending(db, memberId, turnId, action),
    listJobsOfConversation: (conversationId) => jobs.listOfConversation(db, conversationId),
    listRecentDeliveredJobs: (query) => jobs.listRecentDelivered(db, query),
    listJobs: (query) => jobs.list(db, query),
    listConversations: (query) => conversations.listOfOwner(db, query),

    claimIdempotencyKey: (key, jobId, at) => idempotency.claim(db, key, jobId, at),
    findIdempotencyKey: (key) => idempotency.find(db, key),
    createJobWithKey: (key, records) => idempotency.createWithKey(db, key, records),

    getMemberSettings: (platform, workspaceId, memberId) => settings.get(db, { platform, workspaceId, memberId }),
    setMemberSettings: (platform, workspaceId, memberId, patch) =>
      settings.merge(db, { platform, workspaceId, memberId }, patch, now()),
    getServerSettings: (platform, workspaceId) => settings.get(db, { platform, workspaceId }),
    setServerSettings: (platform, workspaceId, patch) => settings.merge(db, { platform, workspaceId }, patch, now()),

    recordUsage: (record) => usage.record(db, record),
    settleUsage: (id, outcome, costUnits, count) => usage.settle(db, id, outcome, costUnits, count),
    sumUsage: (query) => usage.sum(db, query),
    usageReleaseAt: (query) => usage.releaseAt(db, query),
    usageSummary: (query) => usage.summary(db, query),
    usageByMember: (query) => usage.byMember(db, query),

    deleteExpired: (before) => retention.deleteExpired(db, before),
    isHashReferenced: (hash) => retention.isReferenced(db, hash),
    referencedHashes: () => retention.referenced(db),
    countActiveJobs: () => jobs.countActive(db),
    checkWritable: () => jobs.touchSchema(db),

    close: () => {
      closed ??= onClose();
      return closed;
    },
  };
}
