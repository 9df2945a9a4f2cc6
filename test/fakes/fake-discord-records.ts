/** A file part of a multipart request (`files[n]`). */
export interface FakeUploadedFile {
  /** The form field, `files[0]`, `files[1]`… */
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** One HTTP request the fake received (REST and CDN). Times are `performance.now()`. */
export interface FakeDiscordRequest {
  readonly method: string;
  /** Decoded path below `/api/v10` (`/webhooks/A/T/messages/@original`); CDN downloads keep `/cdn/…`. */
  readonly path: string;
  /** The request target as sent (`/api/v10/webhooks/A/T/messages/%40original?…`). */
  readonly rawUrl: string;
  readonly query: Readonly<Record<string, string>>;
  /** The Authorization header. */
  readonly auth: string | undefined;
  readonly contentType: string | undefined;
  /** A JSON body. */
  readonly json?: unknown;
  /** A multipart body: the parsed `payload_json` and the file parts. */
  readonly multipart?: { readonly payload: unknown; readonly files: readonly FakeUploadedFile[] };
  /** `json`, or the multipart `payload`: the body whatever the encoding. */
  readonly body: unknown;
  /** The file parts (empty for JSON). */
  readonly files: readonly FakeUploadedFile[];
  readonly receivedAt: number;
  /** Set once answered (waitFor resolves after that). */
  status?: number;
  response?: unknown;
  answeredAt?: number;
}

/** A body Discord would reject. `source` says whether the OpenAPI spec or a hand-written limit caught it. */
export interface FakeDiscordViolation {
  readonly source: 'spec' | 'limit';
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: number;
  readonly message: string;
  readonly errors?: unknown;
  readonly body: unknown;
}

export interface FakeIdentify {
  readonly token: string;
  readonly intents: number;
  readonly properties: unknown;
  readonly shard: unknown;
  readonly compress: unknown;
}

export interface FakeUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  width?: number;
  height?: number;
  description?: string;
  ephemeral?: boolean;
}

export interface FakeThreadMetadata {
  archived: boolean;
  auto_archive_duration: number;
  archive_timestamp: string;
  locked: boolean;
  create_timestamp?: string;
  invitable?: boolean;
}

/** A guild channel or thread, in Discord's JSON shape. */
export interface FakeChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  parent_id: string | null;
  position?: number;
  permission_overwrites?: unknown[];
  nsfw?: boolean;
  topic?: string | null;
  last_message_id: string | null;
  rate_limit_per_user: number;
  flags: number;
  owner_id?: string;
  thread_metadata?: FakeThreadMetadata;
  message_count?: number;
  member_count?: number;
  total_message_sent?: number;
  [extra: string]: unknown;
}

/** A message in Discord's JSON shape (REST form: no `guild_id`/`member`; the gateway adds them). */
export interface FakeMessage {
  id: string;
  channel_id: string;
  type: number;
  content: string;
  author: FakeUser;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: FakeUser[];
  mention_roles: string[];
  attachments: FakeAttachment[];
  embeds: unknown[];
  components: unknown[];
  pinned: boolean;
  flags: number;
  nonce?: string | number;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: unknown;
  message_reference?: { type: number; message_id: string; channel_id: string; guild_id?: string };
  referenced_message?: FakeMessage | null;
  thread?: FakeChannel;
  [extra: string]: unknown;
}

export interface FakeCommand {
  id: string;
  application_id: string;
  version: string;
  type: number;
  name: string;
  description: string;
  guild_id?: string;
  [field: string]: unknown;
}

/** What the fake knows about an interaction it dispatched, and how the bot answered it. */
export interface FakeInteractionRecord {
  readonly id: string;
  readonly token: string;
  /** 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  readonly type: number;
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  /** `performance.now()` at dispatch. */
  readonly dispatchedAt: number;
  /** `now()` at dispatch: the token's birth. */
  issuedAt: number;
  readonly attachmentSizeLimit: number;
  readonly payload: Record<string, unknown>;
  /** The initial response (the callback), once received. */
  response?: { readonly type: number; readonly receivedAt: number; readonly body: unknown };
  /** The message `@original` refers to (the reply, the deferral, or the component's message). */
  originalMessageId?: string;
  /** Every message made or edited through this interaction's webhook. */
  readonly messageIds: Set<string>;
  /** Set by `expireInteraction`. */
  expired: boolean;
}
