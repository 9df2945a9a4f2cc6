import type { Config } from '../../config/config.js';
import type { ConversationEngine } from '../../core/engine/conversation-engine.js';
import type { JobRecord } from '../../core/records.js';
import type { Store } from '../../core/store.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { Logger } from '../../logging/logger.js';
import type { SlackMessage, StatusState } from './slack-blocks.js';
import type { SlackClients, WebClient } from './slack-clients.js';
import type { SlackSettings } from './slack-options.js';
import type { TaskTracker } from './slack-tasks.js';

/** Where a job's messages go, read from the ids stored on the job (so it works after a restart). */
export interface SlackTarget {
  readonly channel: string;
  /** The conversation's thread: the root message's ts (or the member's message an @mention started). */
  readonly threadTs: string;
  /** This job's status message (the root message for `/imagine`). */
  readonly statusTs?: string;
  readonly rootTs?: string;
  readonly responseUrl?: string;
}

/** Where and to whom a member-facing sentence goes. */
export interface Audience {
  readonly channel: string;
  readonly user: string;
  readonly threadTs?: string;
  /** A slash command's or a button's `response_url`: works even where the bot is not a member. */
  readonly responseUrl?: string;
}

/** Everything the Slack modules share; built once in `startSlack`. */
export interface SlackContext {
  readonly config: Config;
  readonly engine: ConversationEngine;
  readonly store: Store;
  readonly pipeline: ImagePipeline;
  readonly logger: Logger;
  readonly settings: SlackSettings;
  readonly clients: SlackClients;
  /** Bolt's client (listeners). */
  readonly appClient: () => WebClient;
  readonly identity: { botUserId: string; botId: string };
  readonly tasks: TaskTracker;
  readonly threads: {
    /** Posts the job's status message if it has none yet (the root for `/imagine`); resolves to its target. */
    ensureStatus(job: JobRecord, extra?: { notices?: readonly string[] }): Promise<SlackTarget | undefined>;
    targetOf(job: JobRecord): SlackTarget | undefined;
  };
  readonly status: {
    show(job: JobRecord, state: StatusState): Promise<void>;
    /** What a status message shows now (after posting it), so an edit to the same content is skipped. */
    remember(channel: string, ts: string, message: SlackMessage): void;
  };
  /** Tells a member about a failure (ephemeral where possible) and writes one log line for the operator. */
  tell(audience: Audience, error: unknown, details?: Record<string, unknown>): Promise<void>;
  readonly isAdmin: (user: string) => Promise<boolean>;
}
