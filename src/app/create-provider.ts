import type { Config } from '../config/config.js';
import type { ImageProvider } from '../core/image-provider.js';
import { createImageDownloader } from '../download/image-downloader.js';
import type { ImagePipeline } from '../images/image-pipeline.js';
import type { ThreadpaintMetrics } from '../metrics/metrics.js';
import { createHttpImageProvider } from '../providers/http-image-provider.js';
import { createOfflineImageProvider } from '../providers/offline-renderer.js';
import { observedProvider, upstreamObserver } from './app-metrics.js';
import { uploadLimitOf } from './upload-limit.js';

export interface ProviderHandle {
  readonly provider: ImageProvider;
  close(): Promise<void>;
}

/** The image API client when a key is set; otherwise the offline renderer (every result says it is a preview). */
export function createProvider(config: Config, pipeline: ImagePipeline, metrics?: ThreadpaintMetrics): ProviderHandle {
  if (config.offline) {
    const provider = createOfflineImageProvider({ pipeline });
    return { provider, close: async () => {} };
  }
  const downloader = createImageDownloader({
    allowPrivate: config.ALLOW_PRIVATE_DOWNLOADS,
    timeoutMs: Math.min(config.IMAGE_API_TIMEOUT_MS, 120_000),
  });
  const provider = createHttpImageProvider({
    baseUrl: config.IMAGE_API_URL,
    apiKey: config.IMAGE_API_KEY ?? '',
    timeoutMs: config.IMAGE_API_TIMEOUT_MS,
    dialect: config.IMAGE_API_DIALECT,
    requestOptions: {
      gptImageModeration: config.GPT_IMAGE_MODERATION,
      ...withUploadLimit(uploadLimitOf(config)),
    },
    pipeline,
    downloader,
    ...(metrics ? { observer: upstreamObserver(metrics) } : {}),
  });
  return {
    provider: metrics ? observedProvider(provider, metrics) : provider,
    close: async () => {
      await provider.close();
      await downloader.close();
    },
  };
}

const withUploadLimit = (bytes: number | undefined) => (bytes === undefined ? {} : { uploadLimitBytes: bytes });
