import type { FakeGatewayDispatch } from './fake-discord-gateway.js';
import type {
  FakeDispatchedInteraction,
  FakeFailure,
  FakeInteractionInput,
  FakeMessageInput,
  FakeRateLimit,
  FakeReactionInput,
  FakeThreadPatch,
  FakeWaitForReadyOptions,
} from './fake-discord-inputs.js';
import type {
  FakeChannel,
  FakeCommand,
  FakeDiscordRequest,
  FakeDiscordViolation,
  FakeIdentify,
  FakeInteractionRecord,
  FakeMessage,
} from './fake-discord-records.js';

/** A text, announcement, forum or category channel to seed. `parentId` is a category's id or name. */
export interface FakeChannelSeed {
  readonly id?: string;
  /** 0 text (default), 2 voice, 4 category, 5 announcement, 15 forum. */
  readonly type?: number;
  readonly name: string;
  readonly parentId?: string;
}

/** A thread that exists before the bot connects; active ones arrive in GUILD_CREATE.threads. */
export interface FakeThreadSeed {
  readonly id?: string;
  /** The parent channel's id or name. */
  readonly parentId: string;
  readonly name: string;
  /** 11 public (default), 12 private, 10 announcement thread. */
  readonly type?: number;
  readonly archived?: boolean;
  readonly locked?: boolean;
  /** The bot by default. */
  readonly ownerId?: string;
  readonly autoArchiveDuration?: 60 | 1440 | 4320 | 10080;
}

export interface FakeRoleSeed {
  readonly id?: string;
  readonly name: string;
  readonly permissions: string | bigint;
}

export interface FakeGuildSeed {
  readonly id?: string;
  readonly name?: string;
  /** Someone other than the bot and the default member unless given. */
  readonly ownerId?: string;
  /** Default: `general` (0), `announcements` (5), `gallery` (15 forum). */
  readonly channels?: readonly FakeChannelSeed[];
  readonly threads?: readonly FakeThreadSeed[];
  /** Extra roles; `@everyone` (id = guild id) and the bot's managed role are always there. */
  readonly roles?: readonly FakeRoleSeed[];
  /** The @everyone role's permissions (`fakeMemberPermissions`). */
  readonly everyonePermissions?: string | bigint;
  /** Per-file upload cap for bot-token messages in this guild, bytes (10 MiB). */
  readonly attachmentSizeLimit?: number;
}

export interface FakeDiscordOptions {
  /** IDENTIFY and `Authorization: Bot <token>` must carry it (`fake-bot-token`). */
  readonly botToken?: string;
  readonly applicationId?: string;
  readonly botUserId?: string;
  readonly botUsername?: string;
  /** The member that `interaction()` and `messageCreate()` act as unless told otherwise. */
  readonly userId?: string;
  /** One guild with `general`, `announcements` and a forum `gallery` unless given. */
  readonly guilds?: readonly FakeGuildSeed[];
  /**
   * The privileged intents the developer portal grants (all unless given). IDENTIFY asking for a privileged intent
   * (GuildMembers 1<<1, GuildPresences 1<<8, MessageContent 1<<15) outside this mask is closed with 4014.
   */
  readonly allowedIntents?: number;
  /** Validate request bodies against the official OpenAPI spec; violations get 400/50035 (true). */
  readonly validate?: boolean;
  /** The spec file (`test/fixtures/specs/discord-openapi.json`, vendored); a missing file is an error. */
  readonly specPath?: string;
  /** A callback later than this after dispatch gets 404/10062, in ms of real time (3000). */
  readonly interactionResponseDeadlineMs?: number;
  /** Webhook calls with an interaction token older than this (by `now`) get 401/50027 (15 min). */
  readonly tokenLifetimeMs?: number;
  /** Wall clock for token lifetime, nonce windows, timestamps and snowflakes (`Date.now`). */
  readonly now?: () => number;
  /** Send the bot's own REST actions back over the gateway (MESSAGE_*, THREAD_*), as Discord does (true). */
  readonly echoBotActions?: boolean;
  /**
   * The shard count GET /gateway/bot recommends (1). Each session gets the guilds of its IDENTIFY's `shard`
   * (`(guild_id >> 22) % num_shards`), in READY, GUILD_CREATE and every later dispatch.
   */
  readonly shards?: number;
  /** A session IDENTIFYing with fewer shards than this is closed with 4011, Sharding required (1). */
  readonly requiredShards?: number;
  /** `session_start_limit.max_concurrency`: shards that may IDENTIFY at once (1; discord.js waits 5 s per bucket). */
  readonly maxConcurrency?: number;
}

/** The fake: URLs, recorders, state, event helpers and fault injection. */
export interface FakeDiscord {
  /** `http://127.0.0.1:P` — the CDN lives under `/cdn`. */
  readonly url: string;
  /** `http://127.0.0.1:P/api`: give it to `new Client({ rest: { api } })` / `DISCORD_API_URL`. */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:P`, what GET /gateway/bot returns. */
  readonly gatewayUrl: string;
  readonly botToken: string;
  readonly applicationId: string;
  readonly botUserId: string;
  /** The default member. */
  readonly userId: string;
  /** The first guild and its first text channel. */
  readonly guildId: string;
  readonly channelId: string;
  /** A seeded channel's id by name (`general`, `announcements`, `gallery` by default); throws if unknown. */
  channel(name: string, guildId?: string): string;

  readonly requests: readonly FakeDiscordRequest[];
  /** Requests no route served (answered 404/0): assert it stays empty. */
  readonly unhandled: readonly FakeDiscordRequest[];
  /** Bodies Discord would reject: spec failures and limits (content, files, sizes, components, names). */
  readonly violations: readonly FakeDiscordViolation[];
  /** Gateway protocol problems and fatal closes (compression asked for, bad token, disallowed intents…). */
  readonly gatewayErrors: readonly string[];
  readonly identifies: readonly FakeIdentify[];
  /** Every dispatch sent, with its guild and the shard of the session that got it. */
  readonly dispatches: readonly FakeGatewayDispatch[];
  /** The shard a guild's events go to, out of `shardCount`. */
  shardOf(guildId: string, shardCount: number): number;
  /** Completed IDENTIFY → READY → GUILD_CREATE sequences. */
  readonly readyCount: number;

  /** Messages by channel (threads included), oldest first; ephemeral ones too (flags & 64), which REST never shows. */
  readonly messages: ReadonlyMap<string, readonly FakeMessage[]>;
  readonly threads: ReadonlyMap<string, FakeChannel>;
  readonly commands: {
    readonly global: readonly FakeCommand[];
    readonly guilds: ReadonlyMap<string, readonly FakeCommand[]>;
  };
  readonly interactions: ReadonlyMap<string, FakeInteractionRecord>;
  /** A stored message by id, in any channel. */
  message(id: string): FakeMessage | undefined;
  messagesIn(channelId: string): readonly FakeMessage[];

  /** Resolves with the first request (already recorded, or next) that matches, once it has been answered. */
  waitFor(predicate: (request: FakeDiscordRequest) => boolean, timeoutMs?: number): Promise<FakeDiscordRequest>;
  /** Resolves when a gateway client is connected and ready (and `sessions` IDENTIFYs have completed). */
  waitForReady(options?: FakeWaitForReadyOptions): Promise<void>;

  /** Sends a dispatch to every ready gateway client; throws if there is none. */
  dispatch(t: string, d: unknown): void;
  /** Closes every gateway connection (4000 by default: discord.js resumes; 4004/4014: fatal). */
  closeGateway(code?: number, reason?: string): void;
  /**
   * The network drops one shard: its connections close (4000 by default) and its RESUME / IDENTIFY stay unanswered
   * until `restoreShard`; the other shards keep going.
   */
  dropShard(shard: number, code?: number): void;
  restoreShard(shard: number): void;
  interaction(input?: FakeInteractionInput): FakeDispatchedInteraction;
  messageCreate(input: FakeMessageInput): FakeMessage;
  /** Removes a message and dispatches MESSAGE_DELETE. */
  messageDelete(messageId: string): void;
  /** A member reacts to a message: MESSAGE_REACTION_ADD (with `member`, as in a guild), for GuildMessageReactions. */
  reactionAdd(input: FakeReactionInput): void;
  threadUpdate(patch: FakeThreadPatch): FakeChannel;
  /** A moderator deletes a thread: it is gone (REST answers 10003) and THREAD_DELETE is dispatched. */
  threadDelete(threadId: string): void;
  /** A fresh id, made the way Discord makes one now (for captured payloads a test replays). */
  snowflake(): string;
  /** A captured MESSAGE_CREATE `d`, sent as given (plus the gateway's `guild_id`/`member`) and stored. */
  replayMessage(payload: Record<string, unknown>): FakeMessage;
  /** A captured INTERACTION_CREATE `d`, sent exactly as given; its callback is answered like any interaction's. */
  replayInteraction(payload: Record<string, unknown>): FakeInteractionRecord;
  /** Makes the interaction's token and callback window expire now (10062 on callback, 50027 on webhooks). */
  expireInteraction(idOrToken: string): void;
  /** Stores bytes on the fake CDN and returns their signed-looking URL. */
  cdnFile(bytes: Uint8Array, filename: string, contentType?: string): string;
  /** The bytes behind a fake CDN URL (members' files and the bot's uploads alike). */
  cdnBytes(url: string): Uint8Array | undefined;

  /** Compiles the spec schemas of every served operation now (once per process, ~0.5 s); returns the ms spent. */
  prepareSpec(): number;
  rateLimitNext(rule: FakeRateLimit): void;
  failNext(rule: FakeFailure): void;
  /** Forgets recorded requests, violations, unhandled requests and gateway errors (state stays). */
  clearRecords(): void;
  close(): Promise<void>;
}
