import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../../src/app/open-engine.js';
import { createBlobHolds } from '../../../src/core/engine/blob-holds.js';
import type { BlobStore, Store } from '../../../src/core/store.js';
import { createFileBlobStore } from '../../../src/store/blob-store.js';
import { encodePng } from '../../fakes/fake-image-api-png.js';
import { harnessTracker } from '../../support/harness-tracker.js';
import { createTempDir, type TempDir } from '../../support/temp-dir.js';

const harnesses = harnessTracker();
const dirs: TempDir[] = [];
afterEach(async () => {
  await harnesses.closeAll();
  for (const dir of dirs.splice(0)) dir.remove();
});

const bytes = encodePng(8, 8, () => [200, 40, 0]);

/** A promise and its resolver: a step the test lets go of. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => (open = resolve));
  return { opened, open };
}

function fileBlobs(): { blobs: BlobStore; directory: string } {
  const dir = createTempDir('threadpaint-holds-');
  dirs.push(dir);
  const directory = path.join(dir.path, 'images');
  return { blobs: createFileBlobStore({ directory }), directory };
}

describe('blob holds: a deletion never removes bytes a request is about to refer to', () => {
  it('stores again when a put of the same bytes overlapped the deletion (the put found the file and wrote nothing)', async () => {
    const { blobs } = fileBlobs();
    const hash = await blobs.put(bytes);
    const asked = gate();
    const answer = gate<boolean>();
    const store = {
      isHashReferenced: () => {
        asked.open();
        return answer.opened;
      },
    };
    const holds = createBlobHolds(blobs, store);
    const deletion = holds.deleteUnreferenced(hash);
    await asked.opened;
    // The put runs while the deletion is deciding: the file is still there, so the put itself writes nothing.
    const lease = holds.lease();
    const put = lease.put(bytes);
    answer.open(false);
    expect(await deletion).toBe(true);
    expect(await put).toBe(hash);
    expect(await blobs.has(hash)).toBe(true);
    // Held until released: a second deletion leaves it.
    expect(await holds.deleteUnreferenced(hash)).toBe(false);
    lease.release();
    expect(await holds.deleteUnreferenced(hash)).toBe(true);
    expect(await blobs.has(hash)).toBe(false);
  });

  it('stores again when the deletion began while the put was writing', async () => {
    const { blobs: files } = fileBlobs();
    const hash = await files.put(bytes);
    const putEntered = gate();
    const putFinish = gate();
    // The put found the file (and wrote nothing), but has not returned yet when the deletion begins and ends.
    const blobs: BlobStore = {
      ...files,
      put: async (value) => {
        const stored = await files.put(value);
        putEntered.open();
        await putFinish.opened;
        return stored;
      },
    };
    const holds = createBlobHolds(blobs, { isHashReferenced: async () => false });
    const lease = holds.lease();
    const put = lease.put(bytes);
    await putEntered.opened;
    expect(await holds.deleteUnreferenced(hash)).toBe(true);
    expect(await files.has(hash)).toBe(false);
    putFinish.open();
    expect(await put).toBe(hash);
    expect(await files.has(hash)).toBe(true);
    lease.release();
  });

  it('deletes what nothing holds or refers to, and keeps what a record refers to', async () => {
    const { blobs } = fileBlobs();
    const hash = await blobs.put(bytes);
    expect(await createBlobHolds(blobs, { isHashReferenced: async () => true }).deleteUnreferenced(hash)).toBe(false);
    expect(await blobs.has(hash)).toBe(true);
    expect(await createBlobHolds(blobs, { isHashReferenced: async () => false }).deleteUnreferenced(hash)).toBe(true);
    expect(await blobs.has(hash)).toBe(false);
  });
});

describe('deleting a turn while another request carries the same image', () => {
  it('keeps the image the other request is about to refer to: its job runs with it', async () => {
    const dir = createTempDir('threadpaint-holds-engine-');
    dirs.push(dir);
    const storage = openSqliteStorage(dir.path);
    const writing = gate();
    const write = gate();
    let held = false;
    // The second request's job is written only when the test says so: its attachment is stored, not yet referred to.
    const store: Store = Object.create(storage.store, {
      createJobWithKey: {
        value: async (...args: Parameters<Store['createJobWithKey']>) => {
          if (held) {
            writing.open();
            await write.opened;
          }
          return storage.store.createJobWithKey(...args);
        },
      },
    });
    const harness = harnesses.create({ dataDir: dir.path, storage: { store, blobs: storage.blobs } });
    const attachment = { bytes, mimeType: 'image/png', name: 'photo.png' };
    const first = await harness.engine.submit(harness.inbound({ text: 'mix this in', attachments: [attachment] }));
    if (first?.status !== 'queued') throw new Error('the first request was not queued');
    await harness.settle(first.job.id);
    const [input] = (await harness.store.getTurn(first.turn.id))?.inputImages ?? [];
    if (!input) throw new Error('the first turn has no input image');

    held = true;
    const second = harness.engine.submit(
      harness.inbound({ memberId: 'U2', channelId: 'C2', text: 'this one too', attachments: [attachment] }),
    );
    await writing.opened;
    held = false;
    await harness.engine.deleteTurn(first.turn.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U1' });
    expect(existsSync(harness.blobPath(input.hash))).toBe(true);
    write.open();
    const queued = await second;
    if (queued?.status !== 'queued') throw new Error('the second request was not queued');
    const settled = await harness.settle(queued.job.id);
    expect(settled.job.state).toBe('delivered');
    const turn = await harness.store.getTurn(queued.turn.id);
    expect(turn?.inputImages.map((ref) => ref.hash)).toEqual([input.hash]);
    expect(existsSync(harness.blobPath(input.hash))).toBe(true);

    // Once nothing refers to it, Delete removes it at once.
    await harness.engine.deleteTurn(queued.turn.id, { platform: 'slack', workspaceId: 'T1', memberId: 'U2' });
    expect(existsSync(harness.blobPath(input.hash))).toBe(false);
  });
});
