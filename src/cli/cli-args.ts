import { flagHelpLines } from '../../commands/imagine.js';

/** Splits CLI arguments into the CLI's own options (`--out`, `--help`) and the words of the request. */
export interface CliArgs {
  readonly command: string | undefined;
  readonly words: readonly string[];
  readonly out: string | undefined;
  readonly help: boolean;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const words: string[] = [];
  let out: string | undefined;
  let help = false;
  let command: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--out' || arg === '-o') {
      out = argv[++index];
      if (out === undefined) throw new CliUsageError('--out needs a directory, e.g. --out ./out');
    } else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (command === undefined) command = arg;
    else words.push(arg);
  }
  return { command, words, out, help };
}

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export const cliHelp = `threadpaint — image generation for Discord and Slack threads

In a clone, run it as \`npx threadpaint …\` (or \`npm link\` once for a threadpaint command).
Usage:
  threadpaint start                              run the bot (and the local playground on HOST:PORT); with
                                                 REDIS_URL and DATABASE_URL, one process on Redis + PostgreSQL
  threadpaint gateway                            take Discord and Slack requests into the shared queue (REDIS_URL,
                                                 DATABASE_URL): validate, record, acknowledge; generates nothing
  threadpaint worker                             run the shared queue's jobs and deliver them (REDIS_URL,
                                                 DATABASE_URL); serves only /healthz, /readyz and /metrics
  threadpaint imagine "<prompt> [flags]" [--out DIR]
  threadpaint edit <image file> "<instruction> [flags]" [--out DIR]
  threadpaint models                             list the models and what they take
  threadpaint doctor                             check IMAGE_API_URL and IMAGE_API_KEY: the gateway's dialect (one
                                                 Gemini probe, billed as one image only where the gateway makes it)
                                                 and which models the key can use
  threadpaint slack-manifest [--socket]          print the Slack app manifest for this configuration (JSON)
  threadpaint backup <new directory>             copy DATA_DIR (database and images) while the bot runs; the copy
                                                 is a DATA_DIR of its own: restore by pointing DATA_DIR at it
  threadpaint migrate-store [--merge]            copy DATA_DIR (database and images) into the PostgreSQL store of
                                                 DATABASE_URL and DATABASE_SCHEMA; --merge: into one with data
  threadpaint --help

Flags (inside or after the prompt):
${flagHelpLines().join('\n')}

Without IMAGE_API_KEY the offline renderer makes labelled preview images, so everything works locally.
Examples:
  threadpaint imagine "a red fox in the snow --ar 16:9" --out ./out
  threadpaint edit ./out/fox.png "make it night time" --out ./out`;
