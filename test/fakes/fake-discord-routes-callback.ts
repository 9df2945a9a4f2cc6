import { alreadyAcknowledged, createFormErrors, unknownInteraction, unknownMessage } from './fake-discord-errors.js';
import type { InteractionMessages } from './fake-discord-interaction-messages.js';
import { checkAutocomplete, checkMessageLimits, checkModal } from './fake-discord-limits.js';
import { isEphemeral, messageFlags } from './fake-discord-messages.js';
import type { FakeInteractionRecord, FakeMessage } from './fake-discord-records.js';
import { type FakeApp, noContent, ok, type Route, type RouteContext, route } from './fake-discord-router.js';

/** Which initial responses each interaction type accepts (commands, components, autocomplete, modal submits). */
const allowedCallbacks: Readonly<Record<number, readonly number[]>> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

/**
 * The initial response (no auth): once, within the deadline after dispatch (else 404/10062; twice: 400/40060).
 * 4 replies, 5 defers (a "thinking…" message with LOADING), 6/7 acknowledge/update the component's message, 8 sends
 * autocomplete choices, 9 opens a modal. `@original` then names that message. `with_response=true` answers 200 with
 * `{ interaction, resource: { type, message } }`, else 204. Messages, choices and modals are held to Discord's limits.
 */
export function callbackRoutes(app: FakeApp, messages: InteractionMessages): Route[] {
  const { state } = app;

  function respond(record: FakeInteractionRecord, type: number, context: RouteContext): FakeMessage | undefined {
    const data = (context.body['data'] ?? {}) as Record<string, unknown>;
    if (!allowedCallbacks[record.type]?.includes(type)) {
      const errors = createFormErrors();
      errors.add(
        ['type'],
        'INTERACTION_CALLBACK_TYPE_INVALID',
        `Callback ${type} is invalid for interaction ${record.type}.`,
      );
      errors.throwIfAny();
    }
    if (type === 4) {
      checkMessageLimits(data, context.files, record.attachmentSizeLimit, ['data']);
      return messages.create(record, data, context.files);
    }
    if (type === 5) {
      const flags = (Number(data['flags'] ?? 0) & messageFlags.ephemeral) | messageFlags.loading;
      return messages.create(record, { flags }, []);
    }
    if (type === 6 || type === 7) {
      const component = state.message(String((record.payload['message'] as { id?: unknown })?.['id'] ?? ''));
      if (!component) throw unknownMessage();
      record.messageIds.add(component.id);
      return type === 7 ? messages.edit(record, component, data, context.files) : component;
    }
    if (type === 8) checkAutocomplete(data);
    if (type === 9) checkModal(data);
    return undefined;
  }

  return [
    route('POST /interactions/{interaction_id}/{interaction_token}/callback', 'none', (context) => {
      const record = state.interactions.get(context.params['interaction_id'] ?? '');
      if (!record || record.token !== context.params['interaction_token']) throw unknownInteraction();
      const late = context.request.receivedAt - record.dispatchedAt > app.interactionResponseDeadlineMs;
      if (record.expired || late) throw unknownInteraction();
      if (record.response) throw alreadyAcknowledged();
      const type = Number(context.body['type']);
      const message = respond(record, type, context);
      if (message) record.originalMessageId = message.id;
      record.response = { type, receivedAt: context.request.receivedAt, body: context.request.body };
      if (context.query.get('with_response') !== 'true') return noContent;
      const shown = message && {
        response_message_id: message.id,
        response_message_loading: (message.flags & messageFlags.loading) !== 0,
        response_message_ephemeral: isEphemeral(message),
      };
      return ok({
        interaction: { id: record.id, type: record.type, ...shown },
        resource: { type, ...(message && { message }) },
      });
    }),
  ];
}
