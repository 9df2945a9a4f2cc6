/**
 * The fake image API in its own process, for the client benchmark: its memory (the cached base64 of a 20 MB image,
 * the response buffers of eight answers at once) must not count against the client's RSS, and its CPU work must not
 * share the client's event loop. Makes the benchmark images, then answers `BenchCommand`s over the IPC channel.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startFakeImageApi } from '../test/fakes/fake-image-api.js';

export type BenchImageName = 'photo1k' | 'photo4k';

export type BenchCommand =
  | { readonly kind: 'serve'; readonly image: BenchImageName }
  | { readonly kind: 'stats' }
  | { readonly kind: 'close' };

export type BenchReply =
  | { readonly kind: 'ready'; readonly url: string; readonly files: Record<BenchImageName, string> }
  | { readonly kind: 'serving'; readonly bytes: number }
  | { readonly kind: 'stats'; readonly requests: number; readonly violations: readonly string[] }
  | { readonly kind: 'closed' };

/**
 * Low-amplitude Gaussian noise: photo-like entropy, so PNG cannot shrink it to nothing. σ 1.5 lands a 1024² PNG
 * near 1.25 MB and a 4096² one near 20 MB.
 */
function noisePng(side: number): Promise<Buffer> {
  const noise = { type: 'gaussian', mean: 128, sigma: 1.5 } as const;
  const background = { r: 128, g: 128, b: 128 };
  return sharp({ create: { width: side, height: side, channels: 3, background, noise } })
    .png()
    .toBuffer();
}

function reply(message: BenchReply): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const images: Record<BenchImageName, Buffer> = { photo1k: await noisePng(1024), photo4k: await noisePng(4096) };
  const directory = await mkdtemp(join(tmpdir(), 'threadpaint-bench-'));
  const files = { photo1k: join(directory, 'photo-1024.png'), photo4k: join(directory, 'photo-4096.png') };
  await Promise.all([writeFile(files.photo1k, images.photo1k), writeFile(files.photo4k, images.photo4k)]);

  const fake = await startFakeImageApi({ recordBodies: false, maxRecordedRequests: 100_000 });
  process.on('message', async (command: BenchCommand) => {
    switch (command.kind) {
      case 'serve':
        fake.reset();
        fake.setDefaultResult({ kind: 'b64-of-size', bytes: images[command.image] });
        return reply({ kind: 'serving', bytes: images[command.image].byteLength });
      case 'stats':
        return reply({
          kind: 'stats',
          requests: fake.requests.length,
          violations: fake.violations.map((entry) => entry.message),
        });
      case 'close':
        await fake.close();
        reply({ kind: 'closed' });
        return process.disconnect();
    }
  });
  reply({ kind: 'ready', url: fake.url, files });
}

await main();
