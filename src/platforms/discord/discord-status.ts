import { Routes } from 'discord.js';
import type { DeliveryIds, StatusEvent } from '../../core/platform/chat-platform.js';
import type { JobRecord } from '../../core/records.js';
import { encodeCustomId } from './discord-custom-ids.js';
import { discordCode, threadUnavailable } from './discord-errors.js';
import type { DiscordOutbound } from './discord-outbound.js';
import {
  cancelRow,
  clip,
  failedLine,
  queuedLine,
  retryRow,
  startedLine,
  statusContent,
  webhookStatusRow,
} from './discord-render.js';
import { editTargetMessage, type MessageBody, nonceOf, postChannelMessage } from './discord-rest-messages.js';
import { type DiscordTarget, readTarget, tokenUsable } from './discord-target.js';

/** The job's status message is not posted yet (a thread reply or a button's new turn): its queued event posts it. */
export function awaitsDiscordStatus(job: JobRecord): boolean {
  const target = readTarget(job.delivery);
  return target.kind === 'channel' && !target.messageId;
}

/**
 * Keeps each Discord job's status message current, on state changes only: queued with its position (posting the
 * message when the job has none yet), started (Discord's relative timestamp counts up with no edits), failed with
 * Retry, cancelled, interrupted, and a delivery that failed with Post again. The engine calls it in order per job.
 */
export function createDiscordStatus(outbound: DiscordOutbound) {
  const { rests, logger } = outbound;

  /** Posts the status message of a job that has none; a thread the bot cannot post in cancels the job. */
  async function open(job: JobRecord, target: DiscordTarget, position: number): Promise<DeliveryIds | undefined> {
    const body = {
      content: statusContent(job, queuedLine(position)),
      components: [cancelRow(job.id)],
      allowed_mentions: { parse: [] },
      ...(target.replyTo ? { message_reference: { message_id: target.replyTo, fail_if_not_exists: false } } : {}),
    };
    try {
      const posted = await postChannelMessage(rests.bot, target.channelId, body, nonceOf('status', job.id));
      return { messageId: posted.id };
    } catch (error) {
      const unavailable = threadUnavailable(error);
      if (!unavailable) throw error;
      // Nothing can be shown where the member asked: the job never runs, and the member is told why.
      const { memberId, workspaceId, conversationId } = job;
      logger.warn(
        { code: unavailable.discordCode, channelId: target.channelId, conversationId, memberId, jobId: job.id },
        `discord: cannot post in the conversation's thread (${unavailable.code}); request cancelled, no job made it to the image API`,
      );
      await outbound.engine.cancel(job.id, { platform: 'discord', workspaceId, memberId }).catch(() => undefined);
      await tellPrivately(target, `⚠️ ${unavailable.message}`);
      return undefined;
    }
  }

  /** A follow-up only the member sees, through the interaction that asked (a button, a modal) while it lives. */
  async function tellPrivately(target: DiscordTarget, content: string): Promise<void> {
    if (!tokenUsable(target, outbound.now())) return;
    await rests.interaction
      .post(Routes.webhook(target.applicationId as string, target.interactionToken as string), {
        body: { content, flags: 64, allowed_mentions: { parse: [] } },
        auth: false,
      })
      .catch((error: unknown) =>
        logger.warn({ err: error, code: discordCode(error) }, 'discord: could not tell the member privately'),
      );
  }

  /** Edits the status message; a final word whose message is gone (deleted by someone) is posted anew. */
  async function show(job: JobRecord, target: DiscordTarget, body: MessageBody, final: boolean): Promise<void> {
    try {
      await editTargetMessage(rests, target, { ...body, allowed_mentions: { parse: [] } }, undefined, outbound.now());
    } catch (error) {
      // Only the interaction webhook reaches a user install's message: nothing else is tried.
      if (!final || target.webhookOnly) throw error;
      await postChannelMessage(
        rests.bot,
        target.channelId,
        { ...body, allowed_mentions: { users: [job.memberId] } },
        nonceOf('notice', job.id),
      );
    }
  }

  return {
    async renderStatus(event: StatusEvent): Promise<DeliveryIds | undefined> {
      const { job } = event;
      const target = readTarget(job.delivery);
      if (event.type === 'queued' && target.kind === 'channel' && !target.messageId) {
        return open(job, target, event.position);
      }
      // A job cancelled before its status message was posted has nothing to show.
      if (event.type === 'cancelled' && target.kind === 'channel' && !target.messageId) return undefined;
      const body = bodyFor(event, outbound.now(), target.webhookOnly ?? false);
      if (body) await show(job, target, body, event.type !== 'queued' && event.type !== 'started');
      return undefined;
    },
  };
}

/** Under a user install's status: its token outlives no deep queue, so the member knows what to press then. */
const webhookOnlyHint = '-# If this has not changed 15 minutes from now, press Show result.';

function bodyFor(event: StatusEvent, now: number, webhookOnly: boolean): MessageBody | undefined {
  const { job } = event;
  const waiting = (line: string) =>
    webhookOnly
      ? { content: clip(`${statusContent(job, line)}\n${webhookOnlyHint}`), components: [webhookStatusRow(job.id)] }
      : { content: statusContent(job, line), components: [cancelRow(job.id)] };
  switch (event.type) {
    case 'queued':
      return waiting(queuedLine(event.position));
    case 'started':
      return waiting(startedLine(job.startedAt ?? now));
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
        components: [postAgainRow(job.id)],
      };
    default:
      return undefined;
  }
}

const postAgainRow = (jobId: string) => ({
  type: 1,
  components: [{ type: 2, style: 1, label: 'Post again', custom_id: encodeCustomId({ action: 'redeliver', jobId }) }],
});
