// Versioned schema migrations, applied in order, each in its own transaction, recorded in schema_migrations.
// Never edit a shipped migration: add a new one at the end.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        company_values TEXT NOT NULL DEFAULT '',
        demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE positions (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        competencies TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(competencies) AND json_type(competencies) = 'array'),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE candidates (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        name TEXT NOT NULL,
        email TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- calls: JSON array of {id, startedAt, offsetMs}, one per Realtime call of the interview (the call id from
      -- the Location header; offsetMs = when the call started, relative to start_time).
      CREATE TABLE interview_sessions (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        candidate_id TEXT NOT NULL REFERENCES candidates(id),
        position_id TEXT NOT NULL REFERENCES positions(id),
        status TEXT NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'completed', 'failed')),
        recording_consent INTEGER NOT NULL CHECK (recording_consent IN (0, 1)),
        start_time TEXT,
        end_time TEXT,
        status_history TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(status_history)),
        calls TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(calls)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        synced_at TEXT
      );
      CREATE INDEX interview_sessions_status ON interview_sessions(status);

      CREATE TABLE transcript_entries (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES interview_sessions(id),
        item_id TEXT NOT NULL,
        previous_item_id TEXT,
        seq INTEGER NOT NULL,
        speaker TEXT NOT NULL CHECK (speaker IN ('interviewer', 'candidate')),
        text TEXT NOT NULL DEFAULT '',
        start_ms INTEGER,
        status TEXT NOT NULL CHECK (status IN ('in_progress', 'final', 'failed')),
        confidence REAL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        synced_at TEXT,
        UNIQUE (session_id, item_id)
      );
      CREATE INDEX transcript_entries_session_seq ON transcript_entries(session_id, seq);

      CREATE TABLE recordings (
        session_id TEXT PRIMARY KEY REFERENCES interview_sessions(id),
        file_name TEXT NOT NULL,
        bytes INTEGER NOT NULL DEFAULT 0,
        chunks INTEGER NOT NULL DEFAULT 0,
        finalized INTEGER NOT NULL DEFAULT 0 CHECK (finalized IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
];
