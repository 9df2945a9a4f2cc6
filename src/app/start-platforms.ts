import type { ChatPlatform, PlatformHealth } from '../core/platform/chat-platform.js';
import { waitAtMost } from '../core/time-limit.js';
import type { AppEngine } from './open-engine.js';

export interface StartedPlatforms {
  /** The chat platforms started (the playground aside). */
  readonly names: readonly string[];
  /** Each platform's own word on its connection, by name. */
  health(): Readonly<Record<string, PlatformHealth>>;
  /** Stops every platform, the last started first, within `withinMs` together. */
  stop(withinMs?: number): Promise<void>;
}

/**
 * Attaches each platform to the engine (it delivers and shows statuses from then on) and starts it: the whole
 * platform, or with `outboundOnly` only what delivers from stored ids (a worker process). A platform that cannot
 * start stops start-up with its reason, after the ones already started are stopped again.
 */
export async function startPlatforms(
  engine: AppEngine,
  platforms: readonly ChatPlatform[],
  options: { readonly outboundOnly?: boolean } = {},
): Promise<StartedPlatforms> {
  const started: ChatPlatform[] = [];
  const detachments: Array<() => void> = [];
  const stopAll = async (withinMs = 10_000) => {
    const deadline = Date.now() + withinMs;
    for (const platform of [...started].reverse()) {
      await waitAtMost(platform.stop(), deadline - Date.now());
    }
    for (const detach of detachments) detach();
  };
  for (const platform of platforms) {
    detachments.push(engine.attachPlatform(platform));
    try {
      await platform.start(engine, options);
    } catch (error) {
      await stopAll();
      throw error;
    }
    started.push(platform);
  }
  return {
    names: started.filter((platform) => platform.name !== 'local').map((platform) => platform.name),
    health: () => Object.fromEntries(started.map((platform) => [platform.name, platform.health()])),
    stop: stopAll,
  };
}
