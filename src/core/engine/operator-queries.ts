import { effectiveQuota, quotaWindowMs, windowStart } from '../jobs/quota.js';
import type { Platform } from '../records.js';
import type { EngineContext } from './engine-context.js';
import type { OperatorQueries } from './operator-types.js';
import { maxListRows } from './operator-types.js';
import { ownedConversation } from './ownership.js';
import type { UsageFigure } from './usage-report.js';

const bounded = (limit: number) => Math.max(1, Math.min(maxListRows, Math.floor(limit) || 1));

const figure = (units: number, limit: number | undefined): UsageFigure => ({
  units,
  ...(limit !== undefined ? { limit } : {}),
});

export function createOperatorQueries(context: EngineContext): OperatorQueries {
  const { store } = context;
  return {
    listConversations: (requester, limit) =>
      store.listConversations({
        platform: requester.platform,
        workspaceId: requester.workspaceId,
        ownerId: requester.memberId,
        limit: bounded(limit),
      }),
    async conversationThread(conversationId, scope) {
      const conversation = await ownedConversation(context, conversationId, scope);
      if (!conversation) return undefined;
      // Jobs first, then turns: a turn's images are stored with (or before) its job's move to `generated`, so a job
      // read as done always comes with its images; a job newer than the first read is read on its own.
      const jobs = await store.listJobsOfConversation(conversation.id);
      const turns = await store.listTurns(conversation.id);
      const byId = new Map(jobs.map((job) => [job.id, job]));
      for (const turn of turns) {
        if (byId.has(turn.jobId)) continue;
        const job = await store.getJob(turn.jobId);
        if (job) byId.set(job.id, job);
      }
      return {
        conversation,
        turns: turns.map((turn) => {
          const job = byId.get(turn.jobId);
          return job ? { turn, job } : { turn };
        }),
      };
    },
    listJobs: (query) => store.listJobs({ ...query, limit: bounded(query.limit) }),
    async usageOverview(filter, limit) {
      const now = context.now();
      const rows = bounded(limit);
      const [day, hour] = await Promise.all([
        store.usageByMember({ ...filter, since: windowStart(now, quotaWindowMs.day), limit: rows }),
        store.usageByMember({ ...filter, since: windowStart(now, quotaWindowMs.hour), limit: maxListRows }),
      ]);
      const key = (row: { platform: string; workspaceId: string; memberId?: string }) =>
        `${row.platform}\u0000${row.workspaceId}\u0000${row.memberId ?? ''}`;
      const hourUnits = new Map(hour.map((row) => [key(row), row.units]));
      const servers = new Map<string, { platform: Platform; workspaceId: string }>();
      for (const row of day) servers.set(key({ ...row, memberId: '' }), row);
      const limits = new Map<string, ReturnType<typeof effectiveQuota>>();
      const serverFigures = await Promise.all(
        [...servers.entries()].map(async ([serverKey, { platform, workspaceId }]) => {
          const settings = await store.getServerSettings(platform, workspaceId);
          const quota = effectiveQuota(context.settings.quota, settings);
          limits.set(serverKey, quota);
          const units = await store.sumUsage({ platform, workspaceId, since: windowStart(now, quotaWindowMs.day) });
          return { platform, workspaceId, lastDay: figure(units, quota.serverPerDay) };
        }),
      );
      return {
        members: day.map((row) => {
          const quota = limits.get(key({ ...row, memberId: '' })) ?? context.settings.quota;
          return {
            platform: row.platform,
            workspaceId: row.workspaceId,
            memberId: row.memberId,
            lastHour: figure(hourUnits.get(key(row)) ?? 0, quota.memberPerHour),
            lastDay: figure(row.units, quota.memberPerDay),
            images: row.images,
          };
        }),
        servers: serverFigures,
      };
    },
  };
}
