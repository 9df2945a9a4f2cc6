import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { ChatPlatform } from '../../core/platform/chat-platform.js';
import type { PlaygroundPlatformConfig } from './playground-config.js';
import { playgroundDeliverer } from './playground-deliverer.js';
import { PlaygroundEvents } from './playground-events.js';
import { createPlaygroundRouter } from './playground-router.js';
import { playgroundStatusRenderer } from './playground-status.js';

export type { PlaygroundPlatformConfig } from './playground-config.js';

/**
 * The local playground, a platform like Discord and Slack (`local`): a page where an operator can try /imagine and
 * thread edits through the same engine — persisted conversations, the queue, quotas — without Discord or Slack, and
 * the operator console beside it. Its inbound half is its routes on the one HTTP server; its outbound half is the
 * pages' event stream (statuses and results pushed to every open page).
 */
export function createPlaygroundPlatform(config: PlaygroundPlatformConfig): ChatPlatform {
  let state: 'idle' | 'mounted' | 'outbound' | 'stopped' = 'idle';
  const events = new PlaygroundEvents();
  // The engine's catalogue, known once started (deliveries come after): a delivered turn carries its Upscale label.
  let catalogue: ModelCatalogue | undefined;
  return {
    name: 'local',
    async start(engine, options = {}) {
      catalogue = engine.catalogue;
      if (options.outboundOnly) {
        state = 'outbound';
        return;
      }
      const router = createPlaygroundRouter(config, engine, events);
      // A handler cannot be unmounted: once stopped, it lets every request pass to the next one.
      config.server.mount((request, response) => (state === 'mounted' ? router(request, response) : false));
      state = 'mounted';
    },
    deliver: playgroundDeliverer(events, () => catalogue),
    renderStatus: playgroundStatusRenderer(events),
    awaitsStatus: () => false,
    health() {
      if (state === 'mounted') return { connected: true, detail: `page and API mounted, ${events.openStreams} open` };
      if (state === 'outbound') return { connected: true, detail: 'outbound only' };
      return { connected: false, detail: state === 'stopped' ? 'stopped' : 'not started' };
    },
    async stop() {
      state = 'stopped';
      events.closeAll();
    },
  };
}
