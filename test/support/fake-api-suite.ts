import { afterAll, afterEach, beforeAll } from 'vitest';
import { type FakeImageApi, startFakeImageApi } from '../fakes/fake-image-api.js';
import type { FakeImageApiOptions } from '../fakes/fake-image-api-types.js';
import { createFakeApiProvider, type FakeApiProvider } from './fake-api-provider.js';
import { harnessTracker } from './harness-tracker.js';

/** The loopback fake image API and the real HTTP client against it, shared by every test of one file. */
export interface FakeApiSuite {
  readonly fake: FakeImageApi;
  readonly client: FakeApiProvider;
  readonly harnesses: ReturnType<typeof harnessTracker>;
}

/**
 * Registers the file's hooks: the fake and the client start once, each test's harnesses close after it and the
 * fake forgets its requests and faults, everything stops at the end.
 */
export function useFakeApiSuite(options: FakeImageApiOptions = {}): FakeApiSuite {
  let fake: FakeImageApi | undefined;
  let client: FakeApiProvider | undefined;
  const harnesses = harnessTracker();
  beforeAll(async () => {
    fake = await startFakeImageApi(options);
    client = createFakeApiProvider(fake.url);
  });
  afterEach(async () => {
    await harnesses.closeAll();
    fake?.reset();
  });
  afterAll(async () => {
    await client?.close();
    await fake?.close();
  });
  return {
    get fake() {
      if (!fake) throw new Error('the fake image API starts in beforeAll');
      return fake;
    },
    get client() {
      if (!client) throw new Error('the client starts in beforeAll');
      return client;
    },
    harnesses,
  };
}
