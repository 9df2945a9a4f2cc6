import type { SqlDialect } from './sql-statement.js';

/** One schema step, the same version on both engines. Append; never edit a released step. */
export interface SchemaStep {
  readonly version: number;
  readonly name: string;
  /** The DDL for one engine (one text, rendered with that engine's types). */
  readonly ddl: (dialect: SqlDialect) => string;
}

/*
 * Where the engines differ, a word stands in: epoch milliseconds need BIGINT on PostgreSQL; cost units are REAL on
 * SQLite and DOUBLE PRECISION (not PostgreSQL's 4-byte REAL) there; keyed tables are WITHOUT ROWID on SQLite; and
 * the tables read in insertion order get a `rowid` column on PostgreSQL to stand for SQLite's own, so the same
 * `ORDER BY created_at, rowid` runs on both. SQLite's rendering of step 1 is the text released before PostgreSQL.
 */
const words = {
  sqlite: { ms: 'INTEGER', units: 'REAL', withoutRowid: ' WITHOUT ROWID', rowid: '' },
  postgres: {
    ms: 'BIGINT',
    units: 'DOUBLE PRECISION',
    withoutRowid: '',
    rowid: '  rowid BIGINT GENERATED ALWAYS AS IDENTITY,\n',
  },
} as const satisfies Record<SqlDialect, Record<string, string>>;

/*
 * Times are epoch milliseconds; JSON columns hold JSON.stringify output. `image_refs` indexes every blob hash a
 * turn (inputs, outputs) or one of its jobs (attachments) refers to, so retention finds orphaned blobs without
 * reading every turn.
 */
function initial(dialect: SqlDialect): string {
  const { ms, units, withoutRowid, rowid } = words[dialect];
  return `
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  thread_id TEXT,
  root_message_id TEXT,
  owner_id TEXT NOT NULL,
  model TEXT NOT NULL,
  created_at ${ms} NOT NULL,
  updated_at ${ms} NOT NULL
);
CREATE INDEX conversations_by_thread ON conversations (platform, workspace_id, channel_id, thread_id)
  WHERE thread_id IS NOT NULL;
CREATE INDEX conversations_by_root ON conversations (platform, workspace_id, channel_id, root_message_id)
  WHERE root_message_id IS NOT NULL;
CREATE INDEX conversations_by_updated ON conversations (updated_at);

CREATE TABLE turns (
${rowid}  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  parent_turn_id TEXT REFERENCES turns (id) ON DELETE SET NULL,
  author_id TEXT NOT NULL,
  action TEXT NOT NULL,
  instruction TEXT NOT NULL,
  parameters TEXT,
  input_images TEXT NOT NULL,
  output_images TEXT NOT NULL,
  output_count INTEGER NOT NULL,
  job_id TEXT NOT NULL,
  upstream_request_ids TEXT NOT NULL,
  provider_state TEXT,
  notices TEXT NOT NULL,
  created_at ${ms} NOT NULL
);
CREATE INDEX turns_by_conversation ON turns (conversation_id, created_at);
CREATE INDEX turns_by_parent ON turns (parent_turn_id) WHERE parent_turn_id IS NOT NULL;

CREATE TABLE image_refs (
  turn_id TEXT NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('input', 'output', 'attachment')),
  hash TEXT NOT NULL,
  PRIMARY KEY (turn_id, role, hash)
)${withoutRowid};
CREATE INDEX image_refs_by_hash ON image_refs (hash);

CREATE TABLE jobs (
${rowid}  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  turn_id TEXT NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
  platform TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  action TEXT NOT NULL,
  state TEXT NOT NULL,
  input TEXT NOT NULL,
  delivery TEXT NOT NULL,
  idempotency_key TEXT,
  cost_units ${units} NOT NULL,
  error TEXT,
  created_at ${ms} NOT NULL,
  started_at ${ms},
  finished_at ${ms},
  updated_at ${ms} NOT NULL
);
CREATE INDEX jobs_by_state ON jobs (state, created_at);
CREATE INDEX jobs_by_conversation ON jobs (conversation_id, created_at);
CREATE INDEX jobs_by_turn ON jobs (turn_id, member_id, action);

CREATE TABLE idempotency_keys (
  key TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  created_at ${ms} NOT NULL
)${withoutRowid};
CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);

CREATE TABLE message_links (
  platform TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  turn_id TEXT NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
  output_index INTEGER,
  created_at ${ms} NOT NULL,
  PRIMARY KEY (platform, channel_id, message_id)
)${withoutRowid};
CREATE INDEX message_links_by_turn ON message_links (turn_id);
CREATE INDEX message_links_by_conversation ON message_links (conversation_id);

CREATE TABLE member_settings (
  platform TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  settings TEXT NOT NULL,
  updated_at ${ms} NOT NULL,
  PRIMARY KEY (platform, workspace_id, member_id)
)${withoutRowid};

CREATE TABLE server_settings (
  platform TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  settings TEXT NOT NULL,
  updated_at ${ms} NOT NULL,
  PRIMARY KEY (platform, workspace_id)
)${withoutRowid};

CREATE TABLE usage (
${rowid}  id TEXT PRIMARY KEY,
  at ${ms} NOT NULL,
  platform TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  model TEXT NOT NULL,
  tier TEXT NOT NULL,
  count INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  cost_units ${units} NOT NULL,
  job_id TEXT NOT NULL
);
CREATE INDEX usage_by_member ON usage (platform, workspace_id, member_id, at);
CREATE INDEX usage_by_workspace ON usage (platform, workspace_id, at);
`;
}

/** Images in the database, content-addressed (PostgreSQL only: SQLite keeps them as files beside the database). */
function imageBlobs(dialect: SqlDialect): string {
  if (dialect === 'sqlite') return '';
  return `
CREATE TABLE image_blobs (
  hash TEXT PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
  bytes BYTEA NOT NULL,
  stored_at BIGINT NOT NULL
);
CREATE INDEX image_blobs_by_stored ON image_blobs (stored_at);
`;
}

/** The operator console lists jobs of every state newest first: without this it reads the whole table. */
function jobsByCreated(dialect: SqlDialect): string {
  // The same order as the console's `ORDER BY created_at DESC, rowid DESC`: SQLite's index entries end in the rowid.
  const columns = dialect === 'postgres' ? 'created_at, rowid' : 'created_at';
  return `
CREATE INDEX jobs_by_created ON jobs (${columns});
`;
}

/** The schema of both stores, oldest first. */
export const storeSchema: readonly SchemaStep[] = [
  { version: 1, name: 'initial schema', ddl: initial },
  { version: 2, name: 'image blobs', ddl: imageBlobs },
  { version: 3, name: 'jobs by creation time', ddl: jobsByCreated },
];
