import { randomBytes } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import { createLineScrubber } from './log-scrubber.js';

export type { Logger } from 'pino';

/** Paths pino blanks in every line: no secret ever reaches a log. */
export const redactedPaths = [
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'IMAGE_API_KEY',
  '*.IMAGE_API_KEY',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  '*.SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  '*.SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  '*.SLACK_APP_TOKEN',
];

export const logFormats = ['json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];

export interface LoggerOptions {
  readonly level: string;
  /** `json` (default): one JSON object a line on stdout. `pretty`: pino-pretty's lines for a terminal. */
  readonly format?: LogFormat;
  /** Values scrubbed from every line wherever they appear (the configured keys and tokens). */
  readonly secrets?: readonly (string | undefined)[];
  /** Where JSON lines go (tests); ignored by `pretty`, which writes to stdout. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const scrub = createLineScrubber(options.secrets);
  return pino(
    {
      level: options.level,
      base: { app: 'threadpaint' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Runs on the serialized line before it reaches the stream (or pino-pretty's worker): nothing escapes it.
      hooks: { streamWrite: scrub },
    },
    options.format === 'pretty'
      ? // pino's own transport: formatting runs in a worker thread, and pino flushes it when the process exits.
        pino.transport({
          target: 'pino-pretty',
          options: { destination: 1, translateTime: 'SYS:standard', ignore: 'pid,hostname,app' },
        })
      : (options.destination ?? pino.destination({ fd: 1, sync: false })),
  );
}

const referenceAlphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const referencePattern = new RegExp(`^[${referenceAlphabet}]{4}-[${referenceAlphabet}]{4}$`);

/** A short id a member can quote and an operator can grep for ("ref 7F3K-2QX9"). */
export function newReferenceId(): string {
  const bytes = randomBytes(8);
  let id = '';
  for (const byte of bytes) id += referenceAlphabet[byte % referenceAlphabet.length];
  return `${id.slice(0, 4)}-${id.slice(4)}`;
}

/** Whether `id` has the shape `newReferenceId` makes (else it came from elsewhere: an upstream request id). */
export function isOwnReferenceId(id: string): boolean {
  return referencePattern.test(id);
}
