import type { DeliveryIds, StatusEvent } from '../../core/platform/chat-platform.js';

/** The page polls a job's state (`GET /api/jobs/:id`): no status message is pushed, and none is awaited. */
export async function renderPlaygroundStatus(_event: StatusEvent): Promise<DeliveryIds | undefined> {
  return undefined;
}
