import { describe, expect, it } from 'vitest';
import { createModelCatalogue } from '../../../src/core/models/model-catalogue.js';
import { attachmentLimits, checkAttachments } from '../../../src/core/platform/attachment-limits.js';

const MiB = 1024 * 1024;
const catalogue = createModelCatalogue();

describe('attachment limits, decided once', () => {
  it('come from the platform’s own limits, the catalogue’s input limits and what the image pipeline decodes', () => {
    // Discord: 10 files a message; the pipeline decodes 25 MiB; Seedream 4.x takes 50 MB in one request.
    expect(attachmentLimits(catalogue, { maxFiles: 10 }, 25 * MiB)).toEqual({
      maxImages: 10,
      maxImageBytes: 25 * MiB,
      maxTotalBytes: 50_000_000,
    });
    // No file limit of its own (the playground): the most any model takes, 16.
    expect(attachmentLimits(catalogue, {}, 25 * MiB).maxImages).toBe(16);
    // A platform cap below the pipeline's holds.
    expect(attachmentLimits(catalogue, { maxFileBytes: 8 * MiB }, 25 * MiB).maxImageBytes).toBe(8 * MiB);
    // A catalogue of text-only models still takes one image (an edit's reference).
    const textOnly = createModelCatalogue([
      { id: 'gemini-2.5-flash-image', maxInputImages: 0, editSibling: undefined },
    ]);
    expect(attachmentLimits(textOnly, { maxFiles: 10 }, MiB).maxImages).toBeGreaterThanOrEqual(1);
  });

  it('refuses too many, not an image, too large one by one or together, each with its own code', () => {
    const limits = { maxImages: 2, maxImageBytes: 1000, maxTotalBytes: 1500 };
    const image = (bytes: number, name = 'in.png') => ({ name, bytes, mimeType: 'image/png' });
    expect(() => checkAttachments(limits, [image(1), image(1), image(1)], 'The playground takes')).toThrow(
      expect.objectContaining({
        code: 'too_many_images',
        message: 'The playground takes at most 2 images per message; 3 were given.',
      }),
    );
    expect(() => checkAttachments(limits, [{ name: 'notes.txt', bytes: 5, mimeType: 'text/plain' }])).toThrow(
      expect.objectContaining({ code: 'not_an_image' }),
    );
    expect(() => checkAttachments(limits, [image(1001, 'big.png')])).toThrow(
      expect.objectContaining({ code: 'image_too_large', message: expect.stringMatching(/^big\.png is/) }),
    );
    expect(() => checkAttachments(limits, [image(800), image(800)])).toThrow(
      expect.objectContaining({ code: 'image_too_large', message: expect.stringMatching(/together/) }),
    );
    expect(() => checkAttachments(limits, [image(700), { name: 'link.png' }])).not.toThrow();
  });
});
