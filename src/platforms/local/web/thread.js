// One turn of a conversation as an article: who asked what and when, what it started from, its status (pushed by
// the event stream), its images in a grid with their actions, the parameters that reproduce it, and its notices.
import { imageUrl } from './api.js';

export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
}

const actionNames = {
  imagine: 'Imagine',
  edit: 'Edit',
  reroll: 'Reroll',
  variations: 'Variations',
  upscale: 'Upscale',
  retry: 'Retry',
};
const pendingStates = new Set(['queued', 'running', 'generated']);
export const isPending = (turn) => Boolean(turn.job && pendingStates.has(turn.job.state));

const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
export const seconds = (ms) => Math.max(0, Math.round(ms / 1000)) + ' s';

/** The status line of a turn: where its job is, how long it has taken, or why it ended without images. */
function statusOf(turn) {
  const job = turn.job;
  if (!job) return el('p', { class: 'status', text: 'No job is stored for this turn.' });
  const since = job.startedAt || job.createdAt;
  const elapsed = el('span', { class: 'elapsed', 'data-since': since, text: seconds(Date.now() - since) });
  switch (job.state) {
    case 'queued':
      return el(
        'p',
        { class: 'status working' },
        el('span', { class: 'spinner', 'aria-hidden': 'true' }),
        job.position ? 'Queued, #' + job.position + ' in line · ' : 'Queued · ',
        elapsed,
      );
    case 'running':
      return el(
        'p',
        { class: 'status working' },
        el('span', { class: 'spinner', 'aria-hidden': 'true' }),
        'Generating · ',
        elapsed,
      );
    case 'generated':
      return el(
        'p',
        { class: 'status working' },
        el('span', { class: 'spinner', 'aria-hidden': 'true' }),
        'Finishing · ',
        elapsed,
      );
    case 'delivered': {
      const took = job.finishedAt && job.startedAt ? ' in ' + seconds(job.finishedAt - job.startedAt) : '';
      return el('p', { class: 'status done', text: 'Done' + took });
    }
    case 'cancelled':
      return el('p', { class: 'status ended', text: 'Cancelled: nothing was generated or charged.' });
    default: {
      const error = job.error || { message: 'This request did not finish (' + job.state + ').' };
      return el(
        'p',
        { class: 'status failed', role: 'alert' },
        error.message,
        error.referenceId && !error.message.includes(error.referenceId)
          ? el('span', { class: 'muted', text: ' (ref ' + error.referenceId + ')' })
          : null,
      );
    }
  }
}

function parametersOf(turn) {
  const p = turn.parameters;
  if (!p) return null;
  const parts = [
    p.model,
    p.size || p.aspectRatio,
    p.imageSize,
    p.quality && 'quality ' + p.quality,
    p.seed !== undefined && 'seed ' + p.seed,
  ];
  return el('p', { class: 'parameters small', title: 'What reproduces this turn' }, parts.filter(Boolean).join(' · '));
}

/**
 * A grid of the turn's images: click for full size; Edit picks it for the next reply, Vary makes variations of it,
 * Upscale (where the model makes a larger size: the server's label, e.g. "Upscale 2K") makes it again larger.
 */
function gridOf(turn, actions, picked) {
  if (turn.images.length === 0) return null;
  const grid = el('div', { class: 'grid n' + Math.min(turn.images.length, 4) });
  turn.images.forEach((image, index) => {
    const label =
      'Image ' + (index + 1) + ' of ' + turn.images.length + (image.seed !== undefined ? ', seed ' + image.seed : '');
    const img = el('img', { alt: label, width: image.width, height: image.height });
    imageUrl(image.url).then(
      (url) => {
        img.src = url;
      },
      () => {
        img.alt = 'This image is no longer stored.';
      },
    );
    const isPicked = picked && picked.turnId === turn.turnId && picked.index === index;
    grid.append(
      el(
        'figure',
        { class: isPicked ? 'tile picked' : 'tile' },
        el(
          'button',
          {
            type: 'button',
            class: 'open',
            'aria-label': 'Open ' + label + ' full size',
            onclick: () => actions.open(turn, index),
          },
          img,
        ),
        el(
          'figcaption',
          { class: 'tile-actions' },
          el('button', {
            type: 'button',
            class: 'chip',
            'aria-pressed': isPicked ? 'true' : 'false',
            onclick: () => actions.pick(turn, index),
            text: 'Edit',
          }),
          el('button', { type: 'button', class: 'chip', onclick: () => actions.vary(turn, index), text: 'Vary' }),
          turn.upscale
            ? el('button', {
                type: 'button',
                class: 'chip',
                'aria-label': turn.upscale + ' (image ' + (index + 1) + ')',
                onclick: () => actions.upscale(turn, index),
                text: turn.upscale,
              })
            : null,
          el('button', {
            type: 'button',
            class: 'chip',
            title: 'Download the original',
            'aria-label': 'Download image ' + (index + 1),
            onclick: () => actions.download(turn, index),
            text: '↓',
          }),
        ),
      ),
    );
  });
  return grid;
}

/** Per-turn actions: Reroll when it has images, Cancel while it is pending, Retry when it may, Delete always. */
function toolsOf(turn, actions) {
  const tools = el('div', { class: 'tools' });
  if (isPending(turn))
    tools.append(
      el('button', {
        type: 'button',
        class: 'chip',
        onclick: (event) => actions.cancel(turn, event.currentTarget),
        text: 'Cancel',
      }),
    );
  if (turn.images.length > 0)
    tools.append(el('button', { type: 'button', class: 'chip', onclick: () => actions.reroll(turn), text: 'Reroll' }));
  if (turn.job?.retryable && !isPending(turn))
    tools.append(el('button', { type: 'button', class: 'chip', onclick: () => actions.retry(turn), text: 'Retry' }));
  const remove = el('button', { type: 'button', class: 'chip danger', text: 'Delete' });
  remove.addEventListener('click', () => {
    if (remove.dataset.armed) return actions.remove(turn, remove);
    remove.dataset.armed = 'yes';
    remove.textContent = 'Delete for good?';
    setTimeout(() => {
      delete remove.dataset.armed;
      remove.textContent = 'Delete';
    }, 4000);
  });
  tools.append(remove);
  return tools;
}

export function renderTurn(turn, actions, picked) {
  const what = actionNames[turn.action] || turn.action;
  const from = turn.base
    ? el(
        'button',
        {
          type: 'button',
          class: 'base',
          'aria-label': 'Starts from image ' + (turn.base.index + 1) + ' of an earlier turn',
          onclick: () => actions.scrollTo(turn.base.turnId),
        },
        el('img', { alt: '', class: 'base-thumb', 'data-src': turn.base.url }),
        el('span', { text: 'from image ' + (turn.base.index + 1) }),
      )
    : null;
  if (from)
    imageUrl(turn.base.url).then(
      (url) => {
        from.querySelector('img').src = url;
      },
      () => {
        from.classList.add('gone');
      },
    );
  const notices =
    turn.notices && turn.notices.length > 0
      ? el('ul', { class: 'notices small' }, ...turn.notices.map((n) => el('li', { text: n })))
      : null;
  return el(
    'article',
    {
      class: 'turn',
      'data-turn-id': turn.turnId,
      'data-state': turn.job ? turn.job.state : 'none',
      'aria-label': what + ' turn',
    },
    el(
      'header',
      { class: 'turn-head' },
      el('span', { class: 'avatar', 'aria-hidden': 'true', text: 'Y' }),
      el('span', { class: 'who', text: 'You' }),
      el('span', { class: 'badge', text: what }),
      el('time', { datetime: new Date(turn.createdAt).toISOString(), text: clock(turn.createdAt) }),
    ),
    el(
      'div',
      { class: 'bubble' },
      turn.instruction
        ? el('p', { class: 'prompt', text: turn.instruction })
        : el('p', { class: 'prompt muted', text: '(no text)' }),
      from,
      turn.attachments > 0
        ? el('p', {
            class: 'small muted',
            text: 'with ' + turn.attachments + ' attached image' + (turn.attachments > 1 ? 's' : ''),
          })
        : null,
    ),
    el(
      'div',
      { class: 'reply' },
      statusOf(turn),
      gridOf(turn, actions, picked),
      notices,
      el('div', { class: 'turn-foot' }, parametersOf(turn), toolsOf(turn, actions)),
    ),
  );
}

/** Every second: the elapsed time of pending turns, counted here (no request is made for it). */
export function tickElapsed(root) {
  for (const span of root.querySelectorAll('.elapsed[data-since]'))
    span.textContent = seconds(Date.now() - Number(span.dataset.since));
}
