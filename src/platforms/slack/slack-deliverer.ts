import type { Deliverer, DeliveryContext } from '../../core/engine/engine-types.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { canVary, turnMessage } from './slack-blocks.js';
import { withRateLimitRetry } from './slack-clients.js';
import type { SlackContext } from './slack-context.js';
import { SlackDeliveryError, slackFailureOf } from './slack-errors.js';

const extensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/**
 * Posts a finished turn from stored ids and bytes only (so it works after a restart): the images into the
 * conversation's thread with `files.uploadV2` (`channel_id` + `thread_ts`), then one compact message with the
 * turn's actions. File ids and message ts are linked to the turn (Delete removes them) and kept on the job.
 */
export function createSlackDeliverer(context: SlackContext): Deliverer {
  const retryOptions = () => ({
    retries: context.settings.rateLimitRetries,
    maxRetryAfterSeconds: context.settings.maxRetryAfterSeconds,
    signal: context.tasks.signal,
    onRateLimited: (seconds: number, attempt: number) =>
      context.logger.warn(
        { platform: 'slack', code: 'ratelimited', retryAfter: seconds, attempt },
        'slack: rate limited; waiting Retry-After before posting again',
      ),
  });

  async function deliver({ job, turn, conversation, images }: DeliveryContext) {
    const target = await context.threads.ensureStatus(job);
    if (!target) {
      throw new UserFacingError(
        'slack_no_thread',
        'The image was made, but I could not start its thread in Slack. Press "Post again" once I can post there.',
      );
    }
    const { channel, threadTs } = target;
    try {
      const prepared = await Promise.all(
        images.map((image) =>
          context.pipeline.prepareOutput(image.bytes, { maxBytes: context.settings.maxUploadBytes }),
        ),
      );
      const uploads = prepared.map((output, index) => ({
        file: Buffer.from(output.bytes.buffer, output.bytes.byteOffset, output.bytes.byteLength),
        filename: `threadpaint-${turn.id.slice(0, 8)}-${index + 1}.${extensions[output.mimeType] ?? 'png'}`,
        title:
          images.length > 1
            ? `${turn.instruction.slice(0, 200)} (${index + 1}/${images.length})`
            : turn.instruction.slice(0, 200),
        alt_text: turn.instruction.slice(0, 1000),
      }));
      const uploaded = await withRateLimitRetry(
        () =>
          context.clients.delivery.filesUploadV2({ channel_id: channel, thread_ts: threadTs, file_uploads: uploads }),
        retryOptions(),
      );
      const fileIds = fileIdsOf(uploaded);
      const turns = await context.store.listTurns(conversation.id);
      const message = turnMessage({
        job,
        turn,
        turnNumber: Math.max(1, turns.findIndex((candidate) => candidate.id === turn.id) + 1),
        canVary: canVary(context.config.catalogue, turn),
      });
      const posted = await withRateLimitRetry(
        () => context.clients.delivery.chat.postMessage({ channel, thread_ts: threadTs, ...message }),
        retryOptions(),
      );
      const turnTs = posted.ts as string;
      const link = {
        platform: 'slack' as const,
        workspaceId: job.workspaceId,
        channelId: channel,
        conversationId: conversation.id,
        turnId: turn.id,
      };
      await Promise.all([
        ...fileIds.map((id, index) =>
          context.engine.linkMessage({ ...link, messageId: `file:${id}`, outputIndex: index }),
        ),
        context.engine.linkMessage({ ...link, messageId: turnTs }),
      ]);
      // The thread ids are on the job already (ensureStatus stored them); these are what this delivery adds.
      return { fileIds: fileIds.join(','), turnTs };
    } catch (error) {
      const failure = slackFailureOf(error);
      throw failure ? new SlackDeliveryError(failure, channel, { cause: error }) : error;
    }
  }

  return { deliver };
}

/** `files.uploadV2` answers one `files.completeUploadExternal` response per channel/thread, each listing files. */
function fileIdsOf(result: unknown): string[] {
  const completions = (result as { files?: Array<{ files?: Array<{ id?: string }> }> }).files ?? [];
  return completions.flatMap((completion) =>
    (completion.files ?? []).map((file) => file.id).filter((id): id is string => typeof id === 'string'),
  );
}
