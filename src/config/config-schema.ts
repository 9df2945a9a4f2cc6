import { z } from 'zod';
import { imageApiDialects } from '../core/models/model-spec.js';

const whole = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

/** A switch; `meaning` says what true and false do, naming each once (the error lists no values of its own). */
const flag = (meaning = 'must be true or false') =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: meaning })
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

/** One of a few words; the error names each allowed value once, with what it means where that helps. */
const oneOf = <const Values extends readonly [string, ...string[]]>(values: Values, described?: string) =>
  z.enum(values, { error: `must be ${described ?? listWords(values)}` });

function listWords(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** Cost units over a window; empty means no limit (0 as well for the hourly one, which has a default). */
const units = (what: string, offMeaning: string) =>
  z.coerce
    .number({ error: `must be a number of cost units ${what}, e.g. 200 (${offMeaning})` })
    .nonnegative(`must be 0 or more cost units ${what} (${offMeaning})`);

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://example.com' })
  .transform((value) => value.replace(/\/+$/, ''));

/**
 * The most shards one process runs: Discord wants a shard per 2,500 servers at most, so 256 shards serve 640,000
 * servers, more than one process's memory holds.
 */
export const maxDiscordShards = 256;

/** Every environment variable threadpaint reads. Empty values count as unset (so defaults apply). */
export const configSchema = z.object({
  IMAGE_API_URL: baseUrl.default('https://console.mixroute.io'),
  IMAGE_API_KEY: z.string().optional(),
  IMAGE_API_DIALECT: oneOf(
    imageApiDialects,
    'documented (the default: the API of docs/image-api.md) or new-api (a stock self-hosted gateway; one-api is not supported; `npx threadpaint doctor` tells which)',
  ).default('documented'),
  GPT_IMAGE_MODERATION: oneOf(
    ['auto', 'low'],
    'auto (the default) or low (less restrictive GPT Image filtering)',
  ).default('auto'),
  DEFAULT_MODEL: z.string().default('gemini-2.5-flash-image'),
  IMAGE_MODELS_FILE: z.string().optional(),
  IMAGE_API_TIMEOUT_MS: whole('IMAGE_API_TIMEOUT_MS', 1_000, 3_600_000).default(300_000),
  IMAGE_API_CONCURRENCY: whole('IMAGE_API_CONCURRENCY', 1, 256).default(4),
  JOB_TIMEOUT_MS: whole('JOB_TIMEOUT_MS', 1_000, 7_200_000).default(600_000),
  ALLOW_PRIVATE_DOWNLOADS: flag().default(false),
  HOST: z.string().default('127.0.0.1'),
  PORT: whole('PORT', 0, 65_535).default(3000),
  PUBLIC_URL: baseUrl.optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error: 'must be a postgres:// URL such as postgres://threadpaint:password@127.0.0.1:5432/threadpaint',
    })
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(
      /^[a-z_][a-z0-9_]{0,62}$/,
      'must be a schema name of lowercase letters, digits and _ (at most 63, not starting with a digit)',
    )
    .default('public'),
  REDIS_URL: z
    .url({
      protocol: /^rediss?$/,
      error: 'must be a redis:// (or rediss://) URL such as redis://127.0.0.1:6379',
    })
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]{1,40}$/,
      'must be 1 to 40 letters, digits, _, . or - (every Redis key of this deployment starts with it)',
    )
    .default('threadpaint'),
  WORKER_CONCURRENCY: whole('WORKER_CONCURRENCY', 1, 256).default(4),
  QUEUE_RECONCILE_SECONDS: whole('QUEUE_RECONCILE_SECONDS', 1, 60).default(60),
  CONVERSATION_CONTEXT: oneOf(
    ['last-image', 'full'],
    'last-image (an edit sends the previous image) or full (earlier turns too, Gemini)',
  ).default('last-image'),
  QUOTA_MEMBER_PER_HOUR: units('per member per hour', '0 turns the limit off').default(60),
  QUOTA_MEMBER_PER_DAY: units('per member per day', 'empty: no limit').optional(),
  QUOTA_SERVER_PER_DAY: units('per server per day', 'empty: no limit').optional(),
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
  DISCORD_MESSAGE_CONTENT: flag(
    'must be true (the bot has the Message Content intent) or false (members @mention the bot in threads)',
  ).default(true),
  DISCORD_SHARDS: z
    .string()
    .toLowerCase()
    .refine(
      (value) =>
        value === 'auto' || (/^\d{1,4}$/.test(value) && Number(value) >= 1 && Number(value) <= maxDiscordShards),
      `must be auto (as many shards as Discord recommends) or a number of shards from 1 to ${maxDiscordShards}, all run by this process`,
    )
    .transform((value): 'auto' | number => (value === 'auto' ? 'auto' : Number(value)))
    .default('auto'),
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
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: oneOf(
    ['json', 'pretty'],
    'json (one JSON object a line, the default: for log collectors) or pretty (readable lines for a terminal)',
  ).default('json'),
  METRICS: flag().optional(),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(256, 'must be at most 256 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  METRICS_PUBLIC: flag().default(false),
  DATA_DIR_MIN_FREE_MB: whole('DATA_DIR_MIN_FREE_MB', 0, 1_000_000).default(256),
  SHUTDOWN_DRAIN_MS: whole('SHUTDOWN_DRAIN_MS', 0, 5_000).default(0),
  PLAYGROUND: flag().optional(),
  PLAYGROUND_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(256, 'must be at most 256 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});

export type RawConfig = z.infer<typeof configSchema>;

/** Variables whose value an error message never repeats (keys and tokens; a URL may carry a password). */
export const configSecrets: ReadonlySet<keyof RawConfig> = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'IMAGE_API_KEY',
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'PLAYGROUND_TOKEN',
  'METRICS_TOKEN',
]);

/** How to fix a variable whose error does not already name what it takes, for start-up errors. */
export const configHints: Partial<Record<keyof RawConfig, string>> = {
  IMAGE_API_URL: 'the base URL of the image API, e.g. IMAGE_API_URL=https://console.mixroute.io',
  PORT: 'a TCP port, e.g. PORT=3000 (0 picks a free one)',
  DEFAULT_MODEL: 'a model id or alias from `threadpaint models`',
  IMAGE_MODELS_FILE: 'the path of a JSON file with an array of model entries',
  DISCORD_API_URL: 'https://discord.com/api or a proxy equivalent, without /v10',
  SLACK_BOT_TOKEN: 'the Bot User OAuth Token from the Slack app page (OAuth & Permissions)',
  SLACK_APP_TOKEN: 'an app-level token with connections:write (Basic Information), for Socket Mode',
  PLAYGROUND: 'true or false (unset: on only when neither Discord nor Slack is enabled)',
  PLAYGROUND_TOKEN: 'a random secret, e.g. the output of `openssl rand -hex 24`',
  METRICS_TOKEN: 'a random secret your Prometheus sends as a bearer token, e.g. the output of `openssl rand -hex 24`',
};
