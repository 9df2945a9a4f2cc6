import type { ConcurrencyLimit } from '../../images/concurrency-limit.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { Logger } from '../../logging/logger.js';
import type { AppServer } from '../../server/http-server.js';

/** What the operator console shows of the configuration: which parts are on, what each lacks; never a secret value. */
export interface ConfigCheckReport {
  readonly platforms: readonly {
    readonly name: string;
    readonly enabled: boolean;
    /** How it runs, or what turns it on. */
    readonly detail: string;
    /** Variables it needs that are not set. */
    readonly missing: readonly string[];
  }[];
  readonly imageApi: {
    readonly mode: 'offline' | 'gateway';
    /** The gateway's origin (never a path, a user or a password). */
    readonly url?: string;
    readonly reachable?: boolean;
    readonly detail: string;
    readonly requestId?: string;
    readonly dialect: string;
  };
  readonly models: readonly { readonly id: string; readonly usable?: boolean; readonly dialect: string }[];
  readonly defaultModel: string;
  readonly checkedAt: number;
}

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
  /** Discord or Slack runs in this process: the operator console then needs the token, on loopback too. */
  readonly chatPlatformsEnabled?: boolean;
  /** The configuration check the console shows (the app's, built on the doctor's probe). */
  readonly configCheck?: () => Promise<ConfigCheckReport>;
}
