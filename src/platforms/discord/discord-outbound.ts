import { type REST, Routes } from 'discord.js';
import type { EngineLogger } from '../../core/engine/engine-types.js';
import type { PlatformEngine } from '../../core/platform/platform-engine.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { PermissionNotices } from './discord-permissions.js';
import type { DiscordRests } from './discord-rest-messages.js';

/**
 * What the outbound half shares (statuses and results): REST clients and stored ids only, never a gateway object,
 * so a process with no gateway connection delivers just the same.
 */
export interface DiscordOutbound {
  readonly rests: DiscordRests;
  readonly engine: PlatformEngine;
  readonly logger: EngineLogger;
  readonly now: () => number;
  readonly messageContent: boolean;
  readonly pipeline: ImagePipeline;
  readonly permissionNotices: PermissionNotices;
  /** The bot's user id, for the mention a thread's first line asks for without Message Content. */
  botUserId(): Promise<string | undefined>;
}

/** The bot's id from the gateway's READY when there is one, else from `GET /users/@me` once. */
export function botIdentity(rest: REST, fromGateway: () => string | undefined): () => Promise<string | undefined> {
  let asked: Promise<string | undefined> | undefined;
  return () => {
    const known = fromGateway();
    if (known) return Promise.resolve(known);
    asked ??= (rest.get(Routes.user()) as Promise<{ id: string }>).then(
      (user) => user.id,
      () => {
        asked = undefined;
        return undefined;
      },
    );
    return asked;
  };
}
