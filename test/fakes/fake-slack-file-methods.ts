import { type Args, fail, type MethodHelpers, type MethodResult, str } from './fake-slack-method-helpers.js';

/** `files.uploadV2`'s two Web API calls (`getUploadURLExternal`, `completeUploadExternal`), `files.info`, `files.delete`. */
export function createFileMethods(
  helpers: MethodHelpers & { violation(message: string): void },
): Record<string, (args: Args) => MethodResult> {
  const { workspace, bot, postable, checkThread, echoMessage } = helpers;
  return {
    'files.getUploadURLExternal'(args) {
      const filename = str(args['filename']);
      const length = Number(args['length']);
      if (!filename || !Number.isInteger(length) || length <= 0) {
        helpers.violation('files.getUploadURLExternal: filename and a positive integer length are required');
        return fail('invalid_arguments');
      }
      const file = workspace.addFile(new Uint8Array(0), { name: filename, user: bot });
      file.expectedLength = length;
      return { ok: true, upload_url: `${workspace.baseUrl()}/upload/${file.id}`, file_id: file.id };
    },

    'files.completeUploadExternal'(args) {
      let entries: unknown;
      try {
        entries = JSON.parse(String(args['files'] ?? ''));
      } catch {
        entries = undefined;
      }
      if (!Array.isArray(entries) || entries.length === 0) return fail('invalid_arguments');
      const files = entries.map((entry: { id?: unknown }) => workspace.files.get(String(entry?.id)));
      if (files.some((file) => !file || file.completed)) return fail('file_not_found');
      if (files.some((file) => file && file.bytes.byteLength === 0)) {
        helpers.violation('files.completeUploadExternal: a file was completed before its bytes were uploaded');
        return fail('file_upload_incomplete');
      }
      const channel = str(args['channel_id']);
      const threadTs = str(args['thread_ts']);
      if (threadTs && !channel) return fail('invalid_arguments');
      if (channel) {
        const refused = postable(channel) ?? checkThread(channel, threadTs);
        if (refused) return refused;
      }
      const shared = files.filter((file) => file !== undefined);
      for (const file of shared) {
        file.completed = true;
        if (channel) file.channel = channel;
        if (threadTs) file.threadTs = threadTs;
      }
      if (channel) {
        const message = workspace.addMessage({
          channel,
          ...(threadTs ? { threadTs } : {}),
          user: bot,
          text: str(args['initial_comment']) ?? '',
          fromBot: true,
          files: shared.map((file) => file.id),
        });
        echoMessage(message, { subtype: 'file_share', files: shared.map((file) => workspace.fileObject(file)) });
      }
      return {
        ok: true,
        files: shared.map((file) => ({ ...workspace.fileObject(file), title: file.title ?? file.name })),
      };
    },

    /**
     * The whole file, as `files.info` gives it to a workspace that may see it. Another organisation's file it may
     * not see is `file_not_found`; a file over a free plan's limit comes back as a stub without URLs.
     */
    'files.info'(args) {
      const file = workspace.files.get(str(args['file']) ?? '');
      if (!file || file.deleted || file.access === 'none') return fail('file_not_found');
      if (file.access === 'hidden_by_limit') {
        const truncated = { id: file.id, name: file.name, created: 0, timestamp: 0, user: file.user };
        return { ok: true, file: { ...truncated, mode: 'hidden_by_limit' } };
      }
      return { ok: true, file: { ...workspace.fileObject(file), mode: 'hosted', file_access: 'visible' } };
    },

    'files.delete'(args) {
      const file = workspace.files.get(str(args['file']) ?? '');
      if (!file || file.deleted) return fail('file_not_found');
      if (file.user !== bot) return fail('cant_delete_file');
      file.deleted = true;
      return { ok: true };
    },
  };
}
