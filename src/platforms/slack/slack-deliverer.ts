import type { DeliveryContext } from '../../core/engine/engine-types.js';
import type { UpscaleStep } from '../../core/engine/upscale.js';
import { fittedForUploadNotice } from '../../core/image-sentences.js';
import { type DeliveryIds, DeliveryIncompleteError } from '../../core/platform/chat-platform.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { canVary, turnMessage, upscaleFor } from './slack-blocks.js';
import { withRateLimitRetry } from './slack-clients.js';
import type { SlackOutbound } from './slack-context.js';
import { SlackDeliveryError, slackFailureOf } from './slack-errors.js';
import type { SlackStatus } from './slack-status.js';
import { readSlackTarget } from './slack-target.js';

const extensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/**
 * Posts a finished turn from stored ids and bytes only (so it works after a restart, and from a process with no
 * receiver): the images into the conversation's thread with `files.uploadV2` (`channel_id` + `thread_ts`), then one
 * compact message with the turn's actions. Each part is kept on the job and linked to the turn as soon as it is
 * posted: posting again after a failure skips what is there already, and Delete finds every file.
 */
export function createSlackDeliverer(outbound: SlackOutbound, status: SlackStatus) {
  const { engine } = outbound;
  const retryOptions = () => ({
    retries: outbound.settings.rateLimitRetries,
    maxRetryAfterSeconds: outbound.settings.maxRetryAfterSeconds,
    signal: outbound.tasks.signal,
    onRateLimited: (seconds: number, attempt: number) =>
      outbound.logger.warn(
        { platform: 'slack', code: 'ratelimited', retryAfter: seconds, attempt },
        'slack: rate limited; waiting Retry-After before posting again',
      ),
  });

  async function upload({ job, turn, conversation, images }: DeliveryContext, channel: string, threadTs: string) {
    const prepared = await Promise.all(
      images.map((image) =>
        outbound.pipeline.prepareOutput(image.bytes, { maxBytes: outbound.settings.maxUploadBytes }),
      ),
    );
    const uploads = prepared.map((output, index) => ({
      file: Buffer.from(output.bytes.buffer, output.bytes.byteOffset, output.bytes.byteLength),
      filename: `threadpaint-${turn.id.slice(0, 8)}-${index + 1}.${extensions[output.mimeType] ?? 'png'}`,
      title: `${
        images.length > 1
          ? `${turn.instruction.slice(0, 200)} (${index + 1}/${images.length})`
          : turn.instruction.slice(0, 200)
      }${output.reencoded ? ` — ${fittedForUploadNotice(1, outbound.settings.maxUploadBytes)}` : ''}`,
      alt_text: turn.instruction.slice(0, 1000),
    }));
    const uploaded = await withRateLimitRetry(
      () =>
        outbound.clients.delivery.filesUploadV2({ channel_id: channel, thread_ts: threadTs, file_uploads: uploads }),
      retryOptions(),
    );
    const fileIds = fileIdsOf(uploaded);
    const link = {
      platform: 'slack' as const,
      workspaceId: job.workspaceId,
      channelId: channel,
      conversationId: conversation.id,
      turnId: turn.id,
    };
    for (const [index, id] of fileIds.entries()) {
      await engine.linkMessage({ ...link, messageId: `file:${id}`, outputIndex: index });
    }
    return fileIds.join(',');
  }

  async function postTurn({ job, turn, conversation }: DeliveryContext, channel: string, threadTs: string) {
    const message = turnMessage({
      job,
      turn,
      turnNumber: (await engine.turnNumber(turn.id, job)) ?? 1,
      canVary: canVary(engine.catalogue, turn),
      ...withUpscale(upscaleFor(engine.catalogue, turn)),
    });
    const posted = await withRateLimitRetry(
      () => outbound.clients.delivery.chat.postMessage({ channel, thread_ts: threadTs, ...message }),
      retryOptions(),
    );
    const turnTs = posted.ts as string;
    await engine.linkMessage({
      platform: 'slack',
      workspaceId: job.workspaceId,
      channelId: channel,
      messageId: turnTs,
      conversationId: conversation.id,
      turnId: turn.id,
    });
    return turnTs;
  }

  return {
    async deliver(context: DeliveryContext): Promise<DeliveryIds> {
      // A job recovered after a restart may never have had its status message: it gets one now.
      const opened = readSlackTarget(context.job.delivery).statusTs
        ? {}
        : await status.open(context.job, { kind: 'running' });
      if (!opened) {
        throw new UserFacingError(
          'slack_no_thread',
          'The image was made, but I could not start its thread in Slack. Press "Post again" once I can post there.',
        );
      }
      const target = { ...readSlackTarget(context.job.delivery), ...opened };
      const channel = target.channel;
      const threadTs = target.threadTs ?? '';
      let done: DeliveryIds = { ...opened };
      try {
        const fileIds = target.fileIds ?? (await upload(context, channel, threadTs));
        done = { ...done, fileIds };
        const turnTs = target.turnTs ?? (await postTurn(context, channel, threadTs));
        return { ...done, turnTs };
      } catch (error) {
        const failure = slackFailureOf(error);
        const cause = failure ? new SlackDeliveryError(failure, channel, { cause: error }) : error;
        throw Object.keys(done).length > 0 ? new DeliveryIncompleteError(done, cause) : cause;
      }
    },
  };
}

/** `files.uploadV2` answers one `files.completeUploadExternal` response per channel/thread, each listing files. */
function fileIdsOf(result: unknown): string[] {
  const completions = (result as { files?: Array<{ files?: Array<{ id?: string }> }> }).files ?? [];
  return completions.flatMap((completion) =>
    (completion.files ?? []).map((file) => file.id).filter((id): id is string => typeof id === 'string'),
  );
}

function withUpscale(upscale: UpscaleStep | undefined): { upscale?: UpscaleStep } {
  return upscale ? { upscale } : {};
}
