import { z } from 'zod';
import { withoutUndefined } from '../../core/defined.js';
import type { DeliveryTarget } from '../../core/records.js';

/**
 * Where a Slack job's messages go, stored on the job: ids only, so a status and a result are posted after a restart
 * and from another process. The thread is the root message's ts (a `/imagine`) or the member's message an @mention
 * started; the status message is the root for `/imagine`, else a message in the thread; the result is its files and
 * one turn message, kept as they are posted so posting again never posts them twice.
 */
export const slackTargetSchema = z.object({
  channel: z.string().min(1),
  threadTs: z.string().nullish(),
  /** This job's status message. */
  statusTs: z.string().nullish(),
  /** The conversation's root message, when this job posted it. */
  rootTs: z.string().nullish(),
  /** A slash command's `response_url`: it reaches the member where the bot cannot post. */
  responseUrl: z.string().nullish(),
  /** The member's message that asked. */
  sourceTs: z.string().nullish(),
  /** An external member's own team (Slack Connect), for display. */
  senderTeam: z.string().nullish(),
  /** The uploaded images' file ids, comma-separated. */
  fileIds: z.string().nullish(),
  /** The turn message under the images. */
  turnTs: z.string().nullish(),
});

export type SlackTarget = z.infer<typeof slackTargetSchema>;

export function readSlackTarget(delivery: DeliveryTarget): SlackTarget {
  return slackTargetSchema.parse(delivery);
}

/** A target as stored: absent fields left out. */
export function slackDelivery(target: SlackTarget): DeliveryTarget {
  return withoutUndefined(target);
}
