import { type Client, type REST, Routes } from 'discord.js';
import { z } from 'zod';
import type { EngineLogger } from '../../core/engine/engine-types.js';
import { newReferenceId } from '../../logging/logger.js';

/** The packet discord.js's WebSocket manager hands to its handlers: `t` is the dispatch's event type. */
interface GatewayPacket {
  readonly t?: string | null;
  readonly d?: unknown;
}

interface PacketManager {
  handlePacket(packet?: GatewayPacket, shard?: unknown): boolean;
}

/**
 * discord.js builds its objects from a dispatch inside its WebSocket message handler. A payload it cannot read (an
 * INTERACTION_CREATE without `entitlements`, as Discord sent them in 2021) throws there, that handler's promise
 * rejects with nothing to catch it, and Node ends the process. Every dispatch passes through
 * `WebSocketManager#handlePacket` (queued ones too), and discord.js offers no hook around it (`Events.Error` sees
 * gateway errors, not handler throws), so it is wrapped: an unreadable event costs that event, never the process.
 *
 * @see https://github.com/discordjs/discord.js/blob/14.28.1/packages/discord.js/src/client/websocket/WebSocketManager.js
 */
export function guardGatewayDispatch(
  client: Client,
  onFailure: (event: string, error: unknown, data: unknown) => void,
): void {
  const manager = client.ws as unknown as PacketManager;
  const handle = manager.handlePacket.bind(manager);
  manager.handlePacket = (packet, shard) => {
    try {
      return handle(packet, shard);
    } catch (error) {
      onFailure(packet?.t ?? 'unknown', error, packet?.d);
      return true;
    }
  };
}

const interactionSchema = z.object({ id: z.string().min(1), token: z.string().min(1), type: z.number().int() });

/**
 * Logs an event discord.js could not read (one line with its type and a reference) and, when it was an interaction,
 * answers it through REST with the raw id and token, so the member reads a sentence instead of "This interaction
 * failed".
 */
export function reportUnreadableEvent(options: { readonly rest: REST; readonly logger: EngineLogger }) {
  return (event: string, error: unknown, data: unknown): void => {
    const reference = newReferenceId();
    const interaction = event === 'INTERACTION_CREATE' ? interactionSchema.safeParse(data) : undefined;
    options.logger.error(
      { event, reference, err: error, ...(interaction?.success ? { interactionId: interaction.data.id } : {}) },
      'discord: a gateway event could not be read; skipped it',
    );
    if (!interaction?.success) return;
    const body = callbackFor(interaction.data.type, reference);
    if (!body) return;
    options.rest
      .post(Routes.interactionCallback(interaction.data.id, interaction.data.token), { body, auth: false })
      .catch((replyError: unknown) =>
        options.logger.warn(
          { event, reference, err: replyError },
          'discord: could not tell the member about an unreadable event',
        ),
      );
  };
}

function callbackFor(type: number, reference: string): Record<string, unknown> | undefined {
  // Autocomplete takes choices only; a ping (1) is answered by Discord's own endpoint check, not here.
  if (type === 4) return { type: 8, data: { choices: [] } };
  if (type !== 2 && type !== 3 && type !== 5) return undefined;
  const content = `⚠️ Discord sent this in a form I could not read, so nothing was done. Please try again (ref ${reference}).`;
  return { type: 4, data: { content, flags: 64, allowed_mentions: { parse: [] } } };
}
