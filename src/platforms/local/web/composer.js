// The composer: a message box (Enter sends, Shift+Enter is a new line, Escape stops editing a picked image), one
// optional image (the picker, a drop anywhere on the page, or a paste) shown as a thumbnail before it is sent, and
// the image the next reply edits. A refused message keeps its text and image, with the server's sentence above it.
const $ = (id) => document.getElementById(id);
const maxImageBytes = 50 * 1024 * 1024;

export function createComposer(options) {
  const text = $('text');
  const file = $('file');
  let attached = null;
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

  function attach(blob) {
    if (!blob) return;
    if (!blob.type.startsWith('image/'))
      return showError('That file is not an image: attach a PNG, JPEG, WebP or GIF.');
    if (blob.size > maxImageBytes) return showError('That image is over 50 MB: attach a smaller one.');
    const reader = new FileReader();
    reader.onload = () => {
      attached = { dataUrl: reader.result, name: blob.name || 'pasted image' };
      $('attachment-thumb').src = URL.createObjectURL(blob);
      $('attachment-name').textContent = attached.name;
      $('attachment').hidden = false;
      showError('');
    };
    reader.onerror = () => showError('That image could not be read: attach it again.');
    reader.readAsDataURL(blob);
  }
  const clearAttachment = () => {
    attached = null;
    file.value = '';
    $('attachment').hidden = true;
  };

  async function send() {
    if (sending) return;
    const message = text.value.trim();
    if (!message && !attached) {
      showError('Type what to paint (or attach an image) first.');
      return text.focus();
    }
    sending = true;
    $('send').disabled = true;
    const sent = await options.onSend({ text: message, images: attached ? [attached.dataUrl] : [], replyTo });
    sending = false;
    $('send').disabled = false;
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
      send();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      options.onEscape();
    }
  });
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
  file.addEventListener('change', () => attach(file.files[0]));
  $('attachment-clear').addEventListener('click', clearAttachment);
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
    attach(event.dataTransfer?.files[0]);
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
