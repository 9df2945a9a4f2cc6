// The composer: a message box (Enter sends, Shift+Enter is a new line, Escape stops editing a picked image), images
// (the picker takes several; a drop anywhere on the page, or a paste) shown as thumbnails before they are sent, Blend
// once two or more are attached, and the image the next reply edits. A refused message keeps its text and images,
// with the server's sentence above it.
import { el } from './thread.js';

const $ = (id) => document.getElementById(id);
const maxImageBytes = 50 * 1024 * 1024;
// Room for a Blend's four and one more, so a fifth is refused by the server's own sentence; more is never kept.
const maxAttached = 8;

export function createComposer(options) {
  const text = $('text');
  const file = $('file');
  let attached = [];
  let replyTo = null;
  let sending = false;

  const resize = () => {
    text.style.height = 'auto';
    text.style.height = Math.min(text.scrollHeight, 200) + 'px';
  };
  const showError = (message) => {
    $('composer-error').textContent = message || '';
    $('composer-error').hidden = !message;
  };

  /** The attached images as thumbnails, each removable; Blend shows once there is one, usable from two. */
  function showAttached() {
    $('attachment').replaceChildren(
      ...attached.map((item) =>
        el(
          'span',
          { class: 'attachment-item' },
          el('img', { class: 'attachment-thumb', src: item.thumb, alt: 'To send: ' + item.name }),
          el('span', { class: 'attachment-name small', text: item.name }),
          el('button', {
            type: 'button',
            class: 'icon',
            'aria-label': 'Remove ' + item.name,
            text: '×',
            onclick: () => detach(item),
          }),
        ),
      ),
    );
    $('attachment').hidden = attached.length === 0;
    $('blend').hidden = attached.length === 0;
    $('blend').disabled = sending || attached.length < 2;
    $('blend').title =
      attached.length < 2 ? 'Attach 2 to 4 images to blend them into one' : 'Blend these images into one picture';
  }
  function detach(item) {
    attached = attached.filter((each) => each !== item);
    URL.revokeObjectURL(item.thumb);
    showAttached();
    text.focus();
  }

  function attach(blob) {
    if (!blob) return;
    if (!blob.type.startsWith('image/'))
      return showError('That file is not an image: attach a PNG, JPEG, WebP or GIF.');
    if (blob.size > maxImageBytes) return showError('That image is over 50 MB: attach a smaller one.');
    if (attached.length >= maxAttached)
      return showError('At most ' + maxAttached + ' images can be attached: remove one first.');
    const item = { name: blob.name || 'pasted image', thumb: URL.createObjectURL(blob) };
    item.read = new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => {
        detach(item);
        showError('That image could not be read: attach it again.');
        resolve(null);
      };
      reader.readAsDataURL(blob);
    });
    attached.push(item);
    showAttached();
    showError('');
  }
  const attachAll = (files) => {
    for (const each of [...(files || [])]) attach(each);
  };
  const clearAttachment = () => {
    for (const item of attached) URL.revokeObjectURL(item.thumb);
    attached = [];
    file.value = '';
    showAttached();
  };
  /** The attached images' data URLs, once every one is read (one that could not be read is dropped, and said). */
  async function imagesRead() {
    const read = await Promise.all(attached.map((item) => item.read));
    return read.filter((dataUrl) => dataUrl !== null);
  }

  /** Sends the message (or, with `blend`, a Blend of the attached images); a refusal keeps everything. */
  async function send(blend) {
    if (sending) return;
    const message = text.value.trim();
    if (!blend && !message && attached.length === 0) {
      showError('Type what to paint (or attach an image) first.');
      return text.focus();
    }
    sending = true;
    $('send').disabled = true;
    $('blend').disabled = true;
    const images = await imagesRead();
    const sent = blend
      ? await options.onBlend({ text: message, images })
      : await options.onSend({ text: message, images, replyTo });
    sending = false;
    $('send').disabled = false;
    $('blend').disabled = attached.length < 2;
    if (sent?.error) return showError(sent.error);
    showError('');
    text.value = '';
    resize();
    clearAttachment();
    text.focus();
  }

  text.addEventListener('input', resize);
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(false);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      options.onEscape();
    }
  });
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    send(false);
  });
  $('blend').addEventListener('click', () => send(true));
  file.addEventListener('change', () => {
    attachAll(file.files);
    // The same file may be picked again.
    file.value = '';
  });
  $('reply-clear').addEventListener('click', () => options.onEscape());
  document.addEventListener('paste', (event) => {
    const item = [...(event.clipboardData ? event.clipboardData.items : [])].find((each) =>
      each.type.startsWith('image/'),
    );
    if (item) {
      event.preventDefault();
      attach(item.getAsFile());
    }
  });
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    document.body.classList.add('dropping');
  });
  document.addEventListener('dragleave', (event) => {
    if (!event.relatedTarget) document.body.classList.remove('dropping');
  });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dropping');
    attachAll(event.dataTransfer?.files);
  });

  return {
    focus: () => text.focus(),
    showError,
    /** The image the next reply edits (null: the conversation's latest image, or a new conversation). */
    setReplyTo(target) {
      replyTo = target;
      $('reply-to').hidden = !target;
      if (!target) return;
      $('reply-label').textContent =
        'Editing image ' + (target.index + 1) + (target.label ? ' of ' + target.label : '');
      $('reply-thumb').src = target.src || '';
      text.placeholder = 'Describe the change to this image';
    },
    resetPlaceholder(inConversation) {
      text.placeholder = inConversation ? 'Reply to edit the latest image' : 'A lighthouse at dusk --ar 16:9';
    },
  };
}
