import type { PlatformEngine } from '../../core/platform/platform-engine.js';
import type { FileReference } from '../../core/records.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { Logger } from '../../logging/logger.js';
import type { SlackClients } from './slack-clients.js';
import type { SlackSettings } from './slack-config.js';
import type { SlackFileRef, UnseenFile } from './slack-message-event.js';
import type { TaskTracker } from './slack-tasks.js';

/** Where and to whom a member-facing sentence goes. */
export interface Audience {
  readonly channel: string;
  readonly user: string;
  readonly threadTs?: string;
  /** A slash command's or a button's `response_url`: works even where the bot is not a member. */
  readonly responseUrl?: string;
}

/**
 * What the outbound half shares (statuses, results, files fetched when a job starts): Web API clients with the bot
 * token and stored ids only, so a process with no receiver delivers just the same.
 */
export interface SlackOutbound {
  readonly engine: PlatformEngine;
  readonly logger: Logger;
  readonly settings: SlackSettings;
  readonly clients: SlackClients;
  readonly pipeline: ImagePipeline;
  /** Work that runs after a listener returned, or a status edit waiting out a rate limit: `stop` waits for it. */
  readonly tasks: TaskTracker;
  /**
   * Tells a member about a failure — anything thrown, or a job's stored `JobError` — ephemeral where possible, and
   * writes one log line for the operator.
   */
  tell(audience: Audience, error: unknown, details?: Record<string, unknown>): Promise<void>;
}

export interface SharedFiles {
  /**
   * What a message's files are, from metadata only (a stub is looked up with `files.info`): at most the images one
   * message may carry, each on a Slack file host, recorded as references. Nothing is downloaded inside Slack's 3
   * seconds: the job fetches them when it starts. Refuses anything else with a sentence.
   */
  read(files: readonly SlackFileRef[]): Promise<{ references: FileReference[]; unseen: readonly UnseenFile[] }>;
}

/** What the listeners share besides: who the bot is, who is an admin, and the files a message shares. */
export interface SlackContext extends SlackOutbound {
  readonly identity: { readonly botUserId: string; readonly botId: string };
  readonly isAdmin: (user: string) => Promise<boolean>;
  readonly files: SharedFiles;
}
