// What the kiosk holds for its backend, and the three ways it lets go of it: an export of the queue (so the
// operator can take unsent interviews away by hand), a tenant change (the old tenant's data is wiped), and a new
// backend URL (the queue is kept for it or, after an export, discarded). Pure decisions first, thin SQLite/file
// shells after.
//
// A kiosk serves one tenant: the one of the device user it is signed in as (`app_metadata.tenant_id` in its JWT,
// the claim every RLS policy checks). Rows of any other (non-demo) tenant on the kiosk are left from an earlier
// sign-in; they must go before the new tenant's data arrives, but never while some of them are still unsent.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueCounts, QueueExport, SyncItemKind } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import { writeFileAtomic } from '../files/atomic';

// ---- pure -------------------------------------------------------------------------------------------------

const KIND_WORDS: Record<SyncItemKind, [string, string]> = {
  session: ['interview', 'interviews'],
  entry: ['transcript entry', 'transcript entries'],
  recording: ['recording', 'recordings'],
  invitation_redeem: ['invitation redemption', 'invitation redemptions'],
  invitation: ['invitation completion', 'invitation completions'],
  evaluation: ['evaluation', 'evaluations'],
  override: ['reviewer override', 'reviewer overrides'],
  dismissal: ['dismissal', 'dismissals'],
};

/** "2 interviews, 14 transcript entries and 1 recording" (kinds in a fixed order). */
export function describeQueue(counts: QueueCounts): string {
  const parts = (Object.keys(KIND_WORDS) as SyncItemKind[])
    .filter((k) => (counts.byKind[k] ?? 0) > 0)
    .map((k) => `${counts.byKind[k]} ${KIND_WORDS[k][counts.byKind[k] === 1 ? 0 : 1]}`);
  if (parts.length === 0) return 'nothing';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** A fingerprint of the queue's exact contents (which rows, at which version): an export covers the queue only
 * while nothing was queued or changed after it. */
export function queueDigest(rows: readonly { kind: string; row_id: string; version: number }[]): string {
  const lines = rows.map((r) => `${r.kind}\t${r.row_id}\t${r.version}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export type TenantChange =
  /** Nothing of another tenant is on the kiosk. */
  | { action: 'keep' }
  /** Delete these tenants' local data, then sign in. */
  | { action: 'wipe'; tenants: string[] }
  | { action: 'refuse'; message: string };

/**
 * Signing in as a device of `newTenant` (null: the device user names no tenant) on a kiosk holding data of
 * `localTenants` (non-demo). Another tenant's data is wiped, but only once its queue is empty or exported: the
 * unsent rows could reach no other backend (RLS ties them to their tenant), so wiping them would lose interviews.
 */
export function planTenantChange(input: { newTenant: string | null; localTenants: readonly string[]; queue: QueueCounts; exported: boolean }): TenantChange {
  const others = input.localTenants.filter((t) => t !== input.newTenant);
  if (others.length === 0) return { action: 'keep' };
  if (input.queue.total > 0 && !input.exported) {
    return {
      action: 'refuse',
      message:
        `This device user belongs to another company than the interviews on this kiosk, and ${describeQueue(input.queue)} ` +
        'of the current company have not been uploaded yet. Signing in would delete them. Sign in again as this kiosk\'s ' +
        'own device user and let the queue upload, or export the queued data first; then sign in as the new device.',
    };
  }
  return { action: 'wipe', tenants: others };
}

export type BackendChange =
  /** Save the new URL (nothing queued, the same project, or the operator chose to keep the queue for it). */
  | { action: 'apply'; discardQueue: boolean }
  /** Ask the operator first: keep the queue for the new backend, or discard it after an export. */
  | { action: 'ask'; queued: QueueCounts }
  | { action: 'refuse'; message: string };

/** A new backend URL with rows still queued for the current one: never re-sent silently. */
export function planBackendChange(input: { sameProject: boolean; queue: QueueCounts; choice: 'keep' | 'discard' | undefined; exported: boolean }): BackendChange {
  if (input.sameProject || input.queue.total === 0) return { action: 'apply', discardQueue: false };
  if (input.choice === 'keep') return { action: 'apply', discardQueue: false };
  if (input.choice === 'discard') {
    if (!input.exported) {
      return {
        action: 'refuse',
        message: `Discarding ${describeQueue(input.queue)} needs an export of the queue first (Export queued data); nothing was changed.`,
      };
    }
    return { action: 'apply', discardQueue: true };
  }
  return { action: 'ask', queued: input.queue };
}

// ---- SQLite and files -----------------------------------------------------------------------------------

const EXPORT_STATE = 'queue_export';

/** sync_state keys that belong to the backend/tenant being left (the device id and the code-attempt pause stay:
 * they belong to the kiosk). */
const TENANT_STATE = /^(pull:|upload:)|^(code_key|kiosk_status|last_pull_at|last_success_at|queue_export)$/;

export function createLocalData(db: KioskDatabase, dataDir: string) {
  const q = {
    outbox: db.prepare('SELECT kind, row_id, version, session_id, quarantined_at FROM sync_outbox ORDER BY id'),
    localTenants: db.prepare('SELECT id FROM tenants WHERE demo = 0 ORDER BY id').pluck(),
    state: db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck(),
    setState: db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    session: db.prepare('SELECT * FROM interview_sessions WHERE id = ?'),
    entries: db.prepare('SELECT * FROM transcript_entries WHERE session_id = ? ORDER BY seq, id'),
    evaluations: db.prepare('SELECT * FROM evaluations WHERE session_id = ? ORDER BY created_at, id'),
    overrides: db.prepare('SELECT * FROM evaluation_overrides WHERE session_id = ? ORDER BY created_at, id'),
    dismissal: db.prepare('SELECT * FROM session_dismissals WHERE session_id = ?'),
    recording: db.prepare('SELECT * FROM recordings WHERE session_id = ?'),
    // The typed code of an offline redemption (pending_code) never leaves the database.
    invitation: db.prepare(`SELECT id, tenant_id, status, expires_at, candidate_id, position_id, redeemed_at, redeemed_by_device,
      session_id, created_at, updated_at FROM invitations WHERE id = ?`),
  };

  type OutboxRow = { kind: SyncItemKind; row_id: string; version: number; session_id: string | null; quarantined_at: string | null };
  const outboxRows = () => q.outbox.all() as OutboxRow[];

  function countsOf(rows: readonly OutboxRow[]): QueueCounts {
    const byKind: Partial<Record<SyncItemKind, number>> = {};
    for (const r of rows) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    return { total: rows.length, byKind, quarantined: rows.filter((r) => r.quarantined_at !== null).length };
  }

  const local = {
    /** Everything unsent, quarantined rows included (they are unsent too). */
    queue(): QueueCounts {
      return countsOf(outboxRows());
    },
    /** The last export covers the queue as it is now (nothing queued or changed since). */
    exported(): boolean {
      const raw = q.state.get(EXPORT_STATE) as string | undefined;
      if (!raw) return false;
      try {
        return (JSON.parse(raw) as { digest?: unknown }).digest === queueDigest(outboxRows());
      } catch {
        return false;
      }
    },
    localTenants(): string[] {
      return q.localTenants.all() as string[];
    },

    /**
     * Writes every queued row's current state, grouped by interview (session, all its entries and evaluations,
     * the recording file), and the queued invitation changes, into <dataDir>/exports/<time>/ (owner-only), and
     * remembers what it covered.
     */
    exportQueue(nowMs: number): QueueExport {
      const rows = outboxRows();
      const at = new Date(nowMs).toISOString();
      const directory = join(dataDir, 'exports', at.replace(/[:.]/g, '-'));
      mkdirSync(join(dataDir, 'exports'), { recursive: true, mode: 0o700 });
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      const sessionIds = [...new Set(rows.map((r) => (r.kind === 'invitation_redeem' ? null : r.session_id)).filter((s): s is string => s !== null))];
      const invitationIds = [...new Set(rows.filter((r) => r.kind === 'invitation' || r.kind === 'invitation_redeem').map((r) => r.row_id))];
      let files = 0;
      const interviews = sessionIds.map((id) => {
        const recording = q.recording.get(id) as { file_name: string } | undefined;
        let recordingFile: string | null = null;
        const source = recording ? join(dataDir, 'recordings', recording.file_name) : null;
        if (source && existsSync(source)) {
          recordingFile = recording!.file_name;
          copyFileSync(source, join(directory, recordingFile));
          chmodSync(join(directory, recordingFile), 0o600);
          files++;
        }
        return { session: q.session.get(id) ?? null, entries: q.entries.all(id), evaluations: q.evaluations.all(id),
          overrides: q.overrides.all(id), dismissal: q.dismissal.get(id) ?? null, recordingFile };
      });
      const invitations = invitationIds.map((id) => q.invitation.get(id)).filter(Boolean);
      const counts = countsOf(rows);
      writeFileAtomic(join(directory, 'queue.json'), JSON.stringify({ exportedAt: at, queued: counts, interviews, invitations }, null, 2));
      files++;
      q.setState.run(EXPORT_STATE, JSON.stringify({ digest: queueDigest(rows), at, directory }));
      return { directory, at, counts, files };
    },

    /** Drops the queue (after an export): those rows will not be sent anywhere. The local rows stay. */
    discardQueue(): number {
      return db.prepare('DELETE FROM sync_outbox').run().changes;
    },

    /**
     * Deletes the tenants' local data: interviews with their entries, recordings (rows and files), evaluations,
     * overrides and dismissals; candidates, positions, invitations, the tenant rows; and the queue and the
     * backend's sync state (pull cursors, code key, uploads in progress). Rows first, in one transaction; the
     * recording files after it commits.
     */
    wipeTenants(tenants: readonly string[]): { sessions: number; files: number } {
      if (tenants.length === 0) return { sessions: 0, files: 0 };
      const args = { tenants: JSON.stringify(tenants) };
      const inTenants = '(SELECT value FROM json_each(@tenants))';
      const sessionsOf = `(SELECT id FROM interview_sessions WHERE tenant_id IN ${inTenants})`;
      const run = (sql: string) => db.prepare(sql).run(args);
      let files: string[] = [];
      let sessions = 0;
      db.transaction(() => {
        files = db.prepare(`SELECT file_name FROM recordings WHERE session_id IN ${sessionsOf}`).pluck().all(args) as string[];
        sessions = db.prepare(`SELECT count(*) FROM interview_sessions WHERE tenant_id IN ${inTenants}`).pluck().get(args) as number;
        for (const table of ['evaluation_overrides', 'session_dismissals', 'evaluations', 'evaluation_jobs', 'transcript_entries', 'interview_events', 'operator_notices', 'recordings']) {
          run(`DELETE FROM ${table} WHERE session_id IN ${sessionsOf}`);
        }
        run(`DELETE FROM operator_notices WHERE candidate_id IN (SELECT id FROM candidates WHERE tenant_id IN ${inTenants})`);
        run(`DELETE FROM invitations WHERE tenant_id IN ${inTenants} OR session_id IN ${sessionsOf}`);
        db.prepare('DELETE FROM sync_outbox').run(); // empty or exported: the plan checked
        run(`DELETE FROM interview_sessions WHERE tenant_id IN ${inTenants}`);
        run(`DELETE FROM candidates WHERE tenant_id IN ${inTenants}`);
        run(`DELETE FROM positions WHERE tenant_id IN ${inTenants}`);
        run(`DELETE FROM tenants WHERE id IN ${inTenants}`);
        const keys = (db.prepare('SELECT key FROM sync_state').pluck().all() as string[]).filter((k) => TENANT_STATE.test(k));
        for (const k of keys) db.prepare('DELETE FROM sync_state WHERE key = ?').run(k);
      })();
      for (const f of files) rmSync(join(dataDir, 'recordings', f), { force: true });
      return { sessions, files: files.length };
    },
  };
  return local;
}

export type LocalData = ReturnType<typeof createLocalData>;
