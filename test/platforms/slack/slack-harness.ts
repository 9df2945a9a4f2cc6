import { type FakeImageApi, startFakeImageApi } from '../../fakes/fake-image-api.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import { type FakeSlack, type FakeSlackCall, type FakeSlackOptions, startFakeSlack } from '../../fakes/fake-slack.js';
import { type SlackBot, type SlackBotOptions, startSlackBot } from '../../fakes/fake-slack-bot.js';
import {
  eventEnvelope,
  type MemberMessageInput,
  memberMessage,
  nextEventId,
  slashCommand,
} from '../../fakes/fake-slack-payloads.js';
import type { SignedResponse } from '../../fakes/fake-slack-signer.js';
import { type EngineEventLog, recordEngineEvents } from '../../support/engine-events.js';
import { dropScaledFor, scaledEnvFor, scaledMode } from '../../support/scaled-mode.js';
import { createTempDir, type TempDir } from '../../support/temp-dir.js';

/** A distinct, real PNG per generation, so a test can tell which image went where. */
export function colouredPng(index: number): Uint8Array {
  const red = (index * 67) % 256;
  return encodePng(32, 32, () => [red, 255 - red, (index * 29) % 256]);
}

export const dataUrlOf = (bytes: Uint8Array) => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;

/** The fake Slack, the fake image API and threadpaint's Slack platform, with the calls a test makes through Slack. */
export interface SlackHarness {
  readonly slack: FakeSlack;
  readonly imageApi: FakeImageApi;
  readonly dataDir: TempDir;
  /** The images the fake image API answered, in order. */
  readonly generated: Uint8Array[];
  bot: SlackBot;
  /** `/imagine <text>` as member `user` (U1) in `channel` (C1), signed. */
  imagine(text: string, input?: { user?: string; channel?: string }): Promise<SignedResponse>;
  /** Waits for the root message of a `/imagine` whose prompt contains `fragment`; resolves to its ts. */
  rootOf(fragment: string, channel?: string): Promise<string>;
  /** Waits until a status message shows "Done" (its `chat.update`). */
  waitDone(ts: string, timeoutMs?: number): Promise<FakeSlackCall>;
  /**
   * Waits until every job of the bot has ended and each delivered one's status shows "Done" (the last Slack call a
   * job makes): after it, no call the fake receives belongs to earlier work.
   */
  settled(timeoutMs?: number): Promise<void>;
  /** A member's message (a thread reply with `threadTs`), delivered as a signed `message` event. */
  say(
    input: MemberMessageInput,
    options?: { eventId?: string; retryNum?: number },
  ): Promise<{ event: Record<string, unknown>; response: SignedResponse }>;
  /** Stops threadpaint and starts it again on the same data directory (the fakes keep running). */
  restart(overrides?: Partial<SlackBotOptions>): Promise<void>;
  /** Kills threadpaint (jobs left running) and starts it again on the same data directory. */
  crashAndRestart(overrides?: Partial<SlackBotOptions>): Promise<void>;
  close(): Promise<void>;
}

export async function startSlackHarness(
  options: { slack?: FakeSlackOptions; bot?: Partial<SlackBotOptions> } = {},
): Promise<SlackHarness> {
  const generated: Uint8Array[] = [];
  const slack = await startFakeSlack(options.slack);
  const imageApi = await startFakeImageApi({
    b64Image: () => {
      const bytes = colouredPng(generated.length + 1);
      generated.push(bytes);
      return bytes;
    },
  });
  const dataDir = createTempDir('threadpaint-slack-');
  let events: EngineEventLog;
  const boot = async (overrides: Partial<SlackBotOptions> = {}) => {
    const bot = await startSlackBot({
      slack,
      imageApi,
      dataDir: dataDir.path,
      ...(scaledMode ? { scaledEnv: scaledEnvFor(dataDir.path) } : {}),
      ...options.bot,
      ...overrides,
    });
    events?.stop();
    events = recordEngineEvents(bot.engine);
    return bot;
  };
  const harness: SlackHarness = {
    slack,
    imageApi,
    dataDir,
    generated,
    bot: await boot(),
    imagine: (text, input = {}) => harness.bot.signer.command(slashCommand(slack, { text, ...input })),
    async rootOf(fragment, channel = 'C1') {
      const call = await slack.waitFor(
        (candidate) =>
          candidate.method === 'chat.postMessage' &&
          candidate.args['channel'] === channel &&
          candidate.args['thread_ts'] === undefined &&
          String(candidate.args['blocks'] ?? '').includes(fragment) &&
          candidate.response['ok'] === true,
      );
      return call.response['ts'] as string;
    },
    waitDone: (ts, timeoutMs = 10_000) =>
      slack.waitFor(
        (call) =>
          call.method === 'chat.update' &&
          call.args['ts'] === ts &&
          call.response['ok'] === true &&
          String(call.args['blocks']).includes('Done'),
        timeoutMs,
      ),
    async settled(timeoutMs = 10_000) {
      const { store } = harness.bot.engine;
      for (const job of await store.listJobsByState(['queued', 'running', 'generated'])) {
        await events.ending(job.id, timeoutMs);
      }
      for (const job of await store.listJobsByState(['delivered'])) {
        const statusTs = job.delivery['statusTs'];
        if (typeof statusTs === 'string') await harness.waitDone(statusTs, timeoutMs);
      }
    },
    async say(input, sayOptions = {}) {
      const event = memberMessage(slack, input);
      const response = await harness.bot.signer.event(
        eventEnvelope(slack, event, sayOptions.eventId ?? nextEventId()),
        {
          ...(sayOptions.retryNum !== undefined ? { retryNum: sayOptions.retryNum } : {}),
        },
      );
      return { event, response };
    },
    async restart(overrides) {
      await harness.bot.stop();
      harness.bot = await boot(overrides);
    },
    async crashAndRestart(overrides) {
      await harness.bot.crash();
      harness.bot = await boot(overrides);
    },
    /** Stops everything; then fails if Slack was ever sent something it refuses (Block Kit limits, the spec). */
    async close() {
      events.stop();
      await harness.bot.stop();
      await Promise.all([slack.close(), imageApi.close()]);
      if (scaledMode) await dropScaledFor(dataDir.path);
      dataDir.remove();
      if (slack.violations.length > 0) {
        throw new Error(`Slack would refuse what the bot sent:\n  ${slack.violations.join('\n  ')}`);
      }
    },
  };
  return harness;
}
