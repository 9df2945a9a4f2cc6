import type { Config } from '../config/config.js';
import { defaultSizeLimit } from '../platforms/discord/discord-target.js';
import { slackDefaults } from '../platforms/slack/slack-config.js';

/**
 * The smallest upload cap among the platforms that post images (Discord's default per-file limit; Slack's upload
 * setting), so the provider can ask for smaller formats instead of a re-encode at every delivery. Undefined when
 * only the playground and the CLI serve: they keep images as generated.
 */
export function uploadLimitOf(config: Config): number | undefined {
  const limits = [
    ...(config.discordEnabled ? [defaultSizeLimit] : []),
    ...(config.slackEnabled ? [slackDefaults.maxUploadBytes] : []),
  ];
  return limits.length > 0 ? Math.min(...limits) : undefined;
}
