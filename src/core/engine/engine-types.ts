import type { InputImage } from '../imagine-request.js';
import type { InlineFlags } from '../inline-flags.js';
import type {
  ConversationRecord,
  DeliveryTarget,
  FileReference,
  ImageRef,
  JobRecord,
  Platform,
  TurnAction,
  TurnRecord,
} from '../records.js';

/** The operator's log, as the core sees it (pino satisfies it). */
export interface EngineLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * Where a caller acts: its platform and workspace (Discord guild, Slack team; '' for DMs and the playground). A job,
 * turn, output or conversation outside it does not exist for that caller (`ownership.ts`). A record satisfies it.
 */
export interface Scope {
  readonly platform: Platform;
  readonly workspaceId: string;
}

/** Who asked, and where. */
export interface Requester extends Scope {
  readonly memberId: string;
  /** Manage Server / workspace admin: exempt from quotas, may delete or cancel anyone's turn. */
  readonly isAdmin?: boolean;
}

/** One inbound delivery from a platform, already translated: the core decides the rest. */
export interface InboundRequest extends Requester {
  /** The platform identity of the delivery (`discord:{interaction id}`, `slack:{team}:{channel}:{ts}`). */
  readonly idempotencyKey: string;
  readonly action: TurnAction;
  /** Prompt or instruction, inline flags included. */
  readonly text: string;
  /** Structured options (Discord slash options); one that disagrees with an inline flag is an error. */
  readonly options?: Partial<InlineFlags>;
  /** Images that came with the delivery, downloaded already (never platform URLs). */
  readonly attachments?: readonly InputImage[];
  /** Files shared with the delivery, downloaded by the platform when the job starts (they count as images now). */
  readonly files?: readonly FileReference[];
  /** Where a new conversation lives (for `imagine`). */
  readonly channelId: string;
  readonly threadId?: string;
  readonly rootMessageId?: string;
  /** The conversation to continue (edits, rerolls, variations). */
  readonly conversationId?: string;
  /** The turn acted on (a button under it, a reply to it), and the output picked (0 by default). */
  readonly target?: { readonly turnId: string; readonly index?: number };
  /** Ids and tokens the platform needs to deliver the result later, from any process. */
  readonly delivery: DeliveryTarget;
  /** A Blend (`/blend`, Slack's `blend` with shared images): 2–4 images fused into one, on models that can. */
  readonly blend?: boolean;
  /** The member confirmed the cost shown to them (an Upscale above `upscaleConfirmUnits` per image). */
  readonly confirmed?: boolean;
  /** What the platform has to say about the request besides (a shared file it could not see): shown with its status. */
  readonly notices?: readonly string[];
}

export type SubmitResult =
  | {
      readonly status: 'queued';
      readonly job: JobRecord;
      readonly turn: TurnRecord;
      readonly conversation: ConversationRecord;
      readonly position: number;
      readonly notices: readonly string[];
    }
  /** The same delivery (or the same button press) was seen before: no second job. */
  | { readonly status: 'duplicate'; readonly job: JobRecord };

export interface DeliveredImage {
  readonly ref: ImageRef;
  readonly bytes: Uint8Array;
}

export interface DeliveryContext {
  readonly job: JobRecord;
  readonly turn: TurnRecord;
  readonly conversation: ConversationRecord;
  readonly images: readonly DeliveredImage[];
}
