import type { Client } from 'discord.js';
import type { AckTimer } from './discord-acks.js';
import type { DiscordAttachments } from './discord-attachments.js';
import type { MenuImages } from './discord-menu-images.js';
import type { DiscordOutbound } from './discord-outbound.js';

/** What every inbound handler shares: the outbound half, the gateway client, and what they learned from it. */
export interface DiscordContext extends DiscordOutbound {
  readonly client: Client;
  /** Times each interaction's acknowledgement. */
  readonly acks: AckTimer;
  readonly attachments: DiscordAttachments;
  /** The last `attachment_size_limit` seen per guild, for results posted without an interaction. */
  readonly sizeLimits: Map<string, number>;
  /** The images "Edit image" menus showed, waiting for their modals. */
  readonly menuImages: MenuImages;
}
