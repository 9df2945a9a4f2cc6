import type { App } from '@slack/bolt';
import { z } from 'zod';
import { UserFacingError } from '../../core/user-facing-error.js';
import type { Audience, SlackContext } from './slack-context.js';

const pressSchema = z.object({
  user: z.object({ id: z.string() }),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), thread_ts: z.string().optional() }).optional(),
  response_url: z.string().optional(),
});

export const unknownButton = () =>
  new UserFacingError(
    'unknown_button',
    'This button comes from an older version of threadpaint and no longer works. Use `/imagine` to start again.',
  );

/** Who pressed a button and where, read from any block action, for telling them something. */
export function audienceOf(body: unknown): Audience | undefined {
  const parsed = pressSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { user, channel, container, response_url } = parsed.data;
  const where = channel?.id ?? container?.channel_id;
  if (!where) return undefined;
  return {
    channel: where,
    user: user.id,
    ...(container?.thread_ts ? { threadTs: container.thread_ts } : {}),
    ...(response_url ? { responseUrl: response_url } : {}),
  };
}

/**
 * Slack delivers an app only its own buttons' presses, so an action id this version does not know comes from an
 * older one: acknowledged, and the member is told, instead of a press that does nothing.
 */
export function registerUnknownActions(app: App, context: SlackContext): void {
  app.action(/^(?!tp:)/, async ({ ack, body }) => {
    await ack();
    const audience = audienceOf(body);
    if (audience) context.tasks.run('tell', () => context.tell(audience, unknownButton(), { action: 'unknown' }));
  });
}
