import { type Attachment, type Message, MessageReferenceType, MessageType } from 'discord.js';
import type { AttachmentInfo } from './discord-image-links.js';

/**
 * Only what a member wrote is a request: a default message or a reply, from a person. System messages carry text
 * too (a thread rename's content is the new name, type 4), and so do other bots and webhooks; none of them is an
 * instruction, and each would start a paid generation.
 */
export function isMemberRequest(message: Message): message is Message<true> {
  return (
    message.inGuild() &&
    (message.type === MessageType.Default || message.type === MessageType.Reply) &&
    !message.author.bot &&
    !message.author.system &&
    !message.webhookId
  );
}

/** The message a reply answers; a forward's reference (another channel's message) is not a reply. */
export function repliedTo(message: Message): string | undefined {
  const reference = message.reference;
  if (!reference?.messageId) return undefined;
  return (reference.type ?? MessageReferenceType.Default) === MessageReferenceType.Default
    ? reference.messageId
    : undefined;
}

/** A message's own attachments, then those of the message it forwards (Discord copies them into its snapshot). */
export function attachmentsOf(message: Message): AttachmentInfo[] {
  const forwarded =
    message.reference?.type === MessageReferenceType.Forward
      ? [...message.messageSnapshots.values()].flatMap((snapshot) => [...snapshot.attachments.values()])
      : [];
  return [...message.attachments.values(), ...forwarded].map(toInfo);
}

const toInfo = (attachment: Attachment): AttachmentInfo => ({
  url: attachment.url,
  name: attachment.name,
  contentType: attachment.contentType,
  size: attachment.size,
});
