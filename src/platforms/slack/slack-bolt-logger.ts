import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../logging/logger.js';

const levels: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

function text(parts: readonly unknown[]): string {
  return parts
    .map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part)))
    .join(' ');
}

/**
 * Bolt's and web-api's logger interface on top of pino, so their lines go through the same redaction and output.
 * Their level follows pino's; `setLevel` from Bolt is ignored (the operator's LOG_LEVEL wins).
 */
export function createBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ module: 'slack-sdk' });
  // web-api logs every request at debug: format only when the line is kept.
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      if (child.isLevelEnabled(level)) child[level](text(parts));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: () => {},
    getLevel: () => levels[logger.level] ?? LogLevel.INFO,
    setName: () => {},
  };
}
