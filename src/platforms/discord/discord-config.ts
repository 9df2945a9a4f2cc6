import type { PlatformAckObserver, PlatformApiObserver } from '../../core/platform/chat-platform.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { Logger } from '../../logging/logger.js';
import type { DiscordCacheSettings } from './discord-caches.js';

/** `auto`: as many shards as Discord recommends (GET /gateway/bot); a number: that many, all in this process. */
export type DiscordShards = 'auto' | number;

/** Discord's own slice of the configuration, and what it runs with. */
export interface DiscordPlatformConfig {
  /** The bot token (`DISCORD_TOKEN`). */
  readonly token: string;
  /** REST base without a version, `https://discord.com/api` or a proxy's (or a test fake's) equivalent. */
  readonly apiUrl: string;
  readonly applicationId?: string;
  /** Commands are registered in this guild only (development), else globally. */
  readonly guildId?: string;
  /** The bot has the Message Content intent: thread replies need no mention. */
  readonly messageContent: boolean;
  /** Attachments may come from private addresses (`ALLOW_PRIVATE_DOWNLOADS`: on-prem, tests). */
  readonly allowPrivateDownloads: boolean;
  /** Shards this process runs (`DISCORD_SHARDS`, `auto` by default). */
  readonly shards?: DiscordShards;
  /** How long discord.js keeps what it must cache (tests shorten it). */
  readonly caches?: DiscordCacheSettings;
  /** Register commands at start when they changed (default true). */
  readonly registerCommands?: boolean;
  readonly logger: Logger;
  readonly pipeline: ImagePipeline;
  readonly now?: () => number;
  /** Told of every REST call and rate limit, for counting. */
  readonly onApiCall?: PlatformApiObserver;
  /** Told how long each request took to be acknowledged, for the acknowledgement-latency histogram. */
  readonly onAck?: PlatformAckObserver;
}
