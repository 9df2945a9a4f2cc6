import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { B64JsonExtractor } from '../../src/providers/b64-json-extractor.js';

function extract(text: string, chunkSize: number) {
  const extractor = new B64JsonExtractor();
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length; offset += chunkSize)
    extractor.write(bytes.subarray(offset, offset + chunkSize));
  return extractor.finish();
}

describe('B64JsonExtractor', () => {
  const first = randomBytes(70_001);
  const second = randomBytes(3);
  const body = JSON.stringify({
    created: 1,
    data: [
      { b64_json: first.toString('base64'), revised_prompt: 'a "b64_json": trap' },
      { b64_json: second.toString('base64') },
    ],
    usage: { total_tokens: 5 },
  });

  it.each([1, 7, 4096, body.length])('decodes every b64_json value whatever the chunking (%i bytes)', (size) => {
    const { json, images, invalidBase64 } = extract(body, size);
    expect(invalidBase64).toBe(false);
    expect(images).toHaveLength(2);
    expect(images[0]?.equals(first)).toBe(true);
    expect(images[1]?.equals(second)).toBe(true);
    expect(json).toEqual({
      created: 1,
      data: [{ b64_json: '\u0000b64:0', revised_prompt: 'a "b64_json": trap' }, { b64_json: '\u0000b64:1' }],
      usage: { total_tokens: 5 },
    });
  });

  it('accepts escaped slashes and line breaks inside the base64', () => {
    const encoded = first.toString('base64');
    const withEscapes = `{"data":[{"b64_json":"${encoded.slice(0, 100).replace(/\//g, '\\/')}\\n${encoded.slice(100)}"}]}`;
    const { images, invalidBase64 } = extract(withEscapes, 33);
    expect(invalidBase64).toBe(false);
    expect(images[0]?.equals(first)).toBe(true);
  });

  it('flags characters that cannot be base64', () => {
    expect(extract('{"data":[{"b64_json":"abc$%^&"}]}', 5).invalidBase64).toBe(true);
  });

  it('fails on truncated JSON', () => {
    expect(() => extract(body.slice(0, body.length / 2), 100)).toThrow();
  });

  it('leaves envelopes and other strings intact', () => {
    const { json, images } = extract(
      '{"code":200,"msg":"ok","data":{"data":[{"url":"https://x/y.png","b64_json":null}]}}',
      3,
    );
    expect(images).toEqual([]);
    expect(json).toEqual({ code: 200, msg: 'ok', data: { data: [{ url: 'https://x/y.png', b64_json: null }] } });
  });
});
