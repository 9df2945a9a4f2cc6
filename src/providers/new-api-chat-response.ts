import { z } from 'zod';
import { ImageApiError } from './image-api-error.js';
import type { ImageItem } from './image-api-response.js';

const chatSchema = z.object({
  choices: z.array(
    z.object({
      message: z.object({ content: z.union([z.string(), z.array(z.unknown())]).nullish() }).nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
});
const contentPartSchema = z.object({
  text: z.string().nullish(),
  image_url: z.union([z.string(), z.object({ url: z.string() })]).nullish(),
});

/** A data URL whose payload the extractor took out: `data:image/png;base64,\u0000img:<index>`. */
const extractedPattern = /data:image\/[\w.+-]+;base64,\u0000img:(\d+)/g;
const linkedPattern = /!\[[^\]]*\]\((https?:\/\/[^\s)]+)\)/g;

/**
 * Reads a chat completion from stock new-api's Gemini relay: the images are the markdown data URLs (or links) in
 * the assistant text. `finish_reason: "content_filter"` without an image is a refusal; words without an image are
 * not a usable answer.
 */
export function parseChatResult(json: unknown, images: readonly Buffer[], requestId?: string): ImageItem[] {
  const parsed = chatSchema.safeParse(json);
  if (!parsed.success) {
    throw new ImageApiError('invalid_response', 'chat completion answered without choices', { requestId });
  }
  const items: ImageItem[] = [];
  const words: string[] = [];
  let filtered = false;
  for (const choice of parsed.data.choices) {
    if (choice.finish_reason === 'content_filter') filtered = true;
    const text = textOf(choice.message?.content);
    for (const match of text.matchAll(extractedPattern)) {
      const bytes = images[Number(match[1])];
      if (!bytes || bytes.length === 0) {
        throw new ImageApiError('invalid_response', 'chat completion carried an empty data URL', { requestId });
      }
      items.push({ kind: 'bytes', bytes });
    }
    for (const match of text.matchAll(linkedPattern)) items.push({ kind: 'url', url: match[1] as string });
    words.push(text.replace(/!\[[^\]]*\]\([^)]*\)?/g, ' ').trim());
  }
  if (items.length > 0) return items;
  const said = words.join(' ').replace(/\s+/g, ' ').trim().slice(0, 300);
  const details = { status: 200, requestId, ...(said ? { upstreamMessage: said } : {}) };
  if (filtered) {
    const upstream = { ...details, upstreamCode: 'content_filter' };
    throw new ImageApiError('content_rejected', 'image API 200 content_filter: no image', upstream);
  }
  const sentence = said ? `The model answered in words instead of an image: “${said.slice(0, 200)}”` : undefined;
  throw new ImageApiError('invalid_response', 'chat completion carried no image', details, sentence);
}

/** The message text, with the URLs of `image_url` parts when the content is an array of parts. */
function textOf(content: string | readonly unknown[] | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content
    .map((part) => {
      const parsed = contentPartSchema.safeParse(part);
      if (!parsed.success) return '';
      const url = parsed.data.image_url;
      return parsed.data.text ?? (typeof url === 'string' ? url : (url?.url ?? ''));
    })
    .join('\n');
}
