/**
 * The last line of defence before a log line is written: whatever a field name did not catch (a key inside an
 * error message, an image inside an upstream body), the written text never holds a configured secret, a data URL's
 * payload or a long base64 run. Runs on the serialized line, so every field, nested or not, is covered.
 */

/** Base64 runs at least this long are image (or other binary) payloads; a sha256 hex (64) stays readable. */
export const longBase64Length = 80;

/** Secrets shorter than this are not scrubbed by value: too many ordinary words would match. */
const shortestScrubbedSecret = 8;

/** A data URL up to the end of its JSON string (a quote, a backslash escape or white space ends it). */
const dataUrlPattern = /data:([\w.+-]+\/[\w.+-]+)[;,][^"\\\s]*/g;
const base64RunPattern = new RegExp(`[A-Za-z0-9+/]{${longBase64Length},}={0,2}`, 'g');

export type LineScrubber = (line: string) => string;

export function createLineScrubber(secrets: readonly (string | undefined)[] = []): LineScrubber {
  const values = [
    ...new Set(
      secrets
        .filter((secret): secret is string => typeof secret === 'string' && secret.length >= shortestScrubbedSecret)
        // As written inside a JSON string too (a secret with a quote or backslash is escaped there).
        .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]),
    ),
  ].sort((a, b) => b.length - a.length);
  return (line) => {
    let scrubbed = line;
    for (const secret of values) {
      if (scrubbed.includes(secret)) scrubbed = scrubbed.replaceAll(secret, '[redacted]');
    }
    return scrubbed
      .replace(dataUrlPattern, (_match, mime: string) => `[redacted ${mime} data URL]`)
      .replace(base64RunPattern, (run) => `[redacted ${run.length} base64 characters]`);
  };
}
