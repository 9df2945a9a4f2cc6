import type { FakeChannel, FakeUser } from './fake-discord-records.js';
import { memberObject } from './fake-discord-shapes.js';
import type { GuildRecord } from './fake-discord-state.js';

/**
 * A GUILD_CREATE `d`: what discord.js caches the guild, its roles, channels and active threads from. Members hold only
 * the bot (Discord always includes the current member), so `guild.members.me` works.
 */
export function guildCreatePayload(
  guild: GuildRecord,
  channels: readonly FakeChannel[],
  threads: readonly FakeChannel[],
  botUser: FakeUser,
): Record<string, unknown> {
  const members = [memberObject(botUser, [guild.botRoleId], guild.joinedAt)];
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    max_members: 500000,
    max_video_channel_users: 25,
    features: [],
    application_id: null,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    lazy: true,
    member_count: 2,
    members,
    channels,
    threads,
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** READY's `d` without the session fields the gateway adds: every guild starts unavailable, then GUILD_CREATE. */
export function readyPayload(
  botUser: FakeUser,
  guildIds: readonly string[],
  applicationId: string,
): Record<string, unknown> {
  return {
    user: { ...botUser, verified: true, mfa_enabled: false, flags: 0, email: null },
    guilds: guildIds.map((id) => ({ id, unavailable: true })),
    application: { id: applicationId, flags: 0 },
    private_channels: [],
    relationships: [],
    presences: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    user_settings: {},
  };
}
