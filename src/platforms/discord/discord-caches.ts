import { type CacheFactory, type Client, type ClientOptions, Options, Partials, type SweeperOptions } from 'discord.js';

/**
 * What the gateway keeps in discord.js's caches: only what the handlers read. Nothing looks a message up (results,
 * statuses and turns are found by the ids stored on each job), so messages, reactions and presences are never cached;
 * permissions come with each interaction (`app_permissions`, the member's `permissions`), and a thread reply's author
 * is read from the member its MESSAGE_CREATE carries, at once (`messageRequester`). Guilds, channels, roles and
 * permission overwrites stay whole (discord.js computes permissions from them, and does not support limiting them),
 * and so do active threads (a thread reply needs its thread to be known); archived threads are swept.
 */
export interface DiscordCacheSettings {
  /** How often archived threads are swept, in seconds (600). */
  readonly sweepIntervalSeconds?: number;
  /** An archived thread is forgotten this long after it was archived, in seconds (3600). */
  readonly archivedThreadLifetimeSeconds?: number;
  /** `discord.js`: its default caches instead (200 messages a channel, every member and user): for comparison only. */
  readonly keep?: 'needed' | 'discord.js';
}

const isBot = (id: string, client: Client) => id === client.user?.id;

/**
 * Members: the bot's own (`guild.members.me`) and the author of the message being handled — discord.js puts it in
 * the cache while it builds the message, and `message.member` reads it back before any other event is handled.
 */
const recentMembers = 1;

export function discordCacheFactory(): CacheFactory {
  return Options.cacheWithLimits({
    MessageManager: 0,
    ReactionManager: 0,
    ReactionUserManager: 0,
    PresenceManager: 0,
    VoiceStateManager: 0,
    StageInstanceManager: 0,
    GuildScheduledEventManager: 0,
    GuildStickerManager: 0,
    GuildEmojiManager: 0,
    GuildInviteManager: 0,
    GuildBanManager: 0,
    AutoModerationRuleManager: 0,
    GuildMemberManager: { maxSize: recentMembers, keepOverLimit: (member) => isBot(member.id, member.client) },
    ThreadMemberManager: { maxSize: 0, keepOverLimit: (member) => isBot(member.id, member.client) },
    UserManager: { maxSize: 0, keepOverLimit: (user) => isBot(user.id, user.client) },
  });
}

export function discordSweepers(settings: DiscordCacheSettings = {}): SweeperOptions {
  return {
    threads: {
      interval: settings.sweepIntervalSeconds ?? 600,
      lifetime: settings.archivedThreadLifetimeSeconds ?? 3600,
    },
  };
}

/**
 * Partials: what arrives for something the caches do not hold is still handled, as its ids. `Partials.Channel` lets
 * an interaction from a thread that was swept (an archived one, or one the bot never saw) put that thread back from
 * the channel the interaction carries, so `interaction.channel` still says it is a thread; without it the thread
 * would be taken for a channel. Message, Reaction and User: a 🔁/❌ reaction on a result (no message is ever cached)
 * still arrives, resolved through the message-to-turn map (`discord-reactions.ts`).
 */
export const discordPartials = [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User];

/** The client options that bound the caches, with the partials they need (kept with discord.js's defaults too). */
export function discordCacheOptions(
  settings: DiscordCacheSettings = {},
): Pick<ClientOptions, 'makeCache' | 'sweepers' | 'partials'> {
  if (settings.keep === 'discord.js') return { partials: discordPartials };
  return { makeCache: discordCacheFactory(), sweepers: discordSweepers(settings), partials: discordPartials };
}

/** What the caches hold now: for the benchmark and the tests that prove they stay bounded. */
export interface DiscordCacheSizes {
  readonly guilds: number;
  readonly channels: number;
  readonly threads: number;
  readonly members: number;
  readonly users: number;
  readonly messages: number;
}

export function discordCacheSizes(client: Client): DiscordCacheSizes {
  let threads = 0;
  let messages = 0;
  for (const channel of client.channels.cache.values()) {
    if (channel.isThread()) threads++;
    if (channel.isTextBased()) messages += channel.messages.cache.size;
  }
  return {
    guilds: client.guilds.cache.size,
    channels: client.channels.cache.size,
    threads,
    members: client.guilds.cache.reduce((sum, guild) => sum + guild.members.cache.size, 0),
    users: client.users.cache.size,
    messages,
  };
}
