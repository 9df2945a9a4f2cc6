import type { Client, REST } from 'discord.js';
import type { ConversationEngine } from '../../core/engine/conversation-engine.js';
import type { EngineLogger } from '../../core/engine/engine-types.js';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { Store } from '../../core/store.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { DiscordAttachments } from './discord-attachments.js';
import type { PermissionNotices } from './discord-permissions.js';

/** What every Discord handler shares; side effects (clock, downloads) are injected. */
export interface DiscordContext {
  readonly client: Client;
  readonly rest: REST;
  readonly engine: ConversationEngine;
  readonly store: Store;
  readonly catalogue: ModelCatalogue;
  readonly defaultModel: string;
  readonly pipeline: ImagePipeline;
  readonly attachments: DiscordAttachments;
  readonly logger: EngineLogger;
  readonly now: () => number;
  /** The bot has the Message Content intent: thread replies need no mention. */
  readonly messageContent: boolean;
  readonly permissionNotices: PermissionNotices;
  /** The last `attachment_size_limit` seen per guild, for results posted without an interaction. */
  readonly sizeLimits: Map<string, number>;
}
