import type { ServerResponse } from 'node:http';
import type { EngineLogger } from '../../core/engine/engine-types.js';
import { isUserFacingError, type UserFacingCode } from '../../core/user-facing-error.js';
import { newReferenceId } from '../../logging/logger.js';
import { sendJson } from '../../server/http-server.js';
import { RequestBodyError } from '../../server/request-body.js';

/** Codes that mean "no such thing (for you)": answered 404, like an id that never existed. */
const notFoundCodes = new Set<UserFacingCode>(['job_missing', 'conversation_expired', 'image_missing']);

/**
 * The playground's one error sink: a body it will not read gets its status (and the connection closes), a member's
 * mistake 400 with its sentence and code (404 for anything not there, for this caller), anything else 500 with a reference,
 * logged once for the operator. A quota refusal is 429: the member may try again once the window has room.
 */
export function answerPlaygroundError(
  response: ServerResponse,
  error: unknown,
  logger: EngineLogger,
  path: string,
): void {
  if (error instanceof RequestBodyError) {
    response.setHeader('connection', 'close');
    sendJson(response, error.status, { error: error.message });
    return;
  }
  if (isUserFacingError(error)) {
    const status = notFoundCodes.has(error.code) ? 404 : error.code === 'quota_exceeded' ? 429 : 400;
    sendJson(response, status, { error: error.message, code: error.code });
    return;
  }
  const reference = newReferenceId();
  logger.error({ reference, err: error, path }, 'playground request failed');
  sendJson(response, 500, { error: `Something went wrong on our side (ref ${reference}).`, reference });
}
