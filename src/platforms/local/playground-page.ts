const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A single self-contained page: a prompt box, then a thread where every reply edits the last image. */
export function playgroundPage(options: { offline: boolean; defaultModel: string }): string {
  const banner = options.offline
    ? '<p class="banner">Offline preview: no <code>IMAGE_API_KEY</code> is set, so images come from the local renderer.</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>threadpaint playground</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px system-ui,sans-serif;max-width:820px;margin:2rem auto;padding:0 1rem;background:#15161a;color:#e8e8ea}
.banner{background:#3b3212;padding:.6rem .8rem;border-radius:6px}
form{display:flex;gap:.5rem;margin:1rem 0}input[type=text]{flex:1;padding:.6rem;border-radius:6px;border:1px solid #444;background:#1f2026;color:inherit}
button{padding:.6rem 1rem;border-radius:6px;border:0;background:#5865f2;color:white;cursor:pointer}
.turn{border-left:3px solid #5865f2;padding:.4rem .8rem;margin:1rem 0}.turn img{max-width:100%;border-radius:6px;margin:.3rem 0;cursor:pointer}
.turn img.picked{outline:3px solid #f2c94c}.meta{color:#9aa0a6;font-size:13px}.error{color:#ff8a80}
</style></head><body>
<h1>threadpaint</h1>${banner}
<p class="meta">Default model: <code>${escapeHtml(options.defaultModel)}</code>. Flags work inline: <code>--ar 16:9 --model nano-banana-pro --n 2 --seed 7</code>.
Start with a prompt; every reply after that edits the picked image (click one to pick it).</p>
<div id="thread"></div>
<form id="form"><input id="text" type="text" autocomplete="off" placeholder="/imagine a lighthouse at dusk --ar 16:9" autofocus>
<input id="file" type="file" accept="image/*" title="attach a reference image"><button>Send</button></form>
<script>
const thread=document.getElementById('thread');let picked=null;
const form=document.getElementById('form');const text=document.getElementById('text');const file=document.getElementById('file');
const asDataUrl=(f)=>new Promise((ok,no)=>{const r=new FileReader();r.onload=()=>ok(r.result);r.onerror=no;r.readAsDataURL(f);});
form.onsubmit=async(e)=>{e.preventDefault();const prompt=text.value.trim();if(!prompt)return;
 const images=[];if(picked)images.push(picked.src);if(file.files[0])images.push(await asDataUrl(file.files[0]));
 const turn=document.createElement('div');turn.className='turn';turn.innerHTML='<div></div><div class="meta">working…</div>';
 turn.firstChild.textContent=(images.length?'edit: ':'imagine: ')+prompt;thread.append(turn);text.value='';file.value='';
 const started=Date.now();
 try{const res=await fetch('/api/generate',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({text:prompt,images})});
  const data=await res.json();const meta=turn.lastChild;
  if(data.error){meta.className='error';meta.textContent=data.error;return;}
  meta.textContent=data.parameters+' · '+((Date.now()-started)/1000).toFixed(1)+' s'+(data.offline?' · offline preview':'');
  for(const n of data.notices){const p=document.createElement('div');p.className='meta';p.textContent='note: '+n;turn.append(p);}
  data.images.forEach((im,i)=>{const img=document.createElement('img');img.src=im.dataUrl;img.title=im.seed!==undefined?'seed '+im.seed:'';
   img.onclick=()=>{document.querySelectorAll('img.picked').forEach(x=>x.classList.remove('picked'));img.classList.add('picked');picked=img;};
   turn.append(img);if(i===0)img.onclick();});
 }catch(err){turn.lastChild.className='error';turn.lastChild.textContent='The playground server did not answer.';}};
</script></body></html>`;
}
