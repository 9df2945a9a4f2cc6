import type { GenerationRequest } from '../core/imagine-request.js';
import { splitDataUrl } from './data-url.js';
import {
  editsPath,
  generationsPath,
  type UpstreamCall,
  type UpstreamFile,
  type UpstreamRequest,
} from './request-builder.js';

const extensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/**
 * GPT Image on stock new-api: text-to-image on `/v1/images/generations` (an `image` there is ignored by OpenAI);
 * edits on `/v1/images/edits`, as multipart `image[]` files by default or, with `wire.gptImageEdits: "json"`, as
 * JSON `images: [{image_url}]`. Always base64 answers, so no `response_format`.
 */
export function buildNewApiGptImageRequest(request: GenerationRequest, call: UpstreamCall): UpstreamRequest {
  const { model } = request;
  const options = {
    ...(request.size !== undefined ? { size: request.size } : {}),
    ...(request.quality !== undefined ? { quality: request.quality } : {}),
  };
  if (call.imageUrls.length === 0) {
    return {
      method: 'POST',
      path: generationsPath,
      body: { model: model.id, prompt: request.prompt, ...options, n: call.count },
    };
  }
  const edit = {
    model: model.id,
    prompt: request.prompt,
    ...options,
    input_fidelity: model.wire.inputFidelity ?? 'low',
    n: call.count,
  };
  if (model.wire.gptImageEdits === 'json') {
    return {
      method: 'POST',
      path: editsPath,
      body: { ...edit, images: call.imageUrls.map((url) => ({ image_url: url })) },
    };
  }
  const files = call.imageUrls.map((url, index): UpstreamFile => {
    const { mimeType, base64 } = splitDataUrl(url);
    const filename = `image-${index + 1}.${extensions[mimeType] ?? 'png'}`;
    return { field: 'image[]', filename, mimeType, bytes: Buffer.from(base64, 'base64') };
  });
  // Multipart fields are strings.
  const fields = Object.fromEntries(Object.entries(edit).map(([key, value]) => [key, String(value)]));
  return { method: 'POST', path: editsPath, body: fields, files };
}
