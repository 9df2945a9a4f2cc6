import { z } from 'zod';

/** A file as message events and `files.info` describe it: only the fields read here. */
export const fileSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  mimetype: z.string().optional(),
  url_private: z.string().optional(),
  url_private_download: z.string().optional(),
  /** `hosted` for an ordinary upload; `hidden_by_limit` or `file_access` for a stub without URLs. */
  mode: z.string().optional(),
  /** `check_file_info`: a Slack Connect stub, read with `files.info`. */
  file_access: z.string().optional(),
  /** Bytes, when Slack says (a stub does not). */
  size: z.number().optional(),
});

/** The fields of a message event's `files[]` entry (and of `files.info`'s file) this platform reads. */
export type SlackFileRef = z.infer<typeof fileSchema>;

/** A file shared with a message that this workspace cannot read, and why. */
export interface UnseenFile {
  readonly name: string;
  /** `no_access`: shared from another organisation (Slack Connect) and not visible here; `hidden_by_limit`: the plan's. */
  readonly reason: 'no_access' | 'hidden_by_limit';
}

/** Only the fields read here; anything else Slack sends is ignored. */
export const messageEventSchema = z.object({
  type: z.enum(['message', 'app_mention']),
  subtype: z.string().optional(),
  hidden: z.boolean().optional(),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  team: z.string().optional(),
  /** The sender's own team: another organisation's in a Slack Connect channel. */
  user_team: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().max(40_000).default(''),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  files: z.array(fileSchema).max(100).default([]),
});

export type MessageEvent = z.infer<typeof messageEventSchema>;

/** Slackbot's user id in every workspace: it speaks for Slack ("You have been removed from #…"), never for a member. */
export const slackbotUserId = 'USLACKBOT';

/** Plain messages, messages with files, and thread replies also sent to the channel; joins, edits, deletions are not. */
const requestSubtypes = new Set([undefined, 'file_share', 'thread_broadcast']);

/**
 * Only a member's own message is a request: no subtype but `file_share` or `thread_broadcast`, not hidden, from a
 * person (never Slackbot, another bot or the bot itself). Slackbot's messages have no subtype and no `bot_id`, so
 * they look like a member's DM to the app.
 */
export function isMemberRequest(message: MessageEvent, botUserId: string): message is MessageEvent & { user: string } {
  if (!requestSubtypes.has(message.subtype) || message.hidden) return false;
  if (message.bot_id || !message.user) return false;
  return message.user !== slackbotUserId && message.user !== botUserId;
}
