import type { AttachmentInfo } from './discord-image-links.js';

/** How long a menu's image waits for its modal (Discord closes a modal's interaction after 15 minutes). */
const keepMs = 15 * 60_000;
/** At most this many menus wait at once; the oldest goes first. */
const bound = 1_000;

/**
 * The image "Edit image" was used on, as the menu's interaction showed it, kept until the member submits the modal:
 * through a user install the bot cannot read the message again. Per member and message, so one member's menu never
 * hands another member's modal an image.
 */
export function createMenuImages(now: () => number) {
  const waiting = new Map<string, { image: AttachmentInfo; until: number }>();
  const key = (userId: string, messageId: string) => `${userId}:${messageId}`;
  return {
    keep(userId: string, messageId: string, image: AttachmentInfo): void {
      const id = key(userId, messageId);
      waiting.delete(id);
      waiting.set(id, { image, until: now() + keepMs });
      if (waiting.size > bound) waiting.delete(waiting.keys().next().value as string);
    },
    take(userId: string, messageId: string): AttachmentInfo | undefined {
      const id = key(userId, messageId);
      const kept = waiting.get(id);
      waiting.delete(id);
      return kept && kept.until > now() ? kept.image : undefined;
    },
  };
}

export type MenuImages = ReturnType<typeof createMenuImages>;
