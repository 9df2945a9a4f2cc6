import { createImageDownloader } from '../../src/download/image-downloader.js';
import { createImagePipeline } from '../../src/images/image-pipeline.js';
import {
  createHttpImageProvider,
  type HttpImageProvider,
  type HttpImageProviderConfig,
} from '../../src/providers/http-image-provider.js';

export interface FakeApiProvider {
  readonly provider: HttpImageProvider;
  close(): Promise<void>;
}

/** The real HTTP image client pointed at a loopback fake (its key is the fake's default, `sk-test`). */
export function createFakeApiProvider(
  baseUrl: string,
  overrides: Partial<Omit<HttpImageProviderConfig, 'baseUrl' | 'pipeline' | 'downloader'>> = {},
): FakeApiProvider {
  const downloader = createImageDownloader({ allowPrivate: true });
  const provider = createHttpImageProvider({
    baseUrl,
    apiKey: 'sk-test',
    pipeline: createImagePipeline(),
    downloader,
    ...overrides,
  });
  return {
    provider,
    async close() {
      await provider.close();
      await downloader.close();
    },
  };
}
