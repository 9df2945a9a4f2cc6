import type { FakeMessage } from './fake-discord-records.js';

/** A file a member attached (a message, an interaction option): served by the fake CDN. */
export interface FakeFileInput {
  readonly bytes: Uint8Array;
  readonly filename: string;
  /** Sniffed from the bytes for PNG/JPEG/GIF/WebP when omitted. */
  readonly contentType?: string;
}

/** A raw application command option, as Discord sends it. */
export interface FakeCommandOption {
  readonly name: string;
  /** 3 string, 4 integer, 5 boolean, 10 number, 11 attachment, 1 subcommand… */
  readonly type: number;
  readonly value?: string | number | boolean;
  readonly focused?: boolean;
  readonly options?: readonly FakeCommandOption[];
}

export interface FakeInteractionInput {
  /** 2 application command (default), 3 message component, 4 autocomplete, 5 modal submit. */
  readonly type?: 2 | 3 | 4 | 5;
  /** Command name for types 2 and 4 (`imagine`). */
  readonly name?: string;
  /** 1 chat input (default), 2 user context menu, 3 message context menu. */
  readonly commandType?: 1 | 2 | 3;
  /** Context menus: the target message's id (resolved from the fake's store) or user id. */
  readonly targetId?: string;
  /** By name (string → 3, integer → 4, other number → 10, boolean → 5), or raw options. */
  readonly options?: Readonly<Record<string, string | number | boolean>> | readonly FakeCommandOption[];
  /** Autocomplete: the option being typed (gets `focused: true`). */
  readonly focused?: string;
  /** Attachment options by option name: a type 11 option plus `data.resolved.attachments`, served by the CDN. */
  readonly attachments?: Readonly<Record<string, FakeFileInput>>;
  /** Components and modal submits. */
  readonly customId?: string;
  /** 2 button (default), 3 string select (default when `values` is given). */
  readonly componentType?: number;
  readonly values?: readonly string[];
  /** Modal submit text inputs by custom id (sent as action rows of text inputs). */
  readonly fields?: Readonly<Record<string, string>>;
  /** Raw modal submit components; overrides `fields`. */
  readonly components?: readonly unknown[];
  /** Components (and modals opened from one): the message, by id from the fake's store, or as an object. */
  readonly message?: string | FakeMessage;
  readonly userId?: string;
  readonly username?: string;
  /** The member's permissions in the channel (`fakeMemberPermissions`). */
  readonly memberPermissions?: string | bigint;
  /** The bot's permissions in the channel (`fakeBotPermissions`). */
  readonly appPermissions?: string | bigint;
  /** Default: the message's channel for components, else the first guild's first text channel. */
  readonly channelId?: string;
  readonly guildId?: string;
  /**
   * Through the member's user install in a DM with someone else (context 2): no guild, no `member`, owners
   * `{ "1": userId }`; the bot is not in the DM (its REST routes for that channel answer Missing Access).
   */
  readonly userInstallDm?: boolean;
  /** Per-file upload cap for this interaction's responses (the guild's, 10 MiB). */
  readonly attachmentSizeLimit?: number;
  readonly locale?: string;
}

/** What `interaction()` dispatched; `dispatchedAt` is `performance.now()`, the clock of `requests[].receivedAt`. */
export interface FakeDispatchedInteraction {
  readonly id: string;
  readonly token: string;
  readonly dispatchedAt: number;
  /** The INTERACTION_CREATE `d`. */
  readonly payload: Record<string, unknown>;
}

export interface FakeMessageInput {
  /** Default: the first guild's first text channel. A thread id works (archived threads are unarchived first). */
  readonly channelId?: string;
  readonly content?: string;
  /** The default member unless given (with `bot: true`: another bot, never threadpaint itself). */
  readonly authorId?: string;
  /** Used the first time the fake meets this author. */
  readonly username?: string;
  readonly bot?: boolean;
  readonly attachments?: readonly FakeFileInput[];
  /** Adds the bot to `mentions` and prefixes `<@bot>` to the content if it is not there. */
  readonly mentionsBot?: boolean;
  /** Makes it a reply (type 19) to that message. */
  readonly referencedMessageId?: string;
  /** The author's roles in the guild from now on, by name (seeded roles); the gateway's `member` carries them. */
  readonly roles?: readonly string[];
}

export interface FakeThreadPatch {
  readonly threadId: string;
  readonly archived?: boolean;
  readonly locked?: boolean;
  readonly name?: string;
  readonly autoArchiveDuration?: number;
}

/** Which requests a fault applies to; `path` is below `/api/v10`, decoded (`/webhooks/1/t/messages/@original`). */
export interface FakeRequestMatcher {
  /** Any method unless given. */
  readonly method?: string;
  /** A string must equal the path; a RegExp is tested against it. */
  readonly path: string | RegExp;
  /** How many matching requests the fault takes (1). */
  readonly times?: number;
}

export interface FakeRateLimit extends FakeRequestMatcher {
  /** Seconds, decimals allowed (0.5). */
  readonly retryAfter?: number;
  readonly global?: boolean;
}

export interface FakeFailure extends FakeRequestMatcher {
  readonly status: number;
  /** Sent as JSON (`{"code":0,"message":"fake failure"}`). */
  readonly body?: unknown;
}

export interface FakeWaitForReadyOptions {
  /** How many IDENTIFYs must have completed since the fake started (1); 2 waits for a restarted client. */
  readonly sessions?: number;
  readonly timeoutMs?: number;
}

export interface FakeReactionInput {
  readonly messageId: string;
  /** A unicode emoji (`🔁`). */
  readonly emoji: string;
  /** The default member unless given. */
  readonly userId?: string;
  readonly username?: string;
  /** Role ids the member holds (seed roles with `id` to give them permissions). */
  readonly roles?: readonly string[];
}
