import type { FakeDiscord } from '../../fakes/fake-discord.js';
import { loadPayload } from '../payloads.js';

/**
 * The documented slash command interaction without `entitlements` (discord.js throws on it), with the fake's
 * guild, channel and member and a fresh id and token.
 */
export function unreadableInteraction(fake: FakeDiscord): { token: string; payload: Record<string, unknown> } {
  const token = `aW50ZXJhY3Rpb246${fake.snowflake()}unreadable`;
  const { payload } = loadPayload('discord/interaction-without-entitlements.json', {
    interaction: fake.snowflake(),
    token,
    guild: fake.guildId,
    channel: fake.channelId,
    member: fake.userId,
  });
  return { token, payload };
}
