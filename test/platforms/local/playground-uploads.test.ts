import { once } from 'node:events';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { createModelCatalogue } from '../../../src/core/models/model-catalogue.js';
import { createConcurrencyLimit } from '../../../src/images/concurrency-limit.js';
import { createImagePipeline, type ImagePipeline, imagePipelineDefaults } from '../../../src/images/image-pipeline.js';
import { playgroundLimits } from '../../../src/platforms/local/playground-limits.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import { errorOf, usePlaygroundServer } from './playground-harness.js';

const playgrounds = usePlaygroundServer();
const tinyPng = `data:image/png;base64,${Buffer.from(encodePng(1, 1, () => [200, 10, 10])).toString('base64')}`;
const limits = playgroundLimits(createModelCatalogue(), imagePipelineDefaults.maxInputBytes);

describe('what one playground request may cost', () => {
  it('derives its body cap from what it accepts: the largest input count and per-request bytes of the catalogue', () => {
    expect(limits.maxImages).toBe(16);
    expect(limits.maxTotalImageBytes).toBe(50_000_000); // Seedream 4.x: 50 MB per request
    // Base64 of that many bytes, plus the text and the fields: never an arbitrary round number.
    expect(limits.maxBodyBytes).toBeGreaterThan((limits.maxTotalImageBytes * 4) / 3);
    expect(limits.maxBodyBytes).toBeLessThan((limits.maxTotalImageBytes * 4) / 3 + 1024 * 1024);
  });

  it('refuses 20,000 tiny images by their count, before decoding any, well under a second', async () => {
    const playground = await playgrounds.start();
    const images = Array.from({ length: 20_000 }, () => tinyPng);
    const started = performance.now();
    const answer = await playground.request('/api/submit', { json: { text: 'a collage', images } });
    const elapsed = performance.now() - started;

    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toBe('The playground takes at most 16 images per message; 20000 were given.');
    expect(playground.decoded()).toBe(0);
    expect(elapsed).toBeLessThan(1000);
    expect(await playground.harness.allJobs()).toEqual([]);
  });

  it('checks the count against the model before decoding, with the model’s own sentence', async () => {
    const playground = await playgrounds.start();
    const answer = await playground.request('/api/submit', {
      json: { text: 'mix these', images: [tinyPng, tinyPng, tinyPng, tinyPng] },
    });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatch(/gemini-2\.5-flash-image takes at most 3 images; 4 were given/);
    expect(playground.decoded()).toBe(0);

    const accepted = await playground.request('/api/submit', { json: { text: 'mix these', images: [tinyPng] } });
    expect(accepted.status, accepted.body).toBe(200);
    expect(playground.decoded()).toBe(1);
  });

  it('refuses an image over the size limit from its base64 length, without decoding it', async () => {
    const playground = await playgrounds.start({ maxImageBytes: 1000 });
    const large = `data:image/png;base64,${Buffer.alloc(1500, 7).toString('base64')}`;
    const answer = await playground.request('/api/submit', { json: { text: 'a lighthouse', images: [large] } });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatch(/^Attachment 1 is 1 KB; images up to 1 KB are accepted\.$/);
    expect(playground.decoded()).toBe(0);
  });

  it('answers 413 to a body declared over the cap before reading a byte of it, even while uploads are busy', async () => {
    const uploads = createConcurrencyLimit(1);
    let endBusyUpload = () => {};
    const busyUpload = uploads.run(() => new Promise<void>((resolve) => (endBusyUpload = resolve)));
    const playground = await playgrounds.start({ uploads });
    const socket = connect(Number(new URL(playground.url).port), '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    const closed = once(socket, 'close');
    socket.write(
      `POST /api/submit HTTP/1.1\r\nHost: ${playground.host}\r\nOrigin: ${playground.url}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${limits.maxBodyBytes + 1}\r\n\r\n`,
    );
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/x-content-type-options: nosniff/i);
    expect(answer).toContain(`That request is over ${Math.round(limits.maxBodyBytes / 1_048_576)} MB`);
    expect(uploads.active).toBe(1);
    endBusyUpload();
    await busyUpload;
  });

  it('reads and decodes only as many uploads at once as its upload limit allows', async () => {
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const real = createImagePipeline();
    let inspections = 0;
    const pipeline: ImagePipeline = {
      ...real,
      async inspect(bytes, name) {
        if (++inspections === 1) await firstHeld;
        return real.inspect(bytes, name);
      },
    };
    const uploads = createConcurrencyLimit(1);
    const playground = await playgrounds.start({ pipeline, uploads });
    const send = (text: string) => playground.request('/api/submit', { json: { text, images: [tinyPng] } });

    const first = send('first upload');
    await vi.waitFor(() => expect(inspections).toBe(1));
    const second = send('second upload');
    await vi.waitFor(() => expect(uploads.pending).toBe(1));
    expect(inspections).toBe(1);

    releaseFirst();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(inspections).toBe(2);
  });
});
