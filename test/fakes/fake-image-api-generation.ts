import type { ServerResponse } from 'node:http';
import { isObject } from './fake-image-api-fields.js';
import { pngDimensions } from './fake-image-api-png.js';
import { base64Of, type ResultItem, sendResult } from './fake-image-api-responses.js';
import { checkGenerationBody, type ShapeCheck } from './fake-image-api-shapes.js';
import type { FakeGenerationRequest } from './fake-image-api-types.js';

/** URL results kept for download; the oldest are forgotten (as upstream URLs expire) so memory stays bounded. */
const maxStoredFiles = 256;

type AcceptedRequest = Extract<ShapeCheck, { kind: 'ok' }>;

export interface GenerationSettings {
  readonly imageBytes: Uint8Array;
  readonly b64Image: ((request: FakeGenerationRequest) => Uint8Array) | undefined;
  readonly envelope: boolean;
  readonly fileUrl: (id: string) => string;
}

/** Checks generation bodies and answers the accepted ones the way each family's upstream does. */
export function createGenerationAnswerer(settings: GenerationSettings) {
  const files = new Map<string, Uint8Array>();
  let fileCounter = 0;

  function store(bytes: Uint8Array): string {
    const id = `img-${++fileCounter}`;
    files.set(id, bytes);
    if (files.size > maxStoredFiles) files.delete(files.keys().next().value ?? '');
    return settings.fileUrl(id);
  }

  return {
    check(contentType: string | undefined, body: { ok: boolean; value: unknown }): ShapeCheck {
      if (!body.ok) return { kind: 'invalid', model: undefined, problems: ['body is not valid JSON'] };
      const check = checkGenerationBody(body.value);
      if (contentType?.split(';')[0]?.trim() === 'application/json' || check.kind === 'unknown-model') return check;
      const problem = `Content-Type must be application/json, got ${contentType ?? 'nothing'}`;
      const problems = check.kind === 'invalid' ? [problem, ...check.problems] : [problem];
      return { kind: 'invalid', model: check.model, problems };
    },

    answer(response: ServerResponse, { model, family, body }: AcceptedRequest): Promise<void> {
      const count = imageCount(family, body);
      const images = Array.from(
        { length: count },
        (_, index) => settings.b64Image?.({ model, family, body, index }) ?? settings.imageBytes,
      );
      // Gemini and GPT always answer base64; Seedream answers URLs unless asked; Qwen honours response_format.
      const format = body['response_format'];
      const asUrl = family === 'seedream' ? format !== 'b64_json' : family === 'qwen' && format === 'url';
      const items = images.map((bytes): ResultItem => {
        if (!asUrl) return { b64: base64Of(bytes) };
        const url = store(bytes);
        return family === 'seedream' ? { url, size: sizeOf(bytes, body['size']) } : { url };
      });
      return sendResult(response, items, settings.envelope);
    },

    /**
     * Stock new-api: GPT answers `n` base64 images; Seedream's Ark body comes back as is (URLs with `size`, or base64
     * when asked); Qwen always answers time-limited URLs with `b64_json: ""`, whatever was asked, one per image of
     * `parameters.n` on the edit model (new-api converts every choice of DashScope's answer).
     */
    answerNewApi(response: ServerResponse, { model, family, body }: AcceptedRequest): Promise<void> {
      const count = newApiImageCount(model, family, body);
      const images = Array.from(
        { length: count },
        (_, index) => settings.b64Image?.({ model, family, body, index }) ?? settings.imageBytes,
      );
      const items = images.map((bytes): ResultItem => {
        if (family === 'gpt' || (family === 'seedream' && body['response_format'] === 'b64_json')) {
          return { b64: base64Of(bytes) };
        }
        const url = store(bytes);
        return family === 'seedream' ? { url, size: sizeOf(bytes, body['size']) } : { url, b64_json: '' };
      });
      return sendResult(response, items, settings.envelope);
    },

    imageFor: (request: FakeGenerationRequest): Uint8Array => settings.b64Image?.(request) ?? settings.imageBytes,

    /** Keeps bytes for download; returns their URL on the fake. */
    store,

    file: (id: string): Uint8Array | undefined => files.get(id),
  };
}

/** GPT honours `n`; Seedream makes `max_images` with sequential generation; everything else makes one per call. */
function imageCount(family: AcceptedRequest['family'], body: AcceptedRequest['body']): number {
  if (family === 'gpt') return typeof body['n'] === 'number' ? body['n'] : 1;
  const options = body['sequential_image_generation_options'];
  if (family === 'seedream' && body['sequential_image_generation'] === 'auto' && isObject(options)) {
    return typeof options['max_images'] === 'number' ? options['max_images'] : 1;
  }
  return 1;
}

/** Seedream's `data[].size`: the real size of the bytes served, else what was asked. */
function sizeOf(bytes: Uint8Array, requested: unknown): string {
  const dimensions = pngDimensions(bytes);
  if (dimensions) return `${dimensions.width}x${dimensions.height}`;
  return typeof requested === 'string' && /^\d+x\d+$/.test(requested) ? requested : '2048x2048';
}

/** How many images stock new-api's answer carries: GPT's `n`, the Qwen edit model's `parameters.n`, else one. */
function newApiImageCount(model: string, family: AcceptedRequest['family'], body: AcceptedRequest['body']): number {
  if (family === 'gpt') return Number(body['n'] ?? 1) || 1;
  const parameters = body['parameters'];
  if (family === 'qwen' && model.includes('-edit') && isObject(parameters)) return Number(parameters['n'] ?? 1) || 1;
  return 1;
}
