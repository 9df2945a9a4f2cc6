import { throwing, unknownGuild, unknownMember, unknownUser } from './fake-discord-errors.js';
import { type FakeApp, ok, type Route, route } from './fake-discord-router.js';
import { memberObject } from './fake-discord-shapes.js';
import type { GuildRecord } from './fake-discord-state.js';

/** Gateway discovery, the bot's user and application, guilds, roles and members. */
export function appRoutes(app: FakeApp): Route[] {
  const { state } = app;
  const guildOf = (id: string | undefined): GuildRecord => state.guilds.get(id ?? '') ?? throwing(unknownGuild());
  const self = { ...app.botUser, verified: true, mfa_enabled: false, flags: 0, email: null };

  return [
    route('GET /gateway', 'none', () => ok({ url: app.gatewayUrl })),
    route('GET /gateway/bot', 'bot', () =>
      ok({
        url: app.gatewayUrl,
        shards: app.shards,
        // reset_after 0: discord.js caches this answer for reset_after || 5000 ms, and a restart must ask again.
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: app.maxConcurrency },
      }),
    ),
    route('GET /users/@me', 'bot', () => ok(self)),
    route('GET /users/{user_id}', 'bot', ({ params }) =>
      ok(state.users.get(params['user_id'] ?? '') ?? throwing(unknownUser())),
    ),
    route('GET /applications/@me', 'bot', () =>
      ok({
        id: app.applicationId,
        name: app.botUser.username,
        icon: null,
        description: '',
        summary: '',
        type: null,
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: 'f'.repeat(64),
        flags: 0,
        hook: true,
        owner: { id: '0', username: 'owner', discriminator: '0', global_name: 'owner', avatar: null },
        team: null,
        bot: app.botUser,
        approximate_guild_count: state.guilds.size,
        integration_types_config: { '0': {} },
      }),
    ),
    route('GET /guilds/{guild_id}', 'bot', ({ params }) => {
      const {
        channels: _channels,
        threads: _threads,
        members: _members,
        ...guild
      } = state.guildCreate(guildOf(params['guild_id']));
      return ok({ ...guild, approximate_member_count: 2, approximate_presence_count: 1 });
    }),
    route('GET /guilds/{guild_id}/channels', 'bot', ({ params }) => {
      const guild = guildOf(params['guild_id']);
      return ok([...state.channels.values()].filter((channel) => channel.guild_id === guild.id));
    }),
    route('GET /guilds/{guild_id}/roles', 'bot', ({ params }) => ok(guildOf(params['guild_id']).roles)),
    route('GET /guilds/{guild_id}/members/{user_id}', 'bot', ({ params }) => {
      const guild = guildOf(params['guild_id']);
      const user = state.users.get(params['user_id'] ?? '');
      if (!user) throw unknownMember();
      const roles = user.id === app.botUser.id ? [guild.botRoleId] : [];
      return ok(memberObject(user, roles, guild.joinedAt));
    }),
  ];
}
