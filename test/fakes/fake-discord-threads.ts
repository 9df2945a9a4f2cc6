import type { FakeChannel } from './fake-discord-records.js';
import { isoTime } from './fake-discord-shapes.js';

export interface ThreadFields {
  readonly name?: unknown;
  readonly archived?: unknown;
  readonly locked?: unknown;
  readonly auto_archive_duration?: unknown;
}

/** Applies a PATCH to a thread in place; `archive_timestamp` moves whenever `archived` changes. */
export function patchThread(thread: FakeChannel, fields: ThreadFields, now: number): void {
  const metadata = thread.thread_metadata;
  if (typeof fields.name === 'string') thread.name = fields.name;
  if (!metadata) return;
  if (typeof fields.archived === 'boolean' && fields.archived !== metadata.archived) {
    metadata.archived = fields.archived;
    metadata.archive_timestamp = isoTime(now);
  }
  if (typeof fields.locked === 'boolean') metadata.locked = fields.locked;
  if (typeof fields.auto_archive_duration === 'number') metadata.auto_archive_duration = fields.auto_archive_duration;
}

/** What THREAD_DELETE carries: the thread's ids and type, not the whole channel. */
export function threadDeletePayload(thread: FakeChannel): Record<string, unknown> {
  return { id: thread.id, guild_id: thread.guild_id, parent_id: thread.parent_id, type: thread.type };
}
