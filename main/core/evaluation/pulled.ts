// SQLite cache of the interviews a signed-in reviewer pulled from the backend (schema 12): every kiosk's interviews
// of the reviewer's company, with their transcripts, evaluations, overrides and dismissals, so the review list
// searches them with this kiosk's own and an opened one reads offline. Kept apart from this kiosk's own tables:
// no sync trigger is on them, so nothing here is ever queued for upload (the backend is where they come from).
// A tenant's rows and cursors go together (forTenantOnly / clear), and so do its downloaded recordings.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KioskDatabase } from '../db/database';
import type { EvaluationRow } from './store';

/** The backend tables a reviewer pulls, each by its own (updated_at, key) cursor. */
export type PulledSource = 'sessions' | 'entries' | 'evaluations' | 'overrides' | 'dismissals';

export interface PulledCursor {
  updatedAt: string;
  key: string;
}

export interface PulledSessionRow {
  id: string;
  tenant_id: string;
  candidate_id: string;
  position_id: string;
  candidate_name: string;
  position_title: string;
  status: 'scheduled' | 'in_progress' | 'completed' | 'failed';
  recording_consent: number;
  start_time: string | null;
  end_time: string | null;
  extra_time: number;
  warm_up: number;
  recording_path: string | null;
  recording_start_offset_ms: number | null;
  created_at: string;
  updated_at: string;
}

export interface PulledEntryRow {
  id: string;
  tenant_id: string;
  session_id: string;
  seq: number;
  speaker: 'interviewer' | 'candidate';
  text: string;
  start_ms: number | null;
  status: 'in_progress' | 'final' | 'failed';
  typed: number;
}

export type PulledEvaluationRow = EvaluationRow & { tenant_id: string };

export interface PulledOverrideRow {
  id: string;
  tenant_id: string;
  session_id: string;
  competency: string;
  level: number;
  reason: string;
  created_at: string;
}

export interface PulledDismissalRow {
  session_id: string;
  tenant_id: string;
  reason: string;
  created_at: string;
}

export interface PulledRows {
  sessions: PulledSessionRow;
  entries: PulledEntryRow;
  evaluations: PulledEvaluationRow;
  overrides: PulledOverrideRow;
  dismissals: PulledDismissalRow;
}

const TABLES = ['pulled_sessions', 'pulled_entries', 'pulled_evaluations', 'pulled_overrides', 'pulled_dismissals', 'pulled_cursors'] as const;

const cols = (names: string[]) => ({ list: names.join(', '), values: names.map((n) => `@${n}`).join(', '), set: names.map((n) => `${n} = excluded.${n}`).join(', ') });
const upsert = (table: string, key: string, names: string[]) => {
  const c = cols(names);
  return `INSERT INTO ${table} (${c.list}) VALUES (${c.values}) ON CONFLICT (${key}) DO UPDATE SET ${c.set}`;
};

export function createPulledCache(db: KioskDatabase, recordingsDir: string) {
  const put = {
    sessions: db.prepare(upsert('pulled_sessions', 'id', ['id', 'tenant_id', 'candidate_id', 'position_id', 'candidate_name', 'position_title', 'status',
      'recording_consent', 'start_time', 'end_time', 'extra_time', 'warm_up', 'recording_path', 'recording_start_offset_ms', 'created_at', 'updated_at'])),
    entries: db.prepare(upsert('pulled_entries', 'id', ['id', 'tenant_id', 'session_id', 'seq', 'speaker', 'text', 'start_ms', 'status', 'typed'])),
    evaluations: db.prepare(upsert('pulled_evaluations', 'id', ['id', 'tenant_id', 'session_id', 'rubric_version', 'rubric', 'model', 'outcome',
      'session_reasons', 'competencies', 'created_at'])),
    overrides: db.prepare(upsert('pulled_overrides', 'id', ['id', 'tenant_id', 'session_id', 'competency', 'level', 'reason', 'created_at'])),
    dismissals: db.prepare(upsert('pulled_dismissals', 'session_id', ['session_id', 'tenant_id', 'reason', 'created_at'])),
  };
  const q = {
    cursor: db.prepare('SELECT updated_at, key FROM pulled_cursors WHERE tenant_id = ? AND source = ?'),
    setCursor: db.prepare(`INSERT INTO pulled_cursors (tenant_id, source, updated_at, key) VALUES (?, ?, ?, ?)
      ON CONFLICT (tenant_id, source) DO UPDATE SET updated_at = excluded.updated_at, key = excluded.key`),
    session: db.prepare('SELECT * FROM pulled_sessions WHERE id = ?'),
    entries: db.prepare('SELECT * FROM pulled_entries WHERE session_id = ? ORDER BY seq, id'),
    evaluation: db.prepare('SELECT * FROM pulled_evaluations WHERE session_id = ? ORDER BY created_at DESC LIMIT 1'),
    overrides: db.prepare('SELECT * FROM pulled_overrides WHERE session_id = ? ORDER BY created_at, id'),
    dismissal: db.prepare('SELECT * FROM pulled_dismissals WHERE session_id = ?'),
    count: db.prepare('SELECT count(*) AS n FROM pulled_sessions WHERE tenant_id = ?'),
    tenants: db.prepare('SELECT DISTINCT tenant_id FROM pulled_cursors UNION SELECT DISTINCT tenant_id FROM pulled_sessions'),
  };
  const tenantDir = (tenantId: string) => join(recordingsDir, encodeURIComponent(tenantId));

  function clearTenant(tenantId: string): void {
    db.transaction(() => {
      for (const t of TABLES) db.prepare(`DELETE FROM ${t} WHERE tenant_id = ?`).run(tenantId);
    })();
    rmSync(tenantDir(tenantId), { recursive: true, force: true });
  }

  return {
    cursor(tenantId: string, source: PulledSource): PulledCursor | null {
      const r = q.cursor.get(tenantId, source) as { updated_at: string; key: string } | undefined;
      return r ? { updatedAt: r.updated_at, key: r.key } : null;
    },
    /** One page of one backend table and the cursor after it, in one transaction (a crash keeps both or neither). */
    putPage: db.transaction(<S extends PulledSource>(tenantId: string, source: S, rows: readonly PulledRows[S][], cursor: PulledCursor | null) => {
      for (const r of rows) put[source].run(r);
      if (cursor) q.setCursor.run(tenantId, source, cursor.updatedAt, cursor.key);
    }) as <S extends PulledSource>(tenantId: string, source: S, rows: readonly PulledRows[S][], cursor: PulledCursor | null) => void,
    count(tenantId: string): number {
      return (q.count.get(tenantId) as { n: number }).n;
    },
    session(id: string): PulledSessionRow | null {
      return (q.session.get(id) as PulledSessionRow | undefined) ?? null;
    },
    entries(sessionId: string): PulledEntryRow[] {
      return q.entries.all(sessionId) as PulledEntryRow[];
    },
    evaluation(sessionId: string): PulledEvaluationRow | null {
      return (q.evaluation.get(sessionId) as PulledEvaluationRow | undefined) ?? null;
    },
    overrides(sessionId: string): PulledOverrideRow[] {
      return q.overrides.all(sessionId) as PulledOverrideRow[];
    },
    dismissal(sessionId: string): PulledDismissalRow | null {
      return (q.dismissal.get(sessionId) as PulledDismissalRow | undefined) ?? null;
    },
    /** Where a pulled interview's recording is kept once downloaded (under its tenant's folder). */
    recordingFile(row: Pick<PulledSessionRow, 'id' | 'tenant_id'>): string {
      const dir = tenantDir(row.tenant_id);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return join(dir, `${row.id}.webm`);
    },
    /** Deletes every tenant's rows, cursors and recordings but `keep`'s (null: everything). */
    forTenantOnly(keep: string | null): string[] {
      const gone = (q.tenants.all() as { tenant_id: string }[]).map((r) => r.tenant_id).filter((t) => t !== keep);
      for (const t of gone) clearTenant(t);
      if (keep === null) rmSync(recordingsDir, { recursive: true, force: true });
      return gone;
    },
  };
}

export type PulledCache = ReturnType<typeof createPulledCache>;
