// Typed queries over the kiosk database. Prepared once; every multi-row write is one transaction.
import { TURN_DETECTION_MODES, type CandidateView, type ConsentRecord, type EntryStatus, type ExtraTimeChooser, type InterviewerPersona, type PositionView, type SessionStatus, type SessionView, type Speaker, type TenantView, type TranscriptEntryView, type TurnDetectionMode } from '../../../preload/contract';
import { personaFromJson } from '../realtime/persona';
import type { ReducerEntry } from '../transcript/reducer';
import type { KioskDatabase } from './database';

export interface SessionRow {
  id: string;
  tenant_id: string;
  candidate_id: string;
  position_id: string;
  status: SessionStatus;
  recording_consent: number;
  consent: string | null;
  extra_time: number;
  extra_time_by: ExtraTimeChooser | null;
  warm_up: number;
  /** The position's interviewer persona as it was when the interview was created (JSON), NULL = the default. */
  persona?: string | null;
  start_time: string | null;
  end_time: string | null;
  status_history: string;
  calls: string;
  created_at: string;
  updated_at: string;
  candidate_name: string;
  position_title: string;
}

export interface CallRecord {
  id: string;
  startedAt: string;
  offsetMs: number;
}

export interface StatusChange {
  status: SessionStatus;
  at: string;
  reason?: string;
}

interface EntryRow {
  id: string;
  session_id: string;
  item_id: string;
  previous_item_id: string | null;
  seq: number;
  speaker: Speaker;
  text: string;
  start_ms: number | null;
  status: EntryStatus;
  confidence: number | null;
  /** 1: typed instead of spoken (schema v8). */
  typed: number;
  synced_at: string | null;
}

export interface RecordingRow {
  session_id: string;
  file_name: string;
  bytes: number;
  chunks: number;
  finalized: number;
  /** When the recorder started, ms after the interview start (the recording's time 0); null = not reported. */
  start_offset_ms?: number | null;
}

export interface PositionRecord extends PositionView {
  tenantId: string;
}

/** A positions row as SQLite holds it (competencies as JSON text). */
export interface PositionRow { id: string; title: string; description: string; competencies: string; language: string | null; turn_detection: string | null; persona: string | null }

/** The columns a PositionRow is read from (every query that builds a PositionView selects these). */
export const POSITION_COLUMNS = 'id, title, description, competencies, language, turn_detection, persona';

export function positionView(r: PositionRow): PositionView {
  const competencies = parseJsonArray<unknown>(r.competencies).filter((x): x is string => typeof x === 'string');
  const turnDetection = (TURN_DETECTION_MODES as readonly unknown[]).includes(r.turn_detection) ? (r.turn_detection as TurnDetectionMode) : null;
  return { id: r.id, title: r.title, description: r.description, competencies, language: r.language ?? null, turnDetection, persona: personaFromJson(r.persona) };
}

export function sessionView(row: SessionRow): SessionView {
  return {
    id: row.id,
    candidateId: row.candidate_id,
    positionId: row.position_id,
    candidateName: row.candidate_name,
    positionTitle: row.position_title,
    status: row.status,
    recordingConsent: row.recording_consent === 1,
    startedAt: row.start_time,
    endedAt: row.end_time,
    extraTime: row.extra_time === 1,
    extraTimeBy: row.extra_time === 1 ? (row.extra_time_by ?? null) : null,
    warmUp: row.warm_up === 1,
    interviewerName: personaFromJson(row.persona)?.name ?? null,
  };
}

function entryView(row: EntryRow): TranscriptEntryView {
  return {
    id: row.id,
    itemId: row.item_id,
    seq: row.seq,
    speaker: row.speaker,
    text: row.text,
    startMs: row.start_ms,
    status: row.status,
    saved: true,
    synced: row.synced_at !== null,
    ...(row.typed === 1 ? { typed: true } : {}),
  };
}

function parseJsonArray<T>(text: string): T[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

export function createStore(db: KioskDatabase) {
  const q = {
    // The signed-in device's tenant first; then a pulled (backend) tenant wins over the built-in demo tenant seeded
    // before the backend was configured. (A sign-in as another tenant's device wipes the old one: sync/local-data.ts.)
    tenant: db.prepare('SELECT id, name, company_values, demo FROM tenants ORDER BY id IS ? DESC, demo, created_at, id LIMIT 1'),
    tenantById: db.prepare('SELECT id, name, company_values, demo FROM tenants WHERE id = ?'),
    candidates: db.prepare('SELECT id, name, email FROM candidates WHERE tenant_id = ? ORDER BY name, id'),
    candidate: db.prepare('SELECT id, tenant_id, name, email FROM candidates WHERE id = ?'),
    positions: db.prepare(`SELECT ${POSITION_COLUMNS} FROM positions WHERE tenant_id = ? ORDER BY title, id`),
    position: db.prepare(`SELECT tenant_id, ${POSITION_COLUMNS} FROM positions WHERE id = ?`),
    session: db.prepare(`SELECT s.*, c.name AS candidate_name, p.title AS position_title
      FROM interview_sessions s JOIN candidates c ON c.id = s.candidate_id JOIN positions p ON p.id = s.position_id
      WHERE s.id = ?`),
    insertSession: db.prepare(`INSERT INTO interview_sessions
      (id, tenant_id, candidate_id, position_id, status, recording_consent, consent, extra_time, extra_time_by, warm_up, persona, status_history, calls, created_at, updated_at)
      VALUES (@id, @tenant_id, @candidate_id, @position_id, 'scheduled', @recording_consent, @consent, @extra_time, @extra_time_by, @warm_up, @persona, @status_history, '[]', @now, @now)`),
    updateSession: db.prepare(`UPDATE interview_sessions SET status = @status, start_time = @start_time, end_time = @end_time,
      status_history = @status_history, calls = @calls, updated_at = @now WHERE id = @id`),
    upsertEntry: db.prepare(`INSERT INTO transcript_entries
      (id, session_id, item_id, previous_item_id, seq, speaker, text, start_ms, status, confidence, typed, created_at, updated_at)
      VALUES (@id, @session_id, @item_id, @previous_item_id, @seq, @speaker, @text, @start_ms, @status, @confidence, @typed, @now, @now)
      ON CONFLICT (session_id, item_id) DO UPDATE SET previous_item_id = excluded.previous_item_id, seq = excluded.seq,
        speaker = excluded.speaker, text = excluded.text, start_ms = excluded.start_ms, status = excluded.status,
        confidence = excluded.confidence, updated_at = excluded.updated_at, synced_at = NULL`),
    entries: db.prepare('SELECT * FROM transcript_entries WHERE session_id = ? ORDER BY seq, created_at'),
    recording: db.prepare('SELECT session_id, file_name, bytes, chunks, finalized, start_offset_ms FROM recordings WHERE session_id = ?'),
    // The start offset is set once (with the first chunk) and never overwritten.
    upsertRecording: db.prepare(`INSERT INTO recordings (session_id, file_name, bytes, chunks, finalized, start_offset_ms, created_at, updated_at)
      VALUES (@session_id, @file_name, @bytes, @chunks, @finalized, @start_offset_ms, @now, @now)
      ON CONFLICT (session_id) DO UPDATE SET bytes = excluded.bytes, chunks = excluded.chunks,
        finalized = excluded.finalized, start_offset_ms = coalesce(recordings.start_offset_ms, excluded.start_offset_ms),
        updated_at = excluded.updated_at`),
    counts: db.prepare('SELECT (SELECT count(*) FROM tenants) AS tenants'),
    interruptedOf: db.prepare(`SELECT s.id FROM invitations i JOIN interview_sessions s ON s.id = i.session_id
      WHERE i.id = ? AND s.status = 'in_progress'`).pluck(),
  };

  const now = () => new Date().toISOString();

  const store = {
    db: db as KioskDatabase,
    isEmpty(): boolean {
      return (q.counts.get() as { tenants: number }).tenants === 0;
    },
    tenant(signedIn: string | null = null): (TenantView & { demo: boolean }) | null {
      const r = q.tenant.get(signedIn) as { id: string; name: string; company_values: string; demo: number } | undefined;
      return r ? { id: r.id, name: r.name, values: r.company_values, demo: r.demo === 1 } : null;
    },
    /** The interview an invitation started that is still in progress (interrupted), or null. */
    interruptedSessionOf(invitationId: string): string | null {
      return (q.interruptedOf.get(invitationId) as string | undefined) ?? null;
    },
    tenantById(id: string): TenantView | null {
      const r = q.tenantById.get(id) as { id: string; name: string; company_values: string } | undefined;
      return r ? { id: r.id, name: r.name, values: r.company_values } : null;
    },
    candidates(tenantId: string): CandidateView[] {
      return q.candidates.all(tenantId) as CandidateView[];
    },
    candidate(id: string): (CandidateView & { tenantId: string }) | null {
      const r = q.candidate.get(id) as { id: string; tenant_id: string; name: string; email: string | null } | undefined;
      return r ? { id: r.id, name: r.name, email: r.email, tenantId: r.tenant_id } : null;
    },
    positions(tenantId: string): PositionView[] {
      return (q.positions.all(tenantId) as PositionRow[]).map(positionView);
    },
    position(id: string): PositionRecord | null {
      const r = q.position.get(id) as (PositionRow & { tenant_id: string }) | undefined;
      return r ? { ...positionView(r), tenantId: r.tenant_id } : null;
    },
    session(id: string): SessionRow | null {
      return (q.session.get(id) as SessionRow | undefined) ?? null;
    },
    calls(row: SessionRow): CallRecord[] {
      return parseJsonArray<CallRecord>(row.calls);
    },
    history(row: SessionRow): StatusChange[] {
      return parseJsonArray<StatusChange>(row.status_history);
    },
    insertSession(s: { id: string; tenantId: string; candidateId: string; positionId: string; recordingConsent: boolean; consent?: ConsentRecord | null; extraTime?: boolean; extraTimeBy?: ExtraTimeChooser; warmUp?: boolean; persona?: InterviewerPersona | null }): void {
      const at = now();
      q.insertSession.run({
        id: s.id, tenant_id: s.tenantId, candidate_id: s.candidateId, position_id: s.positionId,
        recording_consent: s.recordingConsent ? 1 : 0, consent: s.consent ? JSON.stringify(s.consent) : null,
        extra_time: s.extraTime ? 1 : 0, extra_time_by: s.extraTime ? (s.extraTimeBy ?? 'candidate') : null, warm_up: s.warmUp ? 1 : 0, persona: s.persona ? JSON.stringify(s.persona) : null, status_history: JSON.stringify([{ status: 'scheduled', at }]), now: at,
      });
    },
    updateSession(row: SessionRow, patch: { status?: SessionStatus; startTime?: string | null; endTime?: string | null; calls?: CallRecord[]; reason?: string }): void {
      const at = now();
      const history = store.history(row);
      const status = patch.status ?? row.status;
      if (status !== row.status) history.push({ status, at, ...(patch.reason ? { reason: patch.reason } : {}) });
      q.updateSession.run({
        id: row.id, status,
        start_time: patch.startTime !== undefined ? patch.startTime : row.start_time,
        end_time: patch.endTime !== undefined ? patch.endTime : row.end_time,
        status_history: JSON.stringify(history),
        calls: patch.calls ? JSON.stringify(patch.calls) : row.calls,
        now: at,
      });
    },
    /** Writes entries in one transaction (write-through from the reducer). */
    writeEntries: db.transaction((sessionId: string, entries: readonly ReducerEntry[]): void => {
      const at = now();
      for (const e of entries) {
        q.upsertEntry.run({
          id: e.id, session_id: sessionId, item_id: e.itemId, previous_item_id: e.previousItemId ?? null, seq: e.seq,
          speaker: e.speaker, text: e.text, start_ms: e.startMs, status: e.status, confidence: e.confidence, typed: e.typed ? 1 : 0, now: at,
        });
      }
    }) as (sessionId: string, entries: readonly ReducerEntry[]) => void,
    entries(sessionId: string): TranscriptEntryView[] {
      return (q.entries.all(sessionId) as EntryRow[]).map(entryView);
    },
    reducerEntries(sessionId: string): ReducerEntry[] {
      return (q.entries.all(sessionId) as EntryRow[]).map((r) => ({
        id: r.id, itemId: r.item_id, previousItemId: r.previous_item_id, seq: r.seq, speaker: r.speaker, text: r.text,
        startMs: r.start_ms, status: r.status, confidence: r.confidence, ...(r.typed === 1 ? { typed: true } : {}),
      }));
    },
    recording(sessionId: string): RecordingRow | null {
      return (q.recording.get(sessionId) as RecordingRow | undefined) ?? null;
    },
    saveRecording(r: RecordingRow): void {
      q.upsertRecording.run({ ...r, start_offset_ms: r.start_offset_ms ?? null, now: now() });
    },
  };
  return store;
}

export type KioskStore = ReturnType<typeof createStore>;
