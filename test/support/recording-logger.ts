import type { EngineLogger } from '../../src/core/engine/engine-types.js';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly details: object;
}

/** The engine's operator log, kept in memory so a test can say what an operator would have seen. */
export interface RecordingLogger extends EngineLogger {
  readonly entries: readonly LogEntry[];
  at(level: LogEntry['level']): LogEntry[];
}

export function createRecordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (details: object, message: string) => {
    entries.push({ level, message, details });
  };
  return {
    entries,
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    at: (level) => entries.filter((entry) => entry.level === level),
  };
}

/** One line per entry with its error and the error's causes, for a failure message. */
export function describeLogEntries(entries: readonly LogEntry[]): string {
  const describeError = (error: unknown): string =>
    error instanceof Error
      ? `${error.name}: ${error.message}${error.cause === undefined ? '' : ` (cause: ${describeError(error.cause)})`}`
      : String(error);
  return entries
    .map((entry) => `${entry.level} ${entry.message} ${describeError((entry.details as { err?: unknown }).err)}`)
    .join('; ');
}
