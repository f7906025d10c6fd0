// Acceptance: a full practice interview through the service, then sync — every SQLite row is in Postgres, field
// for field, in order; the recording (≥ 30 MB) is in Storage at recordings/<tenant>/<session>.webm; a restart with
// a non-empty queue drains by itself after start; reference data was pulled so setup worked from the cache.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { SetupData, SyncStatus } from '../../../preload/contract';
import { DEMO } from '../../support/gateway/stack';
import { assertSessionInPostgres, drained, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();

describe('full interview, then sync', () => {
  test('reference data is pulled into SQLite at sign-in, so setup shows the backend tenant', async () => {
    const urls: string[] = [];
    const kiosk = await startSyncKiosk({ stack: env.stack, backendFetch: (input, init) => (urls.push(String(input)), fetch(input, init)) });
    try {
      const setup = await kiosk.call<SetupData>('getSetupData');
      assert.equal(setup.tenant.id, DEMO.tenantId);
      assert.equal(setup.tenant.name, 'Acme Assessment Centre');
      assert.match(setup.tenant.values, /candour/);
      assert.equal(setup.demo, false);
      assert.deepEqual(setup.candidates.map((c) => c.id).sort(), [...DEMO.candidates].sort());
      assert.deepEqual(setup.positions.map((p) => p.id).sort(), [...DEMO.positions].sort());
      const competencies = setup.positions.find((p) => p.id === DEMO.positions[0])!.competencies;
      assert.deepEqual(competencies, ['empathy', 'clear written communication', 'troubleshooting', 'handling difficult conversations']);
      const inv = kiosk.db.prepare('SELECT token, status FROM invitations').all();
      // Only the keyed hash of the open code is cached, never the code itself.
      assert.equal(inv.length, 1);
      assert.deepEqual(inv.map((r) => (r as { status: string }).status), ['open']);
      assert.match((inv[0] as { token: string }).token, /^[0-9a-f]{64}$/);
      assert.equal(JSON.stringify(kiosk.db.prepare('SELECT * FROM invitations').all()).includes(DEMO.invitationToken.replace('-', '')), false);
      const status = await kiosk.call<SyncStatus>('getSyncStatus');
      assert.equal(status.signedInAs, env.stack.device!.email);
      assert.ok(status.lastPullAt, 'lastPullAt is set');
      // The settings view shows the backend, never the anon key or tokens.
      const settings = await kiosk.call<Record<string, unknown>>('getSettings');
      assert.deepEqual(settings.backend, { url: env.stack.gateway.url, configured: true, signedInAs: env.stack.device!.email });
      assert.ok(!JSON.stringify(settings).includes(env.stack.gateway.anonKey));

      // Incremental: a change on the server arrives with the next pull, and only rows at or after the cursor
      // (minus the overlap window) are asked for.
      await env.client.query(`update candidates set name = 'Sam Rivera-Lopez' where id = $1`, [DEMO.candidates[1]]);
      await kiosk.call('syncNow');
      const renamed = (await kiosk.call<SetupData>('getSetupData')).candidates.find((c) => c.id === DEMO.candidates[1]);
      assert.equal(renamed?.name, 'Sam Rivera-Lopez');
      const lastCandidatePull = urls.filter((u) => u.includes('/rest/v1/candidates')).at(-1)!;
      assert.match(decodeURIComponent(lastCandidatePull), /updated_at=gte\./);
      assert.match(decodeURIComponent(urls.filter((u) => u.includes('/rest/v1/candidates'))[0]!), /order=updated_at.asc,id.asc/);
    } finally {
      await kiosk.close();
    }
  });

  test('every row of a full interview reaches Postgres field for field, in order, with the 30 MB recording', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      const summary = await runInterview(kiosk, { turns: 12, recordingBytes: 31 * 1024 * 1024 });
      const sessionId = summary.session.id;
      assert.equal(summary.session.status, 'completed');
      assert.equal(summary.entries.length, 24);
      const status = await waitForSync(kiosk.service, (s) => drained(s) && kiosk.db.prepare('SELECT recording_path FROM interview_sessions WHERE id = ?').pluck().get(sessionId) !== null, 60_000, 'the queue to drain');
      assert.equal(status.quarantined.length, 0);
      assert.equal(status.lastError, null);
      await waitForSync(kiosk.service, drained, 20_000, 'the session row with its recording_path');
      const { entries } = await assertSessionInPostgres(kiosk.db, env.client, sessionId);
      assert.equal(entries, 24);
      // Entries are marked synced locally.
      const unsynced = kiosk.db.prepare('SELECT count(*) FROM transcript_entries WHERE session_id = ? AND synced_at IS NULL').pluck().get(sessionId);
      assert.equal(unsynced, 0);
      // The recording: object name, and the bytes are the local file's.
      const name = `${DEMO.tenantId}/${sessionId}.webm`;
      const remotePath = (await env.client.query('select recording_path from interview_sessions where id = $1', [sessionId])).rows[0].recording_path;
      assert.equal(remotePath, name);
      const object = (await env.client.query(`select metadata from storage.objects where bucket_id = 'recordings' and name = $1`, [name])).rows[0];
      assert.ok(object, 'the storage object row exists');
      const file = await env.stack.gateway.objectFile('recordings', name);
      assert.ok(file);
      const local = join(kiosk.dataDir, 'recordings', `${sessionId}.webm`);
      assert.equal(statSync(file).size, 31 * 1024 * 1024);
      assert.ok(readFileSync(file).equals(readFileSync(local)), 'uploaded bytes equal the local recording');
    } finally {
      await kiosk.close();
    }
  });

  test('a recording upload that fails (dropped connection, 503) is retried by itself and lands once', async () => {
    let storageFailures = 0;
    const flaky: typeof fetch = async (input, init) => {
      if (String(input).includes('/storage/v1/object/recordings/') && storageFailures < 3) {
        storageFailures++;
        if (storageFailures === 2) return new Response('{"statusCode":"503","error":"Service Unavailable","message":"busy"}', { status: 503 });
        throw new TypeError('fetch failed');
      }
      return fetch(input, init);
    };
    const kiosk = await startSyncKiosk({ stack: env.stack, backendFetch: flaky });
    try {
      const summary = await runInterview(kiosk, { turns: 2, recordingBytes: 2 * 1024 * 1024 });
      const sessionId = summary.session.id;
      await waitForSync(kiosk.service, (s) => drained(s) && kiosk.db.prepare('SELECT recording_path FROM interview_sessions WHERE id = ?').pluck().get(sessionId) !== null, 30_000, 'the recording to upload');
      await waitForSync(kiosk.service, drained, 20_000, 'the session row with its recording_path');
      assert.equal(storageFailures, 3);
      assert.ok(kiosk.logs.filter((l) => l.startsWith('sync attempt failed')).length >= 3, 'each failure was retried');
      const name = `${DEMO.tenantId}/${sessionId}.webm`;
      const objects = (await env.client.query(`select count(*)::int n from storage.objects where bucket_id = 'recordings' and name = $1`, [name])).rows[0].n;
      assert.equal(objects, 1);
      const file = await env.stack.gateway.objectFile('recordings', name);
      assert.equal(statSync(file!).size, 2 * 1024 * 1024);
      await assertSessionInPostgres(kiosk.db, env.client, sessionId);
    } finally {
      await kiosk.close();
    }
  });

  test('restart with a non-empty queue: it drains after start, nothing duplicated', async () => {
    const first = await startSyncKiosk({ stack: env.stack });
    const dataDir = first.dataDir;
    let sessionId = '';
    try {
      // The backend is down for the whole interview: everything stays queued.
      env.stack.gateway.faults.down = true;
      await env.stack.gateway.settled();
      const summary = await runInterview(first, { turns: 5 });
      sessionId = summary.session.id;
      const queued = await waitForSync(first.service, (s) => s.state === 'retrying' && s.pending > 0, 20_000, 'a failed attempt');
      assert.ok(queued.pending >= 11, `session + 10 entries queued (${queued.pending})`);
      assert.ok(queued.lastError, 'the error is visible');
    } finally {
      await first.stop(); // "kill": the service stops with the queue full
    }
    env.stack.gateway.faults.down = false;
    await env.stack.gateway.settled();
    assert.equal((await env.client.query('select count(*)::int n from transcript_entries where session_id = $1', [sessionId])).rows[0].n, 0);

    const second = await startSyncKiosk({ stack: env.stack, dataDir, signIn: false }); // signed in from the stored refresh token
    try {
      await waitForSync(second.service, drained, 30_000, 'the queue to drain after restart');
      await assertSessionInPostgres(second.db, env.client, sessionId);
      const n = (await env.client.query('select count(*)::int n from transcript_entries where session_id = $1', [sessionId])).rows[0].n;
      assert.equal(n, 10);
    } finally {
      await second.close();
    }
  });
});
