/**
 * The playground page's browser script (plain JS, no build step), served as `/playground.js`: submit, poll, render
 * the thread. With a token (`data-token="required"`) it asks once, keeps it in local storage, sends it as
 * `Authorization: Bearer` on every call (images too: they are fetched, then shown as blob URLs) and asks again on 401.
 */
export const playgroundScript = `
const $ = (id) => document.getElementById(id);
const tokenKey = 'threadpaint-playground-token';
let token = localStorage.getItem(tokenKey) || '';
let conversationId = null; let picked = null;
const askForToken = () => { localStorage.removeItem(tokenKey); token = ''; $('unlock').hidden = false; $('token').focus(); };
if (document.body.dataset.token === 'required' && !token) askForToken();
$('unlock').onsubmit = (event) => { event.preventDefault(); token = $('token').value.trim(); if (!token) return; localStorage.setItem(tokenKey, token); $('token').value = ''; $('unlock').hidden = true; $('text').focus(); };
async function call(path, init) {
  const headers = Object.assign({}, (init && init.headers) || {}, token ? { authorization: 'Bearer ' + token } : {});
  const response = await fetch(path, Object.assign({}, init, { headers }));
  if (response.status === 401) askForToken();
  return response;
}
const json = (response) => response.json().catch(() => ({ error: 'HTTP ' + response.status }));
const post = (path, body) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) }).then(json);
const asDataUrl = (f) => new Promise((ok, no) => { const r = new FileReader(); r.onload = () => ok(r.result); r.onerror = no; r.readAsDataURL(f); });
const line = (text, cls) => { const d = document.createElement('div'); d.className = cls || 'meta'; d.textContent = text; return d; };
const button = (label, onclick) => { const b = document.createElement('button'); b.type = 'button'; b.className = 'quiet'; b.textContent = label; b.onclick = onclick; return b; };
$('new').onclick = () => { conversationId = null; picked = null; $('thread').replaceChildren(); $('text').focus(); };
$('form').onsubmit = async (event) => {
  event.preventDefault();
  const text = $('text').value.trim(); if (!text) return;
  const images = await Promise.all([...$('file').files].map(asDataUrl));
  const body = { requestId: crypto.randomUUID(), text, images };
  if (conversationId) Object.assign(body, { conversationId, action: 'edit' }, picked ? { turnId: picked.turnId, index: picked.index } : {});
  $('text').value = ''; $('file').value = '';
  send(body, (conversationId || images.length > 0 ? 'edit: ' : 'imagine: ') + text);
};
$('blend').onclick = async () => {
  const text = $('text').value.trim();
  const images = await Promise.all([...$('file').files].map(asDataUrl));
  $('text').value = ''; $('file').value = ''; $('thread').replaceChildren(); picked = null;
  send({ requestId: crypto.randomUUID(), action: 'blend', text, images }, 'blend ' + images.length + ' images' + (text ? ': ' + text : ''));
};
async function send(body, title) {
  const turn = document.createElement('div'); turn.className = 'turn'; turn.append(line(title, '')); const status = line('sending…'); turn.append(status);
  $('thread').append(turn); turn.scrollIntoView({ behavior: 'smooth' });
  const started = Date.now(); const submitted = await post('/api/submit', body);
  if (submitted.error) { status.className = 'error'; status.textContent = submitted.error; return; }
  conversationId = submitted.conversationId;
  turn.shown = new Set(submitted.notices || []); for (const n of turn.shown) turn.append(line('note: ' + n));
  poll(submitted.jobId, turn, status, started);
}
async function poll(jobId, turn, status, started) {
  const job = await call('/api/jobs/' + jobId).then(json);
  if (job.error && !job.state) { status.className = 'error'; status.textContent = job.error; return; }
  const seconds = ((Date.now() - started) / 1000).toFixed(0) + ' s';
  if (job.state === 'queued' || job.state === 'running' || job.state === 'generated') {
    status.textContent = (job.state === 'queued' ? 'queued #' + job.position : 'generating') + ' · ' + seconds;
    if (!status.cancel) { status.cancel = button('Cancel', () => post('/api/jobs/' + jobId + '/cancel')); turn.append(status.cancel); }
    return setTimeout(() => poll(jobId, turn, status, started), 700);
  }
  if (status.cancel) status.cancel.remove();
  if (job.state !== 'delivered') {
    status.className = 'error'; status.textContent = job.error || job.state;
    if (job.retryable) turn.append(button('Retry', async () => { const r = await post('/api/jobs/' + jobId + '/retry'); status.className = 'meta'; poll(r.jobId, turn, status, Date.now()); }));
    return;
  }
  const p = job.parameters || {};
  status.textContent = [p.model, p.size, p.quality && 'quality ' + p.quality, p.seed !== undefined && 'seed ' + p.seed, seconds].filter(Boolean).join(' · ');
  for (const n of job.notices) if (!(turn.shown || new Set()).has(n)) turn.append(line('note: ' + n));
  const outputs = document.createElement('div'); outputs.className = 'outputs'; turn.append(outputs);
  job.images.forEach((image, index) => {
    const box = document.createElement('div'); box.className = 'output';
    const img = document.createElement('img'); img.title = image.seed !== undefined ? 'seed ' + image.seed : '';
    call(image.url).then((r) => (r.ok ? r.blob() : Promise.reject(new Error('HTTP ' + r.status)))).then((blob) => { img.src = URL.createObjectURL(blob); }, () => { img.alt = 'image unavailable'; });
    img.onclick = () => { document.querySelectorAll('.output.picked').forEach((x) => x.classList.remove('picked')); box.classList.add('picked'); picked = { turnId: job.turnId, index }; };
    box.append(img, button('Reroll', () => send({ requestId: crypto.randomUUID(), conversationId, action: 'reroll', turnId: job.turnId }, 'reroll')),
      button('Variations', () => send({ requestId: crypto.randomUUID(), conversationId, action: 'variations', turnId: job.turnId, index }, 'variations')));
    if (job.upscale) box.append(button(job.upscale, () => send({ requestId: crypto.randomUUID(), conversationId, action: 'upscale', turnId: job.turnId, index }, job.upscale)));
    outputs.append(box); if (index === 0) img.onclick();
  });
}
`;
