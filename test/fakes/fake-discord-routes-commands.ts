import { createFormErrors, missingAccess, unknownCommand } from './fake-discord-errors.js';
import type { FakeCommand } from './fake-discord-records.js';
import { type FakeApp, noContent, ok, type Route, type RouteContext, route } from './fake-discord-router.js';

/**
 * Global and guild application commands, kept as registered: GET returns what was PUT/POSTed plus Discord's
 * fields (id, application_id, version, defaults). Commands keep their id when re-registered under the same name.
 */
export function commandRoutes(app: FakeApp): Route[] {
  const { commands } = app.state;

  function listFor(params: RouteContext['params']): { list: FakeCommand[]; guildId?: string } {
    if (params['application_id'] !== app.applicationId) throw missingAccess();
    const guildId = params['guild_id'];
    if (guildId === undefined) return { list: commands.global };
    if (!app.state.guilds.has(guildId)) throw missingAccess();
    const list = commands.guilds.get(guildId) ?? [];
    commands.guilds.set(guildId, list);
    return { list, guildId };
  }

  function toCommand(body: Record<string, unknown>, guildId: string | undefined, previous?: FakeCommand): FakeCommand {
    return {
      id: previous?.id ?? app.snowflake(),
      application_id: app.applicationId,
      version: app.snowflake(),
      default_member_permissions: null,
      type: 1,
      description: '',
      contexts: null,
      integration_types: [0],
      nsfw: false,
      ...body,
      name: String(body['name']),
      ...(guildId !== undefined && { guild_id: guildId }),
    } as FakeCommand;
  }

  const sameCommand = (body: Record<string, unknown>) => (command: FakeCommand) =>
    command.name === body['name'] && command.type === Number(body['type'] ?? 1);

  function byId(list: FakeCommand[], id: string | undefined): FakeCommand {
    const found = list.find((command) => command.id === id);
    if (!found) throw unknownCommand();
    return found;
  }

  const routes = (base: string) => [
    route(`GET ${base}` as `GET /${string}`, 'bot', ({ params }) => ok(listFor(params).list)),
    route(`PUT ${base}` as `PUT /${string}`, 'bot', ({ params, request }) => {
      const { list, guildId } = listFor(params);
      if (!Array.isArray(request.body)) {
        const errors = createFormErrors();
        errors.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
        errors.throwIfAny();
      }
      const next = (request.body as Record<string, unknown>[]).map((body) =>
        toCommand(body, guildId, list.find(sameCommand(body))),
      );
      list.splice(0, list.length, ...next);
      return ok(next);
    }),
    route(`POST ${base}` as `POST /${string}`, 'bot', ({ params, body }) => {
      const { list, guildId } = listFor(params);
      const previous = list.find(sameCommand(body));
      const command = toCommand(body, guildId, previous);
      if (previous) list.splice(list.indexOf(previous), 1, command);
      else list.push(command);
      return ok(command, previous ? 200 : 201);
    }),
    route(`GET ${base}/{command_id}` as `GET /${string}`, 'bot', ({ params }) =>
      ok(byId(listFor(params).list, params['command_id'])),
    ),
    route(`PATCH ${base}/{command_id}` as `PATCH /${string}`, 'bot', ({ params, body }) => {
      const { list, guildId } = listFor(params);
      const previous = byId(list, params['command_id']);
      const command = toCommand({ ...previous, ...body }, guildId, previous);
      list.splice(list.indexOf(previous), 1, command);
      return ok(command);
    }),
    route(`DELETE ${base}/{command_id}` as `DELETE /${string}`, 'bot', ({ params }) => {
      const { list } = listFor(params);
      list.splice(list.indexOf(byId(list, params['command_id'])), 1);
      return noContent;
    }),
  ];

  return [
    ...routes('/applications/{application_id}/commands'),
    ...routes('/applications/{application_id}/guilds/{guild_id}/commands'),
  ];
}
