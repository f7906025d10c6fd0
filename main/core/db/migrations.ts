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
  {
    // The sync engine's queue (main/core/sync). Triggers put every committed change of a row that must reach the
    // backend into sync_outbox in the same transaction as the write, so nothing committed can miss the queue, and
    // the queue survives restarts. One outbox row per (kind, row): repeated updates coalesce (version + 1) and the
    // engine always sends the row's current state; it deletes the outbox row only if the version it sent is still
    // the latest. Rows of the built-in demo tenant never reach a backend, so they are not queued.
    version: 2,
    name: 'sync outbox, invitations cache, sync state',
    sql: `
      -- recording_path: object name in the recordings bucket once uploaded. remote_at: first confirmed upload
      -- (the row exists on the server, so its entries and its invitation may follow).
      ALTER TABLE interview_sessions ADD COLUMN recording_path TEXT;
      ALTER TABLE interview_sessions ADD COLUMN remote_at TEXT;

      CREATE TABLE invitations (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('open', 'redeemed', 'completed', 'expired')),
        expires_at TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        position_id TEXT NOT NULL,
        redeemed_at TEXT,
        redeemed_by_device TEXT,
        session_id TEXT REFERENCES interview_sessions(id),
        created_at TEXT NOT NULL,
        -- The server's updated_at for pulled rows; the local write time for local changes.
        updated_at TEXT NOT NULL
      );
      CREATE INDEX invitations_session ON invitations(session_id);

      CREATE TABLE sync_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('session', 'entry', 'invitation_redeem', 'invitation', 'recording')),
        row_id TEXT NOT NULL,
        session_id TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        enqueued_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        error_code TEXT,
        -- Set when the server refused the row for good; a new local write of the row clears it.
        quarantined_at TEXT,
        UNIQUE (kind, row_id)
      );
      CREATE INDEX sync_outbox_pending ON sync_outbox(kind, quarantined_at, id);

      CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TRIGGER sync_session_insert AFTER INSERT ON interview_sessions
      WHEN (SELECT demo FROM tenants WHERE id = NEW.tenant_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('session', NEW.id, NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;

      CREATE TRIGGER sync_session_update
      AFTER UPDATE OF status, start_time, end_time, status_history, recording_consent, recording_path, calls ON interview_sessions
      WHEN (SELECT demo FROM tenants WHERE id = NEW.tenant_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('session', NEW.id, NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;

      CREATE TRIGGER sync_entry_insert AFTER INSERT ON transcript_entries
      WHEN (SELECT t.demo FROM interview_sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = NEW.session_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('entry', NEW.id, NEW.session_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;

      CREATE TRIGGER sync_entry_update
      AFTER UPDATE OF item_id, seq, speaker, text, start_ms, status, confidence ON transcript_entries
      WHEN (SELECT t.demo FROM interview_sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = NEW.session_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('entry', NEW.id, NEW.session_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;

      -- A finalized recording is uploaded once, after the interview.
      CREATE TRIGGER sync_recording_finalized AFTER UPDATE OF finalized ON recordings
      WHEN NEW.finalized = 1 AND OLD.finalized = 0
        AND (SELECT t.demo FROM interview_sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = NEW.session_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('recording', NEW.session_id, NEW.session_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;

      CREATE TRIGGER sync_recording_finalized_insert AFTER INSERT ON recordings
      WHEN NEW.finalized = 1
        AND (SELECT t.demo FROM interview_sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = NEW.session_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('recording', NEW.session_id, NEW.session_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;

      -- Completing an interview completes its invitation, in the same transaction, and queues that for the backend.
      CREATE TRIGGER sync_session_completes_invitation AFTER UPDATE OF status ON interview_sessions
      WHEN NEW.status = 'completed' AND OLD.status <> 'completed'
      BEGIN
        UPDATE invitations SET status = 'completed', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE session_id = NEW.id AND status = 'redeemed';
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        SELECT 'invitation', id, NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM invitations
          WHERE session_id = NEW.id AND status = 'completed'
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;
    `,
  },
  {
    // Evaluations (main/core/evaluation). A job per (session, rubric version) is queued in the transaction that
    // ends the interview and survives restarts; the evaluation it makes is unique per (session, rubric version),
    // so a job that runs twice (killed after the model answered) still leaves one. Overrides and a dismissal are
    // rows of their own beside the AI's evaluation, which is never updated.
    version: 3,
    name: 'evaluation jobs, evaluations, overrides, dismissals',
    sql: `
      CREATE TABLE evaluation_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES interview_sessions(id),
        rubric_version TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'retrying', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (session_id, rubric_version)
      );
      CREATE INDEX evaluation_jobs_due ON evaluation_jobs(state, next_attempt_at);

      CREATE TABLE evaluations (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES interview_sessions(id),
        rubric_version TEXT NOT NULL,
        rubric TEXT NOT NULL CHECK (json_valid(rubric)),
        model TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('assessed', 'insufficient_evidence')),
        session_reasons TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(session_reasons)),
        competencies TEXT NOT NULL CHECK (json_valid(competencies)),
        created_at TEXT NOT NULL,
        synced_at TEXT,
        UNIQUE (session_id, rubric_version)
      );

      CREATE TABLE evaluation_overrides (
        id TEXT PRIMARY KEY,
        evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
        session_id TEXT NOT NULL REFERENCES interview_sessions(id),
        competency TEXT NOT NULL,
        level INTEGER NOT NULL,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        created_at TEXT NOT NULL,
        synced_at TEXT
      );
      CREATE INDEX evaluation_overrides_session ON evaluation_overrides(session_id, created_at);

      CREATE TABLE session_dismissals (
        session_id TEXT PRIMARY KEY REFERENCES interview_sessions(id),
        id TEXT NOT NULL UNIQUE,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        created_at TEXT NOT NULL,
        synced_at TEXT
      );
      CREATE INDEX interview_sessions_created ON interview_sessions(created_at);
    `,
  },
  {
    // Evaluations reach the backend through the sync outbox: the kind list of sync_outbox grows by 'evaluation'
    // (SQLite cannot change a CHECK in place, so the table is rebuilt; legacy_alter_table keeps the triggers of
    // migration 2, which name sync_outbox, valid across the rename). An evaluation is written once, so its insert
    // is all that is queued; demo-tenant evaluations stay local like everything else of the demo tenant.
    version: 4,
    name: 'evaluations in the sync outbox',
    sql: `
      PRAGMA legacy_alter_table = ON;
      CREATE TABLE sync_outbox_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('session', 'entry', 'invitation_redeem', 'invitation', 'recording', 'evaluation')),
        row_id TEXT NOT NULL,
        session_id TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        enqueued_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        error_code TEXT,
        quarantined_at TEXT,
        UNIQUE (kind, row_id)
      );
      INSERT INTO sync_outbox_v4 (id, kind, row_id, session_id, version, enqueued_at, attempts, last_error, error_code, quarantined_at)
        SELECT id, kind, row_id, session_id, version, enqueued_at, attempts, last_error, error_code, quarantined_at FROM sync_outbox;
      DROP TABLE sync_outbox;
      ALTER TABLE sync_outbox_v4 RENAME TO sync_outbox;
      CREATE INDEX sync_outbox_pending ON sync_outbox(kind, quarantined_at, id);
      PRAGMA legacy_alter_table = OFF;

      CREATE TRIGGER sync_evaluation_insert AFTER INSERT ON evaluations
      WHEN (SELECT t.demo FROM interview_sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = NEW.session_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('evaluation', NEW.id, NEW.session_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;
    `,
  },
  {
    // Invitation codes are no longer kept in plain text (supabase/README.md "Invitations"): the column `token` now
    // holds HMAC-SHA-256(tenant key, code) as the server sends it (SQLite cannot drop the column's NOT NULL without
    // rebuilding the table, and the name is only a name). The typed code of an offline redemption is kept in
    // pending_code until the server confirms it. Cached open codes are dropped and pulled again as hashes; the
    // codes of rows already used are scrubbed.
    version: 5,
    name: 'invitation codes kept as keyed hashes',
    sql: `
      ALTER TABLE invitations ADD COLUMN pending_code TEXT;
      UPDATE invitations SET pending_code = token
        WHERE id IN (SELECT row_id FROM sync_outbox WHERE kind = 'invitation_redeem');
      DELETE FROM invitations WHERE status = 'open' AND session_id IS NULL;
      UPDATE invitations SET token = 'scrubbed:' || id;
      DELETE FROM sync_state WHERE key = 'pull:interview_invitations';
    `,
  },
  {
    // A position may name the interview's language (ISO-639-1, lower case): it becomes the transcription
    // `language` of the Realtime session. NULL = not set (the transcription model detects the language).
    version: 6,
    name: 'position language',
    sql: `
      ALTER TABLE positions ADD COLUMN language TEXT
        CHECK (language IS NULL OR language GLOB '[a-z][a-z]' OR language GLOB '[a-z][a-z][a-z]');
    `,
  },
  {
    version: 7,
    name: 'candidate consent and operator notices',
    sql: `
      -- consent: the disclosure the candidate accepted before the microphone opened (ConsentRecord as JSON:
      -- noticeVersion, language, choices, at); NULL for sessions made before the notice existed.
      ALTER TABLE interview_sessions ADD COLUMN consent TEXT CHECK (consent IS NULL OR json_valid(consent));

      -- What the kiosk's operator must see: a candidate declined (no session) or asked for help (a session).
      CREATE TABLE operator_notices (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('declined', 'help')),
        candidate_id TEXT NOT NULL REFERENCES candidates(id),
        position_id TEXT NOT NULL REFERENCES positions(id),
        session_id TEXT REFERENCES interview_sessions(id),
        detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
        created_at TEXT NOT NULL
      );
      CREATE INDEX operator_notices_created ON operator_notices(created_at);
    `,
  },
  {
    // The candidate's controls during the interview. `typed`: the candidate typed this answer instead of speaking
    // it (sent as a user text item); synced with the entry. interview_events: what the candidate did with the
    // controls and what the kiosk did about it, in order, kept with the session's record (local: the operator and
    // the review read them here; the room view gets the live state through kiosk_status). resolved_at: when the
    // candidate went on after asking for help.
    version: 8,
    name: 'typed answers and interview control events',
    sql: `
      ALTER TABLE transcript_entries ADD COLUMN typed INTEGER NOT NULL DEFAULT 0 CHECK (typed IN (0, 1));

      -- kind: repeat (asked for the last question again), help (asked for the operator; the interview waits),
      -- break (took a break; the microphone is paused), resume (went on after help or a break; detail.by says
      -- 'button' or 'limit'), still_there (the kiosk asked after a silence), still_here (the candidate answered
      -- it), check_in (the interviewer was asked to check in aloud). at_ms: from the interview's start.
      CREATE TABLE interview_events (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES interview_sessions(id),
        kind TEXT NOT NULL CHECK (kind IN ('repeat', 'help', 'break', 'resume', 'still_there', 'still_here', 'check_in')),
        at_ms INTEGER,
        detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
        created_at TEXT NOT NULL
      );
      CREATE INDEX interview_events_session ON interview_events(session_id, created_at);

      ALTER TABLE operator_notices ADD COLUMN resolved_at TEXT;
    `,
  },
  {
    // Turn-taking: a position may choose how the end of the candidate's turn is found (NULL = the kiosk's
    // default, semantic VAD with low eagerness); a session records whether the candidate had extra time (an
    // accommodation: slower pace, longer silence before the turn ends) and whether it opened with an unscored
    // warm-up question (its entries are kept and shown, never evaluated).
    version: 9,
    name: 'turn detection, extra time and warm-up',
    sql: `
      ALTER TABLE positions ADD COLUMN turn_detection TEXT
        CHECK (turn_detection IS NULL OR turn_detection IN ('semantic_low', 'semantic_medium', 'semantic_high', 'server_vad'));
      ALTER TABLE interview_sessions ADD COLUMN extra_time INTEGER NOT NULL DEFAULT 0 CHECK (extra_time IN (0, 1));
      ALTER TABLE interview_sessions ADD COLUMN warm_up INTEGER NOT NULL DEFAULT 0 CHECK (warm_up IN (0, 1));
    `,
  },
  {
    // Reviewers' decisions reach the backend through the sync outbox, uploaded as the signed-in reviewer (a kiosk
    // device may not write them): the kind list grows by 'override' and 'dismissal' (table rebuilt as in version
    // 4). Both are written once, so the insert is all that is queued; demo-tenant rows stay local.
    // recordings.start_offset_ms: when the renderer's MediaRecorder started, in ms after the interview start
    // (transcript start_ms counts from there); the recording's time 0 is that much later. NULL = not reported.
    version: 10,
    name: 'reviewer decisions in the sync outbox, recording start offset',
    sql: `
      PRAGMA legacy_alter_table = ON;
      CREATE TABLE sync_outbox_v10 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('session', 'entry', 'invitation_redeem', 'invitation', 'recording', 'evaluation', 'override', 'dismissal')),
        row_id TEXT NOT NULL,
        session_id TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        enqueued_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        error_code TEXT,
        quarantined_at TEXT,
        UNIQUE (kind, row_id)
      );
      INSERT INTO sync_outbox_v10 (id, kind, row_id, session_id, version, enqueued_at, attempts, last_error, error_code, quarantined_at)
        SELECT id, kind, row_id, session_id, version, enqueued_at, attempts, last_error, error_code, quarantined_at FROM sync_outbox;
      DROP TABLE sync_outbox;
      ALTER TABLE sync_outbox_v10 RENAME TO sync_outbox;
      CREATE INDEX sync_outbox_pending ON sync_outbox(kind, quarantined_at, id);
      PRAGMA legacy_alter_table = OFF;

      CREATE TRIGGER sync_override_insert AFTER INSERT ON evaluation_overrides
      WHEN (SELECT t.demo FROM interview_sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = NEW.session_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('override', NEW.id, NEW.session_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;

      CREATE TRIGGER sync_dismissal_insert AFTER INSERT ON session_dismissals
      WHEN (SELECT t.demo FROM interview_sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = NEW.session_id) = 0
      BEGIN
        INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at)
        VALUES ('dismissal', NEW.session_id, NEW.session_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0;
      END;

      ALTER TABLE recordings ADD COLUMN start_offset_ms INTEGER CHECK (start_offset_ms IS NULL OR start_offset_ms >= 0);
    `,
  },
  {
    // The interviewer persona of a position (JSON: name, voice, formality, intro, outro, pronunciation hints;
    // NULL = the default persona), and a copy of it kept with each interview when it is created: every call of
    // that interview (reconnects, rollovers, a restart) is the same interviewer with the same voice, whatever a
    // later pull changes. Both are checked by main/core/realtime/persona.ts before they are written.
    version: 11,
    name: 'interviewer persona',
    sql: `
      ALTER TABLE positions ADD COLUMN persona TEXT CHECK (persona IS NULL OR json_valid(persona));
      ALTER TABLE interview_sessions ADD COLUMN persona TEXT CHECK (persona IS NULL OR json_valid(persona));
    `,
  },
  {
    // A signed-in reviewer's copy of the company's interviews from the backend (every kiosk's), kept so the review
    // list searches and filters them with this kiosk's own and an opened one reads offline. Separate tables, not
    // flags on this kiosk's own: no sync trigger is on them, so nothing here ever enters the outbox (the backend
    // is their source). Every row carries its tenant; the rows and the cursors of a tenant are deleted together
    // when its reviewer signs out, another tenant's reviewer signs in, or the app starts (the sign-in is kept in
    // memory only). Times are the backend's, as text (ISO-8601). pulled_cursors: per tenant and backend table, the
    // last (updated_at, key) read.
    version: 12,
    name: 'interviews pulled from the backend by a reviewer',
    sql: `
      CREATE TABLE pulled_sessions (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        candidate_id TEXT NOT NULL,
        position_id TEXT NOT NULL,
        candidate_name TEXT NOT NULL DEFAULT '',
        position_title TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'completed', 'failed')),
        recording_consent INTEGER NOT NULL DEFAULT 0 CHECK (recording_consent IN (0, 1)),
        start_time TEXT,
        end_time TEXT,
        extra_time INTEGER NOT NULL DEFAULT 0 CHECK (extra_time IN (0, 1)),
        warm_up INTEGER NOT NULL DEFAULT 0 CHECK (warm_up IN (0, 1)),
        recording_path TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX pulled_sessions_list ON pulled_sessions(created_at, id);
      CREATE INDEX pulled_sessions_tenant ON pulled_sessions(tenant_id);

      CREATE TABLE pulled_entries (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        speaker TEXT NOT NULL CHECK (speaker IN ('interviewer', 'candidate')),
        text TEXT NOT NULL DEFAULT '',
        start_ms INTEGER,
        status TEXT NOT NULL CHECK (status IN ('in_progress', 'final', 'failed')),
        typed INTEGER NOT NULL DEFAULT 0 CHECK (typed IN (0, 1))
      );
      CREATE INDEX pulled_entries_session ON pulled_entries(session_id, seq);
      CREATE INDEX pulled_entries_tenant ON pulled_entries(tenant_id);

      CREATE TABLE pulled_evaluations (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        rubric_version TEXT NOT NULL,
        rubric TEXT NOT NULL CHECK (json_valid(rubric)),
        model TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('assessed', 'insufficient_evidence')),
        session_reasons TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(session_reasons)),
        competencies TEXT NOT NULL CHECK (json_valid(competencies)),
        created_at TEXT NOT NULL
      );
      CREATE INDEX pulled_evaluations_session ON pulled_evaluations(session_id, created_at);
      CREATE INDEX pulled_evaluations_tenant ON pulled_evaluations(tenant_id);

      CREATE TABLE pulled_overrides (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        competency TEXT NOT NULL,
        level INTEGER NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX pulled_overrides_session ON pulled_overrides(session_id, created_at);
      CREATE INDEX pulled_overrides_tenant ON pulled_overrides(tenant_id);

      CREATE TABLE pulled_dismissals (
        session_id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX pulled_dismissals_tenant ON pulled_dismissals(tenant_id);

      CREATE TABLE pulled_cursors (
        tenant_id TEXT NOT NULL,
        source TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        key TEXT NOT NULL,
        PRIMARY KEY (tenant_id, source)
      );
    `,
  },
  {
    // Who chose extra time: 'operator' (at setup, for this candidate) or 'candidate' (asked for at pre-flight).
    // NULL without extra time, and for sessions from before this version (who chose was not recorded then).
    version: 13,
    name: 'who chose extra time',
    sql: `
      ALTER TABLE interview_sessions ADD COLUMN extra_time_by TEXT
        CHECK (extra_time_by IS NULL OR extra_time_by IN ('operator', 'candidate'));
    `,
  },
  {
    // A pulled interview's recorder start (ms after the interview's start, as the kiosk that made it reported it):
    // the review page seeks a line's moment in the recording with it, as for this kiosk's own. NULL = not reported.
    version: 14,
    name: 'recording start offset of pulled interviews',
    sql: `
      ALTER TABLE pulled_sessions ADD COLUMN recording_start_offset_ms INTEGER
        CHECK (recording_start_offset_ms IS NULL OR recording_start_offset_ms >= 0);
    `,
  },
];
