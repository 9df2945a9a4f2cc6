import { invalidWebhookToken, unknownMessage, unknownWebhook } from './fake-discord-errors.js';
import type { InteractionMessages } from './fake-discord-interaction-messages.js';
import { checkMessageLimits } from './fake-discord-limits.js';
import { messageFlags } from './fake-discord-messages.js';
import type { FakeInteractionRecord, FakeMessage } from './fake-discord-records.js';
import { type FakeApp, noContent, ok, type Route, type RouteContext, route } from './fake-discord-router.js';

/**
 * The interaction webhook (no auth; the token is the credential): `@original` and follow-ups, valid once the
 * interaction was answered (else 404/10015) and for `tokenLifetimeMs` after dispatch by `now` (else 401/50027).
 */
export function webhookRoutes(app: FakeApp, messages: InteractionMessages): Route[] {
  const { state } = app;

  function webhookRecord(params: RouteContext['params']): FakeInteractionRecord {
    if (params['webhook_id'] !== app.applicationId) throw unknownWebhook();
    const record = state.interactionsByToken.get(params['webhook_token'] ?? '');
    if (!record || record.expired || app.now() - record.issuedAt > app.tokenLifetimeMs) throw invalidWebhookToken();
    if (!record.response) throw unknownWebhook();
    return record;
  }

  /** `@original`, or a message this interaction made: other ids are unknown to this webhook. */
  function ownedMessage(record: FakeInteractionRecord, id: string | undefined): FakeMessage {
    const messageId = id === '@original' ? record.originalMessageId : id;
    const message = messageId === undefined ? undefined : state.message(messageId);
    if (!message || !record.messageIds.has(message.id)) throw unknownMessage();
    return message;
  }

  const base = '/webhooks/{webhook_id}/{webhook_token}';
  const byId = (message: '@original' | '{message_id}') => {
    const path = `${base}/messages/${message}` as const;
    const id = (params: RouteContext['params']) => (message === '@original' ? '@original' : params['message_id']);
    return [
      route(`GET ${path}`, 'none', ({ params }) => {
        return ok(ownedMessage(webhookRecord(params), id(params)));
      }),
      route(`PATCH ${path}`, 'none', ({ params, body, files }) => {
        const record = webhookRecord(params);
        return ok(messages.edit(record, ownedMessage(record, id(params)), body, files));
      }),
      route(`DELETE ${path}`, 'none', ({ params }) => {
        const record = webhookRecord(params);
        messages.remove(record, ownedMessage(record, id(params)));
        return noContent;
      }),
    ];
  };

  return [
    // `@original` first: the router takes the first match, and `{message_id}` would match it too.
    ...byId('@original'),
    ...byId('{message_id}'),
    route(`POST ${base}`, 'none', ({ params, body, files, query }) => {
      const record = webhookRecord(params);
      const original = record.originalMessageId === undefined ? undefined : state.message(record.originalMessageId);
      let message: FakeMessage;
      // Discord quirk: the first follow-up after a deferral replaces the "thinking…" message instead of adding one.
      if (original && (original.flags & messageFlags.loading) !== 0)
        message = messages.edit(record, original, body, files);
      else {
        checkMessageLimits(body, files, record.attachmentSizeLimit);
        message = messages.create(record, body, files);
      }
      return query.get('wait') === 'true' ? ok(message) : noContent;
    }),
  ];
}
