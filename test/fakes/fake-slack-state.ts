import type {
  FakeSlackChannel,
  FakeSlackEphemeral,
  FakeSlackFile,
  FakeSlackFileObject,
  FakeSlackMessage,
  FakeSlackResponse,
  FakeSlackUser,
  FakeSlackView,
} from './fake-slack-types.js';

export const defaultChannels: readonly FakeSlackChannel[] = [
  { id: 'C1', name: 'general', members: ['U1', 'U2', 'UADMIN'] },
  { id: 'G1', name: 'secret', isPrivate: true, members: ['U1'] },
  { id: 'D1', name: 'dm-u1', isIm: true, members: ['U1'] },
];

export const defaultUsers: readonly FakeSlackUser[] = [
  { id: 'U1', name: 'ada' },
  { id: 'U2', name: 'grace' },
  { id: 'UADMIN', name: 'boss', isAdmin: true },
];

export interface ChannelState extends FakeSlackChannel {
  readonly memberSet: Set<string>;
}

/** Everything the fake workspace holds: channels with members, messages, files, issued triggers and response URLs. */
export class SlackWorkspace {
  readonly channels = new Map<string, ChannelState>();
  readonly users = new Map<string, FakeSlackUser>();
  readonly messages: FakeSlackMessage[] = [];
  readonly files = new Map<string, FakeSlackFile>();
  readonly ephemerals: FakeSlackEphemeral[] = [];
  readonly responses: FakeSlackResponse[] = [];
  readonly views: FakeSlackView[] = [];
  /** Each member's published Home tab (`views.publish`), the latest. */
  readonly homeViews = new Map<string, Record<string, unknown>>();
  readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  readonly responseUses = new Map<number, number>();
  private tsCounter = 100;
  private idCounter = 0;

  constructor(
    readonly baseUrl: () => string,
    readonly teamId: string,
    readonly botUserId: string,
    channels: readonly FakeSlackChannel[],
    users: readonly FakeSlackUser[],
  ) {
    for (const channel of channels) {
      const memberSet = new Set(channel.members ?? []);
      if (channel.isIm) memberSet.add(botUserId);
      this.channels.set(channel.id, { ...channel, memberSet });
    }
    for (const user of users) this.users.set(user.id, user);
  }

  addChannel(channel: FakeSlackChannel): ChannelState {
    const memberSet = new Set(channel.members ?? []);
    if (channel.isIm) memberSet.add(this.botUserId);
    const state = { ...channel, memberSet };
    this.channels.set(channel.id, state);
    return state;
  }

  nextTs(): string {
    this.tsCounter += 1;
    return `${1_700_000_000 + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}${String(this.idCounter).padStart(6, '0')}`;
  }

  isMember(channel: string, user: string): boolean {
    return this.channels.get(channel)?.memberSet.has(user) ?? false;
  }

  message(channel: string, ts: string): FakeSlackMessage | undefined {
    return this.messages.find((message) => message.channel === channel && message.ts === ts);
  }

  addMessage(message: Omit<FakeSlackMessage, 'deleted' | 'ts'> & { ts?: string }): FakeSlackMessage {
    const stored: FakeSlackMessage = { ...message, ts: message.ts ?? this.nextTs(), deleted: false };
    this.messages.push(stored);
    return stored;
  }

  addFile(
    bytes: Uint8Array,
    options: { name?: string; mimetype?: string; user: string; title?: string },
  ): FakeSlackFile {
    const id = this.nextId('F');
    const name = options.name ?? 'image.png';
    const file: FakeSlackFile = {
      id,
      name,
      mimetype: options.mimetype ?? 'image/png',
      bytes,
      user: options.user,
      ...(options.title !== undefined ? { title: options.title } : {}),
      completed: false,
      deleted: false,
      url_private: `${this.baseUrl()}/files-pri/${this.teamId}-${id}/${encodeURIComponent(name)}`,
      url_private_download: `${this.baseUrl()}/files-pri/${this.teamId}-${id}/download/${encodeURIComponent(name)}`,
    };
    this.files.set(id, file);
    return file;
  }

  fileObject(file: FakeSlackFile): FakeSlackFileObject {
    return {
      id: file.id,
      name: file.name,
      title: file.title ?? file.name,
      mimetype: file.mimetype,
      filetype: file.name.split('.').pop() ?? 'png',
      size: file.bytes.byteLength,
      url_private: file.url_private,
      url_private_download: file.url_private_download,
    };
  }

  channelObject(channel: ChannelState) {
    return {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate && !channel.isIm,
      is_group: channel.isPrivate === true,
      is_im: channel.isIm === true,
      is_mpim: false,
      is_private: channel.isPrivate === true || channel.isIm === true,
      is_archived: false,
      is_member: channel.memberSet.has(this.botUserId),
    };
  }

  issueTrigger(): string {
    const id = `${this.nextId('')}.trigger`;
    this.triggers.set(id, { issuedAt: performance.now(), used: false });
    return id;
  }

  issueResponseUrl(): string {
    const id = Number(this.nextId(''));
    this.responseUses.set(id, 0);
    return `${this.baseUrl()}/respond/${id}`;
  }
}
