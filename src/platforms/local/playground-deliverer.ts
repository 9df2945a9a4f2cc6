import type { DeliveryContext } from '../../core/engine/engine-types.js';
import type { DeliveryIds } from '../../core/platform/chat-platform.js';

/** A result is stored already: the page fetches its images from the API once the job says `delivered`. */
export async function deliverToPlayground(_context: DeliveryContext): Promise<DeliveryIds | undefined> {
  return undefined;
}
