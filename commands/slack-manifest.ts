import type { CommandDefinition, CommandOption } from './command-definition.js';
import { imagineCommand } from './imagine.js';

/**
 * The Slack app manifest (api.slack.com/reference/manifests), generated from the neutral command data: a new
 * workspace creates the app from it and gets the command, scopes, events and interactivity threadpaint needs.
 */

/** Bot scopes: the command, posting and uploading, reading the files members share, the message events, joining
 * public channels before a job, `im:write` to open a member's DM for the Imagine shortcut, `reactions:read` for 🔁/❌ on results, and `users:read` for the admin check of
 * Delete. */
export const slackBotScopes = [
  'app_mentions:read',
  'channels:history',
  'channels:join',
  'chat:write',
  'commands',
  'files:read',
  'files:write',
  'groups:history',
  'im:history',
  'im:write',
  'mpim:history',
  'reactions:read',
  'users:read',
] as const;

export const slackBotEvents = [
  'app_home_opened',
  'app_mention',
  'message.channels',
  'message.groups',
  'message.im',
  'message.mpim',
  'reaction_added',
] as const;

/** The shortcuts: "Edit with threadpaint" on any message with an image, and "Imagine" from the shortcuts menu. */
export const slackShortcuts = [
  {
    name: 'Edit with threadpaint',
    type: 'message',
    callback_id: 'tp:edit_message',
    description: "Edit this message's image; the result starts a conversation in its thread",
  },
  {
    name: 'Imagine',
    type: 'global',
    callback_id: 'tp:imagine',
    description: 'Make an image: prompt, model, aspect ratio, count, and where to post it',
  },
] as const;

export const editMessageCallbackId = slackShortcuts[0].callback_id;
export const imagineShortcutCallbackId = slackShortcuts[1].callback_id;

/** Subcommands `/imagine` answers when the text is exactly the keyword. */
export const slackSubcommands = ['help', 'models', 'settings', 'usage', 'blend'] as const;

/** The path of Bolt's receiver on the shared HTTP server: events, commands and interactivity all arrive there. */
export const slackRequestPath = '/slack/events';

export interface SlackManifestOptions {
  /** `PUBLIC_URL`; the request URLs are built from it (HTTP mode). */
  readonly publicUrl: string;
  /** Socket Mode (`SLACK_APP_TOKEN`): no request URLs; Slack delivers over the WebSocket. */
  readonly socketMode: boolean;
  readonly appName?: string;
}

/** Value placeholders where the option's name does not read as one. */
const valueLabels: Readonly<Record<string, string>> = { no: 'things to avoid', size: '1K|2K|4K|WxH', aspect: 'w:h' };

function optionHint(option: CommandOption): string | undefined {
  if (!option.flag) return undefined;
  const value = option.choices
    ? option.choices.join('|')
    : option.min !== undefined && option.max !== undefined && option.max <= 10
      ? `${option.min}-${option.max}`
      : `<${valueLabels[option.name] ?? option.name}>`;
  return `[${option.flag} ${value}]`;
}

/**
 * One slash command of the manifest. Slack slash commands take text only: options become the inline flags of
 * the prompt (attachments are shared in thread replies instead).
 */
export function toSlackSlashCommand(command: CommandDefinition, requestUrl?: string) {
  const prompt = command.options.find((option) => option.required && option.kind === 'string');
  const flags = command.options.map(optionHint).filter((hint) => hint !== undefined);
  const usageHint = [`${prompt ? `<${prompt.name}>` : ''} ${flags.join(' ')}`.trim(), ...slackSubcommands].join(' | ');
  return {
    command: `/${command.name}`,
    description: command.description.slice(0, 2000),
    usage_hint: usageHint.slice(0, 1000),
    should_escape: false,
    ...(requestUrl ? { url: requestUrl } : {}),
  };
}

export function slackManifest(options: SlackManifestOptions) {
  const name = options.appName ?? 'threadpaint';
  const requestUrl = options.socketMode ? undefined : `${options.publicUrl.replace(/\/+$/, '')}${slackRequestPath}`;
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: 'Image generation in threads: /imagine, then every reply is the next edit.',
      background_color: '#24292f',
    },
    features: {
      // The Home tab shows a member's recent results, usage and defaults (`app_home_opened` → `views.publish`).
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: name, always_online: true },
      slash_commands: [toSlackSlashCommand(imagineCommand, requestUrl)],
      shortcuts: slackShortcuts.map((shortcut) => ({ ...shortcut })),
    },
    oauth_config: { scopes: { bot: [...slackBotScopes] } },
    settings: {
      event_subscriptions: { ...(requestUrl ? { request_url: requestUrl } : {}), bot_events: [...slackBotEvents] },
      interactivity: { is_enabled: true, ...(requestUrl ? { request_url: requestUrl } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: options.socketMode,
      token_rotation_enabled: false,
    },
  };
}

export type SlackManifest = ReturnType<typeof slackManifest>;
