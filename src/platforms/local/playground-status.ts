import type { DeliveryIds, StatusEvent } from '../../core/platform/chat-platform.js';
import type { PlaygroundEvents } from './playground-events.js';
import { jobView } from './playground-views.js';

/**
 * The playground's status message is its pages' event stream: each job event (in order, from the engine's status
 * sequencer) goes to every open page as a `job` event; nothing is posted, so no ids come back.
 */
export function playgroundStatusRenderer(events: PlaygroundEvents) {
  return async (event: StatusEvent): Promise<DeliveryIds | undefined> => {
    const position = event.type === 'queued' ? event.position : undefined;
    const view = jobView(event.job, position);
    const error =
      event.type === 'failed' || event.type === 'delivery_failed'
        ? {
            code: event.error.code,
            message: event.error.message,
            ...(event.error.referenceId ? { referenceId: event.error.referenceId } : {}),
          }
        : view.error;
    events.publish({
      type: 'job',
      data: {
        conversationId: event.job.conversationId,
        turnId: event.job.turnId,
        event: event.type,
        job: { ...view, ...(error ? { error } : {}) },
        ...(event.type === 'queued' && event.notices ? { notices: event.notices } : {}),
      },
    });
    return undefined;
  };
}
