import type { ServerResponse } from 'node:http';
import { sniffImageType } from '../../src/images/image-type.js';
import { newApiRefusal } from './fake-image-api-new-api-errors.js';
import { base64Of, sendJson, sendPieces } from './fake-image-api-responses.js';
import type { FakeFault } from './fake-image-api-types.js';

const notAnImage = Buffer.from('this is plain text, not an image');

export interface GeminiAnswerContext {
  readonly response: ServerResponse;
  readonly model: string;
  readonly requestId: string;
  /** The images to return (one unless a fault says otherwise). */
  readonly images: readonly Uint8Array[];
  /** Issues a thought signature and remembers it (native answers carry them). */
  readonly issueSignature: () => string;
}

/** The images a Gemini fault returns instead of the normal ones; undefined when the fault is not an image answer. */
export function faultImages(fault: FakeFault | undefined, normal: readonly Uint8Array[]): readonly Uint8Array[] {
  if (fault?.kind === 'b64-of-size') return Array.from({ length: fault.count ?? 1 }, () => fault.bytes);
  if (fault?.kind === 'bad-base64') return [notAnImage];
  return normal;
}

/**
 * A chat completion the way new-api relays Gemini: the image inside the assistant text as a markdown data URL;
 * refusals as 400 `prompt_blocked` or 200 with `finish_reason: "content_filter"` and no image.
 */
export function answerGeminiChat(context: GeminiAnswerContext, fault: FakeFault | undefined): Promise<void> | void {
  const { response, model, requestId } = context;
  if (fault?.kind === 'moderation') return sendJson(response, 400, newApiRefusal('gemini', requestId));
  const head = `{"id":"chatcmpl-${requestId}","object":"chat.completion","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(model)},"choices":[{"index":0,"message":{"role":"assistant","content":`;
  const tail = '},"usage":{"prompt_tokens":12,"completion_tokens":1290,"total_tokens":1302}}';
  if (fault?.kind === 'content-filter' || fault?.kind === 'text-only') {
    const text = fault.kind === 'text-only' ? (fault.text ?? 'I can only describe this scene in words.') : '';
    const reason = fault.kind === 'text-only' ? 'stop' : 'content_filter';
    const body = `${head}${JSON.stringify(text)}},"finish_reason":"${reason}"}],"usage":{"prompt_tokens":12,"completion_tokens":0,"total_tokens":12}}`;
    return sendPieces(response, 200, [Buffer.from(body)]);
  }
  const pieces: Buffer[] = [Buffer.from(`${head}"Here is the image.`)];
  for (const bytes of context.images) {
    pieces.push(Buffer.from(`\\n\\n![image](data:${mimeOf(bytes)};base64,`), base64Of(bytes), Buffer.from(')'));
  }
  pieces.push(Buffer.from(`"},"finish_reason":"stop"}]${tail.slice(1)}`));
  return sendPieces(response, 200, pieces);
}

/**
 * A native `generateContent` answer: text and `inlineData` parts, each with a thought signature, and a last
 * signature-only part with empty text; a blocked prompt
 * is `promptFeedback.blockReason`, a filtered image a candidate that ends with `IMAGE_SAFETY` and no parts.
 */
export function answerGeminiNative(context: GeminiAnswerContext, fault: FakeFault | undefined): Promise<void> {
  const { response, model } = context;
  const usage = '"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1290,"totalTokenCount":1302}';
  const version = `"modelVersion":${JSON.stringify(model)}`;
  if (fault?.kind === 'moderation') {
    const body = `{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},${usage},${version}}`;
    return sendPieces(response, 200, [Buffer.from(body)]);
  }
  if (fault?.kind === 'content-filter' || fault?.kind === 'text-only') {
    const parts =
      fault.kind === 'text-only' ? [{ text: fault.text ?? 'I can only describe this scene in words.' }] : [];
    const reason = fault.kind === 'text-only' ? 'STOP' : 'IMAGE_SAFETY';
    const candidate = { content: { role: 'model', parts }, finishReason: reason, index: 0 };
    return sendPieces(response, 200, [
      Buffer.from(`{"candidates":[${JSON.stringify(candidate)}],${usage},${version}}`),
    ]);
  }
  const text = JSON.stringify({ text: 'Here is the image.', thoughtSignature: context.issueSignature() });
  const pieces: Buffer[] = [Buffer.from(`{"candidates":[{"content":{"role":"model","parts":[${text}`)];
  for (const bytes of context.images) {
    pieces.push(
      Buffer.from(`,{"inlineData":{"mimeType":"${mimeOf(bytes)}","data":"`),
      base64Of(bytes),
      Buffer.from(`"},"thoughtSignature":"${context.issueSignature()}"}`),
    );
  }
  // Gemini may end an answer with a part that carries only a signature (empty text): no data of its own.
  pieces.push(Buffer.from(`,{"text":"","thoughtSignature":"${context.issueSignature()}"}`));
  pieces.push(Buffer.from(`]},"finishReason":"STOP","index":0}],${usage},${version}}`));
  return sendPieces(response, 200, pieces);
}

function mimeOf(bytes: Uint8Array): string {
  return sniffImageType(bytes)?.mimeType ?? 'image/png';
}
