import type { DeliveryIds, StatusEvent } from '../../core/platform/chat-platform.js';
import type { JobState } from '../../core/records.js';
import type { PlaygroundEvents } from './playground-events.js';
import { jobView } from './playground-views.js';

/**
 * The playground's status message is its pages' event stream: each job event (in order, from the engine's status
 * sequencer) goes to every open page as a `job` event; nothing is posted, so no ids come back.
 */
const stateOf: Record<StatusEvent['type'], JobState> = {
  queued: 'queued',
  started: 'running',
  succeeded: 'generated',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
  delivery_failed: 'delivery_failed',
};

export function playgroundStatusRenderer(events: PlaygroundEvents) {
  return async (event: StatusEvent): Promise<DeliveryIds | undefined> => {
    const position = event.type === 'queued' ? event.position : undefined;
    // The state the event stands for: the record it carries may already be further on (it is read when rendered).
    const view = jobView(event.job, position, stateOf[event.type]);
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
