import type { DeliveryContext } from '../engine/engine-types.js';
import type { InputImage } from '../imagine-request.js';
import type { JobEvent } from '../jobs/job-events.js';
import type { DeliveryTarget, FileReference, JobRecord, Platform } from '../records.js';
import type { PlatformEngine } from './platform-engine.js';

/** Ids a platform keeps on a job (a status message it posted, the result's message): merged into the stored target. */
export type DeliveryIds = DeliveryTarget;

/** The job events a status message shows; `progress` is the engine's own. */
export type StatusEvent = Exclude<JobEvent, { readonly type: 'progress' }>;

/** Whether a platform's inbound half is connected, for `/healthz`. */
export interface PlatformHealth {
  readonly connected: boolean;
  /** `gateway ready`, `events on /slack/events`, `outbound only`, why not connected. */
  readonly detail?: string;
}

/** One call a platform made to its API, for counting calls and rate limits (no metrics code here). */
export interface PlatformApiCall {
  readonly platform: Platform;
  /** The route or method (`PATCH /webhooks/:id/:token/messages/@original`, `chat.update`). */
  readonly call: string;
  readonly outcome: 'ok' | 'rate_limited' | 'failed';
  readonly retryAfterMs?: number;
}

export type PlatformApiObserver = (call: PlatformApiCall) => void;

/**
 * A request acknowledged: from its arrival to the platform's answer (Slack: the HTTP 200 to an event or command;
 * Discord: the interaction callback, a deferral or a reply). For the acknowledgement-latency histogram.
 */
export type PlatformAckObserver = (ack: { readonly platform: Platform; readonly seconds: number }) => void;

/**
 * The outbound half of a platform: everything it does from stored ids and bytes, through its REST API only (Discord
 * REST with the bot token or the interaction webhook, Slack's Web API with the bot token). A worker process with no
 * gateway connection runs jobs with this half alone.
 */
export interface PlatformOutbound {
  readonly name: Platform;
  /**
   * Posts a finished turn. Resolves to ids to keep on the job; a failure after part of it was posted throws a
   * `DeliveryIncompleteError` with the ids of what was posted, so posting again does not post that part twice.
   */
  deliver(context: DeliveryContext): Promise<DeliveryIds | undefined>;
  /**
   * Shows a job event in the job's status message (posting it when the job has none yet). The engine calls it in
   * order per job, one event at a time; it may be slow, and a failure is logged without touching the job. Resolves
   * to ids to keep on the job (the status message it posted), which later events of the job carry.
   */
  renderStatus(event: StatusEvent): Promise<DeliveryIds | undefined>;
  /**
   * The job's status message is not posted yet: its `queued` event posts it, and the job does not start before
   * that is done (or it cannot be), so nothing is generated for a request nobody can be shown.
   */
  awaitsStatus(job: JobRecord): boolean;
  /** Downloads the files a request shared (recorded as references at submit), when its job starts. */
  fetchFiles?(job: JobRecord, files: readonly FileReference[], signal: AbortSignal): Promise<InputImage[]>;
}

/**
 * A chat platform (the shape of vercel/chat's `Adapter`): made by `create<Name>Platform(config)` from its own
 * config, it is attached to the engine, then started. `start` opens the outbound half and, unless `outboundOnly`,
 * the inbound half (Discord's gateway, Slack's receiver or Socket Mode, the playground's routes).
 */
export interface ChatPlatform extends PlatformOutbound {
  start(engine: PlatformEngine, options?: { readonly outboundOnly?: boolean }): Promise<void>;
  health(): PlatformHealth;
  /** Stops taking requests, then lets outbound work in flight end. Idempotent. */
  stop(): Promise<void>;
}

/** A delivery that failed after posting part of the turn: the ids of that part are kept on the job all the same. */
export class DeliveryIncompleteError extends Error {
  override readonly name = 'DeliveryIncompleteError';
  constructor(
    readonly delivered: DeliveryIds,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
