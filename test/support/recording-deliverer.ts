import type { DeliveryContext } from '../../src/core/engine/engine-types.js';
import type { PlatformOutbound, StatusEvent } from '../../src/core/platform/chat-platform.js';
import type { Platform } from '../../src/core/records.js';
import { createWaitList, type WaitList } from './wait-list.js';

export interface RecordedDelivery {
  readonly jobId: string;
  readonly turnId: string;
  readonly conversationId: string;
  readonly context: DeliveryContext;
  /** Copies of the image bytes the deliverer was handed, in output order. */
  readonly images: readonly Uint8Array[];
  /** `failed` (`failNext`) and `stalled` (`stallNext`) attempts were made to go wrong. */
  readonly outcome: 'delivered' | 'failed' | 'stalled';
  /** The message id it answered with (delivered attempts). */
  readonly messageId?: string;
}

/**
 * A stand-in platform's outbound half: records every delivery attempt (the job, turn and image bytes) and answers
 * with a message id, as a platform would; it can be told to fail the next attempts, or to never answer them. Status
 * events are recorded as they are rendered.
 */
export interface RecordingDeliverer extends PlatformOutbound {
  /** Every status event rendered, in the order the engine handed them over. */
  readonly statuses: WaitList<StatusEvent>;
  /** Every attempt, failed and stalled ones included. */
  readonly attempts: WaitList<RecordedDelivery>;
  /** Successful deliveries only. */
  readonly delivered: readonly RecordedDelivery[];
  /** The next `times` deliveries throw `error` (a platform outage). */
  failNext(times: number, error?: Error): void;
  /** The next `times` deliveries never settle (a platform that stopped answering). */
  stallNext(times: number): void;
  /** The next delivery waits, once it has `reached` the platform, until `release()`; then it delivers. */
  holdNext(): { readonly reached: Promise<void>; release(): void };
  /** Resolves with the first successful delivery of a job. */
  waitForDelivery(jobId: string, timeoutMs?: number): Promise<RecordedDelivery>;
  deliveriesOf(jobId: string): RecordedDelivery[];
}

type Scripted =
  | { readonly kind: 'fail'; readonly error: Error }
  | { readonly kind: 'stall' }
  | { readonly kind: 'hold'; readonly reach: () => void; readonly released: Promise<void> };

export function createRecordingDeliverer(name: Platform = 'slack'): RecordingDeliverer {
  const attempts = createWaitList<RecordedDelivery>(
    (attempt) => `${attempt.outcome} job ${attempt.jobId} (${attempt.images.length} images)`,
  );
  const script: Scripted[] = [];
  let counter = 0;
  const isDelivery = (attempt: RecordedDelivery) => attempt.outcome === 'delivered';
  const statuses = createWaitList<StatusEvent>((event) => `${event.type} ${event.job.id}`);
  return {
    name,
    statuses,
    awaitsStatus: () => false,
    async renderStatus(event) {
      statuses.push(event);
      return undefined;
    },
    attempts,
    get delivered() {
      return attempts.items.filter(isDelivery);
    },
    failNext(times, error = new Error('platform unavailable (test)')) {
      for (let index = 0; index < times; index++) script.push({ kind: 'fail', error });
    },
    stallNext(times) {
      for (let index = 0; index < times; index++) script.push({ kind: 'stall' });
    },
    holdNext() {
      let release = () => {};
      let reach = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const reached = new Promise<void>((resolve) => {
        reach = resolve;
      });
      script.push({ kind: 'hold', reach, released });
      return { reached, release };
    },
    async deliver(context) {
      const base = {
        jobId: context.job.id,
        turnId: context.turn.id,
        conversationId: context.conversation.id,
        context,
        images: context.images.map((image) => Uint8Array.from(image.bytes)),
      };
      const scripted = script.shift();
      if (scripted?.kind === 'fail') {
        attempts.push({ ...base, outcome: 'failed' });
        throw scripted.error;
      }
      if (scripted?.kind === 'stall') {
        attempts.push({ ...base, outcome: 'stalled' });
        return new Promise<never>(() => {});
      }
      if (scripted?.kind === 'hold') {
        scripted.reach();
        await scripted.released;
      }
      const messageId = `msg-${++counter}`;
      attempts.push({ ...base, outcome: 'delivered', messageId });
      return { messageId };
    },
    waitForDelivery: (jobId, timeoutMs) =>
      attempts.waitFor((attempt) => attempt.jobId === jobId && isDelivery(attempt), {
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        what: `delivery of job ${jobId}`,
      }),
    deliveriesOf: (jobId) => attempts.items.filter((attempt) => attempt.jobId === jobId && isDelivery(attempt)),
  };
}
