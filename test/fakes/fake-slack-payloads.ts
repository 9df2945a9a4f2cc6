import type { FakeSlack, FakeSlackFileObject } from './fake-slack-types.js';

/** The payloads Slack posts to an app, shaped as documented (slash commands, Events API, interactivity). */

let eventCounter = 0;
export const nextEventId = () => `Ev${Date.now().toString(36).toUpperCase()}${++eventCounter}`;

export function slashCommand(
  slack: FakeSlack,
  input: { text: string; user?: string; channel?: string; channelName?: string },
): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: slack.teamId,
    team_domain: 'fake',
    channel_id: input.channel ?? 'C1',
    channel_name: input.channelName ?? 'general',
    user_id: input.user ?? 'U1',
    user_name: input.user ?? 'U1',
    command: '/imagine',
    text: input.text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: slack.responseUrl(),
    trigger_id: slack.triggerId(),
  };
}

export function eventEnvelope(
  slack: Pick<FakeSlack, 'teamId' | 'botUserId'>,
  event: Readonly<Record<string, unknown>>,
  eventId = nextEventId(),
) {
  return {
    token: 'legacy-verification-token',
    team_id: slack.teamId,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: slack.teamId, user_id: slack.botUserId, is_bot: true, is_enterprise_install: false }],
    event,
  };
}

export interface MemberMessageInput {
  readonly channel?: string;
  readonly user?: string;
  readonly text: string;
  readonly threadTs?: string;
  readonly files?: readonly FakeSlackFileObject[];
  readonly channelType?: 'channel' | 'group' | 'im';
}

/** A member's message, stored in the fake workspace, as its `message` event (`file_share` when it has files). */
export function memberMessage(slack: FakeSlack, input: MemberMessageInput): Record<string, unknown> {
  const channel = input.channel ?? 'C1';
  const user = input.user ?? 'U1';
  const ts = slack.postAsMember({
    channel,
    user,
    text: input.text,
    ...(input.threadTs ? { threadTs: input.threadTs } : {}),
    files: (input.files ?? []).map((file) => file.id),
  });
  return {
    type: 'message',
    ...(input.files?.length ? { subtype: 'file_share', files: input.files, upload: false } : {}),
    channel,
    channel_type: input.channelType ?? (channel.startsWith('D') ? 'im' : channel.startsWith('G') ? 'group' : 'channel'),
    user,
    text: input.text,
    ts,
    event_ts: ts,
    team: slack.teamId,
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
  };
}

/** The `app_mention` event for a message event made by {@link memberMessage}. */
export function mentionOf(message: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { subtype: _subtype, channel_type: _type, upload: _upload, ...rest } = message;
  return { ...rest, type: 'app_mention' };
}

export function blockAction(
  slack: FakeSlack,
  input: { actionId: string; value: string; user?: string; channel?: string; messageTs: string; threadTs?: string },
): Record<string, unknown> {
  const channel = input.channel ?? 'C1';
  const actionTs = `${Math.floor(Date.now() / 1000)}.${String(++eventCounter).padStart(6, '0')}`;
  return {
    type: 'block_actions',
    team: { id: slack.teamId, domain: 'fake' },
    user: { id: input.user ?? 'U1', username: input.user ?? 'U1', team_id: slack.teamId },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    trigger_id: slack.triggerId(),
    response_url: slack.responseUrl(),
    container: {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: channel,
      is_ephemeral: false,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    },
    channel: { id: channel, name: 'general' },
    message: {
      type: 'message',
      ts: input.messageTs,
      user: slack.botUserId,
      bot_id: slack.botId,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      text: '',
    },
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: 'actions',
        value: input.value,
        text: { type: 'plain_text', text: input.actionId },
        action_ts: actionTs,
      },
    ],
  };
}

/** A modal submission for a view the bot opened (`slack.views`), with the member's input values. */
export function viewSubmission(
  slack: FakeSlack,
  input: {
    viewId: string;
    user?: string;
    values: Record<string, Record<string, string>>;
    /** Values of other elements as Slack sends them (`selected_option`, `selected_conversation`), by block. */
    rawValues?: Record<string, Record<string, Record<string, unknown>>>;
  },
): Record<string, unknown> {
  const opened = slack.views.find((view) => view.id === input.viewId);
  if (!opened) throw new Error(`fake Slack: no view ${input.viewId} was opened`);
  const textValues = Object.fromEntries(
    Object.entries(input.values).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(
        Object.entries(actions).map(([actionId, value]) => [actionId, { type: 'plain_text_input', value }]),
      ),
    ]),
  );
  const values = { ...textValues, ...input.rawValues };
  return {
    type: 'view_submission',
    team: { id: slack.teamId, domain: 'fake' },
    user: { id: input.user ?? 'U1', username: input.user ?? 'U1', team_id: slack.teamId },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    trigger_id: slack.triggerId(),
    view: {
      ...opened.view,
      id: input.viewId,
      team_id: slack.teamId,
      state: { values },
      hash: 'h1',
      app_id: 'A1',
      bot_id: slack.botId,
    },
    response_urls: [],
  };
}

/** The `reaction_added` event of a member's reaction on a message (Slack's emoji name: `repeat` 🔁, `x` ❌). */
export function reactionAdded(input: {
  reaction: string;
  channel?: string;
  ts: string;
  user?: string;
  itemUser?: string;
}): Record<string, unknown> {
  const eventTs = `${Math.floor(Date.now() / 1000)}.${String(++eventCounter).padStart(6, '0')}`;
  return {
    type: 'reaction_added',
    user: input.user ?? 'U1',
    reaction: input.reaction,
    item: { type: 'message', channel: input.channel ?? 'C1', ts: input.ts },
    ...(input.itemUser ? { item_user: input.itemUser } : {}),
    event_ts: eventTs,
  };
}

/** The `app_home_opened` event of a member opening the app's Home tab. */
export function appHomeOpened(input: { user?: string; tab?: 'home' | 'messages' } = {}): Record<string, unknown> {
  const eventTs = `${Math.floor(Date.now() / 1000)}.${String(++eventCounter).padStart(6, '0')}`;
  return {
    type: 'app_home_opened',
    user: input.user ?? 'U1',
    channel: 'D1',
    tab: input.tab ?? 'home',
    event_ts: eventTs,
  };
}

/** A press of a button on a member's Home tab (`container.type: view`, no channel). */
export function homeAction(
  slack: FakeSlack,
  input: { actionId: string; value: string; user?: string; blockId?: string },
): Record<string, unknown> {
  const actionTs = `${Math.floor(Date.now() / 1000)}.${String(++eventCounter).padStart(6, '0')}`;
  const viewId = `VHOME${input.user ?? 'U1'}`;
  return {
    type: 'block_actions',
    team: { id: slack.teamId, domain: 'fake' },
    user: { id: input.user ?? 'U1', username: input.user ?? 'U1', team_id: slack.teamId },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    trigger_id: slack.triggerId(),
    container: { type: 'view', view_id: viewId },
    view: { id: viewId, team_id: slack.teamId, type: 'home', app_installed_team_id: slack.teamId, blocks: [] },
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? 'home_model',
        value: input.value,
        text: { type: 'plain_text', text: input.value },
        action_ts: actionTs,
      },
    ],
  };
}

/** A message shortcut (`message_action`) on a message of the fake workspace. */
export function messageShortcut(
  slack: FakeSlack,
  input: { callbackId: string; channel?: string; messageTs: string; user?: string },
): Record<string, unknown> {
  const channel = input.channel ?? 'C1';
  const message = slack.message(channel, input.messageTs);
  if (!message) throw new Error(`fake Slack: no message ${input.messageTs} in ${channel}`);
  const files = (message.files ?? []).map((id) => slack.fileObject(id));
  return {
    type: 'message_action',
    callback_id: input.callbackId,
    trigger_id: slack.triggerId(),
    response_url: slack.responseUrl(),
    team: { id: slack.teamId, domain: 'fake' },
    user: { id: input.user ?? 'U1', username: input.user ?? 'U1', team_id: slack.teamId },
    channel: { id: channel, name: 'general' },
    message: {
      type: 'message',
      user: message.user,
      ts: message.ts,
      text: message.text,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(files.length > 0 ? { files } : {}),
    },
    action_ts: `${Math.floor(Date.now() / 1000)}.${String(++eventCounter).padStart(6, '0')}`,
    token: 'legacy-verification-token',
  };
}

/** A global shortcut (`shortcut`), from the shortcuts menu. */
export function globalShortcut(
  slack: FakeSlack,
  input: { callbackId: string; user?: string },
): Record<string, unknown> {
  return {
    type: 'shortcut',
    callback_id: input.callbackId,
    trigger_id: slack.triggerId(),
    team: { id: slack.teamId, domain: 'fake' },
    user: { id: input.user ?? 'U1', username: input.user ?? 'U1', team_id: slack.teamId },
    action_ts: `${Math.floor(Date.now() / 1000)}.${String(++eventCounter).padStart(6, '0')}`,
    token: 'legacy-verification-token',
  };
}
