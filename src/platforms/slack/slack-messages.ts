import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { InboundRequest } from '../../core/engine/engine-types.js';
import type { InputImage } from '../../core/imagine-request.js';
import { isUserFacingError, UserFacingError } from '../../core/user-facing-error.js';
import type { Audience, SlackContext } from './slack-context.js';
import type { createDeliveryDedupe } from './slack-dedupe.js';
import type { SlackFileFetcher } from './slack-files.js';
import { messageKey } from './slack-ids.js';
import { mentionsBot, promptFromSlack } from './slack-text.js';

const fileSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  mimetype: z.string().optional(),
  url_private: z.string().optional(),
  url_private_download: z.string().optional(),
});

/** Only the fields read here; anything else Slack sends is ignored. */
const messageEventSchema = z.object({
  type: z.enum(['message', 'app_mention']),
  subtype: z.string().optional(),
  hidden: z.boolean().optional(),
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  team: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().default(''),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  files: z.array(fileSchema).default([]),
});

type MessageEvent = z.infer<typeof messageEventSchema>;

/** Plain messages, messages with files, and thread replies also sent to the channel; edits, deletions and joins are not requests. */
const requestSubtypes = new Set([undefined, 'file_share', 'thread_broadcast']);

interface Envelope {
  readonly team_id?: string;
  readonly event_id?: string;
}

/**
 * Thread replies and @mentions. A member's message in a conversation thread is the next instruction (its images
 * are references); an @mention in a channel, or a message in a DM with the app, starts a conversation in the thread
 * of that message; a mention inside a conversation thread continues it. The bot's own posts, other bots and edits
 * are ignored. Each message makes at most one job, whichever events and retries bring it.
 */
export function registerMessageEvents(
  app: App,
  context: SlackContext,
  fetcher: SlackFileFetcher,
  dedupe: ReturnType<typeof createDeliveryDedupe>,
): void {
  const listener = async (event: unknown, body: Envelope) => {
    const parsed = messageEventSchema.safeParse(event);
    if (!parsed.success) return;
    const message = parsed.data;
    if (!requestSubtypes.has(message.subtype) || message.hidden) return;
    if (message.bot_id || !message.user || message.user === context.identity.botUserId) return;
    const team = body.team_id ?? message.team ?? '';
    const keys = [messageKey(team, message.channel, message.ts), ...(body.event_id ? [`event:${body.event_id}`] : [])];
    await dedupe.run(keys, () => handleMessage(context, fetcher, team, message));
  };
  app.event('message', async ({ event, body }) => listener(event, body));
  app.event('app_mention', async ({ event, body }) => listener(event, body));
}

async function handleMessage(
  context: SlackContext,
  fetcher: SlackFileFetcher,
  team: string,
  message: MessageEvent,
): Promise<void> {
  const { engine, identity } = context;
  const user = message.user as string;
  const mentioned = message.type === 'app_mention' || mentionsBot(message.text, identity.botUserId);
  const isDirect = message.channel_type === 'im' || message.channel.startsWith('D');
  const threadTs = message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined;
  const conversation = threadTs
    ? await engine.findConversation({
        platform: 'slack',
        workspaceId: team,
        channelId: message.channel,
        threadId: threadTs,
      })
    : undefined;
  if (!conversation && !mentioned && !isDirect) return;
  const thread = threadTs ?? message.ts;
  const audience: Audience = { channel: message.channel, user, threadTs: thread };
  const tellLater = (error: unknown) =>
    context.tasks.run('tell', () => context.tell(audience, error, { sourceTs: message.ts }));

  const text = promptFromSlack(message.text, identity.botUserId);
  if (text === '' && message.files.length === 0) {
    if (!conversation)
      tellLater(
        new UserFacingError(
          'empty_prompt',
          'Tell me what to draw, e.g. `@threadpaint a lighthouse at dusk --ar 16:9`.',
        ),
      );
    return;
  }
  let attachments: InputImage[];
  try {
    attachments = await fetcher.fetch(message.files);
  } catch (error) {
    if (!isUserFacingError(error)) throw error;
    return tellLater(error);
  }
  const inbound: InboundRequest = {
    platform: 'slack',
    workspaceId: team,
    memberId: user,
    idempotencyKey: messageKey(team, message.channel, message.ts),
    action: conversation ? 'edit' : 'imagine',
    text,
    attachments,
    channelId: message.channel,
    ...(conversation ? { conversationId: conversation.id } : { threadId: thread, rootMessageId: thread }),
    delivery: { channel: message.channel, threadTs: conversation?.threadId ?? thread, sourceTs: message.ts },
  };
  let result: Awaited<ReturnType<typeof engine.submit>>;
  try {
    result = await engine.submit(inbound);
  } catch (error) {
    // Anything but a refusal (the store failed) propagates: Slack gets a 500 and delivers the event again.
    if (!isUserFacingError(error)) throw error;
    return tellLater(error);
  }
  if (result.status === 'queued') {
    const { job, notices } = result;
    context.tasks.run('thread status', () => context.threads.ensureStatus(job, { notices }));
  }
}
