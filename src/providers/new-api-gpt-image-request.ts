import type { GenerationRequest } from '../core/imagine-request.js';
import { splitDataUrl } from './data-url.js';
import { gptImageOptions } from './gpt-image-options.js';
import {
  editsPath,
  generationsPath,
  type RequestOptions,
  type UpstreamCall,
  type UpstreamFile,
  type UpstreamRequest,
} from './upstream-request.js';

const extensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/**
 * GPT Image on stock new-api: text-to-image on `/v1/images/generations` (an `image` there is ignored by OpenAI);
 * edits on `/v1/images/edits`, as multipart `image[]` files (and a `mask` file) by default or, with
 * `wire.gptImageEdits: "json"`, as JSON `images: [{image_url}]` (and `mask: {image_url}`). `input_fidelity` goes
 * only to models that take it (OpenAI answers 400 on gpt-image-1-mini). Always base64 answers: no `response_format`.
 */
export function buildNewApiGptImageRequest(
  request: GenerationRequest,
  call: UpstreamCall,
  options?: RequestOptions,
): UpstreamRequest {
  const { model } = request;
  const shared = gptImageOptions(request, options);
  if (call.imageUrls.length === 0) {
    return {
      method: 'POST',
      path: generationsPath,
      body: { model: model.id, prompt: request.prompt, ...shared, n: call.count },
    };
  }
  const fidelity = model.wire.inputFidelity ?? 'low';
  const edit = {
    model: model.id,
    prompt: request.prompt,
    ...shared,
    ...(model.inputFidelities.includes(fidelity) ? { input_fidelity: fidelity } : {}),
    n: call.count,
  };
  if (model.wire.gptImageEdits === 'json') {
    const mask = call.maskUrl === undefined ? {} : { mask: { image_url: call.maskUrl } };
    return {
      method: 'POST',
      path: editsPath,
      body: { ...edit, images: call.imageUrls.map((url) => ({ image_url: url })), ...mask },
    };
  }
  const files = call.imageUrls.map((url, index) => fileOf('image[]', `image-${index + 1}`, url));
  if (call.maskUrl !== undefined) files.push(fileOf('mask', 'mask', call.maskUrl));
  // Multipart fields are strings.
  const fields = Object.fromEntries(Object.entries(edit).map(([key, value]) => [key, String(value)]));
  return { method: 'POST', path: editsPath, body: fields, files };
}

function fileOf(field: string, name: string, url: string): UpstreamFile {
  const { mimeType, base64 } = splitDataUrl(url);
  return {
    field,
    filename: `${name}.${extensions[mimeType] ?? 'png'}`,
    mimeType,
    bytes: Buffer.from(base64, 'base64'),
  };
}
