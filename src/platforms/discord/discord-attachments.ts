import type { InputImage } from '../../core/imagine-request.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { isDownloadError } from '../../download/download-error.js';
import type { ImageDownloader } from '../../download/image-downloader.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import { type ImageLinks, imageLinksIn } from './discord-image-links.js';

/** An attachment as Discord describes it (interaction `resolved.attachments` or a message's attachments). */
export interface AttachmentInfo {
  readonly url: string;
  readonly name: string;
  readonly contentType?: string | null;
  readonly size: number;
}

export interface DiscordAttachments {
  /** Refuses non-images and oversized files from their metadata alone, before anything is acknowledged. */
  check(attachments: readonly AttachmentInfo[]): void;
  /** Downloads (from Discord's CDN hosts only), sniffs and inspects. */
  download(attachments: readonly AttachmentInfo[], signal?: AbortSignal): Promise<InputImage[]>;
  /** Image links to Discord's CDN in a message's text, as attachments to download, and the text without them. */
  imageLinks(text: string): ImageLinks;
}

/** The largest image taken from a member, attached, linked or forwarded (Discord's own upload cap for most servers). */
export const discordAttachmentMaxBytes = 25 * 1024 * 1024;

const discordCdnHosts = ['cdn.discordapp.com', 'media.discordapp.net'];

/**
 * Attachments are downloaded at once (CDN links are signed and expire) and only from Discord's CDN, or from the host
 * of `DISCORD_API_URL` when it is overridden (a proxy or a test fake) — that host adds to the CDN hosts.
 */
export function createDiscordAttachments(options: {
  readonly downloader: ImageDownloader;
  readonly pipeline: ImagePipeline;
  readonly maxBytes: number;
  /** Where attachments may be downloaded from: {@link discordDownloadHosts}. */
  readonly hosts: readonly string[];
}): DiscordAttachments {
  return {
    imageLinks: (text) => imageLinksIn(text, options.hosts),
    check(attachments) {
      for (const attachment of attachments) {
        if (attachment.contentType && !attachment.contentType.startsWith('image/')) {
          throw new UserFacingError(
            'not_an_image',
            `${attachment.name} is not an image (${attachment.contentType}); attach a PNG, JPEG, WEBP or GIF.`,
          );
        }
        if (attachment.size > options.maxBytes) {
          const megabytes = (attachment.size / 1_000_000).toFixed(0);
          throw new UserFacingError(
            'image_too_large',
            `${attachment.name} is ${megabytes} MB; images up to ${Math.round(options.maxBytes / 1_048_576)} MB are accepted.`,
          );
        }
      }
    },
    async download(attachments, signal) {
      const images: InputImage[] = [];
      for (const attachment of attachments) {
        try {
          const fetched = await options.downloader.download(attachment.url, signal ? { signal } : {});
          const info = await options.pipeline.inspect(fetched.bytes, attachment.name);
          images.push({ bytes: fetched.bytes, mimeType: info.mimeType, name: attachment.name });
        } catch (error) {
          if (isDownloadError(error)) {
            throw new UserFacingError(
              'attachment_unavailable',
              `I could not download ${attachment.name} from Discord; please attach it again.`,
              {
                cause: error,
              },
            );
          }
          throw error;
        }
      }
      return images;
    },
  };
}

export function discordDownloadHosts(apiUrl: string): string[] {
  const host = new URL(apiUrl).hostname;
  return host === 'discord.com' ? discordCdnHosts : [...discordCdnHosts, host];
}
