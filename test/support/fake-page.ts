import { createContext, runInContext } from 'node:vm';
import { createWaitList } from './wait-list.js';

/**
 * Just enough of a browser to run the playground's page script in node: elements with text, classes, children and
 * handlers; `fetch` against a real server; `FileReader` for attachments. Every change to the page is recorded, so a
 * test waits for what a member would see instead of sleeping.
 */
export class FakeElement {
  readonly children: FakeElement[] = [];
  parent: FakeElement | undefined;
  className = '';
  type = '';
  private source = '';
  title = '';
  value = '';
  files: FakeFile[] = [];
  hidden = false;
  alt = '';
  readonly dataset: Record<string, string> = {};
  onclick: (() => unknown) | undefined;
  onsubmit: ((event: { preventDefault(): void }) => unknown) | undefined;
  private ownText = '';

  constructor(
    readonly tag: string,
    private readonly page: FakePage,
  ) {}

  /** An image's URL: set once its bytes are fetched, a change a test can wait for. */
  get src(): string {
    return this.source;
  }
  set src(url: string) {
    this.source = url;
    this.page.changed();
  }

  get textContent(): string {
    return this.ownText + this.children.map((child) => child.textContent).join('');
  }
  set textContent(text: string) {
    this.ownText = text;
    this.children.length = 0;
    this.page.changed();
  }
  set innerHTML(html: string) {
    if (html !== '') throw new Error('the fake page only clears innerHTML');
    this.textContent = '';
  }
  readonly classList = {
    add: (name: string) => {
      if (!this.classes().includes(name)) this.className = [...this.classes(), name].join(' ');
      this.page.changed();
    },
    remove: (name: string) => {
      this.className = this.classes()
        .filter((candidate) => candidate !== name)
        .join(' ');
      this.page.changed();
    },
  };
  classes(): string[] {
    return this.className.split(/\s+/).filter(Boolean);
  }
  append(...nodes: FakeElement[]): void {
    for (const node of nodes) {
      node.parent = this;
      this.children.push(node);
    }
    this.page.changed();
  }
  replaceChildren(): void {
    this.textContent = '';
  }
  remove(): void {
    const siblings = this.parent?.children;
    if (siblings) siblings.splice(siblings.indexOf(this), 1);
    this.parent = undefined;
    this.page.changed();
  }
  /** This element and everything below it, depth first. */
  all(): FakeElement[] {
    return [this, ...this.children.flatMap((child) => child.all())];
  }
  scrollIntoView(): void {}
  focus(): void {}
}

export interface FakeFile {
  readonly name: string;
  readonly type: string;
  readonly bytes: Uint8Array;
}

export class FakePage {
  readonly body = new FakeElement('body', this);
  private readonly changes = createWaitList<number>(() => 'page changed');
  private readonly byId = new Map<string, FakeElement>();

  constructor(ids: readonly string[]) {
    for (const id of ids) {
      const element = new FakeElement(id === 'thread' ? 'div' : 'input', this);
      this.byId.set(id, element);
      this.body.append(element);
    }
  }

  /** What the script made object URLs of (the images it fetched), by URL. */
  private readonly blobs = new Map<string, Blob>();

  /** The bytes behind an object URL the script made (an `<img>`'s `src`). */
  async blobBytes(url: string): Promise<Uint8Array> {
    const blob = this.blobs.get(url);
    if (!blob) throw new Error(`no object URL ${url}`);
    return new Uint8Array(await blob.arrayBuffer());
  }

  element(id: string): FakeElement {
    const element = this.byId.get(id);
    if (!element) throw new Error(`no element #${id}`);
    return element;
  }

  changed(): void {
    this.changes.push(this.changes.items.length);
  }

  /** Resolves once `check` holds, checking again after every change of the page. */
  async waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
    let found = check();
    if (found !== undefined) return found;
    const from = this.changes.items.length;
    await this.changes.waitFor(
      (index) => {
        if (index < from) return false;
        found = check();
        return found !== undefined;
      },
      { timeoutMs, what },
    );
    return found as T;
  }

  /** Runs `script` with this page as its document, `baseUrl` for relative fetches. */
  run(script: string, baseUrl: string): void {
    const document = {
      getElementById: (id: string) => this.element(id),
      createElement: (tag: string) => new FakeElement(tag, this),
      querySelectorAll: (selector: string) => {
        const wanted = selector.split('.').filter(Boolean);
        return this.body.all().filter((element) => wanted.every((name) => element.classes().includes(name)));
      },
    };
    class FileReader {
      result: string | undefined;
      onload: (() => void) | undefined;
      onerror: ((error: unknown) => void) | undefined;
      readAsDataURL(file: FakeFile): void {
        this.result = `data:${file.type};base64,${Buffer.from(file.bytes).toString('base64')}`;
        queueMicrotask(() => this.onload?.());
      }
    }
    const storage = new Map<string, string>();
    const localStorage = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
      removeItem: (key: string) => void storage.delete(key),
    };
    const objectUrls = {
      createObjectURL: (blob: Blob) => {
        const url = `blob:fake/${this.blobs.size + 1}`;
        this.blobs.set(url, blob);
        return url;
      },
    };
    const context = createContext({
      document: { ...document, body: this.body },
      localStorage,
      URL: objectUrls,
      FileReader,
      crypto: globalThis.crypto,
      setTimeout,
      console,
      // As a browser does: a page's POST carries its origin.
      fetch: (url: string, init?: RequestInit) =>
        fetch(new URL(url, baseUrl), {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), origin: new URL(baseUrl).origin },
        }),
    });
    runInContext(script, context);
  }
}
