import path from 'node:path';
import { type SlackManifest, slackManifest } from '../../../commands/slack-manifest.js';

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
