import { z } from 'zod';
import { imageApiDialects } from '../core/models/model-spec.js';

const whole = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://example.com' })
  .transform((value) => value.replace(/\/+$/, ''));

/** Every environment variable threadpaint reads. Empty values count as unset (so defaults apply). */
export const configSchema = z.object({
  IMAGE_API_URL: baseUrl.default('https://console.mixroute.io'),
  IMAGE_API_KEY: z.string().optional(),
  IMAGE_API_DIALECT: z.enum(imageApiDialects).default('documented'),
  DEFAULT_MODEL: z.string().default('gemini-2.5-flash-image'),
  IMAGE_MODELS_FILE: z.string().optional(),
  IMAGE_API_TIMEOUT_MS: whole('IMAGE_API_TIMEOUT_MS', 1_000, 3_600_000).default(300_000),
  IMAGE_API_CONCURRENCY: whole('IMAGE_API_CONCURRENCY', 1, 256).default(4),
  JOB_TIMEOUT_MS: whole('JOB_TIMEOUT_MS', 1_000, 7_200_000).default(600_000),
  ALLOW_PRIVATE_DOWNLOADS: flag.default(false),
  HOST: z.string().default('127.0.0.1'),
  PORT: whole('PORT', 0, 65_535).default(3000),
  PUBLIC_URL: baseUrl.optional(),
  DATA_DIR: z.string().default('./data'),
  CONVERSATION_CONTEXT: z.enum(['last-image', 'full']).default('last-image'),
  QUOTA_MEMBER_PER_HOUR: z.coerce.number().nonnegative().default(60),
  QUOTA_MEMBER_PER_DAY: z.coerce.number().nonnegative().optional(),
  QUOTA_SERVER_PER_DAY: z.coerce.number().nonnegative().optional(),
  RETENTION_DAYS: whole('RETENTION_DAYS', 1, 3650).default(30),
  DISCORD_TOKEN: z.string().optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{17,20}$/, 'must be a Discord application id (digits)')
    .optional(),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{17,20}$/, 'must be a Discord server id (digits)')
    .optional(),
  DISCORD_API_URL: baseUrl.default('https://discord.com/api'),
  DISCORD_MESSAGE_CONTENT: flag.default(true),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb-')
    .optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token starting with xapp-')
    .optional(),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://slack.com/api/' })
    .transform((value) => value.replace(/\/*$/, '/'))
    .default('https://slack.com/api/'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PLAYGROUND: flag.optional(),
  PLAYGROUND_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(256, 'must be at most 256 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});

export type RawConfig = z.infer<typeof configSchema>;

/** How to fix each variable, for start-up errors. */
export const configHints: Partial<Record<keyof RawConfig, string>> = {
  IMAGE_API_URL: 'the base URL of the image API, e.g. IMAGE_API_URL=https://console.mixroute.io',
  IMAGE_API_DIALECT: 'documented (the default: image-api.md) or new-api (a stock new-api / one-api gateway)',
  PORT: 'a TCP port, e.g. PORT=3000 (0 picks a free one)',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  CONVERSATION_CONTEXT: 'last-image (default) or full',
  ALLOW_PRIVATE_DOWNLOADS: 'true or false',
  DEFAULT_MODEL: 'a model id or alias from `threadpaint models`',
  IMAGE_MODELS_FILE: 'the path of a JSON file with an array of model entries',
  DISCORD_API_URL: 'https://discord.com/api or a proxy equivalent, without /v10',
  DISCORD_MESSAGE_CONTENT: 'true (the bot has the Message Content intent) or false (members @mention the bot)',
  SLACK_BOT_TOKEN: 'the Bot User OAuth Token from the Slack app page (OAuth & Permissions)',
  SLACK_APP_TOKEN: 'an app-level token with connections:write (Basic Information), for Socket Mode',
  PLAYGROUND: 'true or false (unset: on only when neither Discord nor Slack is enabled)',
  PLAYGROUND_TOKEN: 'a random secret, e.g. the output of `openssl rand -hex 24`',
};
