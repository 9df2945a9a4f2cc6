import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Requester } from '../../core/engine/engine-types.js';
import { imageGone, jobMissing } from '../../core/engine/ownership.js';
import type { JobRecord } from '../../core/records.js';
import { withAdminRights } from './slack-admins.js';
import type { Audience, SlackContext } from './slack-context.js';
import { deleteTurnForMember } from './slack-delete.js';
import { actionIdPattern, actionKey, type ParsedAction, parseAction } from './slack-ids.js';
import { editModal } from './slack-modal.js';
import { slackDelivery } from './slack-target.js';
import { audienceOf, unknownButton } from './slack-unknown-actions.js';

const actionBodySchema = z.object({
  team: z.object({ id: z.string() }).nullable().optional(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  channel: z.object({ id: z.string() }).optional(),
  container: z
    .object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() })
    .optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  trigger_id: z.string(),
  response_url: z.string().optional(),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() }))
    .min(1),
});

interface Press {
  readonly action: ParsedAction;
  readonly requester: Requester;
  readonly channel: string;
  /** The conversation's thread: the message's thread, or the root message itself. */
  readonly thread: string;
  readonly messageTs: string;
  readonly key: string;
  readonly triggerId: string;
  readonly audience: Audience;
}

/**
 * The buttons: Cancel and Retry on status messages; Reroll, Variations, Edit and Delete under each turn. Each
 * press is acknowledged at once; Edit opens its modal with the `trigger_id` straight away; every other press is
 * recorded (a new turn in the thread, a cancel, a deletion) before the listener returns.
 */
export function registerActions(app: App, context: SlackContext): void {
  app.action(actionIdPattern, async ({ ack, body }) => {
    await ack();
    const press = readPress(body);
    if (!press) {
      // One of ours by its id, but with a value no version of it made.
      const audience = audienceOf(body);
      if (audience) context.tasks.run('tell', () => context.tell(audience, unknownButton(), { action: 'unknown' }));
      return;
    }
    try {
      await handlePress(context, press);
    } catch (error) {
      context.tasks.run('tell', () => context.tell(press.audience, error, { action: press.action.kind }));
    }
  });
}

function readPress(body: unknown): Press | undefined {
  const parsed = actionBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { user, container, message, actions, trigger_id, response_url } = parsed.data;
  const first = actions[0];
  const action = first ? parseAction(first.action_id, first.value) : undefined;
  const channel = parsed.data.channel?.id ?? container?.channel_id;
  const messageTs = message?.ts ?? container?.message_ts;
  if (!action || !channel || !messageTs) return undefined;
  const team = parsed.data.team?.id ?? user.team_id ?? '';
  const thread = message?.thread_ts ?? container?.thread_ts ?? messageTs;
  return {
    action,
    requester: { platform: 'slack', workspaceId: team, memberId: user.id },
    channel,
    thread,
    messageTs,
    key: actionKey(team, channel, messageTs, first?.action_ts ?? trigger_id),
    triggerId: trigger_id,
    audience: { channel, user: user.id, threadTs: thread, ...(response_url ? { responseUrl: response_url } : {}) },
  };
}

async function handlePress(context: SlackContext, press: Press): Promise<void> {
  const { engine } = context;
  const { action, requester } = press;
  switch (action.kind) {
    case 'edit': {
      const view = editModal({
        turn: action.id,
        channel: press.channel,
        thread: press.thread,
        ...(action.index !== undefined ? { index: action.index } : {}),
      });
      await context.clients.listener.views.open({ trigger_id: press.triggerId, view });
      return;
    }
    case 'reroll':
    case 'variations':
    case 'upscale':
    case 'upscaleok': {
      const turn = await engine.getTurn(action.id, requester);
      if (!turn) throw imageGone();
      await engine.submit({
        ...requester,
        idempotencyKey: press.key,
        action: action.kind === 'upscaleok' ? 'upscale' : action.kind,
        // Slack showed the cost in the button's confirmation dialog, and the member pressed Upscale in it.
        ...(action.kind === 'upscaleok' ? { confirmed: true } : {}),
        text: '',
        conversationId: turn.conversationId,
        target: { turnId: turn.id, index: action.index ?? 0 },
        channelId: press.channel,
        delivery: slackDelivery({ channel: press.channel, threadTs: press.thread }),
      });
      return;
    }
    case 'cancel': {
      const job = await requireJob(context, action.id, requester);
      await engine.cancel(job.id, await withAdminRights(context, requester, job.memberId));
      return;
    }
    case 'retry': {
      const job = await requireJob(context, action.id, requester);
      await engine.retry(
        job.id,
        requester,
        press.key,
        slackDelivery({ channel: press.channel, threadTs: press.thread }),
      );
      return;
    }
    case 'redeliver':
      context.tasks.run('redeliver', () => engine.redeliver(action.id, requester));
      return;
    case 'delete':
      return deleteTurnForMember(context, action.id, requester, press.audience);
  }
}

async function requireJob(context: SlackContext, jobId: string, requester: Requester): Promise<JobRecord> {
  const job = await context.engine.getJob(jobId, requester);
  if (!job) throw jobMissing();
  return job;
}
