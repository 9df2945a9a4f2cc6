import type { App } from '@slack/bolt';
import type { InboundRequest } from '../../core/engine/engine-types.js';
import type { FileReference } from '../../core/records.js';
import { isUserFacingError, UserFacingError } from '../../core/user-facing-error.js';
import type { Audience, SlackContext } from './slack-context.js';
import type { createDeliveryDedupe } from './slack-dedupe.js';
import { unseenSentence } from './slack-file-stubs.js';
import { type EventTeams, eventEnvelopeSchema, eventTeams } from './slack-identity.js';
import { messageKey } from './slack-ids.js';
import { isMemberRequest, type MessageEvent, messageEventSchema, type UnseenFile } from './slack-message-event.js';
import { slackDelivery } from './slack-target.js';
import { mentionsBot, promptFromSlack } from './slack-text.js';

/**
 * Thread replies and @mentions. A member's message in a conversation thread is the next instruction (its images
 * are references); an @mention in a channel, or a message in a DM with the app, starts a conversation in the thread
 * of that message; a mention inside a conversation thread continues it. The bot's own posts, Slackbot, other bots,
 * joins and edits are ignored. Each message makes at most one job, whichever events and retries bring it.
 */
export function registerMessageEvents(
  app: App,
  context: SlackContext,
  dedupe: ReturnType<typeof createDeliveryDedupe>,
): void {
  const listener = async (event: unknown, body: unknown) => {
    const parsed = messageEventSchema.safeParse(event);
    if (!parsed.success) return;
    const message = parsed.data;
    if (!isMemberRequest(message, context.identity.botUserId)) return;
    const teams = eventTeams(body, message);
    const eventId = eventEnvelopeSchema.safeParse(body).data?.event_id;
    const keys = [messageKey(teams.installed, message.channel, message.ts), ...(eventId ? [`event:${eventId}`] : [])];
    await dedupe.run(keys, () => handleMessage(context, teams, message));
  };
  app.event('message', async ({ event, body }) => listener(event, body));
  app.event('app_mention', async ({ event, body }) => listener(event, body));
}

async function handleMessage(
  context: SlackContext,
  teams: EventTeams,
  message: MessageEvent & { user: string },
): Promise<void> {
  const { engine, identity } = context;
  const { user } = message;
  const team = teams.installed;
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
  // An external member of a Slack Connect channel: their own team is kept on the job and in the log, for display.
  const external = teams.sender !== team ? { senderTeam: teams.sender } : undefined;
  const tellLater = (error: unknown) =>
    context.tasks.run('tell', () => context.tell(audience, error, { sourceTs: message.ts, ...external }));

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
  let files: { references: FileReference[]; unseen: readonly UnseenFile[] };
  try {
    files = await context.files.read(message.files);
  } catch (error) {
    if (!isUserFacingError(error)) throw error;
    return tellLater(error);
  }
  // A file the workspace cannot see costs only itself: the rest of the message runs, and the member is told.
  const ranAnyway = text !== '' || files.references.length > 0;
  const fileNotice = files.unseen.length > 0 ? unseenSentence(files.unseen, ranAnyway) : undefined;
  if (fileNotice && !ranAnyway) return tellLater(new UserFacingError('attachment_not_visible', fileNotice));
  // `blend …` with shared images fuses them (2–4) into one picture; in a conversation's thread it is a new turn of
  // it made from those images only, not an edit of the latest one.
  const blend = message.files.length > 0 ? blendOf(text) : undefined;
  const inbound: InboundRequest = {
    platform: 'slack',
    workspaceId: team,
    memberId: user,
    idempotencyKey: messageKey(team, message.channel, message.ts),
    action: conversation && blend === undefined ? 'edit' : 'imagine',
    text: blend ?? text,
    ...(blend !== undefined ? { blend: true } : {}),
    // Downloaded when the job starts: a listener has Slack's 3 seconds, a few large files do not fit in them.
    files: files.references,
    channelId: message.channel,
    ...(conversation ? { conversationId: conversation.id } : { threadId: thread, rootMessageId: thread }),
    delivery: slackDelivery({
      channel: message.channel,
      threadTs: conversation?.threadId ?? thread,
      sourceTs: message.ts,
      ...external,
    }),
    ...(fileNotice ? { notices: [fileNotice] } : {}),
  };
  try {
    await engine.submit(inbound);
  } catch (error) {
    // Anything but a refusal (the store failed) propagates: Slack gets a 500 and delivers the event again.
    if (!isUserFacingError(error)) throw error;
    return tellLater(error);
  }
}

/** The prompt of a message that starts with the word `blend` (`blend`, `blend: at sunset`), or undefined. */
function blendOf(text: string): string | undefined {
  const match = /^blend\b[\s:,-]*/i.exec(text);
  return match ? text.slice(match[0].length) : undefined;
}
