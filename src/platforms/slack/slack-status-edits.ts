import type { SlackMessage } from './slack-blocks.js';
import type { SlackOutbound } from './slack-context.js';
import { slackFailureOf } from './slack-errors.js';

interface Slot {
  latest: { channel: string; ts: string; message: SlackMessage } | undefined;
  running: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Edits status messages with `chat.update`. Edits of one message go out one at a time and only the newest content
 * is sent; an edit to what the message shows already is skipped; a 429 is not waited for inside the client (it
 * rejects at once), the edit is retried after `Retry-After` with whatever content is newest by then.
 */
export function createStatusEdits(outbound: Pick<SlackOutbound, 'clients' | 'tasks' | 'logger'>) {
  const slots = new Map<string, Slot>();
  /** The content each status message shows (bounded: oldest forgotten first). */
  const shown = new Map<string, string>();
  const remember = (key: string, content: string) => {
    shown.delete(key);
    shown.set(key, content);
    if (shown.size > 5_000) shown.delete(shown.keys().next().value as string);
  };

  async function drain(key: string, slot: Slot): Promise<void> {
    slot.running = true;
    try {
      while (slot.latest) {
        const { channel, ts, message } = slot.latest;
        slot.latest = undefined;
        try {
          await outbound.clients.status.chat.update({ channel, ts, ...message });
          remember(key, JSON.stringify(message));
        } catch (error) {
          const failure = slackFailureOf(error);
          if (failure?.code === 'ratelimited' && !outbound.tasks.signal.aborted) {
            slot.latest ??= { channel, ts, message };
            slot.timer = setTimeout(
              () => {
                slot.timer = undefined;
                outbound.tasks.run('status update', () => drain(key, slot));
              },
              (failure.retryAfter ?? 1) * 1000,
            );
            return;
          }
          outbound.logger.warn(
            { platform: 'slack', code: failure?.code ?? 'internal', channel, ts, err: error },
            'slack: status update failed',
          );
        }
      }
    } finally {
      slot.running = false;
      if (!slot.latest && !slot.timer) slots.delete(key);
    }
  }

  return {
    async edit(channel: string, ts: string, message: SlackMessage): Promise<void> {
      const key = `${channel}:${ts}`;
      if (shown.get(key) === JSON.stringify(message) && !slots.has(key)) return;
      const slot = slots.get(key) ?? { latest: undefined, running: false, timer: undefined };
      slots.set(key, slot);
      slot.latest = { channel, ts, message };
      if (!slot.running && !slot.timer) await drain(key, slot);
    },
    /** What a status message shows now (after posting it), so an edit to the same content is skipped. */
    remember: (channel: string, ts: string, message: SlackMessage) =>
      remember(`${channel}:${ts}`, JSON.stringify(message)),
    /** Drops edits still waiting out a rate limit; returns how many. */
    stop(): number {
      let dropped = 0;
      for (const slot of slots.values()) {
        if (slot.timer) {
          clearTimeout(slot.timer);
          dropped++;
        }
      }
      slots.clear();
      return dropped;
    },
  };
}

export type StatusEdits = ReturnType<typeof createStatusEdits>;
