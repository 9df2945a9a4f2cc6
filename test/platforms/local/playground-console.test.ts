import type { ServerResponse } from 'node:http';
import { request as sendRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../src/core/user-facing-error.js';
import { answerPlaygroundError } from '../../../src/platforms/local/playground-errors.js';
import { createRecordingLogger } from '../../support/recording-logger.js';
import { errorOf, type PlaygroundServer, usePlaygroundServer } from './playground-harness.js';

const playgrounds = usePlaygroundServer();
const token = 'console-token-0123456789abcdef';

async function imagine(playground: PlaygroundServer, text: string) {
  const submitted = await playground.request('/api/submit', { json: { text } });
  expect(submitted.status, submitted.body).toBe(200);
  const body = JSON.parse(submitted.body) as { jobId: string; conversationId: string; turnId: string };
  await playground.harness.settle(body.jobId);
  return body;
}

const json = <T>(answer: { body: string }) => JSON.parse(answer.body) as T;

describe('the operator console', () => {
  it('lists every platform’s jobs, hiding other platforms’ prompts without the token', async () => {
    const playground = await playgrounds.start();
    const slack = await playground.harness.imagineDelivered('a slack secret prompt');
    const local = await imagine(playground, 'a local prompt');
    const answer = await playground.request('/api/operator/jobs');
    expect(answer.status, answer.body).toBe(200);
    const { jobs, promptsShown } = json<{
      jobs: { id: string; platform: string; prompt?: string }[];
      promptsShown: boolean;
    }>(answer);
    expect(promptsShown).toBe(false);
    expect(jobs.map((job) => [job.id, job.platform, job.prompt])).toEqual([
      [local.jobId, 'local', 'a local prompt'],
      [slack.job.id, 'slack', undefined],
    ]);
    expect(answer.body).not.toContain('a slack secret prompt');
    const slackOnly = json<{ jobs: { id: string }[] }>(await playground.request('/api/operator/jobs?platform=slack'));
    expect(slackOnly.jobs.map((job) => job.id)).toEqual([slack.job.id]);
    const member = json<{ jobs: { id: string }[] }>(
      await playground.request('/api/operator/jobs?member=U1&workspace=T1'),
    );
    expect(member.jobs.map((job) => job.id)).toEqual([slack.job.id]);
  });

  it('shows prompts of every platform with the token, and refuses without it', async () => {
    const playground = await playgrounds.start({ token });
    await playground.harness.imagineDelivered('a slack prompt');
    const refused = await playground.request('/api/operator/jobs', { token: false });
    expect(refused.status).toBe(401);
    const answer = json<{ jobs: { prompt?: string }[]; promptsShown: boolean }>(
      await playground.request('/api/operator/jobs'),
    );
    expect(answer.promptsShown).toBe(true);
    expect(answer.jobs.map((job) => job.prompt)).toEqual(['a slack prompt']);
  });

  it('is closed beside Discord or Slack without a token, even on loopback', async () => {
    const playground = await playgrounds.start({ chatPlatformsEnabled: true });
    await playground.harness.imagineDelivered('a slack prompt');
    for (const path of ['/api/operator/jobs', '/api/operator/usage', '/api/operator/config']) {
      const answer = await playground.request(path);
      expect(answer.status, path).toBe(403);
      expect(errorOf(answer)).toContain('needs PLAYGROUND_TOKEN');
      expect(answer.body).not.toContain('a slack prompt');
    }
  });

  it('answers a bad filter with a sentence and no list', async () => {
    const playground = await playgrounds.start();
    const cases: [string, RegExp][] = [
      ['platform=telegram', /`platform` must be discord, slack or local/],
      ['limit=500', /`limit` must be at most 200/],
      ['state=sleeping', /`state` must be active, failed or done/],
      [`member=${'x'.repeat(129)}`, /`member` is over 128 characters/],
    ];
    for (const [query, sentence] of cases) {
      const answer = await playground.request(`/api/operator/jobs?${query}`);
      expect(answer.status, query).toBe(400);
      expect(errorOf(answer), query).toMatch(sentence);
    }
  });

  it('sums usage per member and per server against the quotas', async () => {
    const playground = await playgrounds.start();
    await playground.harness.store.recordUsage({
      id: 'u1',
      at: playground.harness.clock.now(),
      platform: 'slack',
      workspaceId: 'T1',
      memberId: 'U1',
      model: 'gemini-2.5-flash-image',
      tier: '1K',
      count: 1,
      outcome: 'succeeded',
      costUnits: 3,
      jobId: 'j-u1',
    });
    const usage = json<{
      members: { memberId: string; lastHour: { units: number; limit?: number }; images: number }[];
      servers: { workspaceId: string; lastDay: { units: number } }[];
    }>(await playground.request('/api/operator/usage'));
    expect(usage.members).toEqual([
      expect.objectContaining({ memberId: 'U1', lastHour: { units: 3, limit: 60 }, images: 1 }),
    ]);
    expect(usage.servers).toEqual([expect.objectContaining({ workspaceId: 'T1', lastDay: { units: 3 } })]);
  });
});

describe('the playground’s threads', () => {
  it('lists its own conversations newest first, opens a thread and deletes a turn; another platform’s ids are unknown', async () => {
    const playground = await playgrounds.start();
    const slack = await playground.harness.imagineDelivered('a slack conversation');
    const first = await imagine(playground, 'first');
    playground.harness.clock.advance(1_000);
    const second = await imagine(playground, 'second');
    const list = json<{ conversations: { id: string; title: string; turns: number }[] }>(
      await playground.request('/api/conversations'),
    );
    expect(list.conversations.map((c) => [c.id, c.title, c.turns])).toEqual([
      [second.conversationId, 'second', 1],
      [first.conversationId, 'first', 1],
    ]);
    const thread = json<{ turns: { turnId: string; job: { state: string }; images: { url: string }[] }[] }>(
      await playground.request(`/api/conversations/${first.conversationId}`),
    );
    expect(thread.turns.map((turn) => [turn.turnId, turn.job.state, turn.images.length])).toEqual([
      [first.turnId, 'delivered', 1],
    ]);
    expect((await playground.request(`/api/conversations/${slack.job.conversationId}`)).status).toBe(404);
    const foreignDelete = await playground.request(`/api/turns/${slack.turn.id}`, {
      method: 'DELETE',
      headers: { origin: playground.url, 'content-type': 'application/json' },
    });
    expect(foreignDelete.status).toBe(404);
    expect(await playground.harness.store.getTurn(slack.turn.id)).toBeDefined();

    const deleted = await playground.request(`/api/turns/${first.turnId}`, {
      method: 'DELETE',
      headers: { origin: playground.url, 'content-type': 'application/json' },
    });
    expect(deleted.status, deleted.body).toBe(200);
    expect(await playground.harness.store.getTurn(first.turnId)).toBeUndefined();
    expect((await playground.request(thread.turns[0]?.images[0]?.url ?? '')).status).toBe(404);
  });

  it('answers a quota refusal 429 with its sentence and code', () => {
    let status = 0;
    let body = '';
    const response = {
      headersSent: false,
      setHeader() {},
      writeHead(code: number) {
        status = code;
        return this;
      },
      end(text: string) {
        body = text;
      },
    } as unknown as ServerResponse;
    const sentence = 'You have used your 3 units this hour; try again in 20 minutes.';
    answerPlaygroundError(
      response,
      new UserFacingError('quota_exceeded', sentence),
      createRecordingLogger(),
      '/api/submit',
    );
    expect(status).toBe(429);
    expect(JSON.parse(body)).toEqual({ error: sentence, code: 'quota_exceeded' });
  });
});

/** Reads server-sent events from `/api/events` until `until` holds; resolves with their ids, types and data. */
function readEvents(
  url: string,
  headers: Record<string, string>,
  until: (events: { id?: string; type: string; data: string }[]) => boolean,
) {
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const read = new Promise<{ id?: string; type: string; data: string }[]>((resolve, reject) => {
    const events: { id?: string; type: string; data: string }[] = [];
    const outgoing = sendRequest(`${url}/api/events`, { headers, agent: false }, (response) => {
      opened();
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const event: { id?: string; type: string; data: string } = { type: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) event.id = line.slice(4);
            if (line.startsWith('event: ')) event.type = line.slice(7);
            if (line.startsWith('data: ')) event.data += line.slice(6);
          }
          if (event.data || event.type !== 'message') events.push(event);
          if (until(events)) {
            outgoing.destroy();
            resolve(events);
          }
        }
      });
    });
    outgoing.on('error', (error) => {
      if (!outgoing.destroyed) reject(error);
    });
    outgoing.end();
  });
  /** `opened`: the stream's headers arrived, so it is subscribed; `events`: what it read. */
  return { opened: open, events: read };
}

describe('the event stream', () => {
  it('pushes a job from queued to delivered, and replays what a reconnecting page missed', async () => {
    const playground = await playgrounds.start();
    const host = { host: playground.host };
    const live = readEvents(playground.url, host, (events) => events.some((e) => e.data.includes('"delivered"')));
    await live.opened;
    const { jobId, turnId } = await imagine(playground, 'a streamed lighthouse');
    const events = await live.events;
    const steps = events.map(
      (event) => JSON.parse(event.data) as { event: string; job: { id: string }; turnId: string },
    );
    // In order, from queued to delivered (a `succeeded` the sequencer still had to render may come between).
    const names = steps.map((step) => step.event);
    expect(names.slice(0, 2)).toEqual(['queued', 'started']);
    expect(names.at(-1)).toBe('delivered');
    expect(names.filter((name) => !['queued', 'started', 'succeeded', 'delivered'].includes(name))).toEqual([]);
    expect(steps.every((step) => step.job.id === jobId && step.turnId === turnId)).toBe(true);
    expect(JSON.parse(events.at(-1)?.data ?? '{}').turn.images).toHaveLength(1);

    const resumed = await readEvents(
      playground.url,
      { ...host, 'last-event-id': events[0]?.id ?? '' },
      (got) => got.length >= events.length - 1,
    ).events;
    expect(resumed.map((event) => event.id)).toEqual(events.slice(1).map((event) => event.id));
    const foreign = await readEvents(
      playground.url,
      { ...host, 'last-event-id': '00000000-1' },
      (got) => got.length >= 1,
    ).events;
    expect(foreign.map((event) => event.type)).toEqual(['reset']);
  });
});
