// The room view's main side against the real Postgres behind the gateway's Realtime: an observer follows two
// kiosks' states and one live transcript that ends identical to the kiosk's SQLite, in order, also when its
// socket is cut mid-interview (no gap, no duplicate); an observer of another tenant sees none of it; a device
// account cannot open the room view.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { KioskState, RoomTranscriptView, RoomView } from '../../../preload/contract';
import { DEMO } from '../../support/gateway/stack';
import { drained, runInterview, startSyncKiosk, useSeededStack, waitForSync, type SyncKiosk } from './support';

const env = useSeededStack();
const observer = { email: 'invigilator@demo.test', password: crypto.randomBytes(9).toString('base64url') };
const kiosk2 = { email: 'kiosk-2@demo.test', password: crypto.randomBytes(9).toString('base64url') };
const otherObserver = { email: 'invigilator@other.test', password: crypto.randomBytes(9).toString('base64url') };

async function createUsers(): Promise<void> {
  await env.stack.gateway.createDeviceUser(observer.email, observer.password, DEMO.tenantId, 'observer');
  await env.stack.gateway.createDeviceUser(kiosk2.email, kiosk2.password, DEMO.tenantId);
  const other = (await env.client.query<{ id: string }>(`insert into tenants (name) values ('Other centre') returning id`)).rows[0]!.id;
  await env.stack.gateway.createDeviceUser(otherObserver.email, otherObserver.password, other, 'observer');
}

/** A recruiter-side service signed in to the room view, recording every room/transcript push. */
async function openRoom(who: { email: string; password: string }) {
  const host = await startSyncKiosk({ stack: env.stack, signIn: false });
  const rooms: RoomView[] = [];
  const transcripts: RoomTranscriptView[] = [];
  host.service.events.on('room', (r) => rooms.push(r));
  host.service.events.on('roomTranscript', (t) => transcripts.push(t));
  await host.call('signInObserver', who);
  return { host, rooms, transcripts };
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function localEntries(k: SyncKiosk, sessionId: string) {
  return k.db.prepare(`SELECT id, seq, speaker, text, status FROM transcript_entries WHERE session_id = ? ORDER BY seq, id`).all(sessionId);
}

describe('room view (main side)', () => {
  before(createUsers);
  test('states of two kiosks, one live transcript identical to SQLite, a socket cut with no gap and no duplicate', async () => {
    const room = await openRoom(observer);
    const other = await openRoom(otherObserver);
    const k1 = await startSyncKiosk({ stack: env.stack, sync: { presenceHeartbeatMs: 500 } });
    const k2 = await startSyncKiosk({ stack: env.stack, device: kiosk2, sync: { presenceHeartbeatMs: 500 } });
    try {
      const seen = new Map<string, KioskState[]>();
      room.host.service.events.on('room', (r) => {
        for (const k of r.kiosks) {
          const list = seen.get(k.label) ?? [];
          if (list.at(-1) !== k.state) list.push(k.state);
          seen.set(k.label, list);
        }
      });
      await until('live', () => room.rooms.at(-1)?.live === true);
      await k1.call('reportKioskState', { state: 'pre_flight' });
      await k2.call('reportKioskState', { state: 'pre_flight' });
      await until('both in pre-flight', () => ['kiosk-1@demo.test', 'kiosk-2@demo.test'].every((l) => seen.get(l)?.includes('pre_flight')));

      let followedId = '';
      let missedDuringCut: string[] = [];
      let localAtCut = new Set<string>();
      const interview1 = runInterview(k1, {
        turns: 6,
        between: async (i) => {
          if (i === 2 && !followedId) {
            await until('kiosk 1 interviewing', () => room.rooms.at(-1)!.kiosks.some((k) => k.label === 'kiosk-1@demo.test' && k.state === 'interviewing' && k.sessionId));
            followedId = room.rooms.at(-1)!.kiosks.find((k) => k.label === 'kiosk-1@demo.test')!.sessionId!;
            await room.host.call('followSession', { sessionId: followedId });
            // A catch-up read still in flight at the cut would rightly bring rows committed after it: cut only
            // once the subscription is confirmed and its catch-up is done.
            await until('the followed transcript is live', () => room.host.service.room.transcriptCaughtUp());
          }
          if (i === 30) {
            // The observer's socket is cut mid-interview and held down while the kiosk goes on (a full turn) and
            // its entries reach Postgres: a gap that only the catch-up pull after the reconnect can fill.
            // Entries the kiosk's SQLite did not hold yet at the cut cannot have been sent to the observer live.
            env.stack.gateway.realtime.refusing = true;
            assert.ok(env.stack.gateway.realtime.dropConnections() >= 1);
            localAtCut = new Set(localEntries(k1, followedId).map((e: any) => e.id as string));
          }
          if (i === 60) {
            await until('the observer noticed the cut', () => room.rooms.at(-1)?.live === false);
            const onServer = async () => (await env.client.query<{ id: string }>('select id from transcript_entries where session_id = $1', [followedId])).rows.map((r) => r.id);
            const deadline = Date.now() + 15_000;
            while (!(await onServer()).some((id) => !localAtCut.has(id))) {
              if (Date.now() > deadline) throw new Error('no entry reached Postgres during the cut');
              await new Promise((r) => setTimeout(r, 20));
            }
            missedDuringCut = (await onServer()).filter((id) => !localAtCut.has(id));
            assert.ok(!room.transcripts.some((t) => t.entries.some((e) => missedDuringCut.includes(e.id))), 'nothing arrives while cut');
            env.stack.gateway.realtime.refusing = false;
          }
        },
      });
      k2.service.sync.setKioskState('help_requested');
      await until('help request seen', () => seen.get('kiosk-2@demo.test')?.includes('help_requested') === true);
      const summary2 = await runInterview(k2, { turns: 2 });
      const summary1 = await interview1;
      await waitForSync(k1.service, drained, 20_000, 'kiosk 1 drained');
      await waitForSync(k2.service, drained, 20_000, 'kiosk 2 drained');
      await until('both finished', () => ['kiosk-1@demo.test', 'kiosk-2@demo.test'].every((l) => seen.get(l)?.at(-1) === 'finished'));
      assert.deepEqual(seen.get('kiosk-1@demo.test')!.filter((s) => s !== 'idle'), ['pre_flight', 'interviewing', 'finished']);
      assert.ok(seen.get('kiosk-2@demo.test')!.includes('help_requested'));
      assert.equal(followedId, summary1.session.id);

      const want = localEntries(k1, summary1.session.id);
      const same = () => JSON.stringify(room.transcripts.at(-1)?.entries) === JSON.stringify(want);
      await until('the followed transcript equals SQLite', same, 20_000).catch(() => {
        assert.deepEqual(room.transcripts.at(-1)?.entries, want);
      });
      const last = room.transcripts.at(-1)!;
      assert.ok(missedDuringCut.length >= 1 && missedDuringCut.every((id) => last.entries.some((e) => e.id === id)), 'the gap was filled');
      assert.equal(new Set(last.entries.map((e) => e.id)).size, last.entries.length, 'no duplicate');
      assert.equal(last.warmUp, false, 'no warm-up outside kiosk mode: no line marked');
      assert.ok(want.length >= 12);
      assert.ok(room.transcripts.every((t) => t.sessionId === summary1.session.id));
      assert.ok(!room.transcripts.some((t) => t.entries.some((e) => localEntries(k2, summary2.session.id).some((x: any) => x.id === e.id))), 'kiosk 2 entries never in kiosk 1 transcript');

      // The other tenant's observer saw none of it.
      assert.ok(other.rooms.length >= 1);
      assert.ok(other.rooms.every((r) => r.kiosks.length === 0), 'observer of another tenant sees no kiosk');
      const peek = await other.host.result('followSession', { sessionId: summary1.session.id });
      assert.equal(peek.ok, true);
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(other.transcripts.every((t) => t.entries.length === 0), 'nor any entry of it');
    } finally {
      await k1.close();
      await k2.close();
      await room.host.close();
      await other.host.close();
    }
  });

  test('a long transcript synced in one go (one updated_at for thousands of rows) is read in full, each entry once, with its warm-up flag', { timeout: 60_000 }, async () => {
    // As a backlog after an outage arrives: 2,500 entries committed in one transaction, so they share updated_at
    // and fill more than one page of the catch-up read.
    const n = 2_500;
    const device = (await env.client.query<{ id: string }>('select id from auth.users where email = $1', [env.stack.device!.email])).rows[0]!.id;
    const sessionId = crypto.randomUUID();
    await env.client.query('begin');
    await env.client.query(`insert into interview_sessions (id, tenant_id, candidate_id, position_id, status, device_id, warm_up) values ($1, $2, $3, $4, 'in_progress', $5, true)`,
      [sessionId, DEMO.tenantId, DEMO.candidates[0], DEMO.positions[0], device]);
    await env.client.query(`insert into transcript_entries (id, tenant_id, session_id, seq, item_id, speaker, text, start_ms, status, device_id)
      select gen_random_uuid(), $1, $2, i, 'item_long_' || i, case when i % 2 = 0 then 'interviewer' else 'candidate' end, 'line ' || i, i * 1000, 'final', $3
        from generate_series(0, $4::int - 1) i`, [DEMO.tenantId, sessionId, device, n]);
    await env.client.query('commit');
    const room = await openRoom(observer);
    try {
      const shown = await room.host.call<RoomTranscriptView>('followSession', { sessionId });
      assert.equal(shown.entries.length, n);
      assert.equal(new Set(shown.entries.map((e) => e.id)).size, n, 'each entry once');
      assert.deepEqual(shown.entries.map((e) => e.seq), Array.from({ length: n }, (_, i) => i), 'in order');
      assert.equal(shown.warmUp, true, "the session's warm-up flag reaches the view (its lines are marked there)");
    } finally {
      await room.host.close();
    }
  });

  test('a device account cannot open the room view; bad input is refused', async () => {
    const host = await startSyncKiosk({ stack: env.stack, signIn: false });
    try {
      const r = await host.result('signInObserver', { email: env.stack.device!.email, password: env.stack.device!.password });
      assert.equal(r.ok, false);
      assert.match((r as { error: { message: string } }).error.message, /not an observer or reviewer/);
      const bad = await host.result('followSession', { sessionId: 'x' });
      assert.equal((bad as { error: { code: string } }).error.code, 'invalid_request');
    } finally {
      await host.close();
    }
  });
});
