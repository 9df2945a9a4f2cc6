import { z } from 'zod';
import type { NativeStatePart } from './gemini-native-state.js';
import { ImageApiError } from './image-api-error.js';
import type { ImageItem } from './image-api-response.js';

const partSchema = z.object({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  inlineData: z.object({ mimeType: z.string().nullish(), data: z.string() }).nullish(),
});
const nativeSchema = z.object({
  candidates: z
    .array(
      z.object({
        content: z.object({ parts: z.array(partSchema).nullish() }).nullish(),
        finishReason: z.string().nullish(),
      }),
    )
    .nullish(),
  promptFeedback: z.object({ blockReason: z.string().nullish(), blockReasonMessage: z.string().nullish() }).nullish(),
});

const refusalReasons = new Set([
  'SAFETY',
  'IMAGE_SAFETY',
  'PROHIBITED_CONTENT',
  'IMAGE_PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
  'IMAGE_RECITATION',
]);
const placeholderPattern = /^\u0000b64:(\d+)$/;

/**
 * Reads a native `generateContent` answer (images as `inlineData`, already decoded by the extractor). Each image
 * keeps the answer's text parts and its own part with their thought signatures, for the next turn; thought parts are
 * the model's drafts and are left out, as are parts with no data. A blocked prompt or a safety finish without an image is a refusal.
 */
export function parseGeminiNativeResult(json: unknown, images: readonly Buffer[], requestId?: string): ImageItem[] {
  const parsed = nativeSchema.safeParse(json);
  if (!parsed.success)
    throw new ImageApiError('invalid_response', 'generateContent answered an unknown shape', { requestId });
  const blocked = parsed.data.promptFeedback?.blockReason;
  if (blocked) {
    const message = parsed.data.promptFeedback?.blockReasonMessage ?? `prompt blocked (${blocked})`;
    throw new ImageApiError('content_rejected', `image API 200 ${blocked}: ${message}`, {
      status: 200,
      requestId,
      upstreamCode: blocked,
      upstreamMessage: message,
    });
  }
  const items: ImageItem[] = [];
  const words: string[] = [];
  let refusal: string | undefined;
  for (const candidate of parsed.data.candidates ?? []) {
    // Thought drafts and parts without data are left out: new-api drops an empty `text` when it re-serialises the
    // next request, and Gemini rejects a part that carries no data (a bare thought signature).
    const parts = (candidate.content?.parts ?? []).filter((part) => !part.thought && (part.inlineData || part.text));
    const kept = parts.map((part): NativeStatePart & { bytes?: Buffer } => ({
      ...(part.inlineData ? { image: true, bytes: bytesOf(part.inlineData.data, images, requestId) } : {}),
      ...(!part.inlineData ? { text: part.text ?? '' } : {}),
      ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {}),
    }));
    // Each image keeps the text parts and its own part: the next turn sends back only the image it edits.
    for (const [index, part] of kept.entries()) {
      if (!part.bytes) continue;
      const own = kept
        .filter((other, otherIndex) => !other.image || otherIndex === index)
        .map(({ bytes: _bytes, ...rest }) => rest);
      items.push({ kind: 'bytes', bytes: part.bytes, parts: own });
    }
    words.push(...kept.flatMap((part) => (part.text ? [part.text] : [])));
    if (candidate.finishReason && refusalReasons.has(candidate.finishReason)) refusal = candidate.finishReason;
  }
  if (items.length > 0) return items;
  const said = words.join(' ').replace(/\s+/g, ' ').trim().slice(0, 300);
  const details = { status: 200, requestId, ...(said ? { upstreamMessage: said } : {}) };
  if (refusal) {
    throw new ImageApiError('content_rejected', `image API 200 ${refusal}: no image`, {
      ...details,
      upstreamCode: refusal,
    });
  }
  const sentence = said ? `The model answered in words instead of an image: “${said.slice(0, 200)}”` : undefined;
  throw new ImageApiError('invalid_response', 'generateContent answered no image', details, sentence);
}

function bytesOf(data: string, images: readonly Buffer[], requestId: string | undefined): Buffer {
  const placeholder = placeholderPattern.exec(data);
  const bytes = placeholder ? images[Number(placeholder[1])] : Buffer.from(data, 'base64');
  if (!bytes || bytes.length === 0) {
    throw new ImageApiError('invalid_response', 'generateContent answered an empty inlineData', { requestId });
  }
  return bytes;
}
