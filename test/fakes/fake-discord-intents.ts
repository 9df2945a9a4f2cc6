import { fakeIntents } from './fake-discord-permissions.js';

/**
 * What a client with these intents receives of a dispatch (undefined: nothing). Guild MESSAGE_* need
 * GuildMessages; MESSAGE_REACTION_* need GuildMessageReactions; THREAD_* need Guilds; without MessageContent, Discord blanks content, attachments, embeds and
 * components, except in the bot's own messages and in messages that mention it.
 */
export function shapeForIntents(t: string, d: unknown, intents: number, botUserId: string): unknown {
  if (t.startsWith('THREAD_') && (intents & fakeIntents.Guilds) === 0) return undefined;
  if (t.startsWith('MESSAGE_REACTION_')) return (intents & fakeIntents.GuildMessageReactions) === 0 ? undefined : d;
  if (!t.startsWith('MESSAGE_')) return d;
  if ((intents & fakeIntents.GuildMessages) === 0) return undefined;
  if (t === 'MESSAGE_DELETE' || (intents & fakeIntents.MessageContent) !== 0) return d;
  const message = d as { author?: { id?: string }; mentions?: { id?: string }[] };
  const mentioned = message.mentions?.some((user) => user.id === botUserId) ?? false;
  if (message.author?.id === botUserId || mentioned) return d;
  return { ...message, content: '', attachments: [], embeds: [], components: [] };
}
