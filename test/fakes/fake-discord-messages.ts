import type { FakeCdn } from './fake-discord-cdn.js';
import type { FakeAttachment, FakeMessage, FakeUploadedFile, FakeUser } from './fake-discord-records.js';
import { isoTime } from './fake-discord-shapes.js';

/** Message flags a client may not set or clear on an edit: EPHEMERAL stays, LOADING is cleared by any edit. */
const ephemeralFlag = 64;
const loadingFlag = 128;

export interface MessageWrite {
  readonly body: Record<string, unknown>;
  readonly files: readonly FakeUploadedFile[];
  readonly channelId: string;
}

/** A new message from a create body (JSON or multipart): every uploaded file becomes an attachment on the CDN. */
export function createMessage(
  write: MessageWrite,
  context: { readonly id: string; readonly author: FakeUser; readonly now: number; readonly cdn: FakeCdn },
  extra: Partial<FakeMessage> = {},
): FakeMessage {
  const { body } = write;
  return {
    id: context.id,
    channel_id: write.channelId,
    type: 0,
    content: typeof body['content'] === 'string' ? body['content'] : '',
    author: context.author,
    timestamp: isoTime(context.now),
    edited_timestamp: null,
    tts: body['tts'] === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: uploadedAttachments(write, context.cdn),
    embeds: Array.isArray(body['embeds']) ? body['embeds'] : [],
    components: Array.isArray(body['components']) ? body['components'] : [],
    pinned: false,
    flags: Number(body['flags'] ?? 0),
    ...(body['nonce'] !== undefined && body['nonce'] !== null && { nonce: body['nonce'] as string | number }),
    ...extra,
  };
}

/**
 * Applies an edit in place, as Discord does: given fields replace, absent ones stay. `attachments`, when given,
 * lists the existing attachments to keep (by id) besides the new uploads; without it, uploads are added.
 */
export function editMessage(message: FakeMessage, write: MessageWrite, context: { now: number; cdn: FakeCdn }): void {
  const { body } = write;
  if (body['content'] !== undefined) message.content = typeof body['content'] === 'string' ? body['content'] : '';
  if (body['embeds'] !== undefined) message.embeds = Array.isArray(body['embeds']) ? body['embeds'] : [];
  if (body['components'] !== undefined) {
    message.components = Array.isArray(body['components']) ? body['components'] : [];
  }
  const kept = Array.isArray(body['attachments'])
    ? message.attachments.filter((attachment) =>
        (body['attachments'] as { id?: unknown }[]).some((entry) => String(entry?.id) === attachment.id),
      )
    : message.attachments;
  message.attachments = [...kept, ...uploadedAttachments(write, context.cdn)];
  const requested = body['flags'] === undefined || body['flags'] === null ? message.flags : Number(body['flags']);
  message.flags = (requested & ~(ephemeralFlag | loadingFlag)) | (message.flags & ephemeralFlag);
  message.edited_timestamp = isoTime(context.now);
}

/** Uploads in `files[n]` order, with the filename/description overrides of the `attachments` entry whose id is `n`. */
function uploadedAttachments(write: MessageWrite, cdn: FakeCdn): FakeAttachment[] {
  const entries = Array.isArray(write.body['attachments'])
    ? (write.body['attachments'] as Record<string, unknown>[])
    : [];
  return write.files.map((file, position) => {
    const index = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(position);
    const entry = entries.find((candidate) => String(candidate?.['id']) === index);
    const filename = typeof entry?.['filename'] === 'string' ? entry['filename'] : file.filename;
    const stored = cdn.store(
      { bytes: file.bytes, filename, contentType: file.contentType || undefined },
      write.channelId,
    );
    const description = entry?.['description'];
    return typeof description === 'string' ? { ...stored, description } : stored;
  });
}

export const isEphemeral = (message: FakeMessage): boolean => (message.flags & ephemeralFlag) !== 0;
export const messageFlags = { ephemeral: ephemeralFlag, loading: loadingFlag } as const;
