import type { SlackOutbound } from './slack-context.js';
import { type SlackFailure, slackFailureOf } from './slack-errors.js';

/**
 * Checks, before any job, that the bot can post where a slash command came from: a public channel it is not in is
 * joined (`conversations.join`); a private one it is not in is refused with "invite me". Channels it is known to be
 * in are not checked again for a while (the check costs a Web API call inside the 3-second ack).
 */
export function createMembership(context: Pick<SlackOutbound, 'clients' | 'settings'>) {
  const known = new Map<string, number>();
  /** One check per channel at a time: a burst of commands in a new channel shares it. */
  const checking = new Map<string, Promise<SlackFailure | undefined>>();

  async function check(channel: string): Promise<SlackFailure | undefined> {
    const client = context.clients.listener;
    try {
      const info = await client.conversations.info({ channel });
      const details = info.channel ?? {};
      if (!details.is_member && !details.is_im) {
        if (details.is_private || details.is_mpim || details.is_group) return { code: 'private_channel' };
        await client.conversations.join({ channel });
      }
      known.set(channel, Date.now() + context.settings.membershipCacheMs);
      return undefined;
    } catch (error) {
      const failure = slackFailureOf(error);
      if (!failure) throw error;
      return failure;
    }
  }

  return {
    /** Undefined when the bot can post in `channel`; else why not. */
    ensure(channel: string): Promise<SlackFailure | undefined> {
      const until = known.get(channel);
      if (until !== undefined && until > Date.now()) return Promise.resolve(undefined);
      const pending = checking.get(channel);
      if (pending) return pending;
      const started = check(channel).finally(() => checking.delete(channel));
      checking.set(channel, started);
      return started;
    },
  };
}

export type Membership = ReturnType<typeof createMembership>;
