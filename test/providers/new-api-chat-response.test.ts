import { describe, expect, it } from 'vitest';
import { DataUrlExtractor } from '../../src/providers/data-url-extractor.js';
import { ImageApiError } from '../../src/providers/image-api-error.js';
import { parseChatResult } from '../../src/providers/new-api-chat-response.js';
import { encodePng } from '../fakes/fake-image-api-png.js';

const first = Buffer.from(encodePng(20, 20, (x, y) => [x * 12, y * 12, 7]));
const second = Buffer.from(encodePng(9, 5, () => [250, 10, 10]));

const chat = (content: unknown, finishReason = 'stop') =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finishReason }],
  });

/** Feeds `text` to the extractor in pieces of `size` bytes, then parses what it kept. */
function extract(text: string, size: number) {
  const extractor = new DataUrlExtractor();
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length; offset += size) extractor.write(bytes.subarray(offset, offset + size));
  return extractor.finish();
}

const markdown = (bytes: Buffer, base64 = bytes.toString('base64')) => `![image](data:image/png;base64,${base64})`;

describe('reading Gemini’s image out of a chat completion', () => {
  it.each([1, 3, 7, 64, 100_000])('decodes the markdown data URLs whatever the chunk size (%i bytes)', (size) => {
    const body = chat(`Here you go.\n\n${markdown(first)}\n\nAnd a second one: ${markdown(second)}`);
    const { json, images, invalidBase64 } = extract(body, size);
    expect(invalidBase64).toBe(false);
    const items = parseChatResult(json, images, 'req-1');
    const base64 = items.map((item) => (item.kind === 'bytes' ? item.bytes.toString('base64') : item.url));
    expect(base64).toEqual([first.toString('base64'), second.toString('base64')]);
  });

  it('keeps the skeleton small: the payload never reaches it', () => {
    const { json } = extract(chat(markdown(first)), 512);
    const content = (json as { choices: { message: { content: string } }[] }).choices[0]?.message.content;
    expect(content).toBe('![image](data:image/png;base64,\u0000img:0)');
  });

  it('reads escaped slashes and an image_url part in an array content', () => {
    const escaped = first.toString('base64').replace(/\//g, '\\/');
    expect(escaped).toContain('\\/');
    const body = chat([
      { type: 'text', text: 'Done.' },
      { type: 'image_url', image_url: { url: 'PLACEHOLDER' } },
    ]).replace('PLACEHOLDER', `data:image/png;base64,${escaped}`);
    const { json, images, invalidBase64 } = extract(body, 5);
    expect(invalidBase64).toBe(false);
    const [item] = parseChatResult(json, images);
    expect(item?.kind === 'bytes' && Buffer.compare(item.bytes, first)).toBe(0);
  });

  it('flags base64 with characters outside the alphabet and a data URL that never ends', () => {
    expect(extract(chat(markdown(first, 'iVBO*RK5C')), 4).invalidBase64).toBe(true);
    const cut = chat(markdown(first)).slice(0, 200);
    const extractor = new DataUrlExtractor();
    extractor.write(Buffer.from(cut));
    expect(() => extractor.finish()).toThrow();
  });

  it('downloads a linked image and leaves data URLs of other text alone', () => {
    const { json, images } = extract(
      chat('See ![image](https://cdn.example/a.png) — "data:text/plain;base64,aGk="'),
      16,
    );
    expect(images).toEqual([]);
    expect(parseChatResult(json, images)).toEqual([{ kind: 'url', url: 'https://cdn.example/a.png' }]);
  });

  it('reads content_filter without an image as a refusal and words alone as no image', () => {
    const refused = extract(chat('', 'content_filter'), 64);
    expect(() => parseChatResult(refused.json, refused.images, 'req-2')).toThrow(
      expect.objectContaining({ code: 'content_rejected', details: expect.objectContaining({ requestId: 'req-2' }) }),
    );
    const words = extract(chat('A lighthouse stands on a cliff.'), 64);
    const error = (() => {
      try {
        parseChatResult(words.json, words.images);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ImageApiError);
    expect((error as ImageApiError).memberMessage).toContain('A lighthouse stands on a cliff.');
  });
});
