import type { Deliverer, DeliveryContext } from '../../src/core/engine/engine-types.js';
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
 * A stand-in platform: records every delivery attempt (the job, turn and image bytes) and answers with a message
 * id, as a platform adapter would; it can be told to fail the next attempts, or to never answer them.
 */
export interface RecordingDeliverer extends Deliverer {
  /** Every attempt, failed and stalled ones included. */
  readonly attempts: WaitList<RecordedDelivery>;
  /** Successful deliveries only. */
  readonly delivered: readonly RecordedDelivery[];
  /** The next `times` deliveries throw `error` (a platform outage). */
  failNext(times: number, error?: Error): void;
  /** The next `times` deliveries never settle (a platform that stopped answering). */
  stallNext(times: number): void;
  /** Resolves with the first successful delivery of a job. */
  waitForDelivery(jobId: string, timeoutMs?: number): Promise<RecordedDelivery>;
  deliveriesOf(jobId: string): RecordedDelivery[];
}

type Scripted = { readonly kind: 'fail'; readonly error: Error } | { readonly kind: 'stall' };

export function createRecordingDeliverer(): RecordingDeliverer {
  const attempts = createWaitList<RecordedDelivery>(
    (attempt) => `${attempt.outcome} job ${attempt.jobId} (${attempt.images.length} images)`,
  );
  const script: Scripted[] = [];
  let counter = 0;
  const isDelivery = (attempt: RecordedDelivery) => attempt.outcome === 'delivered';
  return {
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
