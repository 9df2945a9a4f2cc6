import type { App } from '@slack/bolt';
import { registerActions } from './slack-actions.js';
import { registerImagineCommand } from './slack-command.js';
import type { SlackContext } from './slack-context.js';
import { createDeliveryDedupe } from './slack-dedupe.js';
import { registerAppHome } from './slack-home.js';
import { createMembership } from './slack-membership.js';
import { registerMessageEvents } from './slack-messages.js';
import { registerEditModal } from './slack-modal.js';
import { registerReactions } from './slack-reactions.js';
import { registerShortcuts } from './slack-shortcuts.js';
import { registerUnknownActions } from './slack-unknown-actions.js';

/**
 * Every way a Slack request comes in: `/imagine`, thread replies and mentions, the buttons, the Edit modal,
 * buttons of older versions, 🔁/❌ reactions, the App Home tab and the
 * shortcuts (Edit with threadpaint, Imagine). Listeners only validate, record and queue; statuses and results go out through the
 * platform's outbound half once the engine has the job.
 */
export function registerSlackListeners(app: App, context: SlackContext): void {
  const membership = createMembership(context);
  registerImagineCommand(app, context, membership);
  registerMessageEvents(app, context, createDeliveryDedupe(context.settings.dedupeMemory));
  registerActions(app, context);
  registerUnknownActions(app, context);
  registerEditModal(app, context);
  registerReactions(app, context);
  registerAppHome(app, context);
  registerShortcuts(app, context, membership);
}
