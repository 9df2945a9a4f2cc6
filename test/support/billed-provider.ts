import type { ImageProvider } from '../../src/core/image-provider.js';
import { createOfflineImageProvider } from '../../src/providers/offline-renderer.js';

/**
 * The offline renderer standing in for a paid model: its images are charged to quotas and usage as a real provider's
 * would be (offline previews themselves cost nothing), without a fake HTTP server.
 */
export function billedStandIn(inner: ImageProvider = createOfflineImageProvider({ maxLongSide: 64 })): ImageProvider {
  return {
    name: 'billed stand-in',
    offline: false,
    generate: async (request, options) => ({ ...(await inner.generate(request, options)), offline: false }),
  };
}
