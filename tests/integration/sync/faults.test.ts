// Acceptance under faults: a (time-compressed) 5-minute outage during an interview drains by itself afterwards
// with no loss and no duplicate; a lost answer after commit duplicates nothing; an expired token is refreshed;
// a poison row is quarantined and visible while the rows behind it sync; bad server answers (non-JSON body,
// wrong shape, 404 table) give clear errors and lose nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionView, SetupData, SyncStatus } from '../../../preload/contract';
import { scaledClock } from '../../../main/core/sync/engine';

import { OFFER_SDP } from '../core/realtime-stub';
import { assertSessionInPostgres, drained, interviewEvents, runInterview, startSyncKiosk, useSeededStack, waitForSync } from './support';

const env = useSeededStack();

const count = async (sessionId: string) =>
  (await env.client.query('select count(*)::int n, count(distinct item_id)::int d from transcript_entries where session_id = $1', [sessionId])).rows[0] as { n: number; d: number };

/** Resolves after `ms` of the given clock's time (the interview's pace, not a synchronisation). */
const pace = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('sync under faults', () => {
  test('a 5-minute outage (60× compressed) during an interview: the queue drains by itself afterwards, no loss, no duplicate', async () => {
    const SCALE = 60;
    const clock = scaledClock(SCALE);
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { clock, backoff: { stepsMs: [1_000], factor: 2, capMs: 60_000, jitter: [0.5, 1] }, wakeDelayMs: 50 } });
    try {
      const setup = await kiosk.call<SetupData>('getSetupData');
      const session = await kiosk.call<SessionView>('createSession', { candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });
      await kiosk.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
      const events = interviewEvents(16, 'outage');
      const third = Math.floor(events.length / 3);
      const report = (e: unknown) => kiosk.call('reportRealtimeEvent', { sessionId: session.id, direction: 'server', event: e });
      for (const e of events.slice(0, third)) await report(e);
      await waitForSync(kiosk.service, drained, 20_000, 'the first third to sync');
      const before = await count(session.id);
      assert.ok(before.n > 0);

      // Outage: 2.5 simulated minutes with the gateway down, then 2.5 minutes of 503s and held-then-dropped
      // requests; the interview goes on meanwhile, and ends, while the backend is still failing.
      const outageStart = clock.now();
      env.stack.gateway.faults.down = true;
      await env.stack.gateway.settled();
      const middle = events.slice(third, 2 * third);
      for (const e of middle) {
        await report(e);
        await pace(2_500 / middle.length);
      }
      env.stack.gateway.faults.down = false;
      await env.stack.gateway.settled();
      env.stack.gateway.faults = { status5xx: 1_000_000, status5xxCode: 503 };
      for (const e of events.slice(2 * third)) {
        await report(e);
        await pace(2_500 / (events.length - 2 * third));
      }
      await kiosk.call('endInterview', { sessionId: session.id, reason: 'operator' });
      // Between attempts (an attempt in flight has no next retry yet): the state a person would see most of the time.
      const during = await waitForSync(kiosk.service, (s) => s.state === 'retrying' && s.nextRetryAt !== null, 10_000, 'a retrying state with a retry scheduled');
      assert.ok(during.pending > 0, 'rows are queued during the outage');
      assert.match(during.lastError!.message, /could not be reached|HTTP 503/);
      assert.ok(during.nextRetryAt, 'the next retry is scheduled');
      assert.ok(clock.now() - outageStart >= 5 * 60_000, `the outage lasted 5 simulated minutes (${Math.round((clock.now() - outageStart) / 1000)} s)`);
      const failures = kiosk.logs.filter((l) => l.startsWith('sync attempt failed')).length;
      assert.ok(failures >= 5, `retried with backoff during the outage (${failures} failed attempts)`);
      // Backoff is capped: no delay in the log exceeds the 60 s cap.
      const delays = kiosk.logs.flatMap((l) => /next try in (\d+) ms/.exec(l)?.[1] ?? []).map(Number);
      assert.ok(delays.every((d) => d <= 60_000) && delays.some((d) => d > 10_000), `delays ${delays.join(',')}`);

      // The backend recovers. No local write follows: the engine's own timer must drain the queue.
      env.stack.gateway.faults = {};
      const status = await waitForSync(kiosk.service, drained, 20_000, 'the queue to drain by itself');
      assert.equal(status.quarantined.length, 0);
      const { entries } = await assertSessionInPostgres(kiosk.db, env.client, session.id);
      assert.equal(entries, 32);
      const after = await count(session.id);
      assert.deepEqual(after, { n: 32, d: 32 }, 'no loss, no duplicate');
    } finally {
      env.stack.gateway.faults = {};
      await kiosk.close();
    }
  });

  test('the answer is lost after the commit: the retry duplicates nothing', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { limits: { rows: 4 } } });
    try {
      env.stack.gateway.faults = { resetAfterCommit: 3 };
      const summary = await runInterview(kiosk, { turns: 6 });
      await waitForSync(kiosk.service, drained, 20_000, 'the queue to drain');
      const dropped = env.stack.gateway.log.filter((r) => r.status === 'dropped').length;
      assert.ok(dropped >= 3, `three answers were dropped after commit (${dropped})`);
      assert.ok(kiosk.logs.some((l) => l.startsWith('sync attempt failed')), 'the engine saw the lost answers as failures');
      await assertSessionInPostgres(kiosk.db, env.client, summary.session.id);
      assert.deepEqual(await count(summary.session.id), { n: 12, d: 12 });
      assert.equal((await env.client.query('select count(*)::int n from interview_sessions where id = $1', [summary.session.id])).rows[0].n, 1);
    } finally {
      env.stack.gateway.faults = {};
      await kiosk.close();
    }
  });

  test('an expired access token is refreshed and the upload retried', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack });
    try {
      env.stack.gateway.faults.expireTokens = true;
      const summary = await runInterview(kiosk, { turns: 3 });
      await waitForSync(kiosk.service, drained, 20_000, 'the queue to drain');
      await assertSessionInPostgres(kiosk.db, env.client, summary.session.id);
      const refreshes = env.stack.gateway.log.filter((r) => r.path.startsWith('/auth/v1/token') && r.status === 200).length;
      assert.ok(refreshes >= 2, `signed in, then refreshed (${refreshes} token answers)`);
      assert.ok(env.stack.gateway.log.some((r) => r.status === 401), 'a request was refused with 401 first');
    } finally {
      env.stack.gateway.faults = {};
      await kiosk.close();
    }
  });

  test('a poison row is quarantined with its error and shown; the rows behind it still sync', async () => {
    const kiosk = await startSyncKiosk({ stack: env.stack, sync: { limits: { rows: 50 } } });
    try {
      const setup = await kiosk.call<SetupData>('getSetupData');
      const session = await kiosk.call<SessionView>('createSession', { candidateId: setup.candidates[1]!.id, positionId: setup.positions[1]!.id, recordingConsent: false });
      await kiosk.call('startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
      const events = interviewEvents(6, 'poison');
      // One candidate turn whose transcript is longer than the server's size check (50 000 characters) allows:
      // SQLite keeps it; Postgres refuses it for good (23514). (An over-long item id no longer works as poison:
      // the reducer refuses ids of the wrong shape before anything is stored.)
      const poisonId = 'item_poison_u2';
      const poisoned = events.map((e: any) =>
        e.type === 'conversation.item.input_audio_transcription.completed' && e.item_id === poisonId ? { ...e, transcript: 'word '.repeat(12_000) } : e,
      ) as typeof events;
      for (const e of poisoned) await kiosk.call('reportRealtimeEvent', { sessionId: session.id, direction: 'server', event: e });
      // The interview is still open: a finished session's transcript is frozen on the server, so a row can only be
      // fixed and re-sent while its session runs.
      const status = await waitForSync(kiosk.service, (s) => s.pending === 0 && s.state === 'idle' && s.quarantined.length === 1, 20_000, 'one quarantined row');
      const q = status.quarantined[0]!;
      assert.equal(q.kind, 'entry');
      assert.equal(q.code, '23514');
      assert.match(q.error, /check constraint|violates/i);
      assert.equal(q.sessionId, session.id);
      const local = kiosk.db.prepare('SELECT id FROM transcript_entries WHERE item_id = ?').pluck().get(poisonId);
      assert.equal(q.rowId, local);
      // Everything else arrived; the poison row is still in SQLite, not in Postgres.
      assert.deepEqual(await count(session.id), { n: 11, d: 11 });
      assert.equal((await env.client.query('select count(*)::int n from transcript_entries where item_id = $1', [poisonId])).rows[0].n, 0);
      // Shown through the API as well; a retry by the operator tries again and it is quarantined again.
      const shown = await kiosk.call<SyncStatus>('getSyncStatus');
      assert.equal(shown.quarantined.length, 1);
      const retried = await kiosk.call<SyncStatus>('retryQuarantined', { ids: [q.id] });
      assert.equal(retried.quarantined.length, 1);
      assert.equal(retried.quarantined[0]!.attempts, 1, 'attempts count again after an operator retry');
      // Fixing the row locally (a new write) puts it back in the queue and it syncs.
      kiosk.db.prepare('UPDATE transcript_entries SET text = ? WHERE id = ?').run('A short answer after all.', local);
      await kiosk.service.sync.engine.syncNow();
      const fixed = await waitForSync(kiosk.service, (s) => drained(s) && s.quarantined.length === 0, 20_000, 'the fixed row to sync');
      assert.equal(fixed.quarantined.length, 0);
      assert.deepEqual(await count(session.id), { n: 12, d: 12 });
      await kiosk.call('endInterview', { sessionId: session.id, reason: 'operator' });
      await waitForSync(kiosk.service, drained, 20_000, 'the finished session to sync');
      assert.equal((await env.client.query('select status from interview_sessions where id = $1', [session.id])).rows[0].status, 'completed');
    } finally {
      await kiosk.close();
    }
  });

  test('bad server answers (non-JSON body, wrong shape, 404 table) give clear errors and lose nothing', async () => {
    let mode: 'html' | 'shape' | 'table404' | 'none' = 'none';
    const faulty: typeof fetch = async (input, init) => {
      const url = String(input);
      if (mode !== 'none' && url.includes('/rest/v1/')) {
        if (mode === 'html') return new Response('<html><body>Welcome to the hotel Wi-Fi</body></html>', { status: 200, headers: { 'content-type': 'text/html' } });
        if (mode === 'shape') return new Response(JSON.stringify({ ok: true, rows: 'all of them' }), { status: 201, headers: { 'content-type': 'application/json' } });
        return new Response(JSON.stringify({ code: 'PGRST205', details: null, hint: null, message: "Could not find the table 'public.transcript_entries' in the schema cache" }), { status: 404, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    const kiosk = await startSyncKiosk({ stack: env.stack, backendFetch: faulty });
    try {
      const expectations = [
        ['html', /not a valid Supabase response.*non-JSON body.*hotel Wi-Fi/],
        ['shape', /not a valid Supabase response.*expected an array/],
        ['table404', /no such table \(PGRST205.*Is the Supabase project migrated/],
      ] as const;
      const sessions: string[] = [];
      for (const [m, message] of expectations) {
        mode = m;
        const summary = await runInterview(kiosk, { turns: 2 });
        sessions.push(summary.session.id);
        const s = await waitForSync(kiosk.service, (x) => x.state === 'retrying' && x.lastError !== null, 20_000, `a ${m} failure`);
        assert.match(s.lastError!.message, message);
        assert.equal(s.quarantined.length, 0, `${m}: nothing quarantined`);
        assert.ok(s.pending >= 5, `${m}: the rows stay queued (${s.pending})`);
        mode = 'none';
        await kiosk.service.sync.engine.syncNow();
        await waitForSync(kiosk.service, drained, 20_000, `the queue to drain after ${m}`);
      }
      for (const id of sessions) {
        await assertSessionInPostgres(kiosk.db, env.client, id);
        assert.deepEqual(await count(id), { n: 4, d: 4 });
      }
      // A wrong shape in a pull is refused too: nothing written, the cursor stays.
      const cursorBefore = kiosk.db.prepare(`SELECT value FROM sync_state WHERE key = 'pull:tenants'`).pluck().get();
      mode = 'shape';
      await kiosk.call('syncNow');
      const s = await kiosk.call<SyncStatus>('getSyncStatus');
      assert.match(s.lastError!.message, /pulling tenants/);
      assert.equal(kiosk.db.prepare(`SELECT value FROM sync_state WHERE key = 'pull:tenants'`).pluck().get(), cursorBefore);
      mode = 'none';
    } finally {
      mode = 'none';
      await kiosk.close();
    }
  });
});
