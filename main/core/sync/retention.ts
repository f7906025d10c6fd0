// Retention: a kiosk is not an archive. The transcript and the recording of an interview are deleted from the
// kiosk `retentionDays` (settings, 1–365, default 30) after the backend confirmed the last of them; the backend
// keeps them. Nothing that is not confirmed is ever deleted: an interview still queued, refused (quarantined),
// with entries or an evaluation not yet confirmed, a recording not yet uploaded (or never finalized), an
// evaluation still to be made (it reads the transcript), or a demo-tenant interview (never uploaded) stays.
// The session row, its evaluation, overrides and dismissal stay (the review list still shows the interview).
//
// `dueForDeletion` decides (pure, any clock); `createRetention` is the shell: it reads the facts, deletes, and
// runs itself periodically on the injected clock.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KioskDatabase } from '../db/database';
import { RETENTION_DAYS, type SettingsStore } from '../settings/types';
import type { Clock } from './engine';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the shell looks (deletion is not urgent to the minute; an hour keeps the work small). */
export const RETENTION_SWEEP_MS = 60 * 60 * 1000;

/** What the kiosk knows about one interview's upload state. */
export interface RetentionFacts {
  sessionId: string;
  status: 'scheduled' | 'in_progress' | 'completed' | 'failed';
  demo: boolean;
  /** The session row's last confirmed upload (null: never confirmed). */
  sessionSyncedAt: string | null;
  /** Outbox rows of this interview, queued or quarantined. */
  queued: number;
  entries: number;
  unsyncedEntries: number;
  lastEntrySyncedAt: string | null;
  unsyncedEvaluations: number;
  lastEvaluationSyncedAt: string | null;
  /** An evaluation job not yet done or failed for good: it still needs the transcript. */
  evaluationPending: boolean;
  /** null: no recording. */
  recording: { finalized: boolean; uploaded: boolean } | null;
}

/** When the backend had confirmed everything of this interview, or null if something is not confirmed. */
export function confirmedAt(f: RetentionFacts): number | null {
  if (f.demo || (f.status !== 'completed' && f.status !== 'failed')) return null;
  if (f.queued > 0 || f.unsyncedEntries > 0 || f.unsyncedEvaluations > 0 || f.evaluationPending) return null;
  if (f.recording && !(f.recording.finalized && f.recording.uploaded)) return null;
  if (!f.sessionSyncedAt) return null;
  const times = [f.sessionSyncedAt, f.lastEntrySyncedAt, f.lastEvaluationSyncedAt].filter((t): t is string => t !== null).map((t) => Date.parse(t));
  if (times.some((t) => Number.isNaN(t))) return null; // a damaged time is not a confirmation
  return Math.max(...times);
}

/** Pure: the interviews whose local transcript and recording are due for deletion at `nowMs`. */
export function dueForDeletion(facts: readonly RetentionFacts[], nowMs: number, days: number): string[] {
  if (!Number.isInteger(days) || days < RETENTION_DAYS.min) return []; // a bad setting deletes nothing
  return facts
    .filter((f) => f.entries > 0 || f.recording !== null) // already deleted: nothing to do
    .filter((f) => {
      const at = confirmedAt(f);
      return at !== null && nowMs >= at + days * DAY_MS;
    })
    .map((f) => f.sessionId);
}

export function createRetention(deps: { db: KioskDatabase; dataDir: string; settings: SettingsStore; clock: Clock; log: (line: string) => void; intervalMs?: number }) {
  const { db } = deps;
  const facts = db.prepare(`
    SELECT s.id AS sessionId, s.status, t.demo, s.synced_at AS sessionSyncedAt,
      (SELECT count(*) FROM sync_outbox o WHERE o.session_id = s.id OR (o.kind = 'session' AND o.row_id = s.id)) AS queued,
      (SELECT count(*) FROM transcript_entries e WHERE e.session_id = s.id) AS entries,
      (SELECT count(*) FROM transcript_entries e WHERE e.session_id = s.id AND e.synced_at IS NULL) AS unsyncedEntries,
      (SELECT max(e.synced_at) FROM transcript_entries e WHERE e.session_id = s.id) AS lastEntrySyncedAt,
      (SELECT count(*) FROM evaluations v WHERE v.session_id = s.id AND v.synced_at IS NULL) AS unsyncedEvaluations,
      (SELECT max(v.synced_at) FROM evaluations v WHERE v.session_id = s.id) AS lastEvaluationSyncedAt,
      EXISTS (SELECT 1 FROM evaluation_jobs j WHERE j.session_id = s.id AND j.state IN ('queued', 'running', 'retrying')) AS evaluationPending,
      r.session_id IS NOT NULL AS hasRecording, r.finalized, s.recording_path IS NOT NULL AS uploaded
    FROM interview_sessions s JOIN tenants t ON t.id = s.tenant_id LEFT JOIN recordings r ON r.session_id = s.id
    WHERE s.status IN ('completed', 'failed')
      AND (EXISTS (SELECT 1 FROM transcript_entries e WHERE e.session_id = s.id) OR r.session_id IS NOT NULL)`);
  const recordingFile = db.prepare('SELECT file_name FROM recordings WHERE session_id = ?').pluck();
  const deleteEntries = db.prepare('DELETE FROM transcript_entries WHERE session_id = ?');
  const deleteRecording = db.prepare('DELETE FROM recordings WHERE session_id = ?');
  const deleteEvents = db.prepare('DELETE FROM interview_events WHERE session_id = ?');
  let timer: unknown = null;
  let closed = false;

  function load(): RetentionFacts[] {
    return (facts.all() as (Omit<RetentionFacts, 'demo' | 'evaluationPending' | 'recording'> & { demo: number; evaluationPending: number; hasRecording: number; finalized: number | null; uploaded: number })[])
      .map(({ hasRecording, finalized, uploaded, demo, evaluationPending, ...r }) => ({
        ...r,
        demo: demo === 1,
        evaluationPending: evaluationPending === 1,
        recording: hasRecording ? { finalized: finalized === 1, uploaded: uploaded === 1 } : null,
      }));
  }

  /** Deletes what is due now; answers the interviews it cleared. */
  function sweep(): string[] {
    const days = deps.settings.get().retentionDays ?? RETENTION_DAYS.default;
    const due = dueForDeletion(load(), deps.clock.now(), days);
    for (const id of due) {
      const file = recordingFile.get(id) as string | undefined;
      db.transaction(() => {
        deleteEntries.run(id);
        deleteRecording.run(id);
        deleteEvents.run(id);
      })();
      if (file) rmSync(join(deps.dataDir, 'recordings', file), { force: true });
    }
    if (due.length > 0) deps.log(`retention: removed the local transcript and recording of ${due.length} uploaded interviews older than ${days} days`);
    return due;
  }

  function schedule(): void {
    if (closed) return;
    timer = deps.clock.setTimeout(() => {
      try {
        sweep();
      } catch (error) {
        deps.log(`retention sweep failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      schedule();
    }, deps.intervalMs ?? RETENTION_SWEEP_MS);
  }

  return {
    load,
    sweep,
    start(): void {
      if (timer !== null || closed) return;
      schedule();
    },
    close(): void {
      closed = true;
      if (timer !== null) deps.clock.clearTimeout(timer);
      timer = null;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
