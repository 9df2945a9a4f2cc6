import { hostMatches } from '../../download/download-guard.js';

/** An attachment as Discord describes it (interaction `resolved.attachments`, a message's, a pasted link's). */
export interface AttachmentInfo {
  readonly url: string;
  readonly name: string;
  readonly contentType?: string | null;
  /** 0 when unknown (a pasted link). */
  readonly size: number;
}

/** At most this many pasted image links are taken from one message (attachments count apart). */
export const maxImageLinks = 4;

const imagePath = /\.(png|jpe?g|webp|gif)$/i;
/** A URL as Discord shows it: bare, or in `<…>` (which only stops the embed). */
const linkPattern = /<?(https?:\/\/[^\s<>]+)>?/g;
/** Discord's CDN path of an attachment: the channel it was posted in, then its own id. */
const attachmentPath = /\/attachments\/(\d{15,21})\/(\d{15,21})\//;

export interface ImageLinks {
  /** The text with every taken link removed. */
  readonly text: string;
  readonly links: readonly AttachmentInfo[];
}

/**
 * Image links pasted into a message ("Copy Link" on an image in Discord gives one): a link to an image file on one
 * of `hosts` (Discord's CDN) becomes a reference image, fetched like an attachment, and leaves the prompt. Links
 * elsewhere stay text: the bot fetches only from Discord.
 */
export function imageLinksIn(content: string, hosts: readonly string[]): ImageLinks {
  const links: AttachmentInfo[] = [];
  const text = content.replace(linkPattern, (whole, raw: string) => {
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (!url || !hosts.some((pattern) => hostMatches(url.hostname.toLowerCase(), pattern))) return whole;
    const file = url.pathname.split('/').pop() ?? '';
    if (!imagePath.test(file)) return whole;
    links.push({ url: url.href, name: safeDecode(file), size: 0 });
    return ' ';
  });
  return { text: text.replace(/[ \t]{2,}/g, ' ').trim(), links };
}

/** Where an attachment URL says its file was posted: `{ channelId, attachmentId }`, or undefined for another URL. */
export function attachmentOf(url: string): { readonly channelId: string; readonly attachmentId: string } | undefined {
  const match = URL.canParse(url) ? attachmentPath.exec(new URL(url).pathname) : null;
  return match?.[1] && match[2] ? { channelId: match[1], attachmentId: match[2] } : undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
