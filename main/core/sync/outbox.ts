// SQLite side of the sync engine: the outbox the triggers of migration 2 fill, the rows to send, marking rows
// done (only if the version sent is still the latest), quarantine, and the small key/value sync_state.
import type { ProgressStore, UploadProgress } from './resumable';
import { randomUUID } from 'node:crypto';
import type { QuarantinedRowView, SyncItemKind } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import type { LocalDismissalRow, LocalEntryRow, LocalEvaluationRow, LocalOverrideRow, LocalSessionRow, PullCursor } from './mapping';
import type { OutboxItem } from './plan';

interface OutboxDbRow {
  id: number;
  kind: SyncItemKind;
  row_id: string;
  session_id: string | null;
  version: number;
  session_remote: number | null;
  redeem_pending: number | null;
  finished: number | null;
  entries_pending: number | null;
}

export interface InvitationRow {
  id: string;
  tenant_id: string;
  /** HMAC-SHA-256(tenant key, normalized code), hex — never the code (schema 5). */
  token: string;
  /** The typed code of an offline redemption, until the server has confirmed it. */
  pending_code: string | null;
  status: 'open' | 'redeemed' | 'completed' | 'expired';
  expires_at: string;
  candidate_id: string;
  position_id: string;
  redeemed_at: string | null;
  redeemed_by_device: string | null;
  session_id: string | null;
  created_at: string;
  updated_at: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createOutbox(db: KioskDatabase) {
  const q = {
    candidates: db.prepare(`SELECT o.id, o.kind, o.row_id, o.session_id, o.version,
        s.remote_at IS NOT NULL AS session_remote,
        (o.kind = 'invitation' AND EXISTS (SELECT 1 FROM sync_outbox r WHERE r.kind = 'invitation_redeem' AND r.row_id = o.row_id)) AS redeem_pending,
        (o.kind = 'session' AND s.status IN ('completed', 'failed')) AS finished,
        (o.kind = 'session' AND EXISTS (SELECT 1 FROM sync_outbox e WHERE e.kind = 'entry' AND e.session_id = o.row_id
          AND e.quarantined_at IS NULL)) AS entries_pending
      FROM sync_outbox o LEFT JOIN interview_sessions s ON s.id = o.session_id
      WHERE o.kind = ? AND o.quarantined_at IS NULL
        AND (? = 0 OR s.remote_at IS NOT NULL)
      ORDER BY o.id LIMIT ?`),
    // The device's rows: reviewers' decisions are counted apart (reviewerPending), as a reviewer sends them.
    pending: db.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE quarantined_at IS NULL AND kind NOT IN ('override', 'dismissal')`),
    quarantined: db.prepare(`SELECT id, kind, row_id, session_id, last_error, error_code, quarantined_at, attempts
      FROM sync_outbox WHERE quarantined_at IS NOT NULL ORDER BY id LIMIT 200`),
    done: db.prepare('DELETE FROM sync_outbox WHERE id = ? AND version = ?'),
    failed: db.prepare('UPDATE sync_outbox SET attempts = attempts + 1, last_error = ?, error_code = ? WHERE id = ?'),
    quarantine: db.prepare(`UPDATE sync_outbox SET attempts = attempts + 1, last_error = ?, error_code = ?, quarantined_at = ?
      WHERE id = ? AND version = ?`),
    unquarantineAll: db.prepare('UPDATE sync_outbox SET quarantined_at = NULL, attempts = 0 WHERE quarantined_at IS NOT NULL'),
    unquarantine: db.prepare('UPDATE sync_outbox SET quarantined_at = NULL, attempts = 0 WHERE id = ? AND quarantined_at IS NOT NULL'),
    session: db.prepare(`SELECT id, tenant_id, candidate_id, position_id, status, recording_consent, consent, extra_time, extra_time_by, warm_up, start_time, end_time,
        status_history, calls, recording_path, created_at,
        (SELECT r.start_offset_ms FROM recordings r WHERE r.session_id = interview_sessions.id) AS recording_start_offset_ms
      FROM interview_sessions WHERE id = ?`),
    entry: db.prepare(`SELECT e.id, e.session_id, s.tenant_id, e.item_id, e.seq, e.speaker, e.text, e.start_ms, e.status,
        e.confidence, e.typed, e.created_at FROM transcript_entries e JOIN interview_sessions s ON s.id = e.session_id WHERE e.id = ?`),
    sessionRemote: db.prepare('UPDATE interview_sessions SET remote_at = coalesce(remote_at, ?), synced_at = ? WHERE id = ?'),
    entrySynced: db.prepare('UPDATE transcript_entries SET synced_at = ? WHERE id = ?'),
    setRecordingPath: db.prepare('UPDATE interview_sessions SET recording_path = ? WHERE id = ? AND recording_path IS NOT ?'),
    recording: db.prepare(`SELECT r.session_id, r.file_name, r.bytes, r.finalized, s.tenant_id FROM recordings r
      JOIN interview_sessions s ON s.id = r.session_id WHERE r.session_id = ?`),
    invitation: db.prepare('SELECT * FROM invitations WHERE id = ?'),
    evaluation: db.prepare(`SELECT e.*, s.tenant_id FROM evaluations e JOIN interview_sessions s ON s.id = e.session_id WHERE e.id = ?`),
    evaluationSynced: db.prepare('UPDATE evaluations SET synced_at = ? WHERE id = ?'),
    // Reviewers' decisions, with what they need on the server first: the session (dismissal) or the evaluation
    // the override stands beside (evaluations.synced_at, set when its upload was confirmed).
    reviewerItems: db.prepare(`SELECT o.id, o.kind, o.row_id, o.session_id, o.version, s.tenant_id,
        CASE o.kind WHEN 'override' THEN (SELECT ev.synced_at IS NOT NULL FROM evaluation_overrides ov
          JOIN evaluations ev ON ev.id = ov.evaluation_id WHERE ov.id = o.row_id) ELSE s.remote_at IS NOT NULL END AS ready
      FROM sync_outbox o LEFT JOIN interview_sessions s ON s.id = o.session_id
      WHERE o.kind IN ('override', 'dismissal') AND o.quarantined_at IS NULL ORDER BY o.id LIMIT ?`),
    reviewerPending: db.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE kind IN ('override', 'dismissal') AND quarantined_at IS NULL`),
    override: db.prepare(`SELECT o.id, o.evaluation_id, o.session_id, s.tenant_id, o.competency, o.level, o.reason, o.created_at
      FROM evaluation_overrides o JOIN interview_sessions s ON s.id = o.session_id WHERE o.id = ?`),
    dismissal: db.prepare(`SELECT d.id, d.session_id, s.tenant_id, d.reason, d.created_at
      FROM session_dismissals d JOIN interview_sessions s ON s.id = d.session_id WHERE d.session_id = ?`),
    overrideSynced: db.prepare('UPDATE evaluation_overrides SET synced_at = ? WHERE id = ?'),
    dismissalSynced: db.prepare('UPDATE session_dismissals SET synced_at = ? WHERE session_id = ?'),
    invitationByHash: db.prepare('SELECT * FROM invitations WHERE token = ?'),
    clearPendingCode: db.prepare('UPDATE invitations SET pending_code = NULL WHERE id = ?'),
    stateGet: db.prepare('SELECT value FROM sync_state WHERE key = ?'),
    stateSet: db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    stateClear: db.prepare('DELETE FROM sync_state WHERE key = ?'),
    enqueue: db.prepare(`INSERT INTO sync_outbox (kind, row_id, session_id, enqueued_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (kind, row_id) DO UPDATE SET version = version + 1, quarantined_at = NULL, attempts = 0`),
  };

  const outbox = {
    db: db as KioskDatabase,
    /** Items of one kind that may be looked at now (entries etc. only when their session is on the server). */
    candidates(kind: SyncItemKind, limit: number): OutboxItem[] {
      const needsSession = kind === 'entry' || kind === 'recording' || kind === 'invitation' || kind === 'evaluation' ? 1 : 0;
      return (q.candidates.all(kind, needsSession, limit) as OutboxDbRow[]).map((r) => ({
        id: r.id, kind: r.kind, rowId: r.row_id, sessionId: r.session_id, version: r.version,
        sessionRemote: r.session_remote === 1, redeemPending: r.redeem_pending === 1,
        finished: r.finished === 1, entriesPending: r.entries_pending === 1,
      }));
    },
    /** Reviewers' decisions waiting (oldest first), each with its tenant and whether its prerequisite is on the server. */
    reviewerItems(limit: number): (OutboxItem & { tenantId: string | null; ready: boolean })[] {
      return (q.reviewerItems.all(limit) as { id: number; kind: SyncItemKind; row_id: string; session_id: string | null; version: number; tenant_id: string | null; ready: number | null }[])
        .map((r) => ({
          id: r.id, kind: r.kind, rowId: r.row_id, sessionId: r.session_id, version: r.version, tenantId: r.tenant_id, ready: r.ready === 1,
          sessionRemote: r.ready === 1, redeemPending: false, finished: false, entriesPending: false,
        }));
    },
    reviewerPending(): number {
      return (q.reviewerPending.get() as { n: number }).n;
    },
    override(id: string): LocalOverrideRow | null {
      return (q.override.get(id) as LocalOverrideRow | undefined) ?? null;
    },
    dismissal(sessionId: string): LocalDismissalRow | null {
      return (q.dismissal.get(sessionId) as LocalDismissalRow | undefined) ?? null;
    },
    pendingCount(): number {
      return (q.pending.get() as { n: number }).n;
    },
    quarantined(): QuarantinedRowView[] {
      return (q.quarantined.all() as { id: number; kind: SyncItemKind; row_id: string; session_id: string | null; last_error: string | null; error_code: string | null; quarantined_at: string; attempts: number }[])
        .map((r) => ({ id: r.id, kind: r.kind, rowId: r.row_id, sessionId: r.session_id, error: r.last_error ?? 'refused by the backend', code: r.error_code, at: r.quarantined_at, attempts: r.attempts }));
    },
    /** Marks sent items done (and their rows synced), each only if its version is still the one sent. */
    done: db.transaction((items: readonly OutboxItem[], nowMs: number) => {
      const at = iso(nowMs);
      for (const item of items) {
        const removed = q.done.run(item.id, item.version).changes === 1;
        if (item.kind === 'session') q.sessionRemote.run(at, removed ? at : null, item.rowId);
        else if (item.kind === 'entry' && removed) q.entrySynced.run(at, item.rowId);
        else if (item.kind === 'evaluation' && removed) q.evaluationSynced.run(at, item.rowId);
        else if (item.kind === 'override' && removed) q.overrideSynced.run(at, item.rowId);
        else if (item.kind === 'dismissal' && removed) q.dismissalSynced.run(at, item.rowId);
      }
    }) as (items: readonly OutboxItem[], nowMs: number) => void,
    /** A provisional session row is on the server: its entries may follow; the session stays queued. */
    sessionOnServer(sessionId: string, nowMs: number): void {
      q.sessionRemote.run(iso(nowMs), null, sessionId);
    },
    failed(items: readonly OutboxItem[], message: string, code: string): void {
      db.transaction(() => {
        for (const item of items) q.failed.run(message, code || null, item.id);
      })();
    },
    quarantine(item: OutboxItem, message: string, code: string, nowMs: number): boolean {
      return q.quarantine.run(message, code || null, iso(nowMs), item.id, item.version).changes === 1;
    },
    retryQuarantined(ids?: readonly number[]): number {
      if (!ids) return q.unquarantineAll.run().changes;
      let n = 0;
      db.transaction(() => {
        for (const id of ids) n += q.unquarantine.run(id).changes;
      })();
      return n;
    },
    session(id: string): LocalSessionRow | null {
      return (q.session.get(id) as LocalSessionRow | undefined) ?? null;
    },
    entry(id: string): LocalEntryRow | null {
      return (q.entry.get(id) as LocalEntryRow | undefined) ?? null;
    },
    evaluation(id: string): LocalEvaluationRow | null {
      return (q.evaluation.get(id) as LocalEvaluationRow | undefined) ?? null;
    },
    recording(sessionId: string): { session_id: string; file_name: string; bytes: number; finalized: number; tenant_id: string } | null {
      return (q.recording.get(sessionId) as never) ?? null;
    },
    /** After an upload: the session row learns its recording_path (which queues the session again). */
    setRecordingPath(sessionId: string, path: string): void {
      q.setRecordingPath.run(path, sessionId, path);
    },
    invitation(id: string): InvitationRow | null {
      return (q.invitation.get(id) as InvitationRow | undefined) ?? null;
    },
    /** The cached invitation whose code has this keyed hash (column `token` holds the hash, schema 5). */
    invitationByHash(hash: string): InvitationRow | null {
      return (q.invitationByHash.get(hash) as InvitationRow | undefined) ?? null;
    },
    /** The server confirmed an offline redemption: the typed code is no longer needed. */
    clearPendingCode(id: string): void {
      q.clearPendingCode.run(id);
    },
    /** The tenant's key for hashing typed codes (device_code_key(), fetched with the reference data). */
    codeKey(): string | null {
      return outbox.state('code_key');
    },
    enqueue(kind: SyncItemKind, rowId: string, sessionId: string | null, nowMs: number): void {
      q.enqueue.run(kind, rowId, sessionId, iso(nowMs));
    },
    state(key: string): string | null {
      return (q.stateGet.get(key) as { value: string } | undefined)?.value ?? null;
    },
    setState(key: string, value: string): void {
      q.stateSet.run(key, value);
    },
    clearState(key: string): void {
      q.stateClear.run(key);
    },
    /** Resumable uploads' URL and confirmed offset, per recording (sync_state `upload:<session id>`). */
    uploads: {
      get(key: string): UploadProgress | null {
        const raw = outbox.state(`upload:${key}`);
        if (!raw) return null;
        try {
          const v = JSON.parse(raw) as UploadProgress;
          return typeof v.url === 'string' && Number.isInteger(v.size) && Number.isInteger(v.offset) ? v : null;
        } catch {
          return null; // a damaged record: the upload starts over
        }
      },
      set(key: string, progress: UploadProgress): void {
        outbox.setState(`upload:${key}`, JSON.stringify(progress));
      },
      clear(key: string): void {
        outbox.clearState(`upload:${key}`);
      },
    } satisfies ProgressStore,
    cursor(table: string): PullCursor | null {
      const raw = outbox.state(`pull:${table}`);
      if (!raw) return null;
      try {
        const v = JSON.parse(raw) as PullCursor;
        return typeof v.updatedAt === 'string' && typeof v.id === 'string' ? v : null;
      } catch {
        return null;
      }
    },
    setCursor(table: string, cursor: PullCursor): void {
      outbox.setState(`pull:${table}`, JSON.stringify(cursor));
    },
    /** This kiosk's stable id (redeem_invitation's p_device), made once. */
    deviceId(): string {
      let id = outbox.state('device_id');
      if (!id) {
        id = `kiosk-${randomUUID()}`;
        outbox.setState('device_id', id);
      }
      return id;
    },
  };
  return outbox;
}

export type Outbox = ReturnType<typeof createOutbox>;
