// A kiosk serves the tenant of the device it is signed in as. Signing in as a device of another tenant is refused
// while interviews of the current one are unsent (nothing is lost, the words say why), unless the queue was
// exported; once the queue is empty (or exported) the old tenant's local data and pull cursors are wiped before the
// new tenant's data is pulled. A new backend URL with rows still queued asks what to do with them.
// Real SQLite file, real Postgres behind the Supabase-compatible gateway, supabase-js.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import type { ConfigureBackendResult, QueueExport, SettingsView, SetupData, SyncStatus } from '../../../preload/contract';
import { DEMO } from '../../support/gateway/stack';
import { drained, evaluationsSettled, runInterview, startSyncKiosk, useSeededStack, waitForSync, type SyncKiosk } from './support';

const env = useSeededStack();
const deviceB = { email: 'kiosk-b@other.test', password: crypto.randomBytes(12).toString('base64url') };
let tenantB = '';
let candidateB = '';

/** A second tenant with a position, a candidate and a device user (made once, after the stack is up). */
async function ensureTenantB(): Promise<void> {
  if (tenantB) return;
  tenantB = (await env.client.query<{ id: string }>(`insert into tenants (name, "values") values ('Other Centre', 'thrift') returning id`)).rows[0]!.id;
  await env.client.query(`insert into positions (tenant_id, title, description, competencies, language) values ($1, 'Baker', 'Bakes.', array['patience'], 'de')`, [tenantB]);
  candidateB = (await env.client.query<{ id: string }>(`insert into candidates (tenant_id, name, email) values ($1, 'Robin Other', 'robin@other.test') returning id`, [tenantB])).rows[0]!.id;
  await env.stack.gateway.createDeviceUser(deviceB.email, deviceB.password, tenantB);
}

const deviceA = () => ({ email: env.stack.device!.email, password: env.stack.device!.password });

/** Local rows per table that belong to tenant `t` (directly or through its interviews). */
function localRows(kiosk: SyncKiosk, t: string): Record<string, number> {
  const one = (sql: string) => kiosk.db.prepare(sql).pluck().get(t) as number;
  const sessions = `(SELECT id FROM interview_sessions WHERE tenant_id = ?)`;
  return {
    tenants: one('SELECT count(*) FROM tenants WHERE id = ?'),
    sessions: one('SELECT count(*) FROM interview_sessions WHERE tenant_id = ?'),
    entries: one(`SELECT count(*) FROM transcript_entries WHERE session_id IN ${sessions}`),
    recordings: one(`SELECT count(*) FROM recordings WHERE session_id IN ${sessions}`),
    evaluationJobs: one(`SELECT count(*) FROM evaluation_jobs WHERE session_id IN ${sessions}`),
    candidates: one('SELECT count(*) FROM candidates WHERE tenant_id = ?'),
    positions: one('SELECT count(*) FROM positions WHERE tenant_id = ?'),
    invitations: one('SELECT count(*) FROM invitations WHERE tenant_id = ?'),
  };
}

const recordingFiles = (kiosk: SyncKiosk) => (existsSync(join(kiosk.dataDir, 'recordings')) ? readdirSync(join(kiosk.dataDir, 'recordings')) : []);
const stateKeys = (kiosk: SyncKiosk) => kiosk.db.prepare('SELECT key FROM sync_state ORDER BY key').pluck().all() as string[];
const outboxRows = (kiosk: SyncKiosk) => kiosk.db.prepare('SELECT kind, row_id, version FROM sync_outbox ORDER BY id').all();

async function refusedSignIn(kiosk: SyncKiosk, device: { email: string; password: string }): Promise<string> {
  const r = await kiosk.result('signInDevice', device);
  assert.equal(r.ok, false, 'the sign-in is refused');
  const error = (r as { error: { code: string; message: string } }).error;
  assert.equal(error.code, 'conflict');
  return error.message;
}

describe('tenant change', () => {
  beforeEach(ensureTenantB);
  test('refused while interviews are unsent (nothing lost); once the queue is empty the old tenant is wiped', { timeout: 120_000 }, async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      await runInterview(kiosk, { turns: 2, recordingBytes: 100_000 });
      await evaluationsSettled(kiosk);
      await waitForSync(kiosk.service, drained, 30_000, 'the first interview to upload');
      // A second interview while signed out stays queued.
      await kiosk.call('signOutDevice');
      await runInterview(kiosk, { turns: 1, recordingBytes: 50_000 });
      await evaluationsSettled(kiosk);
      const before = localRows(kiosk, DEMO.tenantId) as Record<string, number> & { entries: number; invitations: number };
      assert.equal(before.sessions, 2);
      assert.ok(before.entries > 0 && before.recordings === 2 && before.candidates === 3 && before.positions === 2 && before.invitations >= 1, JSON.stringify(before));
      const files = recordingFiles(kiosk);
      assert.equal(files.length, 2);
      const queued = outboxRows(kiosk);
      assert.ok(queued.length >= 3, `queued ${queued.length}`);

      const message = await refusedSignIn(kiosk, deviceB);
      assert.match(message, /another company/);
      assert.match(message, /1 interview, \d+ transcript entries/);
      assert.match(message, /1 recording/);
      assert.match(message, /export/i);
      // Nothing lost and nothing of B stored: the same rows, files and queue; still signed out.
      assert.deepEqual(localRows(kiosk, DEMO.tenantId), before);
      assert.deepEqual(recordingFiles(kiosk), files);
      assert.deepEqual(outboxRows(kiosk), queued);
      assert.equal(localRows(kiosk, tenantB).candidates, 0);
      assert.equal((await kiosk.call<SyncStatus>('getSyncStatus')).signedInAs, null);

      // The kiosk's own device drains the queue; then the move goes through.
      await kiosk.call('signInDevice', deviceA());
      await waitForSync(kiosk.service, drained, 30_000, 'the queue to drain');
      assert.ok(stateKeys(kiosk).includes('pull:candidates'));
      const cursorA = kiosk.db.prepare(`SELECT value FROM sync_state WHERE key = 'pull:candidates'`).pluck().get() as string;

      // A reviewer's local override and dismissal of A's interviews are queued for a reviewer's upload: unsent, they
      // hold the move back like any queued row; once exported, they go with the interviews.
      const evaluation = kiosk.db.prepare('SELECT id, session_id FROM evaluations LIMIT 1').get() as { id: string; session_id: string };
      kiosk.db.prepare(`INSERT INTO evaluation_overrides (id, evaluation_id, session_id, competency, level, reason, created_at)
        VALUES ('o1', ?, ?, 'empathy', 3, 'heard it myself', '2026-01-01T00:00:00Z')`).run(evaluation.id, evaluation.session_id);
      kiosk.db.prepare(`INSERT INTO session_dismissals (session_id, id, reason, created_at) VALUES (?, 'd1', 'wrong candidate', '2026-01-01T00:00:00Z')`)
        .run(evaluation.session_id);
      assert.match(await refusedSignIn(kiosk, deviceB), /1 reviewer override and 1 dismissal/);
      await kiosk.call('exportQueue');

      const status = await kiosk.call<SyncStatus>('signInDevice', deviceB);
      assert.equal(status.signedInAs, deviceB.email);
      assert.deepEqual(localRows(kiosk, DEMO.tenantId), { tenants: 0, sessions: 0, entries: 0, recordings: 0, evaluationJobs: 0, candidates: 0, positions: 0, invitations: 0 });
      assert.deepEqual(recordingFiles(kiosk), [], 'the recording files are gone');
      for (const table of ['evaluations', 'evaluation_overrides', 'session_dismissals', 'sync_outbox']) {
        assert.equal(kiosk.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), 0, table);
      }
      // The cursors start over for the new tenant: its rows are pulled from the beginning.
      const cursorB = JSON.parse(kiosk.db.prepare(`SELECT value FROM sync_state WHERE key = 'pull:candidates'`).pluck().get() as string) as { id: string };
      assert.notEqual(JSON.stringify(cursorB), cursorA);
      assert.equal(cursorB.id, candidateB);
      const setup = await kiosk.call<SetupData>('getSetupData');
      assert.equal(setup.tenant.id, tenantB);
      assert.deepEqual(setup.candidates.map((c) => c.name), ['Robin Other']);
      // The position's language comes with it (it becomes the interview's transcription language).
      assert.deepEqual(setup.positions.map((p) => [p.title, p.language]), [['Baker', 'de']]);
      // The uploaded interviews are still on the server: the wipe was local only.
      assert.equal((await env.client.query(`select count(*)::int as n from interview_sessions where tenant_id = $1`, [DEMO.tenantId])).rows[0].n >= 2, true);
      assert.ok(kiosk.logs.some((l) => /tenant changed: removed 2 interviews and 2 recordings/.test(l)), kiosk.logs.join('\n'));

      // Back to A: B's data goes the same way (the queue is empty).
      await kiosk.call('signInDevice', deviceA());
      assert.equal(localRows(kiosk, tenantB).candidates, 0);
      assert.equal(localRows(kiosk, DEMO.tenantId).candidates, 3);

      // A tenant row left by an older version (older than A's, so first by row order) is not what the screens show:
      // the signed-in device's tenant is.
      kiosk.db.prepare(`INSERT INTO tenants (id, name, company_values, demo, created_at, updated_at)
        VALUES ('left-over', 'Left-over Ltd', '', 0, '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')`).run();
      assert.equal((await kiosk.call<SetupData>('getSetupData')).tenant.id, DEMO.tenantId);
    } finally {
      await kiosk.close();
    }
  });

  test('an export covers the queue as it was: a later change needs a new export; the export outlives the wipe', { timeout: 120_000 }, async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      await kiosk.call('signOutDevice');
      const summary = await runInterview(kiosk, { turns: 2, recordingBytes: 40_000 });
      await evaluationsSettled(kiosk);
      const first = await kiosk.call<QueueExport>('exportQueue');
      assert.ok(first.directory.startsWith(join(kiosk.dataDir, 'exports')), first.directory);
      assert.equal(statSync(first.directory).mode & 0o777, 0o700);
      const dump = JSON.parse(readFileSync(join(first.directory, 'queue.json'), 'utf8')) as { interviews: { session: { id: string }; entries: unknown[]; recordingFile: string | null }[] };
      assert.equal(dump.interviews.length, 1);
      assert.equal(dump.interviews[0]!.session.id, summary.session.id);
      assert.equal(dump.interviews[0]!.entries.length, summary.entries.length);
      const copied = join(first.directory, dump.interviews[0]!.recordingFile!);
      assert.equal(statSync(copied).size, 40_000);
      assert.equal(statSync(copied).mode & 0o777, 0o600);

      // A transcript entry changes after the export: the export no longer covers the queue.
      kiosk.db.prepare(`UPDATE transcript_entries SET text = text || ' (corrected)' WHERE id = (SELECT id FROM transcript_entries LIMIT 1)`).run();
      assert.match(await refusedSignIn(kiosk, deviceB), /not been uploaded/);
      assert.equal(localRows(kiosk, DEMO.tenantId).sessions, 1);

      const second = await kiosk.call<QueueExport>('exportQueue');
      await kiosk.call('signInDevice', deviceB);
      assert.equal(localRows(kiosk, DEMO.tenantId).sessions, 0);
      assert.deepEqual(outboxRows(kiosk), [], 'the exported queue was dropped with the tenant');
      assert.ok(existsSync(join(second.directory, 'queue.json')), 'the export is kept');
      // Nothing of A reached B's tenant on the server.
      assert.equal((await env.client.query(`select count(*)::int as n from interview_sessions where id = $1`, [summary.session.id])).rows[0].n, 0);
    } finally {
      await kiosk.close();
    }
  });
});

describe('a new backend URL with rows still queued', () => {
  test('asks (with counts) instead of re-sending; discarding needs an export; keep sends them on', { timeout: 120_000 }, async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    const other = { supabaseUrl: 'https://other-project.supabase.co', anonKey: 'c'.repeat(40) };
    try {
      await kiosk.call('signOutDevice');
      await runInterview(kiosk, { turns: 1 });
      await evaluationsSettled(kiosk);
      const queue = outboxRows(kiosk);
      const asked = await kiosk.call<ConfigureBackendResult>('configureBackend', other);
      assert.equal(asked.applied, false);
      assert.equal(asked.queued!.total, queue.length);
      assert.equal(asked.queued!.byKind.session, 1);
      assert.ok(asked.queued!.byKind.entry! >= 2);
      assert.equal((await kiosk.call<SettingsView>('getSettings')).backend!.url, env.stack.gateway.url, 'the URL did not change');
      assert.deepEqual(outboxRows(kiosk), queue);

      const refused = await kiosk.result('configureBackend', { ...other, queued: 'discard' });
      assert.equal((refused as { error: { code: string } }).error.code, 'conflict');
      assert.match((refused as { error: { message: string } }).error.message, /export/);
      assert.deepEqual(outboxRows(kiosk), queue);

      await kiosk.call('exportQueue');
      const discarded = await kiosk.call<ConfigureBackendResult>('configureBackend', { ...other, queued: 'discard' });
      assert.equal(discarded.applied, true);
      assert.deepEqual(outboxRows(kiosk), []);
      assert.equal((await kiosk.call<SettingsView>('getSettings')).backend!.url, other.supabaseUrl);

      // Same project again with an empty queue: applied without asking.
      const back = await kiosk.call<ConfigureBackendResult>('configureBackend', { supabaseUrl: env.stack.gateway.url, anonKey: env.stack.gateway.anonKey });
      assert.equal(back.applied, true);
    } finally {
      await kiosk.close();
    }
  });
});
