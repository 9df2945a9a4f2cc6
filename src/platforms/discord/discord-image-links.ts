import { hostMatches } from '../../download/download-guard.js';
import type { AttachmentInfo } from './discord-attachments.js';

/** At most this many pasted image links are taken from one message (attachments count apart). */
export const maxImageLinks = 4;

const imagePath = /\.(png|jpe?g|webp|gif)$/i;
/** A URL as Discord shows it: bare, or in `<…>` (which only stops the embed). */
const linkPattern = /<?(https?:\/\/[^\s<>]+)>?/g;

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

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
