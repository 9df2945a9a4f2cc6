import type { JobRecord } from '../../core/records.js';
import { canVary, type SlackMessage, type StatusState, statusMessage } from './slack-blocks.js';
import type { SlackContext } from './slack-context.js';
import { slackFailureOf } from './slack-errors.js';

interface Slot {
  latest: { channel: string; ts: string; message: SlackMessage } | undefined;
  running: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Keeps status messages current with `chat.update`, on state changes only. Edits of one message go out one at a
 * time and only the newest state is sent; a 429 is not waited for inside the client (it rejects at once), the
 * edit is retried after `Retry-After` with whatever state is newest by then.
 */
export function createStatusUpdater(context: SlackContext): SlackContext['status'] & { stop(): number } {
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
          await context.clients.status.chat.update({ channel, ts, ...message });
          remember(key, JSON.stringify(message));
        } catch (error) {
          const failure = slackFailureOf(error);
          if (failure?.code === 'ratelimited' && !context.tasks.signal.aborted) {
            slot.latest ??= { channel, ts, message };
            slot.timer = setTimeout(
              () => {
                slot.timer = undefined;
                context.tasks.run('status update', () => drain(key, slot));
              },
              (failure.retryAfter ?? 1) * 1000,
            );
            return;
          }
          context.logger.warn(
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
    async show(job: JobRecord, state: StatusState) {
      const target = await context.threads.ensureStatus(job);
      if (!target?.statusTs) return;
      const turn = await context.engine.getTurn(job.turnId, job);
      const isRoot = target.rootTs !== undefined && target.statusTs === target.rootTs;
      const message = statusMessage({
        job,
        state,
        defaultModel: context.config.DEFAULT_MODEL,
        ...(turn ? { turn } : {}),
        ...(isRoot && turn ? { turnActions: { canVary: canVary(context.config.catalogue, turn) } } : {}),
      });
      const key = `${target.channel}:${target.statusTs}`;
      if (shown.get(key) === JSON.stringify(message) && !slots.has(key)) return;
      const slot = slots.get(key) ?? { latest: undefined, running: false, timer: undefined };
      slots.set(key, slot);
      slot.latest = { channel: target.channel, ts: target.statusTs, message };
      if (!slot.running && !slot.timer) await drain(key, slot);
    },
    remember: (channel, ts, message) => remember(`${channel}:${ts}`, JSON.stringify(message)),
    /** Drops edits still waiting out a rate limit; returns how many. */
    stop() {
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
