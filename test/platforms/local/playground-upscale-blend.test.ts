import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { errorOf, type PlaygroundServer, usePlaygroundServer } from './playground-harness.js';

const playgrounds = usePlaygroundServer();

interface TurnView {
  readonly turnId: string;
  readonly action: string;
  readonly attachments: number;
  readonly upscale?: string;
  readonly base?: { readonly turnId: string; readonly index: number };
  readonly parameters?: { readonly model: string; readonly imageSize?: string };
  readonly images: readonly { readonly url: string; readonly width?: number }[];
}
interface Submitted {
  readonly jobId: string;
  readonly conversationId: string;
  readonly turnId: string;
  readonly turn: TurnView;
}

async function submit(playground: PlaygroundServer, json: Record<string, unknown>): Promise<Submitted> {
  const answer = await playground.request('/api/submit', { json });
  expect(answer.status, answer.body).toBe(200);
  const body = JSON.parse(answer.body) as Submitted;
  await playground.harness.settle(body.jobId);
  return body;
}
const thread = async (playground: PlaygroundServer, conversationId: string) =>
  JSON.parse((await playground.request(`/api/conversations/${conversationId}`)).body) as { turns: TurnView[] };
const conversationCount = async (playground: PlaygroundServer) =>
  (JSON.parse((await playground.request('/api/conversations?limit=100')).body) as { conversations: unknown[] })
    .conversations.length;
const dataUrl = async (background: string) =>
  `data:image/png;base64,${(
    await sharp({ create: { width: 32, height: 32, channels: 3, background } })
      .png()
      .toBuffer()
  ).toString('base64')}`;

describe('the playground API’s Upscale and Blend', () => {
  it('gives each turn view the Upscale label where the model has a larger size, so a reloaded thread shows it', async () => {
    const playground = await playgrounds.start();
    const first = await submit(playground, { text: 'a lighthouse --model nano-banana-pro' });
    const job = JSON.parse((await playground.request(`/api/jobs/${first.jobId}`)).body) as {
      upscale?: string;
      turn: TurnView;
    };
    expect(job.upscale).toBe('Upscale 2K');
    expect(job.turn.upscale).toBe('Upscale 2K');
    // Not before it has images: the answer to the submit itself has none yet.
    expect(first.turn.upscale).toBeUndefined();

    const upscaled = await submit(playground, {
      action: 'upscale',
      conversationId: first.conversationId,
      turnId: first.turnId,
      index: 0,
    });
    // Its origin is the picked image, not an attachment of its own.
    expect(upscaled.turn.base).toMatchObject({ turnId: first.turnId, index: 0 });
    expect(upscaled.turn.attachments).toBe(0);
    const { turns } = await thread(playground, first.conversationId);
    expect(turns.map((turn) => [turn.action, turn.parameters?.imageSize, turn.upscale])).toEqual([
      ['imagine', '1K', 'Upscale 2K'],
      ['upscale', '2K', 'Upscale 4K · 6 units'],
    ]);
    expect(turns[1]?.base).toMatchObject({ turnId: first.turnId, index: 0 });

    // A model with no larger size: no label anywhere.
    const flash = await submit(playground, { text: 'a fern' });
    const flashThread = await thread(playground, flash.conversationId);
    expect(flashThread.turns[0]?.parameters?.model).toBe('gemini-2.5-flash-image');
    expect(flashThread.turns[0]?.images).toHaveLength(1);
    expect(flashThread.turns[0]).not.toHaveProperty('upscale');
  });

  it('takes `confirmed` only as true or false', async () => {
    const playground = await playgrounds.start();
    const answer = await playground.request('/api/submit', { json: { text: 'a cat', confirmed: 'yes' } });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toBe('`confirmed` must be true or false');
    expect(await conversationCount(playground)).toBe(0);
  });

  it('blends 2–4 images into a new conversation, and refuses five or a model that cannot blend, making nothing', async () => {
    const playground = await playgrounds.start();
    const earlier = await submit(playground, { text: 'a teapot' });
    const images = await Promise.all(['#d33', '#3d3', '#33d'].map(dataUrl));
    const blended = await submit(playground, {
      action: 'blend',
      text: 'one picture',
      images,
      conversationId: earlier.conversationId,
    });
    expect(blended.conversationId).not.toBe(earlier.conversationId);
    const { turns } = await thread(playground, blended.conversationId);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.attachments).toBe(3);
    expect(turns[0]?.images).toHaveLength(1);
    expect(await conversationCount(playground)).toBe(2);

    const five = await playground.request('/api/submit', {
      json: { action: 'blend', images: [...images, ...(await Promise.all(['#dd3', '#3dd'].map(dataUrl)))] },
    });
    expect(five.status).toBe(400);
    expect(JSON.parse(five.body)).toEqual({ error: 'Blend takes 2 to 4 images; 5 were given.', code: 'bad_blend' });
    const seededit = await playground.request('/api/submit', {
      json: { action: 'blend', text: 'two --model seededit', images: images.slice(0, 2) },
    });
    expect(seededit.status).toBe(400);
    expect(JSON.parse(seededit.body)).toMatchObject({ code: 'model_cannot_blend' });
    expect(errorOf(seededit)).toMatch(/^doubao-seededit-3-0-i2i-250628 cannot blend images\. Models that can: /);
    expect(await conversationCount(playground)).toBe(2);
  });
});
