import type { InputImage } from '../../core/imagine-request.js';
import type { ModelCatalogue } from '../../core/models/model-catalogue.js';
import { attachmentLimits, checkAttachments } from '../../core/platform/attachment-limits.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { isDownloadError } from '../../download/download-error.js';
import type { ImageDownloader } from '../../download/image-downloader.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import { type AttachmentInfo, type ImageLinks, imageLinksIn } from './discord-image-links.js';

export interface DiscordAttachments {
  /** Refuses too many, non-images and oversized files from their metadata alone, before anything is acknowledged. */
  check(attachments: readonly AttachmentInfo[]): void;
  /** Downloads (from Discord's CDN hosts only), sniffs and inspects. */
  download(attachments: readonly AttachmentInfo[], signal?: AbortSignal): Promise<InputImage[]>;
  /** Image links to Discord's CDN in a message's text, as attachments to download, and the text without them. */
  imageLinks(text: string): ImageLinks;
}

/** Discord's own limit: files per message (error 30015). Each file's size is the guild's, told per interaction. */
const discordFilesPerMessage = 10;

const discordCdnHosts = ['cdn.discordapp.com', 'media.discordapp.net'];

/**
 * Attachments are downloaded at once (CDN links are signed and expire) and only from Discord's CDN, or from the host
 * of `DISCORD_API_URL` when it is overridden (a proxy or a test fake) — that host adds to the CDN hosts. What one
 * message may carry is the core's decision, from Discord's limits, the catalogue's and the image pipeline's.
 */
export function createDiscordAttachments(options: {
  readonly downloader: ImageDownloader;
  readonly pipeline: ImagePipeline;
  readonly catalogue: ModelCatalogue;
  /** Where attachments may be downloaded from: {@link discordDownloadHosts}. */
  readonly hosts: readonly string[];
}): DiscordAttachments {
  const limits = attachmentLimits(
    options.catalogue,
    { maxFiles: discordFilesPerMessage },
    options.pipeline.maxInputBytes,
  );
  return {
    imageLinks: (text) => imageLinksIn(text, options.hosts),
    check(attachments) {
      const described = attachments.map((attachment) => ({
        name: attachment.name,
        bytes: attachment.size,
        mimeType: attachment.contentType ?? null,
      }));
      checkAttachments(limits, described);
    },
    async download(attachments, signal) {
      const images: InputImage[] = [];
      for (const attachment of attachments) {
        try {
          const fetched = await options.downloader.download(attachment.url, {
            maxBytes: limits.maxImageBytes,
            ...(signal ? { signal } : {}),
          });
          const info = await options.pipeline.inspect(fetched.bytes, attachment.name);
          images.push({ bytes: fetched.bytes, mimeType: info.mimeType, name: attachment.name });
        } catch (error) {
          if (!isDownloadError(error)) throw error;
          throw new UserFacingError(
            'attachment_unavailable',
            `I could not download ${attachment.name} from Discord; please attach it again.`,
            { cause: error },
          );
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
