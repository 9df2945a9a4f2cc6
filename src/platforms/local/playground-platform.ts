import type { ChatPlatform } from '../../core/platform/chat-platform.js';
import type { PlaygroundPlatformConfig } from './playground-config.js';
import { deliverToPlayground } from './playground-deliverer.js';
import { createPlaygroundRouter } from './playground-router.js';
import { renderPlaygroundStatus } from './playground-status.js';

export type { PlaygroundPlatformConfig } from './playground-config.js';

/**
 * The local playground, a platform like Discord and Slack (`local`): a page where an operator can try /imagine and
 * thread edits through the same engine — persisted conversations, the queue, quotas — without Discord or Slack. Its
 * inbound half is its routes on the one HTTP server; it has nothing to post outbound (the page polls).
 */
export function createPlaygroundPlatform(config: PlaygroundPlatformConfig): ChatPlatform {
  let state: 'idle' | 'mounted' | 'outbound' | 'stopped' = 'idle';
  return {
    name: 'local',
    async start(engine, options = {}) {
      if (options.outboundOnly) {
        state = 'outbound';
        return;
      }
      const router = createPlaygroundRouter(config, engine);
      // A handler cannot be unmounted: once stopped, it lets every request pass to the next one.
      config.server.mount((request, response) => (state === 'mounted' ? router(request, response) : false));
      state = 'mounted';
    },
    deliver: deliverToPlayground,
    renderStatus: renderPlaygroundStatus,
    awaitsStatus: () => false,
    health() {
      if (state === 'mounted') return { connected: true, detail: 'page and API mounted' };
      if (state === 'outbound') return { connected: true, detail: 'outbound only' };
      return { connected: false, detail: state === 'stopped' ? 'stopped' : 'not started' };
    },
    async stop() {
      state = 'stopped';
    },
  };
}
