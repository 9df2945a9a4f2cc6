import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type SlackManifest, slackManifest } from '../../../commands/slack-manifest.js';
import { ConfigError, loadConfig } from '../../config/config.js';

/** The request URLs' host in the committed example manifest; operators generate theirs with `PUBLIC_URL`. */
export const placeholderPublicUrl = 'https://threadpaint.example.com';

/** Where `--write` puts the manifest by default: ignored by git, so generating it never dirties the checkout. */
export const manifestPath = (root: string) => path.join(root, 'slack', 'manifest.json');
/** The committed manifest for the placeholder URL, kept equal to what the generator makes (a test checks). */
export const exampleManifestPath = (root: string) => path.join(root, 'slack', 'manifest.example.json');

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

/** How to get the manifest, for `npm run manifest:slack` without `--write`. */
export const manifestUsage = [
  'The Slack app manifest for this configuration (PUBLIC_URL, SLACK_APP_TOKEN):',
  '  npm run manifest:slack -- --write [file]   writes it (default slack/manifest.json, ignored by git)',
  '  npx threadpaint slack-manifest [--socket]  prints it as JSON on stdout, e.g. > manifest.json',
  '  --socket                                   Socket Mode: no request URLs',
].join('\n');

/**
 * `manifest:slack [--socket] [--write [file]] [--stdout]`: writes the manifest for the current `.env` (by default to
 * `slack/manifest.json`) or, with `--stdout`, prints it. `npm run` prints its own banner on stdout first, so the npm
 * script only writes files; clean JSON on stdout comes from `threadpaint slack-manifest`. Returns the exit code.
 */
export function runSlackManifestCli(
  argv: readonly string[],
  io: { out: (text: string) => void; err: (text: string) => void; cwd: string },
): number {
  const writeAt = argv.indexOf('--write');
  if (writeAt === -1 && !argv.includes('--stdout')) {
    io.err(`${manifestUsage}\n`);
    return 0;
  }
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
  if (writeAt === -1) {
    io.out(formatManifest(manifest));
    return 0;
  }
  const target = path.resolve(
    io.cwd,
    argv[writeAt + 1] && !argv[writeAt + 1]?.startsWith('--') ? (argv[writeAt + 1] as string) : manifestPath('.'),
  );
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, formatManifest(manifest));
  } catch (error) {
    io.err(`threadpaint: cannot write ${target}: ${(error as Error).message}\n`);
    return 73;
  }
  io.err(`wrote ${target}\n`);
  return 0;
}
