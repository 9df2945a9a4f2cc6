import { UserFacingError } from './user-facing-error.js';

/**
 * Refuses text with control characters: C0 (NUL, escape, backspace, …), DEL and C1. Newlines and tabs are text, and
 * so is a carriage return right before a newline (CRLF). Invisible characters change what the model is sent without
 * the member seeing it, and NUL ends strings in code downstream of the gateway.
 */
export function refuseControlCharacters(text: string, what = 'The prompt'): void {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (!isControl(code) || (code === 0x0d && text.charCodeAt(index + 1) === 0x0a)) continue;
    const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new UserFacingError(
      'control_character',
      `${what} contains an invisible control character (${codePoint}) at character ${index + 1}; only line breaks and tabs are allowed. Remove it and send it again.`,
    );
  }
}

function isControl(code: number): boolean {
  if (code === 0x09 || code === 0x0a) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}
