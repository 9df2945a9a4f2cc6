// The playground: a sidebar of this browser's conversations (from the store), the open thread, the composer, and
// the operator console in a second tab. Live status comes from the one event stream; nothing polls.
import {
  deleteJson,
  getJson,
  hasToken,
  imageUrl,
  openEvents,
  postJson,
  setToken,
  tokenRequired,
  whenLocked,
} from './api.js';
import { createComposer } from './composer.js';
import { createOperator } from './operator.js';
import { el, isPending, renderTurn, tickElapsed } from './thread.js';

const $ = (id) => document.getElementById(id);
const state = { conversationId: null, turns: new Map(), picked: null, conversations: [] };

// ——— token ———
function askForToken() {
  $('unlock').hidden = false;
  $('token').focus();
}
whenLocked(askForToken);
$('unlock').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token').value.trim();
  if (!value) return;
  setToken(value);
  $('token').value = '';
  $('unlock').hidden = true;
  start();
});

// ——— sidebar ———
async function loadConversations() {
  const answer = await getJson('/api/conversations?limit=100');
  if (!answer.ok) return;
  state.conversations = answer.body.conversations;
  const list = $('conversations');
  list.replaceChildren(
    ...state.conversations.map((c) => {
      const current = c.id === state.conversationId;
      return el(
        'li',
        {},
        el(
          'a',
          {
            href: '#c=' + c.id,
            class: current ? 'conversation current' : 'conversation',
            'aria-current': current ? 'page' : null,
          },
          el('span', { class: 'title', text: c.title || (c.turns === 0 ? '(every turn deleted)' : '(image only)') }),
          el('span', {
            class: 'small muted',
            text: c.turns + (c.turns === 1 ? ' turn · ' : ' turns · ') + ago(c.updatedAt),
          }),
        ),
      );
    }),
  );
  $('no-conversations').hidden = state.conversations.length > 0;
}
function ago(ms) {
  const minutes = Math.round((Date.now() - ms) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return minutes + ' min ago';
  const hours = Math.round(minutes / 60);
  return hours < 24 ? hours + ' h ago' : new Date(ms).toLocaleDateString();
}
let sidebarTimer;
const refreshSidebar = () => {
  clearTimeout(sidebarTimer);
  sidebarTimer = setTimeout(loadConversations, 150);
};

// ——— thread ———
const actions = {
  open: (turn, index) => openViewer(turn, index),
  download: (turn, index) => download(turn.images[index].url, fileName(turn, index)),
  pick(turn, index) {
    const already = state.picked && state.picked.turnId === turn.turnId && state.picked.index === index;
    if (already) return clearPick();
    state.picked = { turnId: turn.turnId, index };
    imageUrl(turn.images[index].url).then((src) => composer.setReplyTo({ ...state.picked, src, label: 'this turn' }));
    rerenderAll();
    composer.focus();
  },
  vary: (turn, index) => submit({ action: 'variations', turnId: turn.turnId, index, text: '' }),
  upscale: (turn, index) => submit({ action: 'upscale', turnId: turn.turnId, index, text: '' }),
  reroll: (turn) => submit({ action: 'reroll', turnId: turn.turnId, text: '' }),
  async retry(turn) {
    const answer = await postJson('/api/jobs/' + turn.job.id + '/retry');
    if (!answer.ok) return showInTurn(turn.turnId, answer.body.error);
    await openConversation(state.conversationId, { keepScroll: true });
  },
  async cancel(turn, button) {
    button.disabled = true;
    const answer = await postJson('/api/jobs/' + turn.job.id + '/cancel');
    button.disabled = false;
    if (!answer.ok) return showInTurn(turn.turnId, answer.body.error);
    if (answer.body.state) updateJob(turn.turnId, { ...turn.job, state: answer.body.state });
  },
  async remove(turn, button) {
    button.disabled = true;
    const answer = await deleteJson('/api/turns/' + turn.turnId);
    if (!answer.ok) {
      button.disabled = false;
      return showInTurn(turn.turnId, answer.body.error);
    }
    dropTurn(turn.turnId);
    refreshSidebar();
  },
  scrollTo(turnId) {
    const node = document.querySelector('[data-turn-id="' + CSS.escape(turnId) + '"]');
    if (node) node.scrollIntoView({ behavior: 'smooth', block: 'center' });
  },
};

/**
 * A refusal or a failure of an action, in the turn it was about (role=alert, so it is read out); with `confirm`, a
 * button that sends the action again (a costly Upscale's price, confirmed).
 */
function showInTurn(turnId, message, confirm) {
  const node = document.querySelector('[data-turn-id="' + CSS.escape(turnId) + '"]');
  if (!node) return composer.showError(message);
  let line = node.querySelector('.action-error');
  if (!line) {
    line = el('p', { class: 'action-error', role: 'alert' });
    node.querySelector('.reply').prepend(line);
  }
  line.replaceChildren(message);
  // A price to confirm is a question, not a failure.
  line.classList.toggle('asks', Boolean(confirm));
  if (confirm) {
    const button = el('button', { type: 'button', class: 'chip confirm', text: 'Confirm' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      const result = await confirm();
      if (!result.error) line.remove();
      else button.disabled = false;
    });
    line.append(' ', button);
  }
}

// A job's states only move forward; an answer that was read earlier but arrives later (a submit's reply after the
// stream said delivered, a reload racing an event) never takes a turn back.
const rank = { queued: 0, running: 1, generated: 2 };
const rankOf = (turn) => (turn.job ? (rank[turn.job.state] ?? 3) : -1);
// The stream can tell of a turn before the submit's reply names its conversation: the latest word on each turn is
// kept (a few hundred), and a turn shown later starts from it.
const latest = new Map();
function remember(data) {
  const before = latest.get(data.turnId);
  // A later event of the same job never takes back what an earlier one said (`succeeded` may follow `delivered`).
  if (before && before.job.id === data.job.id && rankOf(before) > rankOf(data)) return;
  latest.delete(data.turnId);
  latest.set(data.turnId, data);
  if (latest.size > 300) latest.delete(latest.keys().next().value);
}
function put(incoming) {
  let turn = incoming;
  const heard = latest.get(turn.turnId);
  if (heard && turn.job && heard.job.id === turn.job.id) {
    const candidate = heard.turn || { ...turn, job: heard.job };
    if (rankOf(candidate) > rankOf(turn)) turn = candidate.base || !turn.base ? candidate : withBaseOf(candidate, turn);
  }
  const known = state.turns.get(turn.turnId);
  const older = known?.job && turn.job && known.job.id === turn.job.id && rankOf(known) > rankOf(turn);
  const kept = older ? known : turn;
  // The result's event knows no Variations or Upscale origin; the turn as submitted does.
  const shown = !kept.base && known?.base ? withBaseOf(kept, known) : kept;
  // Images, once seen, stay (a read can see a job's state before its turn's images).
  if (
    shown.images.length === 0 &&
    known &&
    known.images.length > 0 &&
    known.job &&
    shown.job &&
    known.job.id === shown.job.id
  ) {
    shown.images = known.images;
  }
  state.turns.set(turn.turnId, shown);
  return render(shown);
}
/** A turn with the origin another view of it knew: the image it started from is then not counted as attached. */
const withBaseOf = (turn, other) => ({ ...turn, base: other.base, attachments: other.attachments });

function render(turn) {
  const node = renderTurn(turn, actions, state.picked);
  const existing = document.querySelector('[data-turn-id="' + CSS.escape(turn.turnId) + '"]');
  if (existing) existing.replaceWith(node);
  else $('thread').append(node);
  $('empty').hidden = true;
  return node;
}
const rerenderAll = () => {
  for (const turn of state.turns.values()) render(turn);
};
function dropTurn(turnId) {
  state.turns.delete(turnId);
  const node = document.querySelector('[data-turn-id="' + CSS.escape(turnId) + '"]');
  if (node) node.remove();
  if (state.picked && state.picked.turnId === turnId) clearPick();
  $('empty').hidden = state.turns.size > 0;
}
function updateJob(turnId, job) {
  const turn = state.turns.get(turnId);
  if (turn) put({ ...turn, job });
}
function clearPick() {
  state.picked = null;
  composer.setReplyTo(null);
  composer.resetPlaceholder(Boolean(state.conversationId));
  rerenderAll();
}

async function openConversation(id, options) {
  const answer = id ? await getJson('/api/conversations/' + encodeURIComponent(id)) : null;
  if (answer && !answer.ok) {
    if (answer.status === 404) history.replaceState(null, '', '#');
    composer.showError(answer.body.error);
    id = null;
  }
  state.conversationId = id;
  state.turns = new Map();
  if (!options?.keepPick) state.picked = null;
  for (const node of [...$('thread').querySelectorAll('.turn')]) node.remove();
  $('empty').hidden = Boolean(id);
  if (answer?.ok) {
    for (const turn of answer.body.turns) state.turns.set(turn.turnId, turn);
    rerenderAll();
    if (!options?.keepScroll) $('thread').scrollTop = $('thread').scrollHeight;
  }
  composer.setReplyTo(null);
  composer.resetPlaceholder(Boolean(id));
  document.body.classList.remove('drawer-open');
  $('menu').setAttribute('aria-expanded', 'false');
  loadConversations();
}

function routeFromHash() {
  const match = /^#c=([\w-]{1,64})$/.exec(location.hash);
  const id = match ? match[1] : null;
  if (id !== state.conversationId) openConversation(id);
}
window.addEventListener('hashchange', routeFromHash);

/** Submits to the open conversation; a refusal is said where it happened and nothing is lost. */
async function submit(fields) {
  const body = { requestId: crypto.randomUUID(), ...fields };
  if (state.conversationId) body.conversationId = state.conversationId;
  const answer = await postJson('/api/submit', body);
  if (!answer.ok) {
    // A costly Upscale answers with its price: Confirm sends it again, confirmed (the engine checks the quota then).
    const confirm = answer.body.code === 'confirm_cost' ? () => submit({ ...fields, confirmed: true }) : undefined;
    if (fields.turnId && fields.action !== 'edit') showInTurn(fields.turnId, answer.body.error, confirm);
    else composer.showError(answer.body.error);
    return { error: answer.body.error };
  }
  if (answer.body.conversationId !== state.conversationId && state.conversationId) {
    // A Blend starts a conversation of its own: the page opens it, with the new turn.
    history.replaceState(null, '', '#c=' + answer.body.conversationId);
    await openConversation(answer.body.conversationId);
  }
  if (!state.conversationId) {
    state.conversationId = answer.body.conversationId;
    history.replaceState(null, '', '#c=' + answer.body.conversationId);
    composer.resetPlaceholder(true);
  }
  if (answer.body.turn) put(answer.body.turn).scrollIntoView({ behavior: 'smooth', block: 'end' });
  refreshSidebar();
  return {};
}

const composer = createComposer({
  onSend({ text, images, replyTo }) {
    const fields = { text, images };
    if (state.conversationId) {
      const base = replyTo || latestImage();
      fields.action = 'edit';
      if (base) Object.assign(fields, { turnId: base.turnId, index: base.index });
    }
    return submit(fields).then((result) => {
      if (!result.error && state.picked) clearPick();
      return result;
    });
  },
  /** Blend: the attached images (2–4) fused into one picture, in a new conversation; the text is optional. */
  onBlend: ({ text, images }) => submit({ action: 'blend', text, images }),
  onEscape: () => clearPick(),
});
function latestImage() {
  const withImages = [...state.turns.values()].filter((turn) => turn.images.length > 0);
  const last = withImages[withImages.length - 1];
  return last ? { turnId: last.turnId, index: 0 } : null;
}

// ——— viewer ———
const fileName = (turn, index) =>
  'threadpaint-' +
  turn.turnId.slice(0, 8) +
  '-' +
  (index + 1) +
  '.' +
  (turn.images[index].mimeType || 'image/png').split('/')[1];
async function download(path, name) {
  const src = await imageUrl(path + '?download=1');
  const link = el('a', { href: src, download: name });
  document.body.append(link);
  link.click();
  link.remove();
}
async function openViewer(turn, index) {
  const image = turn.images[index];
  const src = await imageUrl(image.url);
  $('viewer-image').src = src;
  $('viewer-image').alt = 'Image ' + (index + 1) + ': ' + turn.instruction;
  const p = turn.parameters || {};
  $('viewer-caption').textContent = [
    p.model,
    image.width && image.width + '×' + image.height,
    image.seed !== undefined && 'seed ' + image.seed,
  ]
    .filter(Boolean)
    .join(' · ');
  $('viewer-download').onclick = () => download(image.url, fileName(turn, index));
  $('viewer').showModal();
}
$('viewer-close').addEventListener('click', () => $('viewer').close());
$('viewer').addEventListener('click', (event) => {
  if (event.target === $('viewer')) $('viewer').close();
});

// ——— chrome ———
$('new').addEventListener('click', () => {
  history.replaceState(null, '', '#');
  openConversation(null);
  composer.focus();
});
$('menu').addEventListener('click', () => {
  const open = document.body.classList.toggle('drawer-open');
  $('menu').setAttribute('aria-expanded', String(open));
});
$('mode').hidden = document.body.dataset.offline !== 'true';
$('mode').title = 'No IMAGE_API_KEY is set: images come from the built-in offline renderer.';
$('model-name').textContent = document.body.dataset.model;
const operator = createOperator();
function selectTab(name) {
  const playground = name === 'playground';
  $('playground').hidden = !playground;
  $('operator').hidden = playground;
  $('tab-playground').setAttribute('aria-selected', String(playground));
  $('tab-operator').setAttribute('aria-selected', String(!playground));
  $('tab-playground').tabIndex = playground ? 0 : -1;
  $('tab-operator').tabIndex = playground ? -1 : 0;
  $('menu').hidden = !playground;
  if (!playground) operator.show();
  else operator.hide();
}
$('tab-playground').addEventListener('click', () => selectTab('playground'));
$('tab-operator').addEventListener('click', () => selectTab('operator'));
for (const tab of [$('tab-playground'), $('tab-operator')]) {
  tab.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const next = tab.id === 'tab-playground' ? 'operator' : 'playground';
    selectTab(next);
    $('tab-' + next).focus();
  });
}
setInterval(() => tickElapsed($('thread')), 1000);

// ——— live ———
function onEvent(type, data) {
  if (type === 'job') {
    remember(data);
    if (data.conversationId === state.conversationId) {
      const turn = state.turns.get(data.turnId);
      if (data.turn) {
        put(data.turn);
      } else if (turn) {
        updateJob(data.turnId, data.job);
      } else {
        reloadSoon();
      }
    }
    if (data.event === 'queued' || data.event === 'delivered') refreshSidebar();
    operator.changed();
  } else if (type === 'turn_deleted') {
    if (data.conversationId === state.conversationId) dropTurn(data.turnId);
    refreshSidebar();
  }
}
let reloadTimer;
/** A turn this page has not seen (another tab sent it): the thread is read again, once for a burst of events. */
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => openConversation(state.conversationId, { keepScroll: true, keepPick: true }), 200);
}
let started = false;
function start() {
  if (started) return;
  started = true;
  openEvents({
    event: onEvent,
    reset: () => openConversation(state.conversationId, { keepScroll: true, keepPick: true }),
    connection(up) {
      $('connection').hidden = up;
      $('connection').textContent = up
        ? ''
        : navigator.onLine
          ? 'Reconnecting…'
          : 'Offline: reconnecting when the network is back';
      document.body.dataset.live = up ? 'yes' : 'no';
      if (up) {
        // Anything that changed while the stream was down is read again.
        const pending = [...state.turns.values()].some(isPending);
        if (pending) openConversation(state.conversationId, { keepScroll: true, keepPick: true });
      }
    },
  });
  routeFromHash();
  loadConversations();
}
if (tokenRequired() && !hasToken()) askForToken();
else start();
