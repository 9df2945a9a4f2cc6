import type { PlatformAckObserver } from '../../core/platform/chat-platform.js';

/** Interactions still unanswered after this long are forgotten (Discord's own window is 3 s). */
const forgetAfterMs = 60_000;
const callbackPath = /^\/interactions\/(\d+)\/[^/]+\/callback/;

/**
 * Times each interaction from its arrival on the gateway to the REST answer of its callback (a deferral, a reply,
 * a modal): the acknowledgement latency members feel as "thinking…" or "This interaction failed".
 */
export function createAckTimer(onAck: PlatformAckObserver | undefined, now: () => number = () => performance.now()) {
  const arrivals = new Map<string, number>();
  return {
    arrived(interactionId: string): void {
      if (!onAck) return;
      const at = now();
      for (const [id, when] of arrivals) {
        if (at - when < forgetAfterMs) break; // oldest first: the rest are newer
        arrivals.delete(id);
      }
      arrivals.set(interactionId, at);
    },
    /** A REST answer: when it is an interaction's callback, that interaction was acknowledged. */
    answered(path: string): void {
      const id = callbackPath.exec(path)?.[1];
      const arrived = id === undefined ? undefined : arrivals.get(id);
      if (id === undefined || arrived === undefined) return;
      arrivals.delete(id);
      onAck?.({ platform: 'discord', seconds: Math.max(0, now() - arrived) / 1000 });
    },
  };
}

export type AckTimer = ReturnType<typeof createAckTimer>;
