import type { DeliveryContext } from '../../core/engine/engine-types.js';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import type { DeliveryIds } from '../../core/platform/chat-platform.js';
import type { PlaygroundEvents } from './playground-events.js';
import { jobView, turnView } from './playground-views.js';

/**
 * A result is stored already: delivering it is telling every open page, with the whole turn (its images are read
 * through the API), so a page never reads the job before the engine has marked it delivered.
 */
export function playgroundDeliverer(events: PlaygroundEvents, catalogue: () => ModelCatalogue | undefined) {
  return async (context: DeliveryContext): Promise<DeliveryIds | undefined> => {
    const { job, turn } = context;
    const view = jobView(job, undefined, 'delivered');
    events.publish({
      type: 'job',
      data: {
        conversationId: job.conversationId,
        turnId: job.turnId,
        event: 'delivered',
        job: view,
        turn: turnView(turn, view, job.input.base, catalogue()),
      },
    });
    return undefined;
  };
}
