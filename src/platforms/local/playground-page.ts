const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The page: a prompt box, then a thread where every reply edits the picked image. Its script and style are files
 * (`/playground.js`, `/playground.css`), so the page's policy allows no inline code. With a token the page asks for
 * it once (kept in the browser's local storage) and sends it on every API call.
 */
export function playgroundPage(options: { offline: boolean; defaultModel: string; tokenRequired: boolean }): string {
  const banner = options.offline
    ? '<p class="banner">Offline preview: no <code>IMAGE_API_KEY</code> is set, so images come from the local renderer.</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>threadpaint playground</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/playground.css">
<script src="/playground.js" defer></script></head>
<body data-token="${options.tokenRequired ? 'required' : 'none'}">
<h1>threadpaint <small class="meta">playground</small></h1>${banner}
<p class="meta">Default model <code>${escapeHtml(options.defaultModel)}</code>. Flags work inline:
<code>--ar 16:9</code> <code>--model nano-banana-pro</code> <code>--n 2</code> <code>--seed 7</code> <code>--no text</code>.
The first message starts a conversation; every reply edits the picked image (click one to pick it), like a reply in a Discord or Slack thread.</p>
<form id="unlock" hidden><input id="token" type="password" autocomplete="current-password" placeholder="access token (PLAYGROUND_TOKEN)">
<button>Unlock</button></form>
<div id="thread"></div>
<form id="form"><input id="text" type="text" autocomplete="off" placeholder="a lighthouse at dusk --ar 16:9" autofocus>
<input id="file" type="file" accept="image/*" multiple title="attach reference images (2 to 4 to blend)"><button>Send</button>
<button type="button" class="quiet" id="blend" title="blend the 2 to 4 attached images into one">Blend</button>
<button type="button" class="quiet" id="new">New</button></form>
</body></html>`;
}
