import type { App, types } from '@slack/bolt';
import { z } from 'zod';
import { editMessageCallbackId, imagineShortcutCallbackId } from '../../../commands/slack-manifest.js';
import type { InboundRequest, Requester } from '../../core/engine/engine-types.js';
import type { InlineFlags } from '../../core/inline-flags.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { newReferenceId } from '../../logging/logger.js';
import type { Audience, SlackContext } from './slack-context.js';
import { memberSentenceFor, slackFailureSentence } from './slack-errors.js';
import { viewKey } from './slack-ids.js';
import type { Membership } from './slack-membership.js';
import { slackDelivery } from './slack-target.js';
import { promptFromSlack } from './slack-text.js';

/** The images one shortcut takes from a message (a model takes at most this many inputs anyway). */
const maxShortcutFiles = 4;
const imagineAspects = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9'] as const;
/** Slack lists at most 100 options in a select. */
const maxModelOptions = 100;

const shortcutBase = z.object({
  trigger_id: z.string().max(256),
  team: z.object({ id: z.string() }).nullable().optional(),
  user: z.object({ id: z.string().max(64), team_id: z.string().optional() }),
});

const messageShortcutSchema = shortcutBase.extend({
  channel: z.object({ id: z.string().min(1).max(64) }),
  response_url: z.string().max(2000).optional(),
  message: z.object({
    ts: z.string().min(1).max(32),
    thread_ts: z.string().max(32).optional(),
    files: z
      .array(z.object({ id: z.string().max(64).optional(), mimetype: z.string().max(200).optional() }))
      .max(100)
      .optional(),
  }),
});

const editMessageMetadata = z.object({
  channel: z.string().min(1).max(64),
  thread: z.string().min(1).max(32),
  source: z.string().min(1).max(32),
  files: z
    .array(z.string().regex(/^[\w-]{1,64}$/))
    .min(1)
    .max(maxShortcutFiles),
});

const valueSchema = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string().max(150) }).nullish(),
  selected_conversation: z.string().max(64).nullish(),
});

const submissionSchema = z.object({
  team: z.object({ id: z.string() }).nullable().optional(),
  user: z.object({ id: z.string().max(64), team_id: z.string().optional() }),
  view: z.object({
    id: z.string().max(64),
    app_installed_team_id: z.string().optional(),
    private_metadata: z.string().max(3000).default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), valueSchema)) }),
  }),
});

type Submission = z.infer<typeof submissionSchema>;
type ViewAck = (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;

const teamOf = (body: { team?: { id: string } | null; user: { team_id?: string | undefined } }) =>
  body.team?.id ?? body.user.team_id ?? '';

const plain = (text: string) => ({ type: 'plain_text' as const, text });

const instructionInput = (blockId: string, label: string, placeholder: string): types.InputBlock => ({
  type: 'input',
  block_id: blockId,
  label: plain(label),
  element: {
    type: 'plain_text_input',
    action_id: blockId,
    multiline: true,
    max_length: 2000,
    placeholder: plain(placeholder),
  },
});

const option = (value: string) => ({ text: plain(value), value });

/**
 * "Edit with threadpaint" on any message with an image opens the Edit modal; its instruction edits the message's
 * images (references, fetched when the job starts) and the result starts a conversation in that message's thread
 * (or continues the one living there). "Imagine" opens a modal with the prompt, model, aspect ratio and count; the
 * result goes to the conversation the member picks, or their DM with the app.
 */
export function registerShortcuts(app: App, context: SlackContext, membership: Membership): void {
  app.shortcut(editMessageCallbackId, async ({ ack, body }) => {
    await ack();
    const parsed = messageShortcutSchema.safeParse(body);
    if (!parsed.success) return;
    const { channel, message, user, response_url } = parsed.data;
    const audience: Audience = {
      channel: channel.id,
      user: user.id,
      ...(response_url ? { responseUrl: response_url } : {}),
    };
    const images = (message.files ?? []).filter((file) => file.id && (file.mimetype?.startsWith('image/') ?? true));
    if (images.length === 0) {
      const none = new UserFacingError('nothing_to_edit', 'That message has no image to edit.');
      return context.tasks.run('tell', () => context.tell(audience, none, { action: 'edit_message' }));
    }
    const metadata: z.infer<typeof editMessageMetadata> = {
      channel: channel.id,
      thread: message.thread_ts ?? message.ts,
      source: message.ts,
      files: images.slice(0, maxShortcutFiles).map((file) => file.id as string),
    };
    const view: types.ModalView = {
      type: 'modal',
      callback_id: editMessageCallbackId,
      private_metadata: JSON.stringify(metadata),
      title: plain('Edit image'),
      submit: plain('Edit'),
      close: plain('Cancel'),
      blocks: [instructionInput('instruction', 'What should change?', 'make it night time --ar 16:9')],
    };
    await context.clients.listener.views.open({ trigger_id: parsed.data.trigger_id, view });
  });

  app.view(editMessageCallbackId, async ({ ack, body }) => {
    const respond = ack as ViewAck;
    const parsed = submissionSchema.safeParse(body);
    const metadata = parsed.success ? parseMetadata(parsed.data.view.private_metadata) : undefined;
    if (!parsed.success || !metadata) {
      return respond(fieldError('instruction', 'This form is out of date; use the shortcut again.'));
    }
    const failure = await membership.ensure(metadata.channel);
    if (failure) return respond(fieldError('instruction', slackFailureSentence(failure, metadata.channel)));
    await submitForm(context, respond, parsed.data, 'instruction', metadata.channel, async (member) => {
      const team = member.workspaceId;
      const files = await context.files.read(metadata.files.map((id) => ({ id, file_access: 'check_file_info' })));
      if (files.references.length === 0) {
        throw new UserFacingError('attachment_not_visible', 'I cannot see the images of that message any more.');
      }
      const conversation = await context.engine.findConversation({
        platform: 'slack',
        workspaceId: team,
        channelId: metadata.channel,
        threadId: metadata.thread,
      });
      return {
        action: conversation ? 'edit' : 'imagine',
        text: textOf(parsed.data, 'instruction'),
        files: files.references,
        channelId: metadata.channel,
        ...(conversation
          ? { conversationId: conversation.id }
          : { threadId: metadata.thread, rootMessageId: metadata.thread }),
        delivery: slackDelivery({ channel: metadata.channel, threadTs: metadata.thread, sourceTs: metadata.source }),
      };
    });
  });

  app.shortcut(imagineShortcutCallbackId, async ({ ack, body }) => {
    await ack();
    const parsed = shortcutBase.safeParse(body);
    if (!parsed.success) return;
    const view = imagineModal(
      context.engine.catalogue
        .list()
        .filter((model) => model.textToImage)
        .map((m) => m.id),
    );
    await context.clients.listener.views.open({ trigger_id: parsed.data.trigger_id, view });
  });

  app.view(imagineShortcutCallbackId, async ({ ack, body }) => {
    const respond = ack as ViewAck;
    const parsed = submissionSchema.safeParse(body);
    if (!parsed.success) return respond(fieldError('prompt', 'This form is out of date; use the shortcut again.'));
    const submission = parsed.data;
    const picked = submission.view.state.values['destination']?.['destination']?.selected_conversation ?? undefined;
    const channel = picked ?? (await openDm(context, submission.user.id));
    if (picked) {
      const failure = await membership.ensure(picked);
      if (failure) return respond(fieldError('destination', slackFailureSentence(failure, picked)));
    }
    await submitForm(context, respond, submission, 'prompt', channel, async () => {
      const options: Partial<InlineFlags> = {};
      const model = selected(submission, 'model');
      const aspect = selected(submission, 'aspect');
      const count = selected(submission, 'count');
      if (model) options.model = model;
      if (aspect) options.aspectRatio = aspect;
      if (count) options.count = Number(count);
      return {
        action: 'imagine',
        text: textOf(submission, 'prompt'),
        options,
        channelId: channel,
        // The root message is posted by the job's queued status, in the picked conversation or the DM.
        delivery: slackDelivery({ channel }),
      };
    });
  });
}

function imagineModal(models: readonly string[]): types.ModalView {
  const select = (blockId: string, label: string, values: readonly string[]): types.InputBlock => ({
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label),
    element: { type: 'static_select', action_id: blockId, options: values.map(option) },
  });
  return {
    type: 'modal',
    callback_id: imagineShortcutCallbackId,
    title: plain('Imagine'),
    submit: plain('Imagine'),
    close: plain('Cancel'),
    blocks: [
      instructionInput('prompt', 'Prompt', 'a lighthouse at dusk --ar 16:9'),
      select('model', 'Model (your default when empty)', models.slice(0, maxModelOptions)),
      select('aspect', 'Aspect ratio', imagineAspects),
      select('count', 'How many images', ['1', '2', '3', '4']),
      {
        type: 'input',
        block_id: 'destination',
        optional: true,
        label: plain('Post in (your DM with me when empty)'),
        element: {
          type: 'conversations_select',
          action_id: 'destination',
          filter: { include: ['public', 'private', 'mpim', 'im'], exclude_bot_users: true },
        },
      },
    ],
  };
}

/** The member's DM with the app (`conversations.open`, scope `im:write`). */
async function openDm(context: SlackContext, user: string): Promise<string> {
  const opened = await context.clients.listener.conversations.open({ users: user });
  const id = opened.channel?.id;
  if (!id) throw new Error('conversations.open answered no channel');
  return id;
}

const textOf = (submission: Submission, blockId: string) =>
  promptFromSlack(submission.view.state.values[blockId]?.[blockId]?.value?.trim() ?? '');

const selected = (submission: Submission, blockId: string) =>
  submission.view.state.values[blockId]?.[blockId]?.selected_option?.value ?? undefined;

const fieldError = (blockId: string, sentence: string) => ({
  response_action: 'errors' as const,
  errors: { [blockId]: sentence.slice(0, 2000) },
});

function parseMetadata(raw: string): z.infer<typeof editMessageMetadata> | undefined {
  try {
    const parsed = editMessageMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Submits what a shortcut's modal asked for; a refusal shows under the field (the modal stays open, nothing is
 * lost), anything else is one operator line with a reference the member sees.
 */
async function submitForm(
  context: SlackContext,
  respond: ViewAck,
  submission: Submission,
  field: string,
  channel: string,
  request: (member: Requester) => Promise<Omit<InboundRequest, keyof Requester | 'idempotencyKey'>>,
): Promise<void> {
  const { user, view } = submission;
  const team = view.app_installed_team_id ?? teamOf(submission);
  const member: Requester = { platform: 'slack', workspaceId: team, memberId: user.id };
  try {
    const inbound = await request(member);
    await context.engine.submit({ ...member, ...inbound, idempotencyKey: viewKey(team, channel, view.id) });
    await respond();
  } catch (error) {
    const { code, sentence, reference } = memberSentenceFor(error, channel, newReferenceId);
    const line = { platform: 'slack', code, channel, user: user.id, told: 'modal', callback: field };
    if (reference) context.logger.error({ ...line, reference, err: error }, 'slack: shortcut failed; member told');
    else context.logger.info(line, `slack: shortcut refused: ${sentence}`);
    await respond(fieldError(field, sentence));
  }
}
