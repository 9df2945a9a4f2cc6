import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/config.js';
import {
  formatManifest,
  manifestPath,
  manifestUsage,
  placeholderPublicUrl,
  slackManifestFor,
} from '../platforms/slack/slack-manifest.js';

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
