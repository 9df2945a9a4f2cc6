import path from 'node:path';
import { createProvider } from '../app/create-provider.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { isUserFacingError } from '../core/user-facing-error.js';
import { createImagePipeline } from '../images/image-pipeline.js';
import { isImageApiError } from '../providers/image-api-error.js';
import { BackupError } from '../store/sqlite-backup.js';
import { CliUsageError, cliHelp, parseCliArgs } from './cli-args.js';
import { runBackup } from './cli-backup.js';
import { runDoctor } from './cli-doctor.js';
import { formatModels } from './cli-models.js';
import { runEdit, runImagine } from './cli-run.js';
import { runSlackManifestCli } from './cli-slack-manifest.js';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs one CLI command; returns the exit code. Failures print one line with the reason. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.help || args.command === undefined || args.command === 'help') {
      io.out(cliHelp);
      return args.command === undefined && !args.help ? 1 : 0;
    }
    // The bot (platform SDKs, the store) loads only for `start`: the other commands stay quick to start.
    if (args.command === 'start' || args.command === 'gateway' || args.command === 'worker') {
      if (args.words.length > 0 || args.out !== undefined)
        throw new CliUsageError(`threadpaint ${args.command} takes no arguments: it reads the environment (.env)`);
      const role = args.command === 'start' ? 'all' : args.command;
      return await (await import('../main.js')).startApp(role);
    }
    if (args.command === 'slack-manifest') {
      // The manifest ends with a newline; each io line gets one.
      const print = (write: (line: string) => void) => (text: string) => write(text.replace(/\n$/, ''));
      return runSlackManifestCli(['--stdout', ...args.words], {
        out: print(io.out),
        err: print(io.err),
        cwd: process.cwd(),
      });
    }
    const config = loadConfig();
    switch (args.command) {
      case 'models':
        io.out(formatModels(config.catalogue, config.DEFAULT_MODEL));
        return 0;
      case 'doctor':
        return await runDoctor(config, io);
      case 'backup':
        return await runBackup(config, args.words, io);
      case 'migrate-store':
        return await (await import('./cli-migrate-store.js')).runMigrateStore(config, args.words, io);
      case 'imagine':
        return await withProvider(config, io, async (context) => {
          await runImagine(context, args.words.join(' '), outDir(args.out));
        });
      case 'edit': {
        const [file, ...rest] = args.words;
        if (!file || rest.length === 0)
          throw new CliUsageError('usage: threadpaint edit <image file> "<instruction>" [--out DIR]');
        return await withProvider(config, io, async (context) => {
          await runEdit(context, file, rest.join(' '), outDir(args.out));
        });
      }
      default:
        throw new CliUsageError(`unknown command "${args.command}"; try threadpaint --help`);
    }
  } catch (error) {
    io.err(`threadpaint: ${describeFailure(error)}`);
    return error instanceof CliUsageError ? 64 : 1;
  }
}

const outDir = (out: string | undefined) => path.resolve(out ?? './out');

async function withProvider(
  config: Config,
  io: CliIo,
  task: (context: Parameters<typeof runImagine>[0]) => Promise<void>,
): Promise<number> {
  const pipeline = createImagePipeline();
  const handle = createProvider(config, pipeline);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await task({ config, provider: handle.provider, pipeline, print: io.out, signal: controller.signal });
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await handle.close();
  }
}

/** One line: the member-facing sentence for known failures, the message otherwise. */
export function describeFailure(error: unknown): string {
  if (isUserFacingError(error)) return error.message;
  if (isImageApiError(error)) {
    const reference = error.details.requestId ? ` (request id ${error.details.requestId})` : '';
    return `${error.memberMessage} [${error.code}: ${error.message}]${reference}`;
  }
  if (error instanceof ConfigError || error instanceof CliUsageError || error instanceof BackupError)
    return error.message;
  if (error instanceof Error) return `unexpected error: ${error.message}`;
  return `unexpected error: ${String(error)}`;
}
