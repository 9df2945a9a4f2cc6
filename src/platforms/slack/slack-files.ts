import { z } from 'zod';
import type { InputImage } from '../../core/imagine-request.js';
import { type AttachmentLimits, checkAttachments } from '../../core/platform/attachment-limits.js';
import type { FileReference } from '../../core/records.js';
import { UserFacingError } from '../../core/user-facing-error.js';
import { createImageDownloader } from '../../download/image-downloader.js';
import type { ImagePipeline } from '../../images/image-pipeline.js';
import type { SharedFiles, SlackOutbound } from './slack-context.js';
import { mayCarryToken } from './slack-file-hosts.js';
import { resolveFileStubs } from './slack-file-stubs.js';

/** A recorded file: what `fetchFiles` needs to download it with the bot token, and its name for messages. */
const referenceSchema = z.object({ id: z.string(), name: z.string(), url: z.string() });

export function createSharedFiles(
  context: Pick<SlackOutbound, 'clients' | 'logger' | 'settings'>,
  options: { readonly apiUrl: string; readonly limits: AttachmentLimits },
): SharedFiles {
  const apiOrigin = new URL(options.apiUrl);
  return {
    async read(files) {
      checkAttachments(
        options.limits,
        files.map(() => ({})),
        'I take',
      );
      const { visible, unseen } = await resolveFileStubs(context, files);
      checkAttachments(
        options.limits,
        visible.map((file) => ({ name: file.name ?? 'the file', bytes: file.size, mimeType: file.mimetype ?? null })),
      );
      const references = visible.map((file) => {
        const name = file.name ?? 'the file';
        const raw = file.url_private_download ?? file.url_private;
        const url = raw && URL.canParse(raw) ? new URL(raw) : undefined;
        if (!url || !mayCarryToken(url, context.settings.fileHosts, apiOrigin)) {
          context.logger.warn(
            { platform: 'slack', code: 'attachment_host_refused', host: url?.host, file: file.id },
            'slack: file not on a Slack file host; not fetched',
          );
          throw new UserFacingError(
            'attachment_host_refused',
            `I can only read files shared in Slack itself; ${name} is hosted elsewhere.`,
          );
        }
        return { id: file.id ?? '', name, url: url.href };
      });
      return { references, unseen };
    },
  };
}

export interface FileFetcher {
  fetch(files: readonly FileReference[], signal: AbortSignal): Promise<InputImage[]>;
  close(): Promise<void>;
}

/**
 * Downloads recorded files when their job starts: `url_private` needs `Authorization: Bearer <bot token>`
 * (files:read). The token goes only to Slack's file hosts over https, or to the exact origin of `SLACK_API_URL` (a
 * proxy, or the tests' loopback fake), checked when the file was shared; the downloader drops it on any redirect
 * that leaves that origin.
 */
export function createFileFetcher(options: {
  readonly token: string;
  readonly allowPrivate: boolean;
  readonly apiUrl: string;
  readonly fileHosts: readonly string[];
  readonly timeoutMs: number;
  readonly limits: AttachmentLimits;
  readonly pipeline: ImagePipeline;
  readonly logger: SlackOutbound['logger'];
}): FileFetcher {
  const downloader = createImageDownloader({
    allowPrivate: options.allowPrivate,
    allowedHosts: [...options.fileHosts, new URL(options.apiUrl).hostname],
    maxBytes: options.limits.maxImageBytes,
    timeoutMs: options.timeoutMs,
  });

  async function fetchOne(reference: FileReference, signal: AbortSignal): Promise<InputImage> {
    const file = referenceSchema.parse(reference);
    let bytes: Uint8Array;
    try {
      ({ bytes } = await downloader.download(file.url, {
        headers: { authorization: `Bearer ${options.token}` },
        signal,
      }));
    } catch (error) {
      if (signal.aborted) throw error;
      options.logger.warn(
        { platform: 'slack', code: 'attachment_unavailable', file: file.id, err: error },
        'slack: file download failed',
      );
      throw new UserFacingError(
        'attachment_unavailable',
        `I couldn't download ${file.name} from Slack. Share it again; if it keeps failing, the app may lack the files:read permission.`,
        { cause: error },
      );
    }
    const info = await options.pipeline.inspect(bytes, file.name);
    return { bytes, mimeType: info.mimeType, name: file.name };
  }

  return {
    async fetch(files, signal) {
      const images: InputImage[] = [];
      for (const file of files) images.push(await fetchOne(file, signal));
      return images;
    },
    close: () => downloader.close(),
  };
}
