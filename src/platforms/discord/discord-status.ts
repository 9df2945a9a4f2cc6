import type { ConversationEngine } from '../../core/engine/conversation-engine.js';
import type { EngineLogger } from '../../core/engine/engine-types.js';
import type { JobEvent } from '../../core/jobs/job-events.js';
import type { JobRecord } from '../../core/records.js';
import { encodeCustomId } from './discord-custom-ids.js';
import { cancelRow, clip, failedLine, queuedLine, retryRow, startedLine, statusContent } from './discord-render.js';
import { type DiscordRests, editTargetMessage, type MessageBody, postChannelMessage } from './discord-rest-messages.js';
import { readTarget } from './discord-target.js';

export interface DiscordStatusOptions {
  readonly rests: DiscordRests;
  readonly engine: ConversationEngine;
  readonly logger: EngineLogger;
  readonly now: () => number;
}

/**
 * Keeps each Discord job's status message current, on state changes only: queued with its position, started
 * (Discord's relative timestamp counts up with no edits), failed with Retry, cancelled, interrupted.
 */
export function createDiscordStatus(options: DiscordStatusOptions): {
  handle(event: JobEvent): void;
  /**
   * Called before a job's result replaces its status message: later progress edits of that job are dropped and the
   * ones under way are waited for, so a slow "Generating…" edit cannot land on top of the result.
   */
  settle(jobId: string): Promise<void>;
  flush(): Promise<void>;
} {
  const chains = new Map<string, Promise<void>>();
  /** Jobs whose result is being posted: their status message is no longer a status. */
  const settled = new Set<string>();

  function bodyFor(event: JobEvent): MessageBody | undefined {
    const { job } = event;
    switch (event.type) {
      case 'queued':
        return { content: statusContent(job, queuedLine(event.position)), components: [cancelRow(job.id)] };
      case 'started':
        return {
          content: statusContent(job, startedLine(job.startedAt ?? options.now())),
          components: [cancelRow(job.id)],
        };
      case 'failed':
        return {
          content: statusContent(job, failedLine(event.error)),
          components: event.error.retryable ? [retryRow(job.id)] : [],
        };
      case 'cancelled':
        return { content: statusContent(job, '✖️ Cancelled.'), components: [] };
      case 'interrupted':
        return {
          content: statusContent(job, `⚠️ ${job.error?.message ?? 'The bot restarted while this was being made.'}`),
          components: [retryRow(job.id)],
        };
      case 'delivery_failed':
        return {
          content: clip(statusContent(job, `⚠️ The image is made but could not be posted: ${event.error.message}`)),
          components: [
            {
              type: 1,
              components: [
                {
                  type: 2,
                  style: 1,
                  label: 'Post again',
                  custom_id: encodeCustomId({ action: 'redeliver', jobId: job.id }),
                },
              ],
            },
          ],
        };
      default:
        return undefined;
    }
  }

  async function apply(job: JobRecord, body: MessageBody, final: boolean): Promise<void> {
    const target = readTarget(job.delivery);
    try {
      await editTargetMessage(
        options.rests,
        target,
        { ...body, allowed_mentions: { parse: [] } },
        undefined,
        options.now(),
      );
    } catch (error) {
      if (!final) throw error;
      // The status message is gone: a final word (failure, interruption) still reaches the member.
      await postChannelMessage(options.rests.bot, target.channelId, {
        ...body,
        allowed_mentions: { users: [job.memberId] },
      });
    }
  }

  return {
    handle(event) {
      if (event.job.platform !== 'discord') return;
      const final = event.type !== 'queued' && event.type !== 'started';
      if (!final && settled.has(event.job.id)) return;
      if (final && event.type !== 'progress') settled.delete(event.job.id);
      const body = bodyFor(event);
      if (!body) return;
      // Edits happen on state changes only (a handful per job); one chain per job keeps them in order.
      const previous = chains.get(event.job.id) ?? Promise.resolve();
      const next = previous
        .then(() => apply(event.job, body, final))
        .catch((error: unknown) =>
          options.logger.warn({ err: error, jobId: event.job.id, event: event.type }, 'discord: status update failed'),
        );
      chains.set(event.job.id, next);
      void next.finally(() => {
        if (chains.get(event.job.id) === next) chains.delete(event.job.id);
      });
    },
    async settle(jobId) {
      settled.add(jobId);
      await chains.get(jobId);
    },
    async flush() {
      await Promise.all(chains.values());
    },
  };
}
