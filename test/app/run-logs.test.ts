import { describe, expect, it, vi } from 'vitest';
import { longBase64Length } from '../../src/logging/log-scrubber.js';
import { encodePng } from '../fakes/fake-image-api-png.js';
import { slashCommand } from '../fakes/fake-slack-payloads.js';
import { createSlackSigner } from '../fakes/fake-slack-signer.js';
import { httpRequest } from '../support/http-request.js';
import { appRunFixture } from './app-run.js';

const run = appRunFixture('threadpaint-logs');
const { apps } = run;

const secrets = {
  IMAGE_API_KEY: 'sk-live-4f9a7c2e81d04b6f9e3a5c7d1b2e8f60',
  PLAYGROUND_TOKEN: 'playground-7d3e9a1c5b2f4e6a8c0d',
  SLACK_BOT_TOKEN: 'xoxb-1111111111-2222222222-q8W3eR5tY7uI9oP1aS3dF5gH',
  SLACK_SIGNING_SECRET: 'signing-5e8b1d4a7c0f3e6b9d2a5c8f',
};

/** Every line that is one JSON object, parsed; the banner and anything else is left out. */
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('a full run’s output', () => {
  it('holds no key, token, data URL or base64 payload, and one outcome line per job', async () => {
    const photo = Buffer.from(encodePng(96, 96, (x, y) => [x * 2, y * 2, (x * y) % 256])).toString('base64');
    const { app, imageApi, slack } = await run.startWithSlackAndPlayground(secrets, { LOG_LEVEL: 'trace' });
    const url = await app.up;
    const headers = {
      'content-type': 'application/json',
      origin: url,
      authorization: `Bearer ${secrets.PLAYGROUND_TOKEN}`,
    };
    const submit = async (body: Record<string, unknown>) => {
      const answer = await httpRequest(`${url}/api/submit`, { method: 'POST', headers, body: JSON.stringify(body) });
      expect(answer.status, answer.body).toBe(200);
      return (JSON.parse(answer.body) as { jobId: string }).jobId;
    };
    const outcomeOf = async (jobId: string) => {
      await vi.waitFor(
        () => expect(jsonLines(app.stdout()).find((line) => line['jobId'] === jobId && line['outcome'])).toBeDefined(),
        {
          timeout: 15_000,
        },
      );
      return jsonLines(app.stdout()).filter((line) => line['jobId'] === jobId && line['msg'] === 'job outcome');
    };

    // A playground job with an uploaded photo: its bytes travel as a data URL both ways.
    const delivered = await submit({
      text: 'a lighthouse like this photo',
      images: [`data:image/png;base64,${photo}`],
    });
    expect(await outcomeOf(delivered)).toMatchObject([{ outcome: 'delivered', platform: 'local' }]);

    // An upstream error whose body echoes the key and an image back: the log line must not repeat either.
    imageApi.enqueue({
      kind: 'status',
      status: 500,
      body: { error: { message: `bad request from ${secrets.IMAGE_API_KEY}: data:image/png;base64,${photo}` } },
    });
    const failed = await submit({ text: 'a storm at sea' });
    const [failure] = await outcomeOf(failed);
    expect(failure).toMatchObject({ outcome: 'failed', code: 'upstream', level: 40 });
    expect(failure?.['reference']).toBe(failure?.['upstreamRequestId']);

    // A Slack /imagine, signed with the signing secret and answered with the bot token.
    const signer = createSlackSigner({ url: `${url}/slack/events`, secret: secrets.SLACK_SIGNING_SECRET });
    const acknowledged = await signer.command(slashCommand(slack, { text: 'a red fox in the snow' }));
    expect(acknowledged.status).toBe(200);
    await vi.waitFor(
      () =>
        expect(jsonLines(app.stdout()).find((line) => line['platform'] === 'slack' && line['outcome'])).toBeDefined(),
      { timeout: 15_000 },
    );
    expect(await app.stop()).toBe(0);

    const output = `${app.stdout()}\n${app.stderr()}`;
    for (const [name, value] of Object.entries(secrets)) expect(output, name).not.toContain(value);
    expect(output).not.toContain(photo.slice(0, 40));
    expect(output).not.toContain('data:image');
    expect(output).not.toMatch(new RegExp(`[A-Za-z0-9+/]{${longBase64Length},}`));
    // The run was logged, not silenced: every line is JSON, trace lines included, and each job has its one line.
    expect(jsonLines(app.stdout()).some((line) => line['level'] === 10 || line['level'] === 20)).toBe(true);
    const outcomes = jsonLines(app.stdout()).filter((line) => line['msg'] === 'job outcome');
    expect(outcomes.map((line) => `${line['platform']} ${line['outcome']}`).sort()).toEqual([
      'local delivered',
      'local failed',
      'slack delivered',
    ]);
    expect(app.stdout()).toContain('[redacted image/png data URL]');
  }, 90_000);

  it('prints readable lines with LOG_FORMAT=pretty, through SIGTERM', async () => {
    const app = apps.start({ DATA_DIR: run.dataDir.path, PORT: '0', LOG_FORMAT: 'pretty' }, run.workDir.path);
    await app.up;
    await vi.waitFor(() => expect(app.stdout()).toMatch(/INFO.*threadpaint is up/));
    expect(await app.stop()).toBe(0);
    expect(app.stdout()).toMatch(/INFO.*shutting down/);
    expect(
      app
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{')),
    ).toEqual([]);
  }, 60_000);

  it('refuses an unknown LOG_FORMAT at start, naming both', async () => {
    const app = apps.start({ DATA_DIR: run.dataDir.path, PORT: '0', LOG_FORMAT: 'text' }, run.workDir.path);
    expect(await app.exited).toBe(78);
    expect(app.stderr()).toMatch(/LOG_FORMAT="text": must be json .* or pretty/);
  }, 60_000);
});
