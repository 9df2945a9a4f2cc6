import { SchemaTooNewError } from './migrations.js';

/** The PostgreSQL store cannot be opened: `message` is one sentence for the operator, with no password in it. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** `host:port/database` of a `postgres://` URL, without the user's password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${user}${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname || '/'}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** Connection, login and permission failures as the sentence that says what to check. */
export function describePostgresFailure(error: unknown, url: string, schema: string): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const where = `PostgreSQL at ${describeDatabaseUrl(url)}`;
  if (error instanceof SchemaTooNewError)
    return new StoreUnavailableError(`${where}: ${error.message}`, { cause: error });
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const reason = (() => {
    switch (code) {
      case 'ECONNREFUSED':
        return 'refused the connection: is PostgreSQL running there, and is DATABASE_URL right?';
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return 'has a host name that does not resolve: check DATABASE_URL';
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return 'cannot be reached from this machine: check DATABASE_URL and the network';
      case '28P01':
      case '28000':
        return 'refused the login: check the user and password in DATABASE_URL';
      case '3D000':
        return 'has no such database: create it, or fix the database name in DATABASE_URL';
      case '42501':
        return `refused a permission the store needs (creating schema "${schema}" or its tables): grant it, or set DATABASE_SCHEMA to a schema the user owns`;
      case '57P03':
        return 'is starting up or shutting down: try again in a moment';
      default:
        if (/timeout/i.test(message ?? '')) return 'did not answer in time: is PostgreSQL running there?';
        return `could not open the store (${code ? `${code}: ` : ''}${message ?? String(error)})`;
    }
  })();
  return new StoreUnavailableError(`${where} ${reason}`, { cause: error });
}
