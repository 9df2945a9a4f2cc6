import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type SlackManifest, slackManifest } from '../../../commands/slack-manifest.js';
import { ConfigError, loadConfig } from '../../config/config.js';

/** The request URLs' host in the committed `slack/manifest.json`; operators generate theirs with `PUBLIC_URL`. */
export const placeholderPublicUrl = 'https://threadpaint.example.com';

export const manifestPath = (root: string) => path.join(root, 'slack', 'manifest.json');

/** The manifest for this configuration: request URLs from `PUBLIC_URL`, Socket Mode when `SLACK_APP_TOKEN` is set. */
export function slackManifestFor(
  config: { PUBLIC_URL?: string | undefined; slackMode: 'http' | 'socket' },
  forceSocket = false,
): SlackManifest {
  return slackManifest({
    publicUrl: config.PUBLIC_URL ?? placeholderPublicUrl,
    socketMode: forceSocket || config.slackMode === 'socket',
  });
}

export const formatManifest = (manifest: SlackManifest) => `${JSON.stringify(manifest, null, 2)}\n`;

/**
 * `manifest:slack [--socket] [--write [file]]`: prints the manifest for the current `.env` (or writes it, by
 * default to `slack/manifest.json`). Returns the exit code.
 */
export function runSlackManifestCli(
  argv: readonly string[],
  io: { out: (text: string) => void; err: (text: string) => void; cwd: string },
): number {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ cwd: io.cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`threadpaint: ${error.message}\n`);
    return 78;
  }
  const socket = argv.includes('--socket');
  const manifest = slackManifestFor(config, socket);
  if (!config.PUBLIC_URL && !socket && config.slackMode === 'http') {
    io.err(
      `note: PUBLIC_URL is not set; the request URLs use ${placeholderPublicUrl}. Set PUBLIC_URL to the https address Slack can reach.\n`,
    );
  }
  const writeAt = argv.indexOf('--write');
  if (writeAt === -1) {
    io.out(formatManifest(manifest));
    return 0;
  }
  const target = path.resolve(
    io.cwd,
    argv[writeAt + 1] && !argv[writeAt + 1]?.startsWith('--') ? (argv[writeAt + 1] as string) : manifestPath('.'),
  );
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, formatManifest(manifest));
  io.err(`wrote ${target}\n`);
  return 0;
}
