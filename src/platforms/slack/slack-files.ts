import type { z } from 'zod';
import type { InputImage } from '../../core/imagine-request.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { createImageDownloader, type ImageDownloader } from '../../download/image-downloader.js';
import type { SlackContext } from './slack-context.js';
import { mayCarryToken } from './slack-file-hosts.js';
import { resolveFileStubs, type UnseenFile } from './slack-file-stubs.js';
import type { fileSchema } from './slack-message-event.js';

/** The fields of a message event's `files[]` entry this platform reads. */
export type SlackFileRef = z.infer<typeof fileSchema>;

export interface FetchedFiles {
  readonly images: InputImage[];
  /** Files shared with the message that this workspace cannot see (Slack Connect, plan limits): told, not fatal. */
  readonly unseen: readonly UnseenFile[];
}

export interface SlackFileFetcher {
  /** Downloads the images shared with a message, with the bot token; refuses anything else with a sentence. */
  fetch(files: readonly SlackFileRef[]): Promise<FetchedFiles>;
  close(): Promise<void>;
}

/**
 * `url_private` needs `Authorization: Bearer <bot token>` (files:read). The token is sent only to Slack's file
 * hosts over https, or to the exact origin of `SLACK_API_URL` (a proxy, or the tests' loopback fake); the
 * downloader drops it on any redirect that leaves that origin. A stub without URLs is read with `files.info` first.
 */
export function createSlackFileFetcher(
  context: Pick<SlackContext, 'config' | 'settings' | 'pipeline' | 'logger' | 'appClient'>,
  token: string,
): SlackFileFetcher {
  const { settings, config } = context;
  const apiOrigin = new URL(config.SLACK_API_URL);
  const downloader: ImageDownloader = createImageDownloader({
    allowPrivate: config.ALLOW_PRIVATE_DOWNLOADS,
    allowedHosts: [...settings.fileHosts, apiOrigin.hostname],
    maxBytes: settings.maxDownloadBytes,
    timeoutMs: settings.downloadTimeoutMs,
  });

  async function fetchOne(file: SlackFileRef): Promise<InputImage> {
    const name = file.name ?? 'the file';
    const raw = file.url_private_download ?? file.url_private;
    const url = raw && URL.canParse(raw) ? new URL(raw) : undefined;
    if (!url || !mayCarryToken(url, settings.fileHosts, apiOrigin)) {
      context.logger.warn(
        { platform: 'slack', code: 'attachment_host_refused', host: url?.host, file: file.id },
        'slack: file not on a Slack file host; not fetched',
      );
      throw new UserFacingError(
        'attachment_host_refused',
        `I can only read files shared in Slack itself; ${name} is hosted elsewhere.`,
      );
    }
    let bytes: Uint8Array;
    try {
      ({ bytes } = await downloader.download(url.href, { headers: { authorization: `Bearer ${token}` } }));
    } catch (error) {
      context.logger.warn(
        { platform: 'slack', code: 'attachment_unavailable', file: file.id, err: error },
        'slack: file download failed',
      );
      throw new UserFacingError(
        'attachment_unavailable',
        `I couldn't download ${name} from Slack. Share it again; if it keeps failing, the app may lack the files:read permission.`,
        { cause: error },
      );
    }
    const info = await context.pipeline.inspect(bytes, name);
    return { bytes, mimeType: info.mimeType, name };
  }

  return {
    async fetch(files) {
      if (files.length > settings.maxInputFiles) {
        throw new UserFacingError(
          'too_many_images',
          `Share at most ${settings.maxInputFiles} images with one message.`,
        );
      }
      const { visible, unseen } = await resolveFileStubs(context, files);
      const images = visible.filter((file) => file.mimetype?.startsWith('image/') ?? true);
      const others = visible.filter((file) => !images.includes(file));
      if (others.length > 0) {
        const names = others.map((file) => file.name ?? 'a file').join(', ');
        throw new UserFacingError('not_an_image', `I can only use images (PNG, JPEG, WebP, GIF); ${names} is not one.`);
      }
      return { images: await Promise.all(images.map(fetchOne)), unseen };
    },
    close: () => downloader.close(),
  };
}
