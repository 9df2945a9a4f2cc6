import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Requester } from '../../core/engine/engine-types.js';
import type { Audience, SlackContext } from './slack-context.js';
import { deleteTurnForMember } from './slack-delete.js';
import { eventEnvelopeSchema, eventTeams } from './slack-identity.js';
import { slackDelivery } from './slack-target.js';

/** The reactions threadpaint acts on, by Slack's names: 🔁 `repeat` rerolls a turn, ❌ `x` deletes it. */
export const slackRerollReaction = 'repeat';
export const slackDeleteReaction = 'x';

const reactionEventSchema = z.object({
  type: z.literal('reaction_added'),
  user: z.string().min(1).max(64),
  reaction: z.string().max(100),
  item: z.object({ type: z.literal('message'), channel: z.string().min(1).max(64), ts: z.string().min(1).max(32) }),
  event_ts: z.string().max(32).optional(),
});

/**
 * `reaction_added` on a turn message (the one under the images, with the buttons), resolved through the
 * message-to-turn map: 🔁 from the member who asked rerolls the turn in its thread, ❌ from that member or a workspace
 * admin deletes it, as the buttons do. Anyone else's reaction, any other emoji, a message that is no turn or a turn of
 * another workspace does nothing, silently. A refusal of a reroll (quota, say) is told to the member, ephemerally.
 */
export function registerReactions(app: App, context: SlackContext): void {
  app.event('reaction_added', async ({ event, body }) => {
    const parsed = reactionEventSchema.safeParse(event);
    if (!parsed.success) return;
    const reaction = parsed.data;
    if (reaction.reaction !== slackRerollReaction && reaction.reaction !== slackDeleteReaction) return;
    if (reaction.user === context.identity.botUserId) return;
    const team = eventTeams(body, {}).installed;
    const eventId = eventEnvelopeSchema.safeParse(body).data?.event_id;
    try {
      await handleReaction(context, team, reaction, eventId);
    } catch (error) {
      const audience: Audience = { channel: reaction.item.channel, user: reaction.user };
      context.tasks.run('tell', () => context.tell(audience, error, { action: `reaction:${reaction.reaction}` }));
    }
  });
}

async function handleReaction(
  context: SlackContext,
  team: string,
  reaction: z.infer<typeof reactionEventSchema>,
  eventId: string | undefined,
): Promise<void> {
  const { engine } = context;
  const { channel, ts } = reaction.item;
  const link = await engine.findMessage('slack', channel, ts);
  if (!link || link.workspaceId !== team || link.messageId.startsWith('file:')) return;
  const member: Requester = { platform: 'slack', workspaceId: team, memberId: reaction.user };
  const turn = await engine.getTurn(link.turnId, member);
  if (!turn) return;
  const conversation = await engine.getConversation(turn.conversationId, member);
  if (!conversation) return;
  const thread = conversation.threadId ?? ts;
  const audience: Audience = { channel, user: reaction.user, threadTs: thread };
  if (reaction.reaction === slackDeleteReaction) {
    if (turn.authorId !== reaction.user && !(await context.isAdmin(reaction.user))) return;
    return deleteTurnForMember(context, turn.id, member, audience);
  }
  if (turn.authorId !== reaction.user) return;
  await engine.submit({
    ...member,
    // Each reaction added is its own event (a 🔁 taken off and put back rerolls again); Slack's retries of one
    // event carry its id, and make no second job.
    idempotencyKey: `slack:${team}:${channel}:${ts}:reaction:${reaction.user}:${eventId ?? reaction.event_ts ?? ''}`,
    action: 'reroll',
    text: '',
    conversationId: conversation.id,
    target: { turnId: turn.id, index: 0 },
    channelId: channel,
    delivery: slackDelivery({ channel, threadTs: thread }),
  });
}
