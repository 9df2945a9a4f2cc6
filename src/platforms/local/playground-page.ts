import { playgroundScript } from './playground-script.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** One self-contained page: a prompt box, then a thread where every reply edits the picked image. */
export function playgroundPage(options: { offline: boolean; defaultModel: string }): string {
  const banner = options.offline
    ? '<p class="banner">Offline preview: no <code>IMAGE_API_KEY</code> is set, so images come from the local renderer.</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>threadpaint playground</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;background:#15161a;color:#e8e8ea}
.banner{background:#3b3212;padding:.6rem .8rem;border-radius:6px}code{background:#2a2b31;padding:0 .3rem;border-radius:4px}
form{display:flex;gap:.5rem;margin:1rem 0;position:sticky;bottom:0;background:#15161a;padding:.5rem 0}
input[type=text]{flex:1;padding:.6rem;border-radius:6px;border:1px solid #444;background:#1f2026;color:inherit}
button{padding:.45rem .8rem;border-radius:6px;border:0;background:#5865f2;color:white;cursor:pointer}
button.quiet{background:#2f3136}.turn{border-left:3px solid #5865f2;padding:.4rem .8rem;margin:1rem 0}
.outputs{display:flex;flex-wrap:wrap;gap:.5rem}.output{max-width:100%}.output img{max-width:100%;max-height:420px;border-radius:6px;display:block;cursor:pointer}
.output.picked img{outline:3px solid #f2c94c}.meta{color:#9aa0a6;font-size:13px;margin:.2rem 0}.error{color:#ff8a80}
</style></head><body>
<h1>threadpaint <small class="meta">playground</small></h1>${banner}
<p class="meta">Default model <code>${escapeHtml(options.defaultModel)}</code>. Flags work inline:
<code>--ar 16:9</code> <code>--model nano-banana-pro</code> <code>--n 2</code> <code>--seed 7</code> <code>--no text</code>.
The first message starts a conversation; every reply edits the picked image (click one to pick it), like a reply in a Discord or Slack thread.</p>
<div id="thread"></div>
<form id="form"><input id="text" type="text" autocomplete="off" placeholder="a lighthouse at dusk --ar 16:9" autofocus>
<input id="file" type="file" accept="image/*" title="attach a reference image"><button>Send</button>
<button type="button" class="quiet" id="new">New</button></form>
<script>${playgroundScript}</script></body></html>`;
}
