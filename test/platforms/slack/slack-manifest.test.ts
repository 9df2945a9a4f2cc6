import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagineCommand } from '../../../commands/imagine.js';
import { slackManifest, toSlackSlashCommand } from '../../../commands/slack-manifest.js';
import { loadConfig } from '../../../src/config/config.js';
import { exampleManifestPath, formatManifest, slackManifestFor } from '../../../src/platforms/slack/slack-manifest.js';
import { parseSubcommand } from '../../../src/platforms/slack/slack-subcommands.js';
import { promptFromSlack } from '../../../src/platforms/slack/slack-text.js';

const root = path.resolve(import.meta.dirname, '../../..');

describe('Slack app manifest', () => {
  it('is committed exactly as the generator makes it from the command data', () => {
    const committed = JSON.parse(readFileSync(exampleManifestPath(root), 'utf8'));
    const url = String(committed.settings.event_subscriptions.request_url ?? '').replace(/\/slack\/events$/, '');
    const generated = slackManifest({ publicUrl: url, socketMode: committed.settings.socket_mode_enabled });
    // Compared as data: the committed file is laid out by the formatter.
    expect(committed).toEqual(JSON.parse(formatManifest(generated)));
  });

  it('has the command, scopes, events, interactivity and a writable messages tab', () => {
    const manifest = slackManifest({ publicUrl: 'https://bot.example.org/', socketMode: false });
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({
        command: '/imagine',
        url: 'https://bot.example.org/slack/events',
        should_escape: false,
      }),
    ]);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'commands',
        'chat:write',
        'files:write',
        'files:read',
        'channels:history',
        'groups:history',
        'im:history',
        'mpim:history',
        'app_mentions:read',
        'users:read',
        'channels:join',
        'reactions:read',
        'im:write',
      ]),
    );
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ name: 'Edit with threadpaint', type: 'message', callback_id: 'tp:edit_message' }),
      expect.objectContaining({ name: 'Imagine', type: 'global', callback_id: 'tp:imagine' }),
    ]);
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: 'https://bot.example.org/slack/events',
      bot_events: [
        'app_home_opened',
        'app_mention',
        'message.channels',
        'message.groups',
        'message.im',
        'message.mpim',
        'reaction_added',
      ],
    });
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: 'https://bot.example.org/slack/events',
    });
    expect(manifest.features.app_home).toMatchObject({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('follows the mode: Socket Mode has no request URLs', () => {
    const config = loadConfig({
      readEnvFile: false,
      env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', PUBLIC_URL: 'https://x.example' },
    });
    const manifest = slackManifestFor(config);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(manifest)).not.toContain('request_url');
    expect(manifest.features.slash_commands[0]).not.toHaveProperty('url');
  });

  it('turns the options into the usage hint of the slash command', () => {
    const command = toSlackSlashCommand(imagineCommand);
    expect(command.usage_hint).toContain('<prompt>');
    expect(command.usage_hint).toContain('[--quality low|medium|high]');
    expect(command.usage_hint).toContain('[--n 1-4]');
    expect(command.usage_hint).toMatch(/\| help \| models \| settings \| usage \| blend$/);
    expect(command.usage_hint.length).toBeLessThanOrEqual(1000);
  });
});

describe('Slack text', () => {
  it('reads subcommands only when the text is exactly the keyword', () => {
    expect(parseSubcommand(' Models ')).toEqual({ kind: 'models' });
    expect(parseSubcommand('models on a runway')).toBeUndefined();
    expect(parseSubcommand('settings')).toEqual({ kind: 'settings', args: [] });
    expect(parseSubcommand('settings model gpt-image-1')).toEqual({ kind: 'settings', args: ['model', 'gpt-image-1'] });
    expect(parseSubcommand('settings of a castle')).toBeUndefined();
    expect(parseSubcommand('usage of colour')).toBeUndefined();
  });

  it('turns Slack message markup back into a prompt', () => {
    expect(promptFromSlack('<@UBOT> a cat &amp; a dog &lt;3 <https://x.example/a|this> <#C1|general>', 'UBOT')).toBe(
      'a cat & a dog <3 this #general',
    );
  });
});
