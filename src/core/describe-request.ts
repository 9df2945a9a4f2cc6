import type { GenerationRequest } from './imagine-request.js';

/** What reproduces a result, in one line: `gpt-image-1 · 1536x1024 · quality high · seed 42 · --ar 3:2`. */
export function describeParameters(request: GenerationRequest): string {
  const parts = [request.model.id];
  if (request.size !== undefined)
    parts.push(request.imageSize ? `${request.size} @ ${request.imageSize}` : request.size);
  if (request.quality !== undefined) parts.push(`quality ${request.quality}`);
  if (request.seed !== undefined) parts.push(`seed ${request.seed}`);
  if (request.negativePrompt !== undefined) parts.push(`no: ${request.negativePrompt}`);
  if (request.count > 1) parts.push(`${request.count} images`);
  return parts.join(' · ');
}
