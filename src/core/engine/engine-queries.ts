import type { PlatformEngine, RecentResult } from '../platform/platform-engine.js';
import { UserFacingError } from '../user-facing-error.js';
import type { EngineContext } from './engine-context.js';
import type { Requester } from './engine-types.js';
import { type SettingsReport, settingsPatchOf } from './member-settings.js';
import { ownedConversation, ownedJob, ownedTurn } from './ownership.js';
import { usageReportFor } from './usage-report.js';

type Queries = Pick<
  PlatformEngine,
  | 'catalogue'
  | 'defaultModel'
  | 'findConversation'
  | 'getConversation'
  | 'findMessage'
  | 'linkMessage'
  | 'updateConversation'
  | 'getJob'
  | 'getTurn'
  | 'turnNumber'
  | 'position'
  | 'usage'
  | 'recentResults'
  | 'settings'
  | 'changeSettings'
>;

/** The most results a list of them asks for at once. */
const maxRecentResults = 20;

/** What platforms read and keep through the engine: records in the caller's scope, settings, usage, message links. */
export function createEngineQueries(context: EngineContext): Queries {
  const { store } = context;

  async function settingsOf(requester: Requester): Promise<SettingsReport> {
    const [member, workspace] = await Promise.all([
      store.getMemberSettings(requester.platform, requester.workspaceId, requester.memberId),
      store.getServerSettings(requester.platform, requester.workspaceId),
    ]);
    return { member, workspace, defaultModel: context.settings.defaultModel };
  }

  return {
    catalogue: context.catalogue,
    defaultModel: context.settings.defaultModel,
    findConversation: (location) => store.findConversationByLocation(location),
    getConversation: (conversationId, scope) => ownedConversation(context, conversationId, scope),
    findMessage: (platform, channelId, messageId) => store.findMessage(platform, channelId, messageId),
    linkMessage: (link) => store.linkMessage(link),
    async updateConversation(id, patch) {
      await store.updateConversation(id, { ...patch, updatedAt: context.now() });
    },
    getJob: (jobId, scope) => ownedJob(context, jobId, scope),
    getTurn: async (turnId, scope) => (await ownedTurn(context, turnId, scope))?.turn,
    async turnNumber(turnId, scope) {
      const owned = await ownedTurn(context, turnId, scope);
      if (!owned) return undefined;
      const turns = await store.listTurns(owned.conversation.id);
      return turns.findIndex((turn) => turn.id === turnId) + 1 || undefined;
    },
    position: (jobId) => context.queue.position(jobId),
    async recentResults(requester, limit) {
      const { platform, workspaceId, memberId } = requester;
      const bounded = Math.max(1, Math.min(maxRecentResults, Math.floor(limit)));
      const jobs = await store.listRecentDeliveredJobs({ platform, workspaceId, memberId, limit: bounded });
      const results = await Promise.all(
        jobs.map(async (job): Promise<RecentResult | undefined> => {
          const owned = await ownedTurn(context, job.turnId, requester);
          if (!owned) return undefined;
          const { turn, conversation } = owned;
          const threadId = conversation.threadId ?? conversation.rootMessageId;
          return {
            jobId: job.id,
            turnId: turn.id,
            conversationId: conversation.id,
            instruction: turn.instruction,
            ...(turn.parameters?.model ? { model: turn.parameters.model } : {}),
            images: turn.outputImages.length,
            channelId: conversation.channelId,
            ...(threadId ? { threadId } : {}),
            ...(job.finishedAt !== undefined ? { finishedAt: job.finishedAt } : {}),
          };
        }),
      );
      return results.filter((result) => result !== undefined);
    },
    async usage(requester) {
      const server = await store.getServerSettings(requester.platform, requester.workspaceId);
      return usageReportFor(store, requester, { now: context.now(), defaults: context.settings.quota, server });
    },
    settings: settingsOf,
    async changeSettings(requester, scope, change) {
      const patch = settingsPatchOf(change, scope, context.catalogue);
      const { platform, workspaceId, memberId } = requester;
      if (scope === 'workspace') {
        if (!requester.isAdmin) {
          throw new UserFacingError('not_allowed', 'Only admins can change the defaults of the whole workspace.');
        }
        await store.setServerSettings(platform, workspaceId, patch);
      } else {
        await store.setMemberSettings(platform, workspaceId, memberId, patch);
      }
      return settingsOf(requester);
    },
  };
}
