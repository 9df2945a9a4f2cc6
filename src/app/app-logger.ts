import type { Config } from '../config/config.js';
import { createLogger, type Logger } from '../logging/logger.js';

/** Every configured value that must never be written to a log, whatever field or message it hides in. */
export function configuredSecrets(config: Config): (string | undefined)[] {
  return [
    config.IMAGE_API_KEY,
    config.DISCORD_TOKEN,
    config.SLACK_BOT_TOKEN,
    config.SLACK_SIGNING_SECRET,
    config.SLACK_APP_TOKEN,
    config.PLAYGROUND_TOKEN,
  ];
}

/** The process's logger: `LOG_LEVEL`, `LOG_FORMAT`, and the configured secrets scrubbed from every line. */
export function createAppLogger(config: Config): Logger {
  return createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, secrets: configuredSecrets(config) });
}
