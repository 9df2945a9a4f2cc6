import type { ConcurrencyLimit } from '../../images/concurrency-limit.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { Logger } from '../../logging/logger.js';
import type { AppServer } from '../../server/http-server.js';

/** The playground's own slice of the configuration, and what it runs with. */
export interface PlaygroundPlatformConfig {
  /** The process's one HTTP server: the page and the API mount on it. */
  readonly server: AppServer;
  /** `Authorization: Bearer` required on the API (`PLAYGROUND_TOKEN`); the configuration requires it off loopback. */
  readonly token?: string;
  /** `HOST` and `PUBLIC_URL`: the names the page may be reached by. */
  readonly listenHost: string;
  readonly publicUrl?: string;
  /** No image API key: the page says images come from the offline renderer. */
  readonly offline: boolean;
  readonly pipeline: ImagePipeline;
  /** Uploads read and decoded at once: a slot of the size of the pipeline's limit, held from body to last decode. */
  readonly uploads: ConcurrencyLimit;
  readonly logger: Logger;
}
