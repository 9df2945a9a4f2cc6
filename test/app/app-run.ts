import { afterEach, beforeEach } from 'vitest';
import { startFakeImageApi } from '../fakes/fake-image-api.js';
import { startFakeSlack } from '../fakes/fake-slack.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { type AppProcess, appProcessTracker } from './app-process.js';

/** The keys a full run holds: the image API's, the playground's and the Slack app's. */
export interface RunSecrets {
  readonly IMAGE_API_KEY: string;
  readonly PLAYGROUND_TOKEN: string;
  readonly SLACK_BOT_TOKEN: string;
  readonly SLACK_SIGNING_SECRET: string;
}

/**
 * A test file's `threadpaint start` runs: a fresh data and working directory for each test, and the processes and
 * fakes a test started stopped after it whatever happened.
 */
export function appRunFixture(prefix: string) {
  const apps = appProcessTracker();
  const closers: Array<() => Promise<unknown>> = [];
  let dataDir: TempDir;
  let workDir: TempDir;
  beforeEach(() => {
    dataDir = createTempDir(`${prefix}-data-`);
    workDir = createTempDir(`${prefix}-cwd-`);
  });
  afterEach(async () => {
    await apps.stopAll();
    await Promise.all(closers.splice(0).map((close) => close()));
    dataDir.remove();
    workDir.remove();
  });
  return {
    apps,
    closers,
    get dataDir(): TempDir {
      return dataDir;
    },
    get workDir(): TempDir {
      return workDir;
    },
    /**
     * A full run against the fake image API and the fake Slack, with the playground on; `env` adds to (or overrides)
     * its configuration.
     */
    async startWithSlackAndPlayground(secrets: RunSecrets, env: Readonly<Record<string, string>> = {}) {
      const imageApi = await startFakeImageApi({ apiKey: secrets.IMAGE_API_KEY });
      const slack = await startFakeSlack({ botToken: secrets.SLACK_BOT_TOKEN });
      closers.push(
        () => imageApi.close(),
        () => slack.close(),
      );
      const app: AppProcess = apps.start(
        {
          ...secrets,
          DATA_DIR: dataDir.path,
          PORT: '0',
          IMAGE_API_URL: imageApi.url,
          ALLOW_PRIVATE_DOWNLOADS: 'true',
          SLACK_API_URL: slack.apiUrl,
          PLAYGROUND: 'true',
          ...env,
        },
        workDir.path,
      );
      return { app, imageApi, slack };
    },
  };
}
